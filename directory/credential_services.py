"""Every write to a consultant's credentials and renewal ledger (docs/domain.md, "Credentials").

- The Alliance verifies each credential (who and when) as part of approving the listing
  (`credentials_verify`, called by directory.services.consultant_approve). An admin who edits a
  credential vouches for it at once.
- The owner's change to a verified credential clears its verification and sends an approved
  listing back to review (`licence_changed`, from consultant_update; `endorsement_set`).
- The owner logs reflective supervision/consultation and training in the ledger.
- `credential_reminders_send` (a periodic job, directory.tasks) emails the consultant 60 and
  14 days before a licence expiry or renewal date and the Alliance at lapse, each once.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.credentials import (
    LAPSED,
    REMINDER_DAYS,
    ConsultantEndorsement,
    CredentialReminder,
    reminder_due,
)
from directory.ledger import LedgerEntry
from directory.models import Consultant, ListingDecision
from directory.permissions import can_edit_consultant, can_review_listings, is_listing_owner
from directory.vocabularies import EndorsementStatus, LedgerKind
from iecmhc.emails import send_templated_email

LICENSE_FIELDS = frozenset({"license_type", "license_state", "license_number", "license_expires"})
Status = Consultant.ListingStatus
# Lapses older than this are not reported (the first run after an upgrade stays quiet).
LAPSE_REPORT_DAYS = 60


def _lock(consultant: Consultant) -> Consultant:
    return Consultant.objects.select_for_update().select_related("user").get(pk=consultant.pk)


def _return_to_review(consultant: Consultant, *, actor, what: str) -> None:
    """An owner's change to a verified credential of an approved listing: back to review."""
    from directory.services import _notify_alliance_review_needed, _record_decision

    consultant.listing_status = Status.PENDING
    consultant.submitted_at = timezone.now()
    consultant.save(update_fields=["listing_status", "submitted_at", "updated_at"])
    _record_decision(
        consultant,
        actor=actor,
        action=ListingDecision.Action.RETURNED_TO_REVIEW,
        from_status=Status.APPROVED,
        reason=f"Changed: {what}",
    )
    _notify_alliance_review_needed(consultant, edited=True)


def licence_changed(consultant: Consultant, *, actor, changed: set[str]) -> None:
    """consultant_update's hook, before it saves: a changed licence is verified again, by the
    admin who made the change or at the next approval."""
    if not changed & LICENSE_FIELDS:
        return
    if can_review_listings(actor):
        consultant.license_verified_at, consultant.license_verified_by = timezone.now(), actor
    else:
        consultant.license_verified_at, consultant.license_verified_by = None, None


def credentials_verify(consultant: Consultant, *, actor) -> None:
    """The approving admin verifies every credential not yet verified (called under the
    listing's lock by consultant_approve)."""
    now = timezone.now()
    if consultant.license_verified_at is None and consultant.license_type != "none":
        # Who and when are the record (the approval is in the listing's audit trail already).
        consultant.license_verified_at, consultant.license_verified_by = now, actor
        Consultant.objects.filter(pk=consultant.pk).update(
            license_verified_at=now, license_verified_by=actor
        )
    consultant.endorsements.filter(verified_at__isnull=True).update(
        verified_at=now, verified_by=actor
    )


@transaction.atomic
def endorsement_set(
    *,
    actor,
    consultant: Consultant,
    category: str,
    status: str,
    number: str = "",
    renewal_date: date | None = None,
) -> ConsultantEndorsement:
    """Add an endorsement to a listing or change one (by category). The owner's change to a
    verified one, or a new one on an approved listing, sends the listing back to review."""
    if not can_edit_consultant(actor, consultant):
        raise PermissionDenied(_("Only the listing's owner or an Alliance admin may edit it."))
    consultant = _lock(consultant)
    endorsement = consultant.endorsements.filter(category=category).first()
    endorsement = endorsement or ConsultantEndorsement(consultant=consultant, category=category)
    before = {f: getattr(endorsement, f) for f in ConsultantEndorsement.VERIFIED_FIELDS}
    endorsement.status, endorsement.number = status, (number or "").strip()
    endorsement.renewal_date = renewal_date
    if status == EndorsementStatus.ENDORSED and renewal_date is None:
        raise ValidationError({"renewal_date": [_("Give the endorsement's renewal date.")]})
    endorsement.full_clean(exclude=["consultant"], validate_unique=False)
    after = {f: getattr(endorsement, f) for f in ConsultantEndorsement.VERIFIED_FIELDS}
    if before == after and endorsement.pk:
        return endorsement
    if can_review_listings(actor):
        endorsement.verified_at, endorsement.verified_by = timezone.now(), actor
    else:
        endorsement.verified_at, endorsement.verified_by = None, None
    endorsement.save()
    if is_listing_owner(actor, consultant) and consultant.listing_status == Status.APPROVED:
        _return_to_review(consultant, actor=actor, what=f"endorsement {category}")
    return endorsement


