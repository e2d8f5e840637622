"""Fuzz the REST API against its own OpenAPI schema (schemathesis), as each role.

The schema is the one the app serves at /api/schema/, loaded in-process from the WSGI app.
Every operation gets generated input, valid and invalid, from each of the six roles; every
response must not be a 5xx, and must have a status code, a content type and a body that the
schema documents for that operation. Path ids point at real records (anyone's, in every
status) most of the time, so the fuzzing reaches the success responses and the state
conflicts, not only the 404s.

Each example runs in a savepoint that is rolled back, so examples do not depend on each other;
generation is derandomized, so CI sees the same examples every run. The coverage phase (each
field's boundary and invalid values, deterministically) runs once, as the admin, who gets
furthest into most operations, as tests of their own, in three parts ("admin:coverage:requests",
":consultants" and ":others", by path), so that the test processes (pytest-xdist) share the
work: in one piece it was the suite's slowest test by far; every role, the admin too, gets the
random phase.
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


# The coverage phase's parts: the operations each part turns off (schemathesis's `[[operations]]`
# filters; a filter on the fixture's schema itself is dropped by `from_fixture`).
COVERAGE_PARTS = {
    "requests": {"exclude-path-regex": r"^/api/v1/requests/"},
    "consultants": {"exclude-path-regex": r"^/api/v1/consultants/"},
    # The rest in two halves by the first letter (auth to me; phone-intake to vocabularies): one
    # part of them all was the suite's longest test, and left a core idle at the end.
    "others-a-m": {"include-path-regex": r"^/api/v1/(requests/|consultants/|[n-z])"},
    "others-n-z": {"include-path-regex": r"^/api/v1/(requests/|[a-m])"},
}


def fuzz_config(role: str) -> schemathesis.Config:
    coverage_only = ":coverage" in role
    return schemathesis.Config.from_dict(
        {
            "seed": 20240601,
            "generation": {
                "max-examples": 15,  # per operation and role
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
            "operations": (
                [{**COVERAGE_PARTS[role.rsplit(":", 1)[1]], "enabled": False}]
                if coverage_only
                else []
            ),
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


@pytest.fixture(params=[*ROLES, *(f"admin:coverage:{part}" for part in COVERAGE_PARTS)])
def role(request) -> str:
    return request.param


@pytest.fixture
def role_headers(fuzz_world, role) -> dict:
    user = fuzz_world.users[role.split(":")[0]]
    if user is None:
        return {}
    return {"Authorization": f"Token {api_key(user)}"}


@pytest.fixture
def api_schema(fuzz_world, role, settings, request):
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
        config=fuzz_config(role),
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
    with transaction.atomic():
        case.call_and_validate(base_url=BASE_URL, headers=role_headers, checks=CHECKS)
        transaction.set_rollback(True)
