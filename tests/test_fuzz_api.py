"""Fuzz the REST API against its own OpenAPI schema (schemathesis), as each role.

The schema is the one the app serves at /api/schema/, loaded in-process from the WSGI app.
Every operation gets generated input, valid and invalid, from each of the six roles; every
response must not be a 5xx, and must have a status code, a content type and a body that the
schema documents for that operation. Path ids point at real records (anyone's, in every
status) most of the time, so the fuzzing reaches the success responses and the state
conflicts, not only the 404s.

Each example runs in a savepoint that is rolled back, so examples do not depend on each other;
generation is derandomized, so CI sees the same examples every run. Generation costs about as
much as the calls, and with the same seed it gives every role the same examples: so each example
is generated once and sent as each of the six roles in turn (the random phase), in three tests
by path ("requests", "consultants", "others") so that the test processes (pytest-xdist) share
the work. The coverage phase (each field's boundary and invalid values, deterministically) runs
once, as the admin, who gets furthest into most operations, in four parts by path
("admin:coverage:requests", ":consultants", ":others-a-m" and ":others-n-z").
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consultations import services
from consultations.models import ConsultationRequest
from directory.models import Consultant, Program
from tests.conftest import ROLES
from tests.consultations import factories as requests
from tests.factories import ConsultantFactory, ProgramFactory, UserFactory, api_key, language

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Production serves HTTPS only (SECURE_SSL_REDIRECT); so do the tests.
BASE_URL = "https://localhost"


# The parts of each phase: the operations each part turns off (schemathesis's `[[operations]]`
# filters; a filter on the fixture's schema itself is dropped by `from_fixture`).
PATHS = {
    "requests": {"exclude-path-regex": r"^/api/v1/requests/"},
    "consultants": {"exclude-path-regex": r"^/api/v1/consultants/"},
    "others": {"include-path-regex": r"^/api/v1/(requests|consultants)/"},
    # The coverage phase's other operations in two halves by the first letter (auth to me;
    # phone-intake to vocabularies): in one part they were the suite's longest test.
    "others-a-m": {"include-path-regex": r"^/api/v1/(requests/|consultants/|[n-z])"},
    "others-n-z": {"include-path-regex": r"^/api/v1/(requests/|[a-m])"},
}
RANDOM_PARTS = ("requests", "consultants", "others")
COVERAGE_PARTS = ("others-n-z", "consultants", "others-a-m", "requests")  # longest first


def fuzz_config(part: str) -> schemathesis.Config:
    coverage_only = part.startswith("admin:coverage:")
    return schemathesis.Config.from_dict(
        {
            "seed": 20240601,
            "generation": {
                "max-examples": 15,  # per operation (and each is sent as every role)
                "deterministic": True,
                "database": "none",
                # Each role sends its own token; generated credentials would only be noise.
                "with-security-parameters": False,
            },
            "phases": {
                "examples": {"enabled": not coverage_only},
                "fuzzing": {"enabled": not coverage_only},
                "coverage": {"enabled": coverage_only},
                "stateful": {"enabled": False},
            },
            "operations": [{**PATHS[part.rsplit(":", 1)[-1]], "enabled": False}],
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        }
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def fuzz_world(world):
    """The role fixtures' world, with records of every shape the API returns: requests in
    every status (with a contact, a declined and an expired offer, a child focus in Spanish),
    listings in review, a listing and a program without public contacts."""
    consultant, admin = world.listing, world.users["admin"]
    for status in ("submitted", "offered", "closed", "withdrawn"):
        requests.in_status(status, world.program, consultant, admin=admin)
    engaged = requests.active(world.program, consultant, admin=admin)
    services.contact_log(
        actor=consultant.user,
        consultation=engaged,
        date=timezone.localdate(),
        minutes=45,
        activity="classroom_observation",
        modality="on_site",
        note="Observed the toddler room at nap time.",
    )
    declined = requests.offered(world.other_program, world.other_listing, admin=admin)
    services.request_decline(actor=world.other_listing.user, consultation=declined, reason="Full.")
    expired = requests.offered(
        world.other_program,
        consultant,
        admin=admin,
        focus="child",
        child_age_months=30,
        parent_consent=True,
        preferred_language=language("es", "Spanish"),
        urgency="priority",
    )
    services.request_expire(consultation=expired, now=timezone.now() + timedelta(days=60))
    for status in ("draft", "pending", "rejected", "suspended"):
        ConsultantFactory(user=UserFactory(role="consultant"), listing_status=status)
    ConsultantFactory(public_email="", public_phone="", contact_email="", languages=[])
    ProgramFactory(members=[world.users["program"]], street="", phone="", email="")
    return world


@pytest.fixture(
    # The coverage parts first: they take longest (tests/conftest.py, LONGEST_FIRST).
    params=[*(f"admin:coverage:{part}" for part in COVERAGE_PARTS)]
    + [f"roles:{part}" for part in RANDOM_PARTS]
)
def part(request) -> str:
    return request.param


@pytest.fixture
def role_headers(fuzz_world, part) -> dict:
    """Each role's headers, by role, for the part's callers: every role for the random phase,
    the admin alone for the coverage phase."""
    roles = ROLES if part.startswith("roles:") else ("admin",)
    users = {role: fuzz_world.users[role] for role in roles}
    return {
        role: {} if user is None else {"Authorization": f"Token {api_key(user)}"}
        for role, user in users.items()
    }


@pytest.fixture
def api_schema(fuzz_world, part, settings, request):
    # schemathesis 4.32's from_fixture() renames the test node per operation through
    # `_nodeid`, which pytest 9.2 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    # As in Django's test client: a request must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["localhost"]
    loaded = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        get_wsgi_application(),
        config=fuzz_config(part),
        base_url=BASE_URL,
    )
    ids = {
        "consultants": list(Consultant.objects.values_list("pk", flat=True)),
        "programs": list(Program.objects.values_list("pk", flat=True)),
        "requests": list(ConsultationRequest.objects.values_list("pk", flat=True)),
    }

    def real_ids(values: dict | None, name: str, collection: str):
        """`values` as generated, or with its integer `name` replaced by a real record's id."""
        generated = values.get(name) if isinstance(values, dict) else None
        if not isinstance(generated, int) or isinstance(generated, bool):
            return st.just(values)  # absent, or invalid on purpose: keep it
        return st.sampled_from([values, *({**values, name: pk} for pk in ids[collection])])

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        collection = context.operation.path.split("/")[3]  # /api/v1/<collection>/{id}/
        return real_ids(path_parameters, "id", collection)

    @loaded.hook
    def flatmap_body(context, body):
        # The program of a new request, the consultant of an offer.
        return real_ids(body, "program", "programs").flatmap(
            lambda body: real_ids(body, "consultant", "consultants")
        )

    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
def test_api_conforms_to_its_schema(case, role_headers):
    for role, headers in role_headers.items():
        with transaction.atomic():
            try:
                case.call_and_validate(base_url=BASE_URL, headers=headers, checks=CHECKS)
            except Exception as error:
                error.add_note(f"Sent as the role {role!r}.")
                raise
            finally:
                transaction.set_rollback(True)