@transaction.atomic
def endorsement_remove(*, actor, consultant: Consultant, category: str) -> None:
    """Take an endorsement off a listing (nothing to verify: the listing stays as it is)."""
    if not can_edit_consultant(actor, consultant):
        raise PermissionDenied(_("Only the listing's owner or an Alliance admin may edit it."))
    consultant = _lock(consultant)
    deleted, _rows = consultant.endorsements.filter(category=category).delete()
    if not deleted:
        raise ValidationError({"category": [_("The listing has no such endorsement.")]})


# --- the ledger --------------------------------------------------------------------------------


@transaction.atomic
def ledger_entry_add(*, actor, consultant: Consultant, **fields) -> LedgerEntry:
    """The consultant logs reflective supervision/consultation or a training."""
    if not is_listing_owner(actor, consultant):
        raise PermissionDenied(_("Only the consultant may write in their ledger."))
    entry = LedgerEntry(consultant=consultant, **fields)
    errors = {}
    if entry.date and entry.date > timezone.localdate():
        errors["date"] = [_("An entry cannot be in the future.")]
    if entry.kind == LedgerKind.RSC:
        entry.title = ""
        if not entry.supervision_format:
            errors["supervision_format"] = [_("Say whether it was individual or group.")]
        if not (entry.supervisor_name or "").strip():
            errors["supervisor_name"] = [_("Give the supervisor's name.")]
    elif entry.kind == LedgerKind.TRAINING:
        entry.supervision_format, entry.supervisor_name = "", ""
        if not (entry.title or "").strip():
            errors["title"] = [_("Give the training's title.")]
    if errors:
        raise ValidationError(errors)
    entry.supervisor_name, entry.title = entry.supervisor_name.strip(), entry.title.strip()
    entry.full_clean(exclude=["consultant"])
    entry.save()
    return entry


@transaction.atomic
def ledger_entry_delete(*, actor, entry: LedgerEntry) -> None:
    if not is_listing_owner(actor, entry.consultant):
        raise PermissionDenied(_("Only the consultant may write in their ledger."))
    LedgerEntry.objects.filter(pk=entry.pk).delete()


# --- reminders ---------------------------------------------------------------------------------


def _deadlines(today: date):
    """(consultant, credential, label, deadline) for every licence expiry and endorsed renewal
    date within the reminder window: up to REMINDER_DAYS ahead, or lapsed recently."""
    window = (today - timedelta(days=LAPSE_REPORT_DAYS), today + timedelta(max(REMINDER_DAYS)))
    public = ~models.Q(listing_status=Status.DRAFT)
    for c in Consultant.objects.filter(public, license_expires__range=window).select_related(
        "user"
    ):
        yield c, "license", c.get_license_type_display(), c.license_expires
    endorsements = ConsultantEndorsement.objects.filter(
        ~models.Q(consultant__listing_status=Status.DRAFT),
        status=EndorsementStatus.ENDORSED,
        renewal_date__range=window,
    ).select_related("consultant__user")
    for e in endorsements:
        yield e.consultant, f"endorsement:{e.category}", e.get_category_display(), e.renewal_date


def credential_reminders_send(*, today: date | None = None) -> int:
    """Send each reminder that is due and not yet sent (CredentialReminder remembers them);
    returns how many went. Safe to run any number of times."""
    today = today or timezone.localdate()
    sent = 0
    for consultant, credential, label, deadline in _deadlines(today):
        step = reminder_due(deadline, today)
        if step is None:
            continue
        try:
            with transaction.atomic():
                CredentialReminder.objects.create(
                    consultant=consultant, credential=credential, deadline=deadline, step=step
                )
                context = {"consultant": consultant, "credential": label, "deadline": deadline}
                if step == LAPSED:
                    send_templated_email(
                        to=settings.ALLIANCE_NOTIFY_EMAIL,
                        template="credential_lapsed",
                        context=context,
                    )
                else:
                    send_templated_email(
                        to=consultant.contact_email or consultant.user.email,
                        template="credential_reminder",
                        context={**context, "days": (deadline - today).days},
                    )
        except IntegrityError:
            continue  # sent already
        sent += 1
    return sent
