"""Every write to the directory: listings and their review, programs, reference data."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.i18n import language_for
from accounts.roles import is_alliance_admin
from directory import geo
from directory.credential_services import credentials_verify, licence_changed
from directory.models import Consultant, County, ListingDecision, Program, ProgramMembership
from directory.permissions import (
    can_create_consultant,
    can_create_program,
    can_edit_consultant,
    can_edit_program,
    can_review_listings,
    is_listing_owner,
)
from directory.selectors import county_for_place, served_states
from directory.vocabularies import Modality
from iecmhc.emails import send_templated_email
from iecmhc.exceptions import StateConflict

Status = Consultant.ListingStatus
Action = ListingDecision.Action

CONSULTANT_M2M_FIELDS = ("languages", "counties_served")
PROGRAM_M2M_FIELDS = ("languages",)


def _split_m2m(fields: dict, names: Iterable[str]) -> tuple[dict, dict]:
    plain = {k: v for k, v in fields.items() if k not in names}
    m2m = {k: list(v) for k, v in fields.items() if k in names}
    return plain, m2m


def _place_for_zip(zip_code: str, *, field: str) -> geo.ZipPlace:
    place = geo.zip_lookup(zip_code)
    if place is None:
        raise ValidationError(
            {field: [_("%(zip)s is not a known US ZIP code.") % {"zip": zip_code}]}
        )
    return place


def _set_consultant_base(consultant: Consultant) -> None:
    place = _place_for_zip(consultant.base_zip, field="base_zip")
    consultant.base_state = place.state
    consultant.base_latitude = place.latitude
    consultant.base_longitude = place.longitude


def _clean(instance, *, exclude: Iterable[str] = ()) -> None:
    """Model validation (field validators, choices, lengths) without the uniqueness checks,
    which the services report as conflicts instead."""
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=True)


def _record_decision(consultant, *, actor, action, from_status, reason="") -> ListingDecision:
    return ListingDecision.objects.create(
        consultant=consultant,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=consultant.listing_status,
        reason=reason,
    )


def _notify_alliance_review_needed(consultant: Consultant, *, edited: bool) -> None:
    send_templated_email(
        to=settings.ALLIANCE_NOTIFY_EMAIL,
        template="listing_review_needed",
        context={"consultant": consultant, "edited": edited},
    )


@transaction.atomic
def consultant_create(*, actor, **fields) -> Consultant:
    """Create the actor's listing as a draft. One listing per consultant user (409)."""
    if not can_create_consultant(actor):
        raise PermissionDenied(_("Only consultant accounts can create a listing."))
    if Consultant.objects.filter(user=actor).exists():
        raise StateConflict(_("You already have a listing; edit it instead."))
    plain, m2m = _split_m2m(fields, CONSULTANT_M2M_FIELDS)
    consultant = Consultant(user=actor, listing_status=Status.DRAFT, **plain)
    _set_consultant_base(consultant)
    _clean(consultant, exclude=["user"])
    try:
        with transaction.atomic():
            consultant.save()
    except IntegrityError:
        # A concurrent request created the listing between our check and our insert.
        raise StateConflict(_("You already have a listing; edit it instead.")) from None
    for name, values in m2m.items():
        getattr(consultant, name).set(values)
    return consultant


def _same(current, new) -> bool:
    """Equal values; code lists compare as sets (their order means nothing)."""
    if isinstance(current, list) and isinstance(new, list | tuple | set):
        return set(current) == set(new)
    return current == new


def _m2m_changed(instance, name: str, values: list) -> bool:
    current = set(getattr(instance, name).values_list("pk", flat=True))
    return current != {getattr(v, "pk", v) for v in values}


@transaction.atomic
def consultant_update(*, actor, consultant: Consultant, **fields) -> Consultant:
    """Edit a listing (owner or admin). An owner's change to a public field of an approved
    listing sends it back to review."""
    if not can_edit_consultant(actor, consultant):
        raise PermissionDenied(_("Only the listing's owner or an Alliance admin may edit it."))
    if "brief_team" in fields and not is_alliance_admin(actor):
        raise PermissionDenied(_("Only the Alliance puts a consultant on the brief team."))
    consultant = Consultant.objects.select_for_update().get(pk=consultant.pk)
    plain, m2m = _split_m2m(fields, CONSULTANT_M2M_FIELDS)
    changed = {name for name, value in plain.items() if not _same(getattr(consultant, name), value)}
    changed |= {name for name, values in m2m.items() if _m2m_changed(consultant, name, values)}
    for name, value in plain.items():
        setattr(consultant, name, value)
    if "base_zip" in changed:
        _set_consultant_base(consultant)
    licence_changed(consultant, actor=actor, changed=changed)
    _clean(consultant, exclude=["user"])

    returned_to_review = (
        is_listing_owner(actor, consultant)
        and consultant.listing_status == Status.APPROVED
        and bool(changed & Consultant.PUBLIC_FIELDS)
    )
    if returned_to_review:
        consultant.listing_status = Status.PENDING
        consultant.submitted_at = timezone.now()
    consultant.save()
    for name, values in m2m.items():
        getattr(consultant, name).set(values)
    if returned_to_review:
        _record_decision(
            consultant,
            actor=actor,
            action=Action.RETURNED_TO_REVIEW,
            from_status=Status.APPROVED,
            reason="Changed: " + ", ".join(sorted(changed & Consultant.PUBLIC_FIELDS)),
        )
        _notify_alliance_review_needed(consultant, edited=True)
    return consultant


