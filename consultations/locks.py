"""The row locks of the workflow's services (consultations.services), and the one read they
make of each row they change: under the lock, never an unlocked re-read.

Services that lock a consultant and a request lock the consultant first, so two of them can
never wait on each other. The locks are FOR NO KEY UPDATE: they serialise the services but let
inserts that merely reference the row (an event naming the consultant) through, which a plain
FOR UPDATE would turn into a deadlock.

A service is handed either the request its caller read (a page, the admin) or, from the API,
only its key (`unread_request`): then the lock's read is also the visibility check (404 for a
request the actor may not see, as the API answers before anything else), so the request is
read once per call, not twice (issue 19).
"""

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from consultations import matching
from consultations.models import ConsultationRequest
from consultations.selectors import contact_minutes, request_get, visible_to
from directory.models import Consultant, ProgramMembership

NOT_FOUND = _("No such request.")


def unread_request(user, pk) -> ConsultationRequest:
    """The request `pk` by its key alone, for a service that reads it under its lock and
    answers 404 there unless `user` may see it (selectors.visible_to)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        key = 0
    if not 0 < key < 2**63:  # no such key: 404 at once, as a read would answer
        raise Http404(NOT_FOUND)
    request = ConsultationRequest(pk=key)
    request.unread_for = user
    return request


def is_unread(consultation: ConsultationRequest) -> bool:
    return hasattr(consultation, "unread_for")


def refuse(actor, consultation: ConsultationRequest, message) -> None:
    """Refuse `actor` (403 with `message`); for a request they were never shown (the API
    handed the service its key), 404 first if they may not see it at all."""
    if is_unread(consultation):
        request_get(user=consultation.unread_for, pk=consultation.pk, detailed=False)
    raise PermissionDenied(message)


def _staff_of_program():
    """The request's program's staff (address, language) as one column of the request's row:
    PostgreSQL only (elsewhere selectors.program_recipients reads them)."""
    staff = (
        ProgramMembership.objects.filter(program_id=OuterRef("program_id"))
        .order_by("pk")
        .values(contact=JSONObject(email="user__email", language="user__preferred_language"))
    )
    return ArraySubquery(staff)


def lock_request(
    consultation: ConsultationRequest,
    *,
    declined_by: int | None = None,
    staff: bool = False,
    minutes: bool = False,
    **annotations,
) -> ConsultationRequest:
    """Lock the request's row and read it: the one read a service makes of it, with what the
    API's answer and the emails show (so neither reads it again); with `declined_by`, whether
    that consultant declined it before (`declined_before`); with `staff`, on PostgreSQL, the
    program's staff the emails go to (program.staff_users); with `minutes`, the minutes of
    its contacts (`contact_minutes`, what a closed request shows); and any `annotations`."""
    locked = ConsultationRequest.objects.select_for_update(of=("self",), no_key=True)
    if is_unread(consultation):
        locked = visible_to(locked, consultation.unread_for)
    if declined_by is not None:
        locked = locked.annotate(declined_before=matching.declined_by(declined_by))
    if minutes:
        locked = locked.annotate(contact_minutes=contact_minutes())
    if annotations:
        locked = locked.annotate(**annotations)
    staff = staff and connection.vendor == "postgresql"
    if staff:
        locked = locked.annotate(program_staff=_staff_of_program())
    locked = locked.select_related(
        "program__county", "consultant__user", "preferred_language", "created_by"
    )
    try:
        read = locked.get(pk=consultation.pk)
    except ConsultationRequest.DoesNotExist:
        if is_unread(consultation):
            raise Http404(NOT_FOUND) from None
        raise
    if staff:
        User = get_user_model()
        read.program.staff_users = [
            User(email=s["email"], preferred_language=s["language"]) for s in read.program_staff
        ]
    return read


def lock_consultant(pk: int | None = None, *, user=None) -> Consultant:
    """Lock a consultant's row and read it: by its key, or (`user`) the listing of a
    consultant user (Consultant.DoesNotExist if there is none)."""
    locked = Consultant.objects.select_for_update(of=("self",), no_key=True).select_related("user")
    return locked.get(user=user) if user is not None else locked.get(pk=pk)
