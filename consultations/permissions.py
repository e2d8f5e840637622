"""Who may act on a consultation request. Visibility (who may see it at all) is the
selectors' job: these checks run on requests the actor can already see."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from accounts.roles import is_alliance_admin, is_consultant_user, is_program_user
from consultations.models import ConsultationRequest
from consultations.selectors import request_get
from directory.models import Consultant, ProgramMembership
from directory.permissions import is_program_member


def listing_of(user) -> Consultant | None:
    """The consultant listing of a consultant user, or None."""
    if not is_consultant_user(user):
        return None
    return Consultant.objects.filter(user=user).first()


def is_assigned_consultant(user, consultation: ConsultationRequest) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and consultation.consultant_id is not None
        and consultation.consultant.user_id == user.pk
    )


def can_request_consultation(user) -> bool:
    return is_program_user(user)


def can_offer_requests(user) -> bool:
    return is_alliance_admin(user)


def can_withdraw_request(user, consultation: ConsultationRequest) -> bool:
    return is_program_user(user) and consultation.program_id in member_program_ids(user)


def can_close_request(user, consultation: ConsultationRequest) -> bool:
    return is_alliance_admin(user) or is_assigned_consultant(user, consultation)


def can_log_contact(user, consultation: ConsultationRequest) -> bool:
    return is_assigned_consultant(user, consultation)


def _is_member(user, consultation: ConsultationRequest, member_of: frozenset[int] | None) -> bool:
    if member_of is not None:  # the viewer's program ids, looked up once for a whole list
        return consultation.program_id in member_of
    return is_program_member(user, consultation.program)


def can_see_program_contacts(
    user, consultation: ConsultationRequest, *, member_of: frozenset[int] | None = None
) -> bool:
    """A program's address, phone and email: its staff, admins, and the consultant it is
    offered to or assigned to (only through an offer)."""
    return (
        is_alliance_admin(user)
        or _is_member(user, consultation, member_of)
        or (
            is_assigned_consultant(user, consultation)
            and consultation.status
            in (ConsultationRequest.Status.OFFERED, ConsultationRequest.Status.ACTIVE)
        )
    )


def can_see_child_demographics(user, consultation: ConsultationRequest) -> bool:
    """A child's consented demographics: the Alliance, and the consultant who accepted the
    engagement (not one it is merely offered to, nor the program's other staff). Reports
    show them only aggregated and suppressed (consultations.funder_report)."""
    return is_alliance_admin(user) or (
        is_assigned_consultant(user, consultation)
        and consultation.status
        in (ConsultationRequest.Status.ACTIVE, ConsultationRequest.Status.CLOSED)
    )


def can_see_consultant_contacts(
    user, consultation: ConsultationRequest, *, member_of: frozenset[int] | None = None
) -> bool:
    """A consultant's private email and phone reach the program only once they accept."""
    if is_alliance_admin(user) or is_assigned_consultant(user, consultation):
        return True
    return consultation.status in (
        ConsultationRequest.Status.ACTIVE,
        ConsultationRequest.Status.CLOSED,
    ) and _is_member(user, consultation, member_of)


def member_program_ids(user) -> frozenset[int]:
    """The ids of the programs a user staffs (empty for anyone else): read once per user
    object, i.e. once per HTTP request (the permission check and the answer share it)."""
    if not is_program_user(user):
        return frozenset()
    if not hasattr(user, "_member_program_ids"):
        user._member_program_ids = frozenset(
            ProgramMembership.objects.filter(user=user).values_list("program_id", flat=True)
        )
    return user._member_program_ids


def access_consultation(
    user,
    pk,
    *,
    may: Callable[[object, ConsultationRequest], bool] | None = None,
    denied: str = "",
    detailed: bool = True,
    only=None,
) -> ConsultationRequest:
    """Fetch and authorize in one step, for every view: the request `pk` if `user` may see it,
    else 404 (the same answer for a request that does not exist and for one that is not
    theirs); then, with `may`, 403 (`denied`) unless `may(user, consultation)`.

    The views hand the request to the service, which locks and re-reads it once."""
    consultation = request_get(user=user, pk=pk, detailed=detailed, only=only)
    if may is not None and not may(user, consultation):
        raise PermissionDenied(denied)
    return consultation
