"""The permission matrix: every route of the URLconf, tried with every method it serves, by
each of the six roles of tests/conftest.py, against the access rules declared below.

The routes come from the URLconf itself (tests/matrix/urlconf.py), so a new route cannot ship
without its access rules: a route or method with no declared expectation fails its cases and
`test_every_route_declares_its_access_rules`, and an expectation whose route is gone fails
`test_no_stale_expectations`.

What each route is tried with:
- GET and POST always (what a browser sends; a route that refuses one must say 405), plus
  every other method the view serves (DRF's method map, a class-based view's handlers, the
  methods of Django's require_http_methods). HEAD and OPTIONS are left out.
- API routes with the role's token (DRF's APIClient, JSON bodies); pages and the admin with a
  signed-in session (Django's Client, form bodies; CSRF is not enforced by the test client).
- A format-suffix twin of a route (`.json`) answers to the expectations of the route it repeats.
- The admin's site pages are declared in SPECS; its models' pages by a rule (ADMIN_MODELS,
  admin_spec): everyone but Alliance staff is sent to the admin's login page, the Alliance
  admin gets what their permissions allow. Each admin route is still enumerated and tried;
  the cases where a role is sent to the admin's login page run together, one test per model
  and role (`test_admin_model_pages_turn_away`), each call still checked on its own.

Every case also checks the database and the outbox: an outcome that is not an allowed write
(`writes=True`) must leave every table (sessions aside) and the outbox as they were; an
allowed write must change something. The tables are compared only when the connection's
count of changed rows has moved during the call (tests/matrix/harness.py, ChangeWatch). A
400 from a role allowed to act (ALLOWED_BAD_BODY) or a 409 (CONFLICT) proves the role got
past the permission check and changed nothing.

The records the path parameters point at are built once per module (and worker) inside a
transaction that is rolled back at the end; each case runs in its own savepoint on top of it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from consultations.intake import follow_token
from consultations.intake import link_digest as intake_digest
from consultations.models import ConsultationRequest, Instrument, IntakeSubmission
from directory.models import Consultant, County, Region, TribalDataSetting
from opendata.hsds import hsds_id
from tests.conftest import ROLES, World
from tests.consultations import factories as requests
from tests.factories import (
    PASSWORD,
    ConsultantFactory,
    ProgramFactory,
    UserFactory,
    api_key,
    history_recorder,
    make_admin,
)
from tests.matrix.harness import (
    ADMIN_LOGIN_PATH,
    LOGIN_PATH,
    Call,
    ChangeWatch,
    Clients,
    Outcome,
    check,
    check_response,
    describe,
    send,
    sign_in_once,
    where,
)
from tests.matrix.urlconf import Route, all_routes, build_path

# --- outcomes ----------------------------------------------------------------------------------

OK = Outcome(200)
WROTE = Outcome(200, writes=True, label="200 (saved)")
CREATED = Outcome(201, writes=True)
NO_CONTENT = Outcome(204, writes=True)
# A role allowed to act, refused for its (minimal or empty) body: past the permission check.
ALLOWED_BAD_BODY = Outcome(400, label="400 (allowed; body refused)")
# A role allowed to act sends an empty form: the page shows the form's errors, saves nothing.
FORM_REFUSED = Outcome(200, label="200 (allowed; the empty form is refused)")
UNAUTHENTICATED = Outcome(401)
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
# A role allowed to act, refused by the record's state.
CONFLICT = Outcome(409, label="409 (allowed; state refuses)")
LOGIN = Outcome(302, redirect=LOGIN_PATH + "?{next}", label="302 → login")
ADMIN_LOGIN = Outcome(302, redirect=ADMIN_LOGIN_PATH + "?{next}", label="302 → admin login")


def redirect(to: str, *, prefix: bool = False, writes: bool = False) -> Outcome:
    """A 302 to `to` (to a URL starting with `to`, with `prefix`)."""
    label = f"302 → {to}" + ("…" * prefix) + (" (saved)" * writes)
    return Outcome(302, redirect=to, prefix=prefix, writes=writes, label=label)


def by_role(*, anonymous, program, other_program, consultant, other_consultant, admin) -> dict:
    return {
        "anonymous": anonymous,
        "program": program,
        "other_program": other_program,
        "consultant": consultant,
        "other_consultant": other_consultant,
        "admin": admin,
    }


def everyone(outcome: Outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Outcome, *, anonymous: Outcome) -> dict:
    return {**everyone(outcome), "anonymous": anonymous}


def only(role_outcomes: dict, *, others: Outcome, anonymous: Outcome) -> dict:
    """`role_outcomes` for the roles named, `others` for the other signed-in roles."""
    return {**signed_in(others, anonymous=anonymous), **role_outcomes}


API_SIGNED_IN_NOT_ALLOWED = signed_in(NOT_ALLOWED, anonymous=UNAUTHENTICATED)


def staff_only(outcome: Outcome) -> dict:
    """The admin: `outcome` for the Alliance admin, its login page for everyone else."""
    return only({"admin": outcome}, others=ADMIN_LOGIN, anonymous=ADMIN_LOGIN)


# --- the records path parameters point at -------------------------------------------------------


@dataclass
class Matrix:
    """conftest's World, plus requests of `program` in the states the routes act on."""

    world: World
    submitted: ConsultationRequest  # waiting for an offer
    offered: ConsultationRequest  # offered to `listing`
    active: ConsultationRequest  # accepted by `listing`
    reset_user: object  # not one of the roles: signing in as a role changes its reset token
    sessions: dict = field(default_factory=dict)  # role → its session key (sign_in_once)

    @property
    def users(self) -> dict:
        return self.world.users

    @property
    def listing(self) -> Consultant:
        return self.world.listing


def set_listing_status(listing: Consultant, status: str) -> None:
    Consultant.objects.filter(pk=listing.pk).update(listing_status=status)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The six roles' world (as tests/conftest.py's `world` builds it) and three requests,
    made once; rolled back after the module."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        transaction.atomic(),
    ):
        program_user = UserFactory(username="pat_program", role="program")
        other_program_user = UserFactory(username="olive_other", role="program")
        consultant_user = UserFactory(username="cora_consultant", role="consultant")
        other_consultant_user = UserFactory(username="cal_consultant", role="consultant")
        admin = make_admin(username="alex_admin")
        world = World(
            users={
                "anonymous": None,
                "program": program_user,
                "other_program": other_program_user,
                "consultant": consultant_user,
                "other_consultant": other_consultant_user,
                "admin": admin,
            },
            program=ProgramFactory(members=[program_user]),
            other_program=ProgramFactory(members=[other_program_user]),
            listing=ConsultantFactory(user=consultant_user, display_name="Cora Consultant"),
            other_listing=ConsultantFactory(
                user=other_consultant_user, display_name="Cal Consultant"
            ),
        )
        for user in world.users.values():
            if user is not None:
                api_key(user)
        built = Matrix(
            world=world,
            submitted=requests.submitted(world.program),
            offered=requests.offered(world.program, world.listing, admin=admin),
            active=requests.active(world.program, world.listing, admin=admin),
            reset_user=UserFactory(username="rita_reset", role="program"),
        )
        _admin_records(built)
        built.sessions = sign_in_once(world.users)
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients() -> Clients:
    return Clients(browser=Client(), api=APIClient())