def _lock_for_transition(consultant: Consultant, *, allowed_from: Iterable[str], verb: str):
    locked = Consultant.objects.select_for_update().get(pk=consultant.pk)
    if locked.listing_status not in allowed_from:
        raise StateConflict(
            f"A {locked.get_listing_status_display().lower()} listing cannot be {verb}."
        )
    return locked


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason; the consultant will read it.")]})
    return reason


def listing_missing_fields(consultant: Consultant) -> dict[str, list[str]]:
    """What a listing still lacks before the Alliance can review it."""
    missing = {}
    if not consultant.bio.strip():
        missing["bio"] = [_("Describe your background and approach.")]
    if not consultant.languages.exists():
        missing["languages"] = [_("Name at least one language you consult in.")]
    if not consultant.modalities:
        missing["modalities"] = [_("Choose on site, virtual or both.")]
    if not consultant.specialties:
        missing["specialties"] = [_("Choose at least one specialty.")]
    if not consultant.setting_types:
        missing["setting_types"] = [_("Choose at least one setting you work with.")]
    if not consultant.counties_served.exists() and Modality.VIRTUAL not in consultant.modalities:
        missing["counties_served"] = [_("Name the counties you serve, or offer virtual work.")]
    if not (consultant.public_email or consultant.public_phone):
        missing["public_email"] = [_("Give programs a public email address or phone number.")]
    return missing


@transaction.atomic
def consultant_submit(*, actor, consultant: Consultant) -> Consultant:
    """Owner sends a draft or rejected listing for review: draft|rejected -> pending."""
    if not is_listing_owner(actor, consultant):
        raise PermissionDenied(_("Only the listing's owner may submit it for review."))
    consultant = _lock_for_transition(
        consultant, allowed_from=(Status.DRAFT, Status.REJECTED), verb="submitted for review"
    )
    missing = listing_missing_fields(consultant)
    if missing:
        raise ValidationError(missing)
    from_status = consultant.listing_status
    consultant.listing_status = Status.PENDING
    consultant.submitted_at = timezone.now()
    consultant.save(update_fields=["listing_status", "submitted_at", "updated_at"])
    _record_decision(consultant, actor=actor, action=Action.SUBMITTED, from_status=from_status)
    _notify_alliance_review_needed(consultant, edited=False)
    return consultant


def _review(consultant, *, actor, action, to_status, allowed_from, verb, reason=""):
    if not can_review_listings(actor):
        raise PermissionDenied(_("Only Alliance admins may review listings."))
    consultant = _lock_for_transition(consultant, allowed_from=allowed_from, verb=verb)
    from_status = consultant.listing_status
    consultant.listing_status = to_status
    consultant.reviewed_at = timezone.now()
    consultant.save(update_fields=["listing_status", "reviewed_at", "updated_at"])
    decision = _record_decision(
        consultant, actor=actor, action=action, from_status=from_status, reason=reason
    )
    send_templated_email(
        to=consultant.user.email,
        template=f"listing_{action}",
        language=language_for(consultant.user),
        context={"consultant": consultant, "decision": decision},
    )
    return consultant


@transaction.atomic
def consultant_approve(*, actor, consultant: Consultant) -> Consultant:
    """Admin approves a pending listing (or reinstates a suspended one): it becomes public,
    and its credentials are verified by the admin (directory.credential_services)."""
    consultant = _review(
        consultant,
        actor=actor,
        action=Action.APPROVED,
        to_status=Status.APPROVED,
        allowed_from=(Status.PENDING, Status.SUSPENDED),
        verb="approved",
    )
    credentials_verify(consultant, actor=actor)
    return consultant


@transaction.atomic
def consultant_reject(*, actor, consultant: Consultant, reason: str) -> Consultant:
    """Admin rejects a pending listing with a reason the consultant reads."""
    if not can_review_listings(actor):
        raise PermissionDenied(_("Only Alliance admins may review listings."))
    reason = _require_reason(reason)
    return _review(
        consultant,
        actor=actor,
        action=Action.REJECTED,
        to_status=Status.REJECTED,
        allowed_from=(Status.PENDING,),
        verb="rejected",
        reason=reason,
    )


