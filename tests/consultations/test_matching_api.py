"""Matching against the database and the API (docs/api.md, "Caseload and matching"):
the one-query hard constraints (matching.match_candidates) held to the pure rules on a world
with a consultant of every kind, GET /api/v1/requests/{id}/matches/, POST
/api/v1/matching/run/ and `manage.py match_pending`.

Run on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL: the query's JSON and
trigonometry differ between the two.
"""

import gc
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import matching, services
from consultations.matching import facts
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant
from tests.conftest import ROLES
from tests.consultations import factories
from tests.factories import ConsultantFactory, ProgramFactory, county, language

pytestmark = pytest.mark.django_db

MADISON = (43.0775, -89.3831)  # as ProgramFactory and ConsultantFactory
JANESVILLE = (42.6828, -89.0187)  # 33 miles from Madison
ROCKFORD = (42.2711, -89.0940)  # 58 miles, in Illinois
MINNEAPOLIS = (44.9778, -93.2650)  # 233 miles, in Minnesota
SUPERIOR = (46.7208, -92.1041)  # 285 miles
NOWHERE = (None, None)

RUN_URL = "/api/v1/matching/run/"


def matches_url(request_id, **query) -> str:
    url = f"/api/v1/requests/{request_id}/matches/"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


# --- builders --------------------------------------------------------------------------------


def dane():
    return county("Dane County", "WI", "55025")


def rock():
    return county("Rock County", "WI", "55105")


def douglas():
    return county("Douglas County", "WI", "55031")


def hennepin():
    return county("Hennepin County", "MN", "27053")


def winnebago_il():
    return county("Winnebago County", "IL", "17201")


def english():
    return language("en", "English")


def spanish():
    return language("es", "Spanish")


def consultant(
    name: str,
    *,
    at=MADISON,
    state="WI",
    counties=None,
    modalities=("on_site", "virtual"),
    languages=None,
    **fields,
) -> Consultant:
    """An approved consultant based `at` (lat, lng) in `state`, serving `counties` (default
    Dane), speaking `languages` (default English)."""
    return ConsultantFactory(
        display_name=name,
        base_state=state,
        base_latitude=at[0],
        base_longitude=at[1],
        modalities=list(modalities),
        counties_served=[dane()] if counties is None else counties,
        languages=[english()] if languages is None else languages,
        **fields,
    )


def decline(request: ConsultationRequest, by: Consultant, admin) -> None:
    services.request_offer(actor=admin, consultation=request, consultant=by)
    request.refresh_from_db()
    services.request_decline(actor=by.user, consultation=request, reason="My caseload is full.")
    request.refresh_from_db()


def every_kind_of_consultant() -> dict[str, Consultant]:
    """One consultant of every kind the hard constraints tell apart (for a Madison program in
    Dane County, WI)."""
    return {
        "dane": consultant("Dane, both modalities"),
        "dane_spanish": consultant("Dane, Spanish", languages=[english(), spanish()]),
        "not_approved": consultant("Pending listing", listing_status="pending"),
        "suspended": consultant("Suspended listing", listing_status="suspended"),
        "not_accepting": consultant("Not accepting", accepting_new_requests=False),
        "full": consultant("Full caseload", max_caseload=2, active_caseload=2),
        "declined": consultant("Declined before", languages=[spanish()]),
        "virtual_only_wi": consultant(
            "Virtual only, WI", at=SUPERIOR, counties=[douglas()], modalities=["virtual"]
        ),
        "on_site_only_far": consultant(
            "On site only, far", at=SUPERIOR, counties=[douglas()], modalities=["on_site"]
        ),
        "serves_dane_far": consultant(
            "Serves Dane from Superior",
            at=SUPERIOR,
            counties=[douglas(), dane()],
            modalities=["on_site"],
            languages=[spanish()],
        ),
        "within_radius": consultant(
            "Janesville, 50 miles",
            at=JANESVILLE,
            counties=[rock()],
            modalities=["on_site"],
            travel_radius_miles=50,
        ),
        "beyond_radius": consultant(
            "Janesville, 30 miles",
            at=JANESVILLE,
            counties=[rock()],
            modalities=["on_site"],
            travel_radius_miles=30,
        ),
        "illinois_radius": consultant(
            "Rockford IL, 60 miles",
            state="IL",
            at=ROCKFORD,
            counties=[winnebago_il()],
            modalities=["on_site"],
            travel_radius_miles=60,
            languages=[spanish()],
        ),
        "far_both_wi": consultant("Superior, both modalities", at=SUPERIOR, counties=[douglas()]),
        "virtual_mn": consultant(
            "Virtual only, MN",
            state="MN",
            at=MINNEAPOLIS,
            counties=[hennepin()],
            modalities=["virtual"],
            languages=[spanish()],
        ),
        "both_mn": consultant("Both, MN", state="MN", at=MINNEAPOLIS, counties=[hennepin()]),
    }