def _admin_records(m: Matrix) -> None:
    """Rows for the admin's object pages of models the world has none of."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    row = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "pat_program"}
    row |= {"http_accept": "text/html", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**row, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**row)
    AccessFailureLog.objects.create(**row)
    TribalDataSetting.objects.create(nation="oneida", reporting="full")


# --- the declared access rules ----------------------------------------------------------------


@dataclass
class Spec:
    """One route's rules: for each method, the outcome for each role.

    target: the route's path parameters; setup: puts records in the state the call needs
    (it runs inside the case's savepoint); body: what unsafe methods send; bugs: cases where
    the app contradicts API.md/DOMAIN.md, {(method, role): "BUG: ..."} (strict xfail).
    """

    expect: dict[str, dict[str, Outcome]]
    target: Callable[[Matrix], dict] = lambda m: {}
    setup: Callable[[Matrix], None] | None = None
    body: Callable[[Matrix], dict] | None = None
    bugs: dict[tuple[str, str], str] = field(default_factory=dict)


def pk_of(name: str) -> Callable[[Matrix], dict]:
    return lambda m: {"pk": getattr(m, name).pk}


REQUEST_BODY = {
    "focus": "classroom",
    "concerns": ["challenging_behavior"],
    "modality": "either",
    "urgency": "routine",
    "description": "The toddler room struggles at nap time.",
}
PROGRAM_BODY = {
    "name": "Sunny Days Child Care",
    "setting_type": "child_care_center",
    "street": "10 E Main St",
    "state": "WI",
    "zip": "53703",
}
REASON = "Not this time: the reason, for the record."


def contact_body(prefix: str = "") -> dict:
    body = {
        "date": timezone.localdate().isoformat(),
        "minutes": 60,
        "activity": "classroom_observation",
        "modality": "on_site",
    }
    return {f"{prefix}{k}": v for k, v in body.items()}


def reset_link(m: Matrix) -> dict:
    user = m.reset_user
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


# The pages' roles: who may open what (DOMAIN.md "Who and what", README "Pages").
PROGRAM_PAGE = by_role(
    anonymous=LOGIN,
    program=OK,
    other_program=OK,
    consultant=FORBIDDEN,
    other_consultant=FORBIDDEN,
    admin=FORBIDDEN,
)
CONSULTANT_PAGE = by_role(
    anonymous=LOGIN,
    program=FORBIDDEN,
    other_program=FORBIDDEN,
    consultant=OK,
    other_consultant=OK,
    admin=FORBIDDEN,
)
ALLIANCE_PAGE = only({"admin": OK}, others=FORBIDDEN, anonymous=LOGIN)
PAGE_POST_ONLY = signed_in(NOT_ALLOWED, anonymous=LOGIN)  # login_required, then require_POST


# An engagement's practice (issue 15): only the assigned consultant writes.
ONLY_THE_CONSULTANT_PAGE = by_role(
    anonymous=LOGIN,
    program=FORBIDDEN,
    other_program=NOT_FOUND,
    consultant=redirect("/requests/{pk}/", writes=True),
    other_consultant=NOT_FOUND,
    admin=FORBIDDEN,
)


def credentials_api(owner: Outcome, *, admin: Outcome) -> dict:
    """A listing's credentials: its owner and the Alliance; 404 to everyone else."""
    return by_role(
        anonymous=UNAUTHENTICATED,
        program=NOT_FOUND,
        other_program=NOT_FOUND,
        consultant=owner,
        other_consultant=NOT_FOUND,
        admin=admin,
    )


def only_the_consultant_api(allowed: Outcome) -> dict:
    return by_role(
        anonymous=UNAUTHENTICATED,
        program=FORBIDDEN,
        other_program=NOT_FOUND,
        consultant=allowed,
        other_consultant=NOT_FOUND,
        admin=FORBIDDEN,
    )


PROGRAM_EDIT_PAGE = by_role(
    anonymous=LOGIN,
    program=OK,
    other_program=NOT_FOUND,
    consultant=FORBIDDEN,  # sees the program through the offer, may not edit it
    other_consultant=NOT_FOUND,
    admin=OK,
)


# Intake (issue 14): a public request's fields, and one waiting for its emailed link.
INTAKE_REQUEST_FIELDS = {
    "focus": "classroom",
    "concerns": ["challenging_behavior"],
    "modality": "either",
    "urgency": "routine",
}
INTAKE_BODY = {
    **INTAKE_REQUEST_FIELDS,
    "program_name": "Matrix Child Care",
    "zip": "53703",
    "setting_type": "child_care_center",
    "first_name": "Mia",
    "email": "mia@matrix.example.org",
}
INTAKE_TOKEN = "matrix-intake-token"


def pending_intake() -> None:
    IntakeSubmission.objects.create(
        email=INTAKE_BODY["email"],
        digest=intake_digest(INTAKE_TOKEN),
        data=INTAKE_BODY,
        expires_at=timezone.now() + timedelta(hours=1),
    )


def refused(page: dict) -> dict:
    """An empty POST to a form page: FORM_REFUSED where `page` lets the role in."""
    return {role: FORM_REFUSED if outcome == OK else outcome for role, outcome in page.items()}


SPECS: dict[str, Spec] = {
    # --- public pages and accounts -------------------------------------------------------------
    "": Spec({"GET": everyone(OK), "POST": everyone(OK)}),
    "healthz": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "dashboard/": Spec(
        {
            method: by_role(
                anonymous=LOGIN,
                program=redirect("/requests/"),
                other_program=redirect("/requests/"),
                consultant=redirect("/caseload/"),
                other_consultant=redirect("/caseload/"),
                admin=redirect("/alliance/requests/"),
            )
            for method in ("GET", "POST")
        }
    ),
    "accounts/signup/": Spec(
        {
            "GET": signed_in(redirect("/dashboard/"), anonymous=OK),
            "POST": signed_in(redirect("/dashboard/"), anonymous=FORM_REFUSED),
        }
    ),
    "accounts/login/": Spec(
        {
            "GET": signed_in(redirect("/dashboard/"), anonymous=OK),
            **{
                method: signed_in(redirect("/dashboard/"), anonymous=FORM_REFUSED)
                for method in ("POST", "PUT")
            },
        }
    ),
    "accounts/logout/": Spec({"GET": everyone(NOT_ALLOWED), "POST": everyone(redirect("/"))}),
    # The language switcher: a form post (the empty body chooses nothing and goes home).
    "i18n/setlang/": Spec({"GET": everyone(NOT_ALLOWED), "POST": everyone(redirect("/"))}),
    "accounts/password-reset/": Spec(
        {"GET": everyone(OK), "POST": everyone(FORM_REFUSED), "PUT": everyone(FORM_REFUSED)}
    ),
    "accounts/password-reset/sent/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    # The link is the credential: whoever holds it is sent on to set the new password.
    "accounts/reset/<uidb64>/<token>/": Spec(
        {
            m: everyone(redirect("/accounts/reset/", prefix=True))  # …/<uidb64>/set-password/
            for m in ("GET", "POST", "PUT")
        },
        target=reset_link,
    ),
    "accounts/reset/done/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    # --- directory pages ------------------------------------------------------------------------
    "directory/": Spec({"GET": everyone(OK), "POST": everyone(OK)}),
    # A listing waiting for review: its owner and the Alliance see it, nobody else.
    "directory/<pk>/": Spec(
        {
            method: by_role(
                anonymous=NOT_FOUND,
                program=NOT_FOUND,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            )
            for method in ("GET", "POST")
        },
        target=lambda m: {"pk": m.listing.pk},
        setup=lambda m: set_listing_status(m.listing, "pending"),
    ),
    "listing/": Spec({"GET": CONSULTANT_PAGE, "POST": CONSULTANT_PAGE}),
    "listing/edit/": Spec({"GET": CONSULTANT_PAGE, "POST": refused(CONSULTANT_PAGE)}),
    # Credentials and the renewal ledger (issue 16): the consultant's own pages.
    "listing/credentials/": Spec({"GET": CONSULTANT_PAGE, "POST": refused(CONSULTANT_PAGE)}),
    "listing/ledger/": Spec({"GET": CONSULTANT_PAGE, "POST": refused(CONSULTANT_PAGE)}),
    "listing/ledger.csv": Spec({"GET": CONSULTANT_PAGE, "POST": PAGE_POST_ONLY}),
    "listing/submit/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": {
                **CONSULTANT_PAGE,
                "consultant": redirect("/listing/", writes=True),
                "other_consultant": redirect("/listing/", writes=True),
            },
        },
        setup=lambda m: [
            set_listing_status(listing, "draft")
            for listing in (m.world.listing, m.world.other_listing)
        ],
    ),
    "programs/new/": Spec({"GET": PROGRAM_PAGE, "POST": refused(PROGRAM_PAGE)}),
    "programs/<pk>/edit/": Spec(
        {
            "GET": PROGRAM_EDIT_PAGE,
            "POST": refused(PROGRAM_EDIT_PAGE),
        },
        target=lambda m: {"pk": m.world.program.pk},
    ),
    "alliance/listings/": Spec({"GET": ALLIANCE_PAGE, "POST": ALLIANCE_PAGE}),
    "alliance/listings/<pk>/": Spec(
        {"GET": ALLIANCE_PAGE, "POST": ALLIANCE_PAGE},  # no action chosen: the page again
        target=lambda m: {"pk": m.listing.pk},
        setup=lambda m: set_listing_status(m.listing, "pending"),
    ),
    # --- consultation pages ---------------------------------------------------------------------
    "requests/": Spec({"GET": PROGRAM_PAGE, "POST": PROGRAM_PAGE}),
    "requests/new/": Spec({"GET": PROGRAM_PAGE, "POST": refused(PROGRAM_PAGE)}),
    "requests/<pk>/": Spec(
        {
            method: by_role(
                anonymous=LOGIN,
                program=OK,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            )
            for method in ("GET", "POST")
        },
        target=pk_of("offered"),
    ),
    "requests/<pk>/withdraw/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=redirect("/requests/{pk}/", writes=True),
                other_program=NOT_FOUND,
                consultant=FORBIDDEN,
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("offered"),
        body=lambda m: {"withdraw-reason": REASON, "confirm": "yes"},  # the confirmed step
    ),
    "requests/<pk>/accept/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=redirect("/requests/{pk}/", writes=True),
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("offered"),
    ),
    "requests/<pk>/decline/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=redirect("/offers/", writes=True),
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("offered"),
        body=lambda m: {"decline-reason": REASON, "confirm": "yes"},  # the confirmed step
    ),
    "requests/<pk>/contacts/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=redirect("/requests/{pk}/", writes=True),
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("active"),
        body=lambda m: contact_body(prefix="contact-"),
    ),
    "requests/<pk>/close/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=redirect("/requests/{pk}/", writes=True),
                other_consultant=NOT_FOUND,
                admin=redirect("/requests/{pk}/", writes=True),
            ),
        },
        target=pk_of("active"),
        body=lambda m: {
            "close-closure_reason": "goals_met",
            "close-suspension_prevented": "unknown",
            "close-goals_met": "unknown",
            "confirm": "yes",  # the confirmed step (tests/test_confirmation_steps.py: the first)
        },
    ),
    "offers/": Spec({"GET": CONSULTANT_PAGE, "POST": CONSULTANT_PAGE}),
    "caseload/": Spec({"GET": CONSULTANT_PAGE, "POST": CONSULTANT_PAGE}),
    # --- the Alliance's pages ---------------------------------------------------------------
    "alliance/requests/": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    "alliance/requests/<pk>/": Spec(
        {"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}, target=pk_of("submitted")
    ),
    "alliance/requests/<pk>/offer/": Spec(
        {
            "GET": everyone(NOT_ALLOWED),
            "POST": only(
                {"admin": redirect("/alliance/requests/", writes=True)},
                others=FORBIDDEN,
                anonymous=LOGIN,
            ),
        },
        target=pk_of("submitted"),
        body=lambda m: {"consultant": m.world.other_listing.pk, "confirm": "yes"},
    ),
    "alliance/matching/": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    "alliance/matching/confirm/": Spec(
        {
            "GET": everyone(NOT_ALLOWED),
            "POST": only({"admin": WROTE}, others=FORBIDDEN, anonymous=LOGIN),
        }
    ),
    "alliance/reports/": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    # --- reach and the what-if planner (issue 18) -------------------------------------------
    "alliance/reports/reach.csv": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    "alliance/matching/what-if/": Spec(
        {
            "GET": ALLIANCE_PAGE,
            # Nothing is ever saved: an empty form is shown again with its errors.
            "POST": only({"admin": FORM_REFUSED}, others=FORBIDDEN, anonymous=LOGIN),
        }
    ),
    "api/v1/matching/what-if/": Spec(
        {
            "GET": only({"admin": NOT_ALLOWED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
            "POST": only({"admin": OK}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        },
        body=lambda m: {"remove": [m.world.listing.pk]},
    ),
    "api/v1/reports/reach/": Spec(
        {
            "GET": only({"admin": OK}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
            "POST": only({"admin": NOT_ALLOWED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        }
    ),
    # --- Intake (issue 14): the front door, the first-contact clock, the brief team -------------
    "ask/": Spec(
        {"GET": everyone(OK), "POST": everyone(redirect("/ask/sent/", writes=True))},
        body=lambda m: INTAKE_BODY,
    ),
    "ask/sent/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "ask/confirm/<token>/": Spec(
        {"GET": everyone(OK), "POST": everyone(WROTE)},
        target=lambda m: {"token": INTAKE_TOKEN},
        setup=lambda m: pending_intake(),
    ),
    "follow/<token>/": Spec(
        {"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)},
        target=lambda m: {"token": follow_token(m.submitted)},
    ),
    "requests/<pk>/call/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=redirect("/requests/{pk}/", writes=True),
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("offered"),
    ),
    "alliance/requests/phone/": Spec(
        {
            "GET": ALLIANCE_PAGE,
            "POST": only(
                {"admin": redirect("/alliance/requests/", prefix=True, writes=True)},
                others=FORBIDDEN,
                anonymous=LOGIN,
            ),
        },
        body=lambda m: {
            **INTAKE_REQUEST_FIELDS,
            "program": m.world.program.pk,
            "contact_email": "phoned@example.org",
            "referral_source": "alliance_phone",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    ),
    "alliance/requests/<pk>/brief-team/": Spec(
        {
            "GET": everyone(NOT_ALLOWED),
            # Not waitlisted: refused by its state, with a message (nothing written).
            "POST": only(
                {"admin": redirect("/alliance/requests/{pk}/")},
                others=FORBIDDEN,
                anonymous=LOGIN,
            ),
        },
        target=pk_of("submitted"),
    ),
    "api/v1/intake/": Spec(
        {"GET": everyone(NOT_ALLOWED), "POST": everyone(Outcome(202, writes=True))},
        body=lambda m: INTAKE_BODY,
    ),
    "api/v1/intake/confirm/": Spec(
        {"GET": everyone(NOT_ALLOWED), "POST": everyone(CREATED)},
        setup=lambda m: pending_intake(),
        body=lambda m: {"token": INTAKE_TOKEN},
    ),
    "api/v1/phone-intake/": Spec(
        {
            "GET": only({"admin": NOT_ALLOWED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
            "POST": only({"admin": CREATED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        },
        body=lambda m: {
            **INTAKE_REQUEST_FIELDS,
            "program": m.world.program.pk,
            "contact_email": "phoned@example.org",
        },
    ),
    "api/v1/requests/<pk>/first-call/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=WROTE,
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("offered"),
    ),
    "api/v1/requests/<pk>/brief-team/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=NOT_FOUND,
                other_consultant=NOT_FOUND,
                admin=CONFLICT,  # not waitlisted
            ),
        },
        target=pk_of("submitted"),
    ),
    "api/v1/reports/first-contact/": Spec(
        {
            "GET": only({"admin": OK}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
            "POST": only({"admin": NOT_ALLOWED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        }
    ),
    # --- API: accounts ----------------------------------------------------------------------
    "api/v1/auth/register/": Spec(
        {"GET": everyone(NOT_ALLOWED), "POST": everyone(CREATED)},
        body=lambda m: {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password": "A-long-pass-phrase-9",
            "role": "program",
        },
    ),
    "api/v1/auth/token/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": everyone(WROTE),  # the program user's own password: a new token
            "DELETE": signed_in(NO_CONTENT, anonymous=UNAUTHENTICATED),
        },
        body=lambda m: {"username": "pat_program", "password": PASSWORD},
    ),
    "api/v1/auth/token/rotate/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": signed_in(WROTE, anonymous=UNAUTHENTICATED),
        }
    ),
    "api/v1/me/": Spec(
        {"GET": signed_in(OK, anonymous=UNAUTHENTICATED), "POST": API_SIGNED_IN_NOT_ALLOWED}
    ),
    # --- API: reference data ----------------------------------------------------------------
    "api/v1/counties/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/v1/languages/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/v1/regions/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/v1/vocabularies/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    # --- API: the directory -----------------------------------------------------------------
    "api/v1/consultants/": Spec(
        {
            "GET": everyone(OK),
            # Both consultants already have a listing: a second one is a 409.
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=FORBIDDEN,
                consultant=CONFLICT,
                other_consultant=CONFLICT,
                admin=FORBIDDEN,
            ),
        },
        body=lambda m: {"display_name": "Dana New", "license_type": "lcsw", "base_zip": "53703"},
    ),
    # An approved listing: public to read; its owner and the Alliance edit it.
    "api/v1/consultants/<pk>/": Spec(
        {
            "GET": everyone(OK),
            "POST": API_SIGNED_IN_NOT_ALLOWED,
            "PATCH": only(
                {"consultant": WROTE, "admin": WROTE},
                others=FORBIDDEN,
                anonymous=UNAUTHENTICATED,
            ),
        },
        target=lambda m: {"pk": m.listing.pk},
        body=lambda m: {"bio": "Twenty years with toddlers and their teachers."},
    ),
    # A draft: only its owner sees it and submits it; the Alliance sees it, may not submit.
    "api/v1/consultants/<pk>/submit/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=NOT_FOUND,
                other_program=NOT_FOUND,
                consultant=WROTE,
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=lambda m: {"pk": m.listing.pk},
        setup=lambda m: set_listing_status(m.listing, "draft"),
    ),
    **{
        f"api/v1/consultants/<pk>/{verb}/": Spec(
            {
                "GET": API_SIGNED_IN_NOT_ALLOWED,
                "POST": by_role(
                    anonymous=UNAUTHENTICATED,
                    program=NOT_FOUND,
                    other_program=NOT_FOUND,
                    consultant=FORBIDDEN,  # the owner sees their pending listing
                    other_consultant=NOT_FOUND,
                    admin=WROTE,
                ),
            },
            target=lambda m: {"pk": m.listing.pk},
            setup=lambda m: set_listing_status(m.listing, "pending"),
            body=lambda m: {"reason": REASON},
        )
        for verb in ("approve", "reject")
    },
    "api/v1/consultants/<pk>/suspend/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": only({"admin": WROTE}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        },
        target=lambda m: {"pk": m.listing.pk},
        body=lambda m: {"reason": REASON},
    ),
    # A listing's credentials (issue 16): its owner and the Alliance; nobody else sees them.
    "api/v1/consultants/<pk>/endorsements/": Spec(
        {
            "GET": credentials_api(OK, admin=OK),
            "POST": credentials_api(CREATED, admin=CREATED),
        },
        target=lambda m: {"pk": m.listing.pk},
        body=lambda m: {"category": "infant_family_associate", "status": "in_process"},
    ),
    "api/v1/consultants/<pk>/endorsements/<category>/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": API_SIGNED_IN_NOT_ALLOWED,
            "DELETE": credentials_api(NO_CONTENT, admin=NO_CONTENT),
        },
        setup=lambda m: m.listing.endorsements.update_or_create(
            category="infant_family_specialist",
            defaults={"status": "endorsed", "renewal_date": date(2027, 6, 30)},
        ),
        target=lambda m: {"pk": m.listing.pk, "category": "infant_family_specialist"},
    ),
    "api/v1/consultants/<pk>/ledger/": Spec(
        {
            "GET": credentials_api(OK, admin=OK),
            "POST": credentials_api(CREATED, admin=FORBIDDEN),  # the consultant's own record
        },
        target=lambda m: {"pk": m.listing.pk},
        body=lambda m: {"kind": "training", "date": "2026-03-01", "hours": "2", "title": "PBS"},
    ),
    "api/v1/consultants/<pk>/ledger/<entry>/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": API_SIGNED_IN_NOT_ALLOWED,
            "DELETE": credentials_api(NO_CONTENT, admin=FORBIDDEN),
        },
        setup=lambda m: m.listing.ledger_entries.create(
            kind="training", date=date(2026, 3, 1), hours=2, title="PBS"
        ),
        target=lambda m: {"pk": m.listing.pk, "entry": m.listing.ledger_entries.first().pk},
    ),
    "api/v1/programs/": Spec(
        {
            "GET": signed_in(OK, anonymous=UNAUTHENTICATED),
            "POST": only(
                {"program": CREATED, "other_program": CREATED},
                others=FORBIDDEN,
                anonymous=UNAUTHENTICATED,
            ),
        },
        body=lambda m: PROGRAM_BODY,
    ),
    # `consultant` sees `program` through its offered and active requests.
    "api/v1/programs/<pk>/": Spec(
        {
            "GET": by_role(
                anonymous=UNAUTHENTICATED,
                program=OK,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            ),
            "POST": API_SIGNED_IN_NOT_ALLOWED,
            "PATCH": by_role(
                anonymous=UNAUTHENTICATED,
                program=WROTE,
                other_program=NOT_FOUND,
                consultant=FORBIDDEN,
                other_consultant=NOT_FOUND,
                admin=WROTE,
            ),
        },
        target=lambda m: {"pk": m.world.program.pk},
        body=lambda m: {"phone": "608-555-0111"},
    ),
    # --- API: consultation requests, caseload, matching -------------------------------------
    "api/v1/caseload/": Spec(
        {
            "GET": only(
                {"consultant": OK, "other_consultant": OK},
                others=FORBIDDEN,
                anonymous=UNAUTHENTICATED,
            ),
            "POST": API_SIGNED_IN_NOT_ALLOWED,
        }
    ),
    "api/v1/matching/run/": Spec(
        {
            "GET": only({"admin": NOT_ALLOWED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
            "POST": only({"admin": OK}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        },
        body=lambda m: {"dry_run": True},
    ),
    "api/v1/requests/": Spec(
        {
            "GET": signed_in(OK, anonymous=UNAUTHENTICATED),
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=CREATED,
                other_program=ALLOWED_BAD_BODY,  # `program` is not theirs: a field error
                consultant=FORBIDDEN,
                other_consultant=FORBIDDEN,
                admin=FORBIDDEN,
            ),
        },
        body=lambda m: {**REQUEST_BODY, "program": m.world.program.pk},
    ),
    "api/v1/requests/<pk>/": Spec(
        {
            "GET": by_role(
                anonymous=UNAUTHENTICATED,
                program=OK,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            ),
            "POST": API_SIGNED_IN_NOT_ALLOWED,
        },
        target=pk_of("offered"),
    ),
    "api/v1/requests/<pk>/matches/": Spec(
        {
            "GET": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=FORBIDDEN,
                other_consultant=NOT_FOUND,
                admin=OK,
            ),
            "POST": API_SIGNED_IN_NOT_ALLOWED,
        },
        target=pk_of("offered"),
    ),
    "api/v1/requests/<pk>/offer/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=NOT_FOUND,  # a submitted request is not offered to anyone yet
                other_consultant=NOT_FOUND,
                admin=WROTE,
            ),
        },
        target=pk_of("submitted"),
        body=lambda m: {"consultant": m.world.other_listing.pk},
    ),
    **{
        f"api/v1/requests/<pk>/{verb}/": Spec(
            {
                "GET": API_SIGNED_IN_NOT_ALLOWED,
                "POST": by_role(
                    anonymous=UNAUTHENTICATED,
                    program=FORBIDDEN,
                    other_program=NOT_FOUND,
                    consultant=WROTE,
                    other_consultant=NOT_FOUND,
                    admin=FORBIDDEN,
                ),
            },
            target=pk_of("offered"),
            body=lambda m: {"reason": REASON},
        )
        for verb in ("accept", "decline")
    },
    "api/v1/requests/<pk>/withdraw/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=WROTE,
                other_program=NOT_FOUND,
                consultant=FORBIDDEN,
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("offered"),
        body=lambda m: {"reason": REASON},
    ),
    "api/v1/requests/<pk>/close/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=WROTE,
                other_consultant=NOT_FOUND,
                admin=WROTE,
            ),
        },
        target=pk_of("active"),
        body=lambda m: {"closure_reason": "goals_met"},
    ),
    "api/v1/requests/<pk>/contacts/": Spec(
        {
            "GET": by_role(
                anonymous=UNAUTHENTICATED,
                program=OK,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            ),
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=CREATED,
                other_consultant=NOT_FOUND,
                admin=FORBIDDEN,
            ),
        },
        target=pk_of("active"),
        body=lambda m: contact_body(),
    ),
    # --- an engagement's practice (issue 15): plan, scores, 30-day follow-up --------------------
    "requests/<pk>/plan/": Spec(
        {"GET": PAGE_POST_ONLY, "POST": ONLY_THE_CONSULTANT_PAGE},
        target=pk_of("active"),
        body=lambda m: {"plan-goals": "Calmer transitions", "plan-planned_weeks": "8"},
    ),
    "requests/<pk>/scores/": Spec(
        {"GET": PAGE_POST_ONLY, "POST": ONLY_THE_CONSULTANT_PAGE},
        target=pk_of("active"),
        body=lambda m: {
            "score-instrument": Instrument.objects.get(code="tpot").pk,
            "score-timepoint": "pre",
            "score-date": timezone.localdate().isoformat(),
            "score-total": "40",
        },
    ),
    # The active request has no follow-up yet: the consultant and the Alliance get the form's
    # error (past the permission check), everyone else is refused.
    "requests/<pk>/follow-up/": Spec(
        {
            "GET": PAGE_POST_ONLY,
            "POST": by_role(
                anonymous=LOGIN,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=FORM_REFUSED,
                other_consultant=NOT_FOUND,
                admin=FORM_REFUSED,
            ),
        },
        target=pk_of("active"),
        body=lambda m: {"follow_up-maintained_in_program": "yes", "follow_up-exclusion": "none"},
    ),
    "api/v1/requests/<pk>/plan/": Spec(
        {
            "GET": by_role(
                anonymous=UNAUTHENTICATED,
                program=OK,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            ),
            "POST": only_the_consultant_api(WROTE),
        },
        target=pk_of("active"),
        body=lambda m: {"goals": "Calmer transitions", "planned_weeks": 8},
    ),
    "api/v1/requests/<pk>/scores/": Spec(
        {
            "GET": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=OK,
                other_consultant=NOT_FOUND,
                admin=OK,
            ),
            "POST": only_the_consultant_api(CREATED),
        },
        target=pk_of("active"),
        body=lambda m: {
            "instrument": "tpot",
            "timepoint": "pre",
            "date": timezone.localdate().isoformat(),
            "total": "40",
        },
    ),
    "api/v1/requests/<pk>/follow-up/": Spec(
        {
            "GET": API_SIGNED_IN_NOT_ALLOWED,
            "POST": by_role(
                anonymous=UNAUTHENTICATED,
                program=FORBIDDEN,
                other_program=NOT_FOUND,
                consultant=ALLOWED_BAD_BODY,
                other_consultant=NOT_FOUND,
                admin=ALLOWED_BAD_BODY,
            ),
        },
        target=pk_of("active"),
        body=lambda m: {"maintained_in_program": True, "exclusion": "none"},
    ),
    "alliance/reports/funder/": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    "alliance/requests/export.csv": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    "alliance/requests/export.xlsx": Spec({"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)}),
    # Every table of the reports page as CSV or XLSX: the page's rights.
    **{
        f"alliance/reports/<table>.{fmt}": Spec(
            {"GET": ALLIANCE_PAGE, "POST": everyone(NOT_ALLOWED)},
            target=lambda m: {"table": "outcomes"},
        )
        for fmt in ("csv", "xlsx")
    },
    "api/v1/reports/funder/": Spec(
        {
            "GET": only({"admin": OK}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
            "POST": only({"admin": NOT_ALLOWED}, others=FORBIDDEN, anonymous=UNAUTHENTICATED),
        }
    ),
    # --- the HSDS open data feed: public and read-only; a stale token is not even read ---------
    **{
        f"api/hsds/{path}": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)})
        for path in (
            "",
            "services",
            "organizations",
            "service_at_locations",
            "taxonomies",
            "taxonomy_terms",
            "datapackage.zip",
        )
    },
    # The world's listings are approved: their service and organization are public.
    "api/hsds/services/<record_id>": Spec(
        {"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)},
        target=lambda m: {"record_id": hsds_id("service", m.listing.pk)},
    ),
    "api/hsds/organizations/<record_id>": Spec(
        {"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)},
        target=lambda m: {"record_id": hsds_id("organization", m.listing.pk)},
    ),
    # --- API description ----------------------------------------------------------------------
    "api/schema/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    "api/docs/": Spec({"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)}),
    # --- the admin site (its models' pages follow ADMIN_MODELS) ------------------------------
    # Everyone but Alliance staff is sent to the admin's login page.
    "admin/": Spec({m: staff_only(OK) for m in ("GET", "POST")}),
    "admin/login/": Spec(
        {
            "GET": only({"admin": redirect("/admin/")}, others=OK, anonymous=OK),
            "POST": everyone(FORM_REFUSED),
        }
    ),
    # Signing out of the admin needs a POST; anyone who is not staff is sent to its index.
    "admin/logout/": Spec(
        {
            "GET": only(
                {"admin": NOT_ALLOWED}, others=redirect("/admin/"), anonymous=redirect("/admin/")
            ),
            "POST": only(
                {"admin": redirect("/")}, others=redirect("/admin/"), anonymous=redirect("/admin/")
            ),
        }
    ),
    "admin/password_change/": Spec({"GET": staff_only(OK), "POST": staff_only(FORM_REFUSED)}),
    "admin/password_change/done/": Spec({"GET": staff_only(OK), "POST": staff_only(NOT_ALLOWED)}),
    # Without its query (app, model, field) the autocomplete refuses everyone.
    "admin/autocomplete/": Spec({"GET": staff_only(FORBIDDEN), "POST": staff_only(NOT_ALLOWED)}),
    "admin/jsi18n/": Spec({"GET": staff_only(OK), "POST": staff_only(NOT_ALLOWED)}),
    # "View on site": no model has a public URL of its own.
    "admin/r/<content_type_id>/<object_id>/": Spec(
        {m: staff_only(NOT_FOUND) for m in ("GET", "POST")},
        target=lambda m: {
            "content_type_id": ContentType.objects.get_for_model(Consultant).pk,
            "object_id": m.listing.pk,
        },
    ),
    # The Alliance admin may view users, not change their passwords.
    "admin/accounts/user/<id>/password/": Spec(
        {m: staff_only(FORBIDDEN) for m in ("GET", "POST")},
        target=lambda m: {"id": m.users["program"].pk},
    ),
    "admin/<app_label>/": Spec(
        {m: staff_only(OK) for m in ("GET", "POST")}, target=lambda m: {"app_label": "directory"}
    ),
    # Uploading the state's licensing list: an empty POST is the upload form refused.
    "admin/directory/program/import/": Spec(
        {"GET": staff_only(OK), "POST": staff_only(FORM_REFUSED)}
    ),
    "admin/<url>": Spec(
        {m: staff_only(NOT_FOUND) for m in ("GET", "POST")},
        target=lambda m: {"url": "no-such-page/"},
    ),
}


