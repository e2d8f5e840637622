"""DRF permission classes shared by every app's API."""

from rest_framework import permissions

from accounts.roles import is_alliance_admin


class IsAllianceAdmin(permissions.BasePermission):
    message = "Only Alliance admins may do this."

    def has_permission(self, request, view):
        return is_alliance_admin(request.user)