FEASIBLE_EVERYWHERE = {"listing", "other_listing", "dane", "dane_spanish"}
# (request modality, Spanish required) -> the kinds who may take the request.
EXPECTED_CANDIDATES = {
    ("on_site", False): FEASIBLE_EVERYWHERE
    | {"serves_dane_far", "within_radius", "illinois_radius"},
    ("on_site", True): {"dane_spanish", "serves_dane_far", "illinois_radius"},
    ("virtual", False): FEASIBLE_EVERYWHERE | {"virtual_only_wi", "far_both_wi"},
    ("virtual", True): {"dane_spanish"},
    ("either", False): FEASIBLE_EVERYWHERE
    | {
        "serves_dane_far",
        "within_radius",
        "illinois_radius",
        "virtual_only_wi",
        "far_both_wi",
    },
    ("either", True): {"dane_spanish", "serves_dane_far", "illinois_radius"},
}
EXPECTED_EXCLUDED = {
    # not_approved, not_accepting, at_capacity and declined_before do not depend on the request
    ("on_site", False): {"modality": 2, "out_of_area": 4, "language": 0},
    ("on_site", True): {"modality": 2, "out_of_area": 4, "language": 4},
    ("virtual", False): {"modality": 5, "out_of_area": 2, "language": 0},
    ("virtual", True): {"modality": 5, "out_of_area": 2, "language": 5},
    ("either", False): {"modality": 0, "out_of_area": 4, "language": 0},
    ("either", True): {"modality": 0, "out_of_area": 4, "language": 6},
}


@pytest.fixture
def kinds(world) -> dict[str, Consultant]:
    return {
        "listing": world.listing,
        "other_listing": world.other_listing,
        **every_kind_of_consultant(),
    }


def request_for(world, kinds, *, modality, spanish_required, admin=None):
    """A submitted request of world.program (Madison, Dane County) that `declined` declined."""
    fields = {"modality": modality}
    if spanish_required:
        fields.update(preferred_language=spanish(), language_required=True)
    request = factories.submitted(world.program, **fields)
    decline(request, kinds["declined"], admin or world.users["admin"])
    return request


def pure_facts(consultation):
    declined = frozenset(matching.declined_consultant_ids(consultation))
    consultants = facts.consultant_facts(list(Consultant.objects.order_by("pk")))
    return facts.request_facts(consultation, declined), consultants


def test_the_approved_listings_read_as_rows_have_the_facts_of_their_models(world, kinds):
    """matchable_consultants_facts reads plain rows (JSON lists as text): the same facts as
    consultant_facts over the approved listings' model instances, and no others."""
    listings = Consultant.objects.order_by("pk")
    listings.filter(pk=kinds["declined"].pk).update(
        modalities=["virtual", "on_site"], setting_types=[], brief_team=True
    )
    approved = [c for c in listings if c.listing_status == Consultant.ListingStatus.APPROVED]
    assert 0 < len(approved) < listings.count()  # a pending listing is left out
    assert matching.matchable_consultants_facts() == facts.consultant_facts(approved)