# --- the admin: a rule for its models' pages ----------------------------------------------------


@dataclass(frozen=True)
class AdminModel:
    """What the Alliance admin may do with a model in the admin (its permissions there), the
    object its object pages open, and what an empty POST to its change page does."""

    perms: frozenset[str]
    obj: Callable[[Matrix], object]
    change_post: Outcome | None = None  # for a model the admin may change
    setup: Callable[[Matrix], None] | None = None

    @property
    def can_view(self) -> bool:
        return bool(self.perms & {"view", "change"})


def admin_model(perms: str, obj, change_post=None, setup=None) -> AdminModel:
    return AdminModel(frozenset(perms.split()), obj, change_post, setup)


def _first(model_path: str) -> Callable[[Matrix], object]:
    return lambda m: apps.get_model(model_path).objects.order_by("pk").first().pk


ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": admin_model("", lambda m: Group.objects.get(name="Alliance admins").pk),
    "axes.accessattempt": admin_model("", _first("axes.AccessAttempt")),
    "axes.accesslog": admin_model("", _first("axes.AccessLog")),
    "axes.accessfailurelog": admin_model("", _first("axes.AccessFailureLog")),
    "accounts.user": admin_model("view", lambda m: m.users["program"].pk),
    "directory.county": admin_model("view", lambda m: County.objects.get(fips="55025").pk),
    "directory.language": admin_model("view", lambda m: "en"),
    # Regions (issue 15): the Alliance edits them.
    "directory.region": admin_model(
        "view add change delete",
        lambda m: Region.objects.get(state="WI", scheme="licensing", code="southern").pk,
        change_post=FORM_REFUSED,
    ),
    "directory.consultant": admin_model(
        "view change", lambda m: m.listing.pk, change_post=FORM_REFUSED
    ),
    "directory.listingreviewqueue": admin_model(
        "view change",
        lambda m: m.listing.pk,
        change_post=FORM_REFUSED,
        setup=lambda m: set_listing_status(m.listing, "pending"),  # the queue holds these
    ),
    "directory.program": admin_model(
        "view change", lambda m: m.world.program.pk, change_post=FORM_REFUSED
    ),
    "consultations.consultationrequest": admin_model(
        "view change", lambda m: m.active.pk, change_post=FORM_REFUSED
    ),
    "consultations.unmetdemand": admin_model("view", lambda m: m.submitted.pk),
    # The catalogue of measures (issue 15): the Alliance edits it.
    "consultations.instrument": admin_model(
        "view add change",
        lambda m: Instrument.objects.get(code="tpot").pk,
        change_post=FORM_REFUSED,
    ),
    # Tribal data governance (issue 15): the Alliance records each nation's decision.
    "directory.tribaldatasetting": admin_model(
        "view add change",
        lambda m: TribalDataSetting.objects.get(nation="oneida").pk,
        change_post=FORM_REFUSED,
    ),
    # Background work: the Alliance sees the outgoing emails (read-only pages; "change" is the
    # "send again" action) and the periodic jobs' runs; the task queue is the superuser's.
    "background.outgoingemail": admin_model(
        "view change", _first("background.OutgoingEmail"), change_post=FORBIDDEN
    ),
    "background.periodicrun": admin_model(
        "view",
        _first("background.PeriodicRun"),
        setup=lambda m: apps.get_model("background.PeriodicRun").objects.get_or_create(
            job="matrix", period=1
        ),
    ),
    "django_tasks_database.dbtaskresult": admin_model(
        "", _first("django_tasks_database.DBTaskResult")
    ),
}

