"""The front door (docs/domain.md, "Front door"): requests from people without an account, and
requests the Alliance enters after a phone call.

- The public form (intake_submit, then intake_confirm): the fields are kept as sent, and an
  emailed link confirms them. Only then does the request enter the queue, its program found
  (by license number, else by name and ZIP code) or registered, and its contact person found
  by email or given an account without a password, which they claim later by setting one (the
  emailed link; nothing is asked again). The answer to the form is the same whatever programs
  or people the service knows: nothing can be learnt from it.
- Phone intake (request_enter): an Alliance admin enters a request for a program, with its
  referral source and when it was received; the contact person gets a copy and a link to
  follow it.

A contact person joins the program's staff only where that gives away nothing: the program was
registered by this request, or has no staff yet, or an Alliance admin entered it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin
from consultations import first_contact
from consultations.models import ConsultationRequest, IntakeSubmission, RequestEvent
from consultations.notifications import notify_alliance
from consultations.privacy import check_privacy_rules
from directory.models import Language, Program, ProgramMembership
from directory.services import program_create_unattended
from directory.vocabularies import ReferralSource
from iecmhc.emails import send_templated_email

User = get_user_model()
Status = ConsultationRequest.Status

# The request's own fields, as request_submit takes them.
REQUEST_FIELDS = (
    "focus",
    "concerns",
    "child_age_months",
    "parent_consent",
    "child_demographics_consent",
    "child_race_ethnicity",
    "child_has_iep_ifsp",
    "preferred_language",
    "language_required",
    "modality",
    "urgency",
    "description",
)
PERSON_FIELDS = ("first_name", "last_name", "email", "phone")
PROGRAM_FIELDS = ("license_number", "program_name", "zip", "setting_type", "street", "city")
FOLLOW_SALT = "consultations.follow"


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- links -----------------------------------------------------------------------------------


def follow_token(consultation: ConsultationRequest) -> str:
    return signing.dumps(consultation.pk, salt=FOLLOW_SALT, compress=True)


def follow_url(consultation: ConsultationRequest) -> str:
    return settings.SITE_URL + reverse("intake:follow", args=[follow_token(consultation)])


def followed_request(token: str) -> ConsultationRequest | None:
    """The request a follow link names, while the link is valid (FOLLOW_LINK_DAYS)."""
    try:
        pk = signing.loads(
            token, salt=FOLLOW_SALT, max_age=timedelta(days=settings.FOLLOW_LINK_DAYS)
        )
    except signing.BadSignature:
        return None
    return (
        ConsultationRequest.objects.select_related("program__county", "preferred_language")
        .filter(pk=pk)
        .first()
    )


def claim_url(user) -> str | None:
    """The link a person without a password sets one with (claims their account); None once
    they have one."""
    if user is None or user.has_usable_password():
        return None
    path = reverse(
        "accounts:password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    return settings.SITE_URL + path


# --- shared steps ----------------------------------------------------------------------------


def _username_for(email: str) -> str:
    base = "".join(ch for ch in email.split("@")[0] if ch.isalnum() or ch in "._-")[:30] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _contact_person(person: dict, program: Program, *, may_join: bool):
    """The user with this email (case-insensitive), or a new program account without a
    password; a member of the program if `may_join`."""
    email = person["email"].strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(
            username=_username_for(email),
            email=email,
            first_name=person.get("first_name", "").strip(),
            last_name=person.get("last_name", "").strip(),
            role=User.Role.PROGRAM,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    if may_join and user.role == User.Role.PROGRAM:
        ProgramMembership.objects.get_or_create(program=program, user=user)
    return user


def _create_request(*, program, created_by, actor, fields: dict, note: str = "", **front_door):
    """The request in `submitted`, with its first-contact target and its event (the privacy
    rules of request_submit apply)."""
    from consultations.services import _event

    fields = {name: fields[name] for name in REQUEST_FIELDS if name in fields}
    fields.setdefault("parent_consent", False)
    check_privacy_rules(fields)
    consultation = ConsultationRequest(
        program=program, created_by=created_by, status=Status.SUBMITTED, **fields, **front_door
    )
    consultation.first_contact_due_at = first_contact.due_for(consultation)
    consultation.full_clean(validate_unique=False)
    consultation.save()
    _event(
        consultation, action=RequestEvent.Action.SUBMITTED, actor=actor, from_status="", note=note
    )
    return consultation


def _send_copy(consultation, person, template: str) -> None:
    send_templated_email(
        to=person.email,
        template=template,
        context={
            "consultation": consultation,
            "program": consultation.program,
            "person": person,
            "follow_url": follow_url(consultation),
            "claim_url": claim_url(person),
        },
    )


# --- the public form -------------------------------------------------------------------------


def _stored(data: dict) -> dict:
    """The validated fields as JSON (a language by its code)."""
    stored = dict(data)
    language = stored.get("preferred_language")
    if isinstance(language, Language):
        stored["preferred_language"] = language.code
    return stored


@transaction.atomic
def intake_submit(*, data: dict) -> str:
    """Keep a public request (already validated by the form or serializer, the privacy rules
    checked here) and email its confirmation link. Returns the link's token (for the email
    only: the form's answer never shows it)."""
    request_fields = {name: data.get(name) for name in REQUEST_FIELDS if name in data}
    request_fields.setdefault("parent_consent", False)
    check_privacy_rules(request_fields)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    submission = IntakeSubmission.objects.create(
        email=data["email"],
        digest=link_digest(token),
        data=_stored(data),
        created_at=now,
        expires_at=now + timedelta(hours=settings.INTAKE_LINK_HOURS),
    )
    send_templated_email(
        to=submission.email,
        template="intake_confirm",
        context={
            "name": data.get("first_name", ""),
            "program_name": data.get("program_name") or data.get("license_number"),
            "confirm_url": settings.SITE_URL + reverse("intake:confirm", args=[token]),
            "hours": settings.INTAKE_LINK_HOURS,
        },
    )
    return token