def test_every_open_request_read_as_rows_has_the_facts_of_its_model(world, kinds):
    """open_requests_facts reads plain rows (JSON lists as text, weights and ages cached):
    the same facts as request_facts over each submitted request, declines included."""
    request_for(world, kinds, modality="virtual", spanish_required=True)
    request_for(world, kinds, modality="on_site", spanish_required=False)
    factories.submitted(world.program, urgency="priority", planned_hours_per_week="2.5")
    closed = factories.submitted(world.program)
    ConsultationRequest.objects.filter(pk=closed.pk).update(status="withdrawn")
    submitted = ConsultationRequest.objects.filter(status="submitted").order_by("pk")
    assert submitted.count() == 3
    expected = [
        facts.request_facts(r, frozenset(matching.declined_consultant_ids(r))) for r in submitted
    ]
    assert any(f.declined for f in expected) and any(f.priority for f in expected)
    assert matching.open_requests_facts() == expected


def test_the_collector_is_paused_for_a_batch_and_as_it_was_after():
    assert gc.isenabled()
    with matching.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), matching.gc_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()  # after a failure too
    gc.disable()
    try:
        with matching.gc_paused():
            pass
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()


def test_a_batch_and_the_planner_read_and_solve_with_the_collector_paused(
    world, kinds, monkeypatch
):
    from consultations import batch_offers, whatif

    request_for(world, kinds, modality="virtual", spanish_required=True)
    seen = []
    for module, name in (
        (matching, "plan"),
        (whatif, "what_if"),
        (matching, "open_requests_facts"),
    ):
        real = getattr(module, name)

        def recording(*args, real=real, **kwargs):
            seen.append(gc.isenabled())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recording)
    admin = world.users["admin"]
    run = batch_offers.matching_run(actor=admin, dry_run=True)
    whatif.matching_what_if(actor=admin, remove=[world.listing.pk])
    assert run.assignments or run.unmatched
    assert seen == [False] * 4 and gc.isenabled()


# --- match_candidates: the SQL query against the pure rules ------------------------------------


@pytest.mark.parametrize(("modality", "spanish_required"), sorted(EXPECTED_CANDIDATES))
def test_match_candidates_selects_exactly_whom_exclusion_accepts(
    world, kinds, modality, spanish_required
):
    request = request_for(world, kinds, modality=modality, spanish_required=spanish_required)
    candidates, excluded = matching.match_candidates(request)

    facts, consultants = pure_facts(request)
    accepted = {c.id for c in consultants if matching.exclusion(facts, c) is None}
    assert {c.pk for c in candidates} == accepted
    names = {pk: kind for kind, c in kinds.items() for pk in [c.pk]}
    assert {names[c.pk] for c in candidates} == EXPECTED_CANDIDATES[modality, spanish_required]
    assert [c.pk for c in candidates] == sorted(accepted)

    assert excluded == matching.rank(facts, consultants).excluded
    assert excluded == {
        "not_approved": 2,
        "credential_lapsed": 0,
        "not_accepting": 1,
        "at_capacity": 1,
        "declined_before": 1,
        **EXPECTED_EXCLUDED[modality, spanish_required],
    }
    assert sum(excluded.values()) + len(candidates) == Consultant.objects.count()


def test_a_preferred_but_not_required_language_excludes_nobody(world, kinds):
    request = factories.submitted(
        world.program, modality="on_site", preferred_language=spanish(), language_required=False
    )
    candidates, excluded = matching.match_candidates(request)
    assert excluded["language"] == 0
    assert excluded["declined_before"] == 0
    assert kinds["declined"].pk in {c.pk for c in candidates}  # nobody declined this one