ADMIN_KINDS = {  # the tail of a model's admin route → which page it is
    "": "changelist",
    "add/": "add",
    "<object_id>/history/": "history",
    "<object_id>/delete/": "delete",
    "<object_id>/change/": "change",
    "<object_id>/": "object",
    "<arg1>/history/<arg2>/": "history_version",
}


def _admin_model_route(route: Route) -> tuple[str, str] | None:
    parts = route.key.split("/", 3)
    if len(parts) < 4 or parts[0] != "admin":
        return None
    label, kind = f"{parts[1]}.{parts[2]}", ADMIN_KINDS.get(parts[3])
    if label not in ADMIN_MODELS or kind is None:
        return None
    return label, kind


def _staff_outcome(model: AdminModel, kind: str, method: str) -> Outcome:
    """What the Alliance admin gets on a model's admin page (Django's ModelAdmin rules)."""
    if kind == "object":  # the bare object URL sends on to its change page
        return redirect("{path}change/")
    if kind == "history_version" and method != "GET":
        return FORBIDDEN  # iecmhc.admin_history: the audit trail is read-only
    if kind in ("changelist", "history", "history_version"):
        return OK if model.can_view else FORBIDDEN
    if kind == "add":
        return OK if "add" in model.perms else FORBIDDEN
    if kind == "delete":
        return OK if "delete" in model.perms else FORBIDDEN
    # change: the read-only page for view, the form for change; an empty POST is refused.
    if method == "GET":
        return OK if model.can_view else FORBIDDEN
    return model.change_post if "change" in model.perms else FORBIDDEN


