"""Who may do what in the directory: predicates the services enforce, and DRF classes."""

from accounts.roles import is_alliance_admin, is_consultant_user, is_program_user
from directory.models import Consultant, Program


def can_review_listings(user) -> bool:
    return is_alliance_admin(user)


def can_create_consultant(user) -> bool:
    return is_consultant_user(user)


def is_listing_owner(user, consultant: Consultant) -> bool:
    return bool(user is not None and user.is_authenticated and consultant.user_id == user.pk)


def can_edit_consultant(user, consultant: Consultant) -> bool:
    return is_listing_owner(user, consultant) or is_alliance_admin(user)


def can_view_consultant_private(user, consultant: Consultant) -> bool:
    """The listing's private contacts, review history and any status: owner and admins."""
    return can_edit_consultant(user, consultant)


def can_create_program(user) -> bool:
    return is_program_user(user)


def is_program_member(user, program: Program) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return program.memberships.filter(user=user).exists()


def can_edit_program(user, program: Program) -> bool:
    return is_alliance_admin(user) or is_program_member(user, program)