def test_ranked_matches_agree_with_rank_over_every_consultant(world, kinds):
    request = request_for(world, kinds, modality="either", spanish_required=False)
    ranking = matching.ranked_matches(request)
    facts, consultants = pure_facts(request)
    expected = matching.rank(facts, consultants, matching.score_weights())
    assert ranking.matches == expected.matches
    assert ranking.excluded == expected.excluded


@pytest.mark.parametrize("where", ["consultant", "program"])
def test_exclusion_counts_add_up_when_coordinates_are_unknown(world, where):
    if where == "consultant":
        consultant("No coordinates", at=NOWHERE, counties=[rock()], modalities=["on_site"])
        program = world.program
    else:
        consultant("Janesville", at=JANESVILLE, counties=[rock()], modalities=["on_site"])
        program = ProgramFactory(members=[world.users["program"]], latitude=None, longitude=None)
    consultation = factories.submitted(program, modality="on_site")
    candidates, excluded = matching.match_candidates(consultation)
    facts, consultants = pure_facts(consultation)
    assert {c.pk for c in candidates} == {
        c.id for c in consultants if matching.exclusion(facts, c) is None
    }
    assert excluded == matching.rank(facts, consultants).excluded
    assert excluded["out_of_area"] == 1


# --- GET /api/v1/requests/{id}/matches/ ------------------------------------------------------