def admin_spec(route: Route) -> Spec | None:
    """The rule for a model's admin pages: everyone but Alliance staff goes to the admin's
    login page; the Alliance admin gets what ADMIN_MODELS says they may do."""
    found = _admin_model_route(route)
    if found is None:
        return None
    label, kind = found
    model = ADMIN_MODELS[label]
    return Spec(
        {method: staff_only(_staff_outcome(model, kind, method)) for method in route.methods},
        target=lambda m: _admin_target(route, label, model.obj(m)),
        setup=model.setup,
    )


def _admin_target(route: Route, label: str, pk) -> dict:
    """A model page's object; a version page's is the object's oldest version (so that a
    revert would show), recorded now if it has none (ConsultantFactory records none)."""
    if "arg2" not in route.params:
        return {"object_id": pk}
    model = apps.get_model(label)
    versions = model.history.model.objects.filter(**{model._meta.pk.attname: pk})
    if not versions.exists():
        history_recorder(model).create_historical_record(model.objects.get(pk=pk), "+")
    return {"arg1": pk, "arg2": versions.order_by("history_id").first().history_id}


# --- the cases --------------------------------------------------------------------------------

ROUTES = all_routes()
ROUTES_BY_KEY = {route.key: route for route in ROUTES}


def spec_for(route: Route) -> Spec | None:
    key = route.suffix_of or route.key
    if key in SPECS:
        return SPECS[key]
    base = ROUTES_BY_KEY.get(key, route)
    return admin_spec(base)