@transaction.atomic
def consultant_suspend(*, actor, consultant: Consultant, reason: str) -> Consultant:
    """Admin suspends a listing: hidden from the directory and from matching."""
    if not can_review_listings(actor):
        raise PermissionDenied(_("Only Alliance admins may review listings."))
    reason = _require_reason(reason)
    return _review(
        consultant,
        actor=actor,
        action=Action.SUSPENDED,
        to_status=Status.SUSPENDED,
        allowed_from=(Status.PENDING, Status.APPROVED),
        verb="suspended",
        reason=reason,
    )


def _place_program(program: Program, *, county_given: bool) -> None:
    """Fill a program's state, city, county and coordinates from its ZIP code, and check that
    what the user gave agrees with it."""
    place = _place_for_zip(program.zip, field="zip")
    if program.state and program.state != place.state:
        raise ValidationError(
            {
                "zip": [
                    _("ZIP code %(zip)s is in %(state)s, not %(given)s.")
                    % {"zip": program.zip, "state": place.state, "given": program.state}
                ]
            }
        )
    program.state = place.state
    program.city = program.city or place.city
    program.latitude, program.longitude = place.latitude, place.longitude
    if county_given:
        if program.county.state != place.state:
            raise ValidationError(
                {
                    "county": [
                        _("%(county)s is in %(state)s, not %(zip_state)s.")
                        % {
                            "county": program.county.name,
                            "state": program.county.state,
                            "zip_state": place.state,
                        }
                    ]
                }
            )
        return
    county = county_for_place(place)
    if county is None:
        raise ValidationError({"zip": [outside_served_states(program.zip, place.state)]})
    program.county = county


def outside_served_states(zip_code: str, state: str) -> str:
    """In plain words: a ZIP code lies outside the states the service works in (or, rarely,
    in a county of a served state that the list does not hold)."""
    served = served_states()
    if state in served:
        return _(
            "We cannot find the county of ZIP code %(zip)s. Check the ZIP code, or write to "
            "the Alliance."
        ) % {"zip": zip_code}
    return _(
        "ZIP code %(zip)s is in %(state)s. This service works with child care programs in "
        "%(served)s only, so it cannot find a county or a consultant for this ZIP code."
    ) % {"zip": zip_code, "state": state, "served": ", ".join(served) or "—"}


@transaction.atomic
def program_create(*, actor, **fields) -> Program:
    """Register a program; its creator becomes its first member."""
    if not can_create_program(actor):
        raise PermissionDenied(_("Only program accounts can register a program."))
    plain, m2m = _split_m2m(fields, PROGRAM_M2M_FIELDS)
    program = Program(**plain)
    _place_program(program, county_given=plain.get("county") is not None)
    _clean(program)
    program.save()
    for name, values in m2m.items():
        getattr(program, name).set(values)
    ProgramMembership.objects.create(program=program, user=actor)
    return program


@transaction.atomic
def program_create_unattended(**fields) -> Program:
    """Register a program nobody signed in for: from a confirmed public request or an Alliance
    admin's phone intake (consultations.intake checks who may). County and place come from
    the ZIP code, as for program_create; no member is added here."""
    program = Program(**fields)
    _place_program(program, county_given=False)
    _clean(program)
    program.save()
    return program


def program_update(*, actor, program: Program, **fields) -> Program:
    """Edit a program (members and admins); a new ZIP code re-derives county and location."""
    if not can_edit_program(actor, program):
        raise PermissionDenied(_("Only the program's members or an Alliance admin may edit it."))
    program = Program.objects.select_for_update().get(pk=program.pk)
    plain, m2m = _split_m2m(fields, PROGRAM_M2M_FIELDS)
    location_changed = any(
        name in plain and plain[name] != getattr(program, name) for name in ("zip", "state")
    ) or ("county" in plain and plain["county"] != program.county)
    for name, value in plain.items():
        setattr(program, name, value)
    if location_changed:
        if "zip" in plain and "state" not in plain:
            program.state = ""
        _place_program(program, county_given="county" in plain and plain["county"] is not None)
    _clean(program)
    program.save()
    for name, values in m2m.items():
        getattr(program, name).set(values)
    return program


@transaction.atomic
def county_load_state(*, state: str) -> int:
    """Load (or refresh the names of) every county of a state from the Census list.

    Returns how many counties were created. Safe to run any number of times.
    """
    state = state.upper()
    records = geo.counties_of_state(state)
    if not records:
        raise ValidationError({"state": [f"{state} is not a US state or territory code."]})
    existing = {c.fips: c for c in County.objects.filter(fips__in=[r.fips for r in records])}
    created = 0
    for record in records:
        county = existing.get(record.fips)
        if county is None:
            County.objects.create(name=record.name, state=record.state, fips=record.fips)
            created += 1
        elif county.name != record.name or county.state != record.state:
            county.name, county.state = record.name, record.state
            county.save(update_fields=["name", "state"])
    return created