MATCHES_STATUS = {
    "anonymous": 401,
    "program": 403,  # a member sees the request, but not its matches
    "other_program": 404,
    "consultant": 403,  # offered the request: sees it, not its matches
    "other_consultant": 404,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_matches_who_may_see_them(world, role):
    request = factories.offered(world.program, world.listing, admin=world.users["admin"])
    response = world.client(role).get(matches_url(request.pk))
    assert response.status_code == MATCHES_STATUS[role], response.content


@pytest.mark.parametrize(
    ("role", "expected"),
    [("consultant", 404), ("other_consultant", 404), ("program", 403), ("admin", 200)],
)
def test_matches_of_a_submitted_request_are_hidden_from_consultants(world, role, expected):
    request = factories.submitted(world.program)
    assert world.client(role).get(matches_url(request.pk)).status_code == expected


def test_matches_are_best_first_with_components_and_reasons(world):
    world.other_listing.accepting_new_requests = False
    world.other_listing.save()
    mentor = consultant(
        "Mentor",
        endorsements=["infant_mental_health_mentor"],
        languages=[english(), spanish()],
        specialties=["challenging_behavior", "trauma_informed_care"],
    )
    far = consultant("Serves Dane from Superior", at=SUPERIOR, counties=[dane(), douglas()])
    consultant("Not accepting", accepting_new_requests=False)
    request = factories.submitted(
        world.program,
        concerns=["challenging_behavior", "trauma_exposure"],
        preferred_language=spanish(),
    )
    response = world.client("admin").get(matches_url(request.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    results = body["results"]
    assert [r["consultant"] for r in results] == [mentor.pk, world.listing.pk, far.pk]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    best = results[0]
    assert best["display_name"] == "Mentor"
    assert best["reach"] == "county"
    assert best["distance_miles"] == 0.0
    assert best["components"] == {
        "specialty": 1.0,
        "setting": 1.0,
        "language": 1.0,
        "distance": 1.0,
        "room": 1.0,
        "continuity": 0.0,
        "endorsement": 1.0,
    }
    assert best["score"] == 0.9
    assert "speaks Spanish" in best["reasons"]
    assert "serves Dane County" in best["reasons"]
    assert "12 of 12 places free" in best["reasons"]
    assert "does not speak Spanish (preferred, not required)" in results[1]["reasons"]
    assert results[2]["components"]["distance"] == 0.0
    assert body["excluded"]["not_accepting"] == 2
    assert sum(body["excluded"].values()) == 2
    assert set(body["excluded"]) == set(matching.EXCLUSIONS)


@pytest.mark.parametrize("limit", ["0", "201", "x", "-1", "1.5"])
def test_matches_limit_is_validated(world, limit):
    request = factories.submitted(world.program)
    response = world.client("admin").get(matches_url(request.pk, limit=limit))
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize(("limit", "shown"), [("1", 1), ("200", 2)])
def test_matches_limit_cuts_the_results_not_the_count(world, limit, shown):
    request = factories.submitted(world.program)
    body = world.client("admin").get(matches_url(request.pk, limit=limit)).json()
    assert body["count"] == 2
    assert len(body["results"]) == shown


@pytest.mark.parametrize("request_id", ["999999", "abc"])
def test_matches_of_a_request_that_does_not_exist(world, request_id):
    assert world.client("admin").get(matches_url(request_id)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_matches_is_read_only(world, method):
    request = factories.submitted(world.program)
    response = getattr(world.client("admin"), method)(matches_url(request.pk))
    assert response.status_code == 405


def test_matches_make_a_constant_number_of_queries(world):
    request = factories.submitted(world.program)
    client = world.client("admin")
    counts = {}
    for total in (3, 20):
        while Consultant.objects.count() < total:
            consultant("More", languages=[english(), spanish()], counties=[dane(), rock()])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(matches_url(request.pk, limit=200))
        assert response.status_code == 200
        assert response.json()["count"] == total
        counts[total] = len(queries)
    assert counts[3] == counts[20]


# --- POST /api/v1/matching/run/ --------------------------------------------------------------

RUN_STATUS = {
    "anonymous": 401,
    "program": 403,
    "other_program": 403,
    "consultant": 403,
    "other_consultant": 403,
    "admin": 200,
}


def snapshot():
    return {
        "statuses": list(
            ConsultationRequest.objects.order_by("pk").values_list("pk", "status", "consultant")
        ),
        "events": RequestEvent.objects.count(),
        "emails": len(mail.outbox),
    }


@pytest.mark.parametrize("role", ROLES)
def test_matching_run_is_for_admins_only(world, role, django_capture_on_commit_callbacks):
    factories.submitted(world.program)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(role).post(RUN_URL, {"dry_run": False}, format="json")
    assert response.status_code == RUN_STATUS[role], response.content
    if role != "admin":
        assert snapshot() == before


def only_one_place(world) -> Consultant:
    """World listings stop accepting; one consultant with a single free place remains."""
    Consultant.objects.filter(pk__in=[world.listing.pk, world.other_listing.pk]).update(
        accepting_new_requests=False
    )
    return consultant("Single place", max_caseload=3, active_caseload=2)


def test_a_dry_run_previews_and_changes_nothing(world, django_capture_on_commit_callbacks):
    first = factories.submitted(world.program)
    second = factories.submitted(world.other_program)
    mail.outbox.clear()
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(RUN_URL, {"dry_run": True}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert {a["request"] for a in body["assignments"]} == {first.pk, second.pk}
    assert body["unmatched"] == []
    assert body["offered"] == []
    assert body["total_score"] == pytest.approx(sum(a["score"] for a in body["assignments"]))
    assert snapshot() == before


def test_dry_run_is_the_default(world):
    factories.submitted(world.program)
    before = snapshot()
    response = world.client("admin").post(RUN_URL, {}, format="json")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert snapshot() == before


def test_a_real_run_makes_offers_through_the_service(world, django_capture_on_commit_callbacks):
    listing = only_one_place(world)
    request = factories.submitted(world.program)
    mail.outbox.clear()
    admin = world.users["admin"]
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(RUN_URL, {"dry_run": False}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is False
    assert body["offered"] == [request.pk]
    assert body["assignments"] == [
        {"request": request.pk, "consultant": listing.pk, "score": body["total_score"]}
    ]
    request.refresh_from_db()
    assert (request.status, request.consultant_id) == ("offered", listing.pk)
    event = request.events.get(action=RequestEvent.Action.OFFERED)
    assert (event.actor, event.actor_role, event.consultant_id) == (admin, "admin", listing.pk)
    recipients = [address for message in mail.outbox for address in message.to]
    assert listing.contact_email in recipients


def test_priority_requests_are_matched_first_when_capacity_is_short(
    world, django_capture_on_commit_callbacks
):
    listing = only_one_place(world)  # specialises in challenging behavior
    routine = factories.submitted(world.program, concerns=["challenging_behavior"])
    priority = factories.submitted(
        world.other_program, concerns=["trauma_exposure"], urgency="priority"
    )
    # The routine request fits better ...
    scores = {m.consultant_id: m.score for m in matching.ranked_matches(routine).matches}
    assert scores[listing.pk] > matching.ranked_matches(priority).matches[0].score
    with django_capture_on_commit_callbacks(execute=True):
        body = world.client("admin").post(RUN_URL, {"dry_run": False}, format="json").json()
    # ... but the priority request takes the only place.
    assert body["offered"] == [priority.pk]
    assert body["priority_matched"] == 1
    assert body["unmatched"] == [
        {
            "request": routine.pk,
            "reasons": ["every feasible consultant's places went to better-fitting requests"],
        }
    ]
    priority.refresh_from_db()
    routine.refresh_from_db()
    assert (priority.status, priority.consultant_id) == ("offered", listing.pk)
    assert (routine.status, routine.consultant_id) == ("submitted", None)


def test_requests_nobody_can_take_are_reported_with_reasons(world):
    Consultant.objects.update(accepting_new_requests=False)
    request = factories.submitted(world.program)
    body = world.client("admin").post(RUN_URL, {}, format="json").json()
    assert body["assignments"] == []
    assert body["unmatched"] == [
        {"request": request.pk, "reasons": ["not accepting new requests (2)"]}
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"dry_run": True, "force": True},
        {"dryrun": False},
        {"dry_run": "maybe"},
        {"dry_run": None},
        {"dry_run": [False]},
        {"compare": "perhaps"},
        {"compare": None},
        [],
    ],
)
def test_matching_run_rejects_bad_input(world, payload):
    factories.submitted(world.program)
    before = snapshot()
    response = world.client("admin").post(RUN_URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert snapshot() == before


def test_the_greedy_total_only_when_compare_is_asked(world):
    only_one_place(world)
    factories.submitted(world.program)
    client = world.client("admin")
    plain = client.post(RUN_URL, {}, format="json").json()
    assert plain["greedy_total_score"] is None and "greedy" not in plain["seconds"]
    compared = client.post(RUN_URL, {"compare": True}, format="json").json()
    # One request, one place: greedy and optimal agree.
    assert compared["greedy_total_score"] == compared["total_score"] > 0
    assert "greedy" in compared["seconds"]
    assert compared["assignments"] == plain["assignments"]


# --- manage.py match_pending -----------------------------------------------------------------


def run_command(*args) -> str:
    out = StringIO()
    call_command("match_pending", *args, stdout=out)
    return out.getvalue()


def test_match_pending_dry_run_prints_a_summary_and_changes_nothing(
    world, django_capture_on_commit_callbacks
):
    listing = only_one_place(world)
    factories.submitted(world.program)
    unmatched = factories.submitted(world.other_program, concerns=["trauma_exposure"])
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("--dry-run")
    assert output.startswith("1 request(s) would be offered; 1 unmatched; total score ")
    assert "priority matched: 0." in output
    assert f"#{unmatched.pk} unmatched: every feasible consultant's places went to" in output
    assert "Time: load" in output
    assert snapshot() == before
    assert listing.requests.count() == 0


def test_match_pending_offers_as_the_system(world, django_capture_on_commit_callbacks):
    listing = only_one_place(world)
    request = factories.submitted(world.program)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command()
    assert output.startswith("1 request(s) offered; 0 unmatched;")
    request.refresh_from_db()
    assert (request.status, request.consultant_id) == ("offered", listing.pk)
    event = request.events.get(action=RequestEvent.Action.OFFERED)
    assert (event.actor, event.actor_role) == (None, "system")
    assert listing.contact_email in [a for m in mail.outbox for a in m.to]


def test_match_pending_records_an_admin_actor(world):
    only_one_place(world)
    request = factories.submitted(world.program)
    run_command("--actor", "ALEX_ADMIN")  # usernames match case-insensitively
    event = request.events.get(action=RequestEvent.Action.OFFERED)
    assert (event.actor, event.actor_role) == (world.users["admin"], "admin")


@pytest.mark.parametrize("username", ["pat_program", "cora_consultant", "nobody_at_all"])
def test_match_pending_refuses_an_actor_who_is_not_an_admin(world, username):
    factories.submitted(world.program)
    before = snapshot()
    with pytest.raises(CommandError, match="is not an Alliance admin"):
        run_command("--actor", username)
    assert snapshot() == before


def test_match_pending_compares_with_greedy_only_when_asked(world):
    only_one_place(world)
    factories.submitted(world.program)
    assert "greedy" not in run_command("--dry-run")
    output = run_command("--dry-run", "--compare")
    assert "(greedy " in output and ", bound " in output
    assert "greedy " in output.rsplit("Time:", 1)[1]


def test_match_pending_with_nothing_to_do(world):
    output = run_command()
    assert output.startswith("0 request(s) offered; 0 unmatched; total score 0.0000")


def test_a_second_run_does_not_offer_an_offered_request_again(
    world, django_capture_on_commit_callbacks
):
    only_one_place(world)
    request = factories.submitted(world.program)
    with django_capture_on_commit_callbacks(execute=True):
        run_command()
        output = run_command()
    assert output.startswith("0 request(s) offered;")
    assert request.events.filter(action=RequestEvent.Action.OFFERED).count() == 1


# --- the core rules at the API: declined before, priority first ------------------------------


def test_matches_never_list_a_consultant_who_declined_the_request(world):
    only_one_place(world)
    decliner = consultant("Declined it")
    request = factories.submitted(world.program)
    decline(request, decliner, world.users["admin"])
    body = world.client("admin").get(matches_url(request.pk)).json()
    assert decliner.pk not in {m["consultant"] for m in body["results"]}
    assert body["excluded"]["declined_before"] == 1


def test_the_batch_never_assigns_a_request_to_who_declined_it(world):
    Consultant.objects.update(accepting_new_requests=False)
    decliner = consultant("Declined it")
    request = factories.submitted(world.program)
    decline(request, decliner, world.users["admin"])
    body = world.client("admin").post(RUN_URL, {"dry_run": False}, format="json").json()
    assert body["assignments"] == [] and body["offered"] == []
    assert body["unmatched"] == [
        {
            "request": request.pk,
            "reasons": ["not accepting new requests (2)", "declined this request before (1)"],
        }
    ]
    request.refresh_from_db()
    assert (request.status, request.consultant_id) == ("submitted", None)


def test_a_batch_fills_short_capacity_with_every_priority_request_first(world):
    Consultant.objects.filter(pk__in=[world.listing.pk, world.other_listing.pk]).update(
        accepting_new_requests=False
    )
    two_places = consultant("Two places", max_caseload=2)
    routine = factories.submitted(world.program, concerns=["challenging_behavior"])
    first = factories.submitted(world.program, concerns=["trauma_exposure"], urgency="priority")
    second = factories.submitted(
        world.other_program, concerns=["trauma_exposure"], urgency="priority"
    )
    body = world.client("admin").post(RUN_URL, {}, format="json").json()
    assigned = {(a["request"], a["consultant"]) for a in body["assignments"]}
    assert assigned == {(first.pk, two_places.pk), (second.pk, two_places.pk)}
    assert body["priority_matched"] == 2
    assert [u["request"] for u in body["unmatched"]] == [routine.pk]