def undeclared() -> list[str]:
    missing = []
    for route in ROUTES:
        spec = spec_for(route)
        for method in route.methods:
            if spec is None or method not in spec.expect:
                missing.append(f"{method} /{route.key}  (name {route.name!r}, view {route.view})")
    return missing


def turned_away(route: Route, method: str, role: str) -> str | None:
    """The model whose admin pages `route` is one of, when ADMIN_MODELS' rule sends `role` to
    the admin's login page for `method` there: such cases are tried together, all the pages of
    one model and every method as one role (`test_admin_model_pages_turn_away`)."""
    base = ROUTES_BY_KEY.get(route.suffix_of or route.key, route)
    found = _admin_model_route(base)
    if found is None or base.key in SPECS:
        return None
    spec = spec_for(route)
    if spec.expect[method][role] != ADMIN_LOGIN or (method, role) in spec.bugs:
        return None
    return found[0]


def _turned_away_groups() -> dict[tuple[str, str], list[tuple[Route, str]]]:
    groups = {}
    for route in ROUTES:
        for method in route.methods:
            for role in ROLES:
                label = turned_away(route, method, role)
                if label is not None:
                    groups.setdefault((label, role), []).append((route, method))
    return groups


TURNED_AWAY = _turned_away_groups()


def _cases():
    for route in ROUTES:
        spec = spec_for(route)
        for method in route.methods:
            for role in ROLES:
                if spec is not None and turned_away(route, method, role) is not None:
                    continue  # tried in test_admin_model_pages_turn_away
                marks = []
                reason = spec.bugs.get((method, role)) if spec is not None else None
                if reason:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                yield pytest.param(
                    route, method, role, marks=marks, id=f"{method} /{route.key} as {role}"
                )