def pending_submission(token: str) -> IntakeSubmission | None:
    """The submission a confirmation link names while it may still be confirmed (or once
    confirmed, to show its request); None for an unknown or expired link."""
    submission = IntakeSubmission.objects.filter(digest=link_digest(token or "")).first()
    if submission is None:
        return None
    if submission.confirmed_at is None and submission.expires_at <= timezone.now():
        return None
    return submission


def _find_program(data: dict) -> Program | None:
    if data.get("license_number"):
        found = Program.objects.filter(license_number__iexact=data["license_number"]).first()
        if found is not None:
            return found
    if data.get("program_name") and data.get("zip"):
        return Program.objects.filter(
            name__iexact=data["program_name"].strip(), zip=data["zip"]
        ).first()
    return None


@transaction.atomic
def intake_confirm(*, token: str) -> ConsultationRequest:
    """The emailed link is followed: the request enters the queue, with its program and
    contact person created or linked. Following it again returns the same request."""
    found = pending_submission(token)
    if found is None:
        raise ValidationError(_("This link is not valid or has expired; send the form again."))
    submission = IntakeSubmission.objects.select_for_update().get(pk=found.pk)
    if submission.request_id is not None:
        return submission.request
    data = submission.data
    program = _find_program(data)
    registered = program is None
    if registered:
        program = program_create_unattended(
            name=data["program_name"].strip(),
            setting_type=data["setting_type"],
            license_number=data.get("license_number") or "",
            street=data.get("street") or "",
            city=data.get("city") or "",
            state="",
            zip=data["zip"],
            email=data["email"],
            phone=data.get("phone") or "",
        )
    may_join = registered or not program.memberships.exists()
    person = _contact_person(data, program, may_join=may_join)
    fields = dict(data)
    if fields.get("preferred_language"):
        fields["preferred_language"] = Language.objects.get(pk=fields["preferred_language"])
    consultation = _create_request(
        program=program,
        created_by=person,
        actor=person,
        fields=fields,
        referral_source=data.get("referral_source") or ReferralSource.PROGRAM_STAFF,
        received_at=timezone.now(),
        contact_phone=data.get("phone") or "",
    )
    submission.confirmed_at = timezone.now()
    submission.request = consultation
    submission.save(update_fields=["confirmed_at", "request"])
    notify_alliance(consultation, "request_submitted")
    _send_copy(consultation, person, "intake_confirmed")
    return consultation


def purge_expired_submissions(*, now=None) -> int:
    """Forget unconfirmed submissions whose link expired (they hold personal details)."""
    cutoff = now or timezone.now()
    deleted, _ = IntakeSubmission.objects.filter(
        confirmed_at__isnull=True, expires_at__lte=cutoff
    ).delete()
    return deleted


# --- phone intake ----------------------------------------------------------------------------


@transaction.atomic
def request_enter(
    *,
    actor,
    program: Program,
    contact_email: str,
    contact_first_name: str = "",
    contact_last_name: str = "",
    contact_phone: str = "",
    referral_source: str = ReferralSource.ALLIANCE_PHONE,
    received_at=None,
    **fields,
) -> ConsultationRequest:
    """An Alliance admin enters a request for a program (after a phone call or a referral);
    the program's contact person is emailed a copy and a link to follow it."""
    if not is_alliance_admin(actor):
        raise PermissionDenied(_("Only Alliance admins enter requests for programs."))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ValidationError({"received_at": [_("It cannot have been received in the future.")]})
    if received_at < now - timedelta(days=365):
        raise ValidationError({"received_at": [_("Give a time within the last year.")]})
    person = _contact_person(
        {"email": contact_email, "first_name": contact_first_name, "last_name": contact_last_name},
        program,
        may_join=True,
    )
    consultation = _create_request(
        program=program,
        created_by=person,
        actor=actor,
        fields=fields,
        note=str(_("Entered by the Alliance for the program.")),
        referral_source=referral_source,
        received_at=received_at,
        entered_by=actor,
        contact_phone=contact_phone,
    )
    _send_copy(consultation, person, "request_entered")
    return consultation
