"""Who a user is in the domain. One place, so every check agrees."""

from typing import Literal

REVIEW_LISTINGS_PERMISSION = "directory.review_consultant"

RoleName = Literal["program", "consultant", "admin"] | None


def is_alliance_admin(user) -> bool:
    """Staff of the Alliance: active staff users allowed to review listings."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(REVIEW_LISTINGS_PERMISSION)
    )


def is_program_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role == "program")


def is_consultant_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role == "consultant")


def user_role(user) -> RoleName:
    """The role the API reports for a user: admin wins over a registered role."""
    if is_alliance_admin(user):
        return "admin"
    return user.role or None