DECLARE = (
    "Declare its access rules in tests/test_permission_matrix.py (SPECS, or ADMIN_MODELS for "
    "a model's admin pages): for each method, the outcome for each of the six roles."
)


def _call(route, method: str, role: str, spec, matrix) -> Call:
    """The call of `route` with `method` as `role`, at the spec's target (and with its body)."""
    params = spec.target(matrix)
    return Call(
        route=route,
        method=method,
        role=role,
        path=build_path(route, params),
        params=params,
        body=spec.body(matrix) if spec.body is not None and method != "GET" else None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "role"), list(_cases()))
def test_route_access(route, method, role, matrix, clients, django_capture_on_commit_callbacks):
    spec = spec_for(route)
    if spec is None or method not in spec.expect:
        pytest.fail(f"{method} /{route.key} (view {route.view}) has no access rules. {DECLARE}")
    expected = spec.expect[method][role]
    if spec.setup is not None:
        spec.setup(matrix)
    call = _call(route, method, role, spec, matrix)
    watch, state = ChangeWatch(), {}

    def before_call():
        state["outbox"] = len(mail.outbox)
        watch.start()

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            call,
            clients=clients,
            user=matrix.users[role],
            session=matrix.sessions.get(role),
            before_call=before_call,
        )
    check(call, expected, response, watch.changed(), state["outbox"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "role"),
    [pytest.param(*key, id=f"/admin/ {key[0]} as {key[1]}") for key in TURNED_AWAY],
)
def test_admin_model_pages_turn_away(
    label, role, matrix, clients, django_capture_on_commit_callbacks
):
    """Every admin page of one model (ADMIN_MODELS), with every method, as one role that is not
    Alliance staff: each call gets what its rule expects (the admin's login page), sends no
    email, and none changes the database.

    These are ~1,400 cases alike; one test each cost more in setup than the call itself. So
    the calls of a group run one after another, each checked as it returns, and the database
    is watched once, over them all (ChangeWatch); if it changed, the calls are tried again one
    by one, each watched on its own, to name the ones that changed it."""
    calls = []
    model = ADMIN_MODELS[label]
    if model.setup is not None:
        model.setup(matrix)
    for route, method in TURNED_AWAY[label, role]:
        spec = spec_for(route)
        calls.append((_call(route, method, role, spec, matrix), spec.expect[method][role]))

    def make(call):
        with django_capture_on_commit_callbacks(execute=True):
            return send(
                call,
                clients=clients,
                user=matrix.users[role],
                session=matrix.sessions.get(role),
                before_call=lambda: None,
            )

    watch = ChangeWatch()
    watch.start()
    for call, expected in calls:
        assert not expected.writes, f"{where(call)}: {expected} is not turned away"
        outbox = len(mail.outbox)
        response = make(call)
        check_response(call, expected, response)
        sent = len(mail.outbox) - outbox
        assert not sent, f"{where(call)} ({describe(response)}) sent {sent} email(s)"
    together = watch.changed()
    if not together:
        return
    culprits = []
    for call, _ in calls:
        alone = ChangeWatch()
        alone.start()
        response = make(call)
        changed = alone.changed()
        if changed:
            culprits.append(f"{where(call)} ({describe(response)}) changed {', '.join(changed)}")
    pytest.fail(
        "\n".join(culprits) or f"the calls as {role} together changed {', '.join(together)}"
    )


def test_every_route_declares_its_access_rules():
    missing = undeclared()
    assert not missing, (
        f"{len(missing)} route method(s) of the URLconf have no access rules:\n  "
        + "\n  ".join(missing)
        + f"\n{DECLARE}"
    )


def test_no_stale_expectations():
    stale = [f"SPECS[{key!r}]: no such route" for key in SPECS if key not in ROUTES_BY_KEY]
    for key, spec in SPECS.items():
        route = ROUTES_BY_KEY.get(key)
        if route is not None:
            stale += [
                f"SPECS[{key!r}][{method!r}]: /{key} is not tried with {method}"
                for method in spec.expect
                if method not in route.methods
            ]
        for method, roles in spec.expect.items():
            if set(roles) != set(ROLES):
                stale.append(f"SPECS[{key!r}][{method!r}]: roles must be exactly {ROLES}")
    admin_labels = {
        found[0] for route in ROUTES if (found := _admin_model_route(route)) is not None
    }
    stale += [
        f"ADMIN_MODELS[{label!r}]: no admin pages" for label in ADMIN_MODELS.keys() - admin_labels
    ]
    assert not stale, "Stale or malformed expectations:\n  " + "\n  ".join(stale)
