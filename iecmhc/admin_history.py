"""The audit trail in the Django admin: read, never written."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class AuditTrailAdmin(SimpleHistoryAdmin):
    """Adds the "History" pages (who changed what, when) to a model's admin.

    A past version is shown, never restored: django-simple-history's version page saves a
    POST even with reverting switched off, and restoring a version would bypass the services
    (a request's status, its events and the consultant's caseload would disagree).
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("The audit trail is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
