"""The what-if planner: the batch re-solved with hypothetical consultants agrees with a real
batch run once they are made real; it saves nothing; bad input is refused."""

import pytest
from django.core import mail
from django.urls import reverse

from consultations import batch_offers, whatif
from consultations.matching.whatif import Hypothetical
from directory import geo
from directory.models import Consultant
from tests.consultations import factories
from tests.consultations.alliance_helpers import db_snapshot
from tests.factories import ConsultantFactory, ProgramFactory, UserFactory, api_key, county
from tests.factories import language as make_language

pytestmark = pytest.mark.django_db

EAGLE_RIVER = "54521"  # Vilas County, far north of every consultant of the world


@pytest.fixture
def planning(world, vilas_program):
    """Dane: three requests for two places (one waits). Vilas: three on-site requests nobody
    can reach, one of them priority and one needing Hmong; Oneida: one more. Concerns and
    specialties differ so that every optimum is unique (a tie could be broken either way)."""
    hmong = make_language("hmn", "Hmong")
    for listing in (world.listing, world.other_listing):
        listing.max_caseload = 1
        listing.save()
    world.other_listing.specialties = ["trauma_informed_care"]
    world.other_listing.save()
    oneida = ProgramFactory(
        zip="54501",
        city="Rhinelander",
        county=county("Oneida County", "WI", "55085"),
        latitude=45.64,
        longitude=-89.41,
        members=[UserFactory(role="program")],
    )
    return {
        "dane": [
            factories.submitted(world.program, concerns=concerns)
            for concerns in (
                ["challenging_behavior"],
                ["trauma_exposure"],
                ["challenging_behavior", "trauma_exposure"],
            )
        ],
        "vilas_priority": factories.submitted(
            vilas_program, modality="on_site", urgency="priority"
        ),
        "vilas_hmong": factories.submitted(
            vilas_program,
            modality="on_site",
            preferred_language=hmong,
            language_required=True,
        ),
        "vilas": factories.submitted(vilas_program, modality="on_site", concerns=["family_stress"]),
        "oneida": factories.submitted(oneida, modality="on_site"),
        "hmong": hmong,
        "vilas_county": vilas_program.county,
    }


def hmong_speaker(planning, *, capacity=2, hours_per_week=None) -> Hypothetical:
    return whatif.hypothetical(
        label="Hmong speaker in Eagle River",
        counties=[planning["vilas_county"]],
        zip=EAGLE_RIVER,
        travel_radius_miles=30,
        languages=["hmn"],
        specialties=["challenging_behavior", "trauma_informed_care"],
        modalities=["on_site", "virtual"],
        setting_types=["child_care_center"],
        capacity=capacity,
        hours_per_week=hours_per_week,
    )


def make_real(h: Hypothetical, planning) -> Consultant:
    place = geo.zip_lookup(EAGLE_RIVER)
    return ConsultantFactory(
        display_name=h.label,
        base_zip=EAGLE_RIVER,
        base_state=place.state,
        base_latitude=place.latitude,
        base_longitude=place.longitude,
        travel_radius_miles=h.travel_radius_miles,
        modalities=sorted(h.modalities),
        setting_types=sorted(h.setting_types),
        specialties=sorted(h.specialties),
        max_caseload=h.capacity,
        hours_per_week=h.hours_per_week,
        languages=[planning["hmong"]],
        counties_served=[planning["vilas_county"]],
    )


def pairs(assignments, rename=None):
    rename = rename or {}
    return {(a.request_id, rename.get(a.consultant_id, a.consultant_id)) for a in assignments}


@pytest.mark.parametrize(
    ("capacity", "hours_per_week"), [(1, None), (2, None), (3, None), (4, None), (4, 2), (4, 5)]
)
def test_agrees_with_a_real_run_once_made_real(world, planning, capacity, hours_per_week):
    h = hmong_speaker(planning, capacity=capacity, hours_per_week=hours_per_week)
    before = db_snapshot()
    result = whatif.matching_what_if(actor=world.users["admin"], add=[h])
    assert db_snapshot() == before  # nothing saved
    real = make_real(h, planning)
    run = batch_offers.matching_run(actor=world.users["admin"], dry_run=True)
    assert pairs(result.scenario.assignments, {-1: real.pk}) == pairs(run.assignments)
    assert result.scenario.total_score == run.total_score
    assert result.scenario.priority_matched == run.priority_matched
    assert set(result.scenario.unmatched) == set(run.unmatched)
    if hours_per_week is not None:  # the hours bind before the places do
        taken = sum(1 for a in run.assignments if a.consultant_id == real.pk)
        assert taken >= 1 and taken * 1.5 <= hours_per_week  # 1.5: the lightest level's hours
    # The baseline is the batch as it was.
    real.delete()
    assert pairs(result.baseline.assignments) == pairs(
        batch_offers.matching_run(actor=world.users["admin"], dry_run=True).assignments
    )


def test_the_difference(world, planning):
    result = whatif.matching_what_if(actor=world.users["admin"], add=[hmong_speaker(planning)])
    # Two places: the priority request first, then the Hmong one (the best fit of the rest).
    assert [r.id for r in result.newly_served] == [
        planning["vilas_priority"].pk,
        planning["vilas_hmong"].pk,
    ]
    assert result.no_longer_served == []
    assert (result.served_change, result.priority_change) == (2, 1)
    assert result.score_change == round(
        result.scenario.total_score - result.baseline.total_score, 4
    )
    assert result.score_change > 0
    assert result.by_county() == [("Vilas County, WI", 2, 0)]
    assert result.by_language() == [("Hmong (required)", 1, 0), ("No preference", 1, 0)]
    assert result.by_priority() == [("priority", 1, 0), ("routine", 1, 0)]
    (taken,) = result.taken
    assert (taken.consultant_id, taken.label, taken.capacity, taken.assigned) == (
        -1,
        "Hmong speaker in Eagle River",
        2,
        2,
    )
    assert [r.id for r, _ in taken.waitlisted] == [
        planning["vilas_priority"].pk,
        planning["vilas_hmong"].pk,
    ]


def test_removing_a_real_consultant(world, planning):
    result = whatif.matching_what_if(actor=world.users["admin"], remove=[world.listing.pk])
    assert result.served_change == -1
    assert len(result.no_longer_served) == 1 and result.newly_served == []
    assert result.removed == [world.listing.pk]
    Consultant.objects.filter(pk=world.listing.pk).update(listing_status="suspended")
    run = batch_offers.matching_run(actor=world.users["admin"], dry_run=True)
    assert pairs(result.scenario.assignments) == pairs(run.assignments)
    assert result.scenario.total_score == run.total_score


def test_the_baseline_is_reused_only_for_the_same_batch(world, planning):
    admin = world.users["admin"]
    first = whatif.matching_what_if(actor=admin, add=[hmong_speaker(planning)])
    again = whatif.matching_what_if(actor=admin, add=[hmong_speaker(planning, capacity=1)])
    assert again.baseline is first.baseline
    factories.submitted(world.program)  # one more open request: the batch is not the same
    changed = whatif.matching_what_if(actor=admin, add=[hmong_speaker(planning)])
    assert changed.baseline is not first.baseline
    assert len(changed.baseline.unmatched) == len(first.baseline.unmatched) + 1


def test_two_alike_are_two_consultants(world, planning):
    h = hmong_speaker(planning, capacity=1)
    result = whatif.matching_what_if(actor=world.users["admin"], add=[h, h])
    assert [t.consultant_id for t in result.taken] == [-1, -2]
    assert result.served_change == 2


def test_counties_only_and_unnamed(world, planning):
    h = whatif.hypothetical(counties=[planning["vilas_county"]], modalities=["on_site"], capacity=3)
    assert (h.state, h.latitude, h.travel_radius_miles) == ("WI", None, 0)
    result = whatif.matching_what_if(actor=world.users["admin"], add=[h])
    assert result.taken[0].label == "Hypothetical consultant 1"
    # The Hmong request needs a Hmong speaker: only the two others are served.
    assert {r.id for r in result.newly_served} == {
        planning["vilas_priority"].pk,
        planning["vilas"].pk,
    }


@pytest.mark.parametrize(
    "fields, field",
    [
        ({}, "counties"),
        ({"zip": "00000"}, "zip"),
        ({"zip": EAGLE_RIVER, "travel_radius_miles": 501}, "travel_radius_miles"),
        ({"zip": EAGLE_RIVER, "travel_radius_miles": -1}, "travel_radius_miles"),
        ({"counties": "vilas", "travel_radius_miles": 20}, "zip"),
        ({"zip": EAGLE_RIVER, "capacity": 0}, "capacity"),
        ({"zip": EAGLE_RIVER, "hours_per_week": 0.5}, "hours_per_week"),
        ({"zip": EAGLE_RIVER, "hours_per_week": 61}, "hours_per_week"),
        ({"zip": EAGLE_RIVER, "modalities": []}, "modalities"),
    ],
)
def test_hypothetical_refused(planning, fields, field):
    if fields.get("counties") == "vilas":
        fields = {**fields, "counties": [planning["vilas_county"]]}
    with pytest.raises(whatif.ValidationError) as caught:
        whatif.hypothetical(**{"modalities": ["on_site"], **fields})
    assert field in caught.value.message_dict


def test_service_refusals(world, planning):
    admin = world.users["admin"]
    h = hmong_speaker(planning)
    for kwargs in (
        {},
        {"add": [h] * (whatif.MAX_HYPOTHETICALS + 1)},
        {"remove": list(range(1, whatif.MAX_REMOVALS + 2))},
        {"remove": [999_999]},
    ):
        with pytest.raises(whatif.ValidationError):
            whatif.matching_what_if(actor=admin, **kwargs)
    with pytest.raises(whatif.PermissionDenied):
        whatif.matching_what_if(actor=world.users["consultant"], add=[h])


# --- the API ----------------------------------------------------------------------------------

URL = "/api/v1/matching/what-if/"


def post(client, user, body):
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {api_key(user)}"
    )


def api_body(planning, **changes):
    return {
        "label": "Hmong speaker in Eagle River",
        "counties": [planning["vilas_county"].pk],
        "zip": EAGLE_RIVER,
        "travel_radius_miles": 30,
        "languages": ["hmn"],
        "specialties": ["challenging_behavior"],
        "modalities": ["on_site", "virtual"],
        "setting_types": ["child_care_center"],
        "capacity": 2,
        **changes,
    }


def test_api(client, world, planning):
    before = db_snapshot()
    response = post(client, world.users["admin"], {"add": [api_body(planning)]})
    assert response.status_code == 200, response.content
    assert db_snapshot() == before
    assert mail.outbox == []
    body = response.json()
    assert body["with_change"]["served"] - body["now"]["served"] == 2
    assert body["newly_served"] == [planning["vilas_priority"].pk, planning["vilas_hmong"].pk]
    assert body["by_county"] == [
        {"name": "Vilas County, WI", "newly_served": 2, "no_longer_served": 0}
    ]
    (taken,) = body["hypotheticals"]
    assert taken["id"] == -1 and taken["assigned"] == 2
    assert [w["request"] for w in taken["waitlisted"]] == body["newly_served"]
    assert taken["waitlisted"][1]["language"] == "Hmong (required)"
    assert body["score_change"] > 0


@pytest.mark.parametrize(
    "make_body",
    [
        lambda p: {},
        lambda p: {"add": [api_body(p, counties=[987_654])]},  # unknown county
        lambda p: {"add": [api_body(p, travel_radius_miles=501)]},
        lambda p: {"add": [api_body(p, travel_radius_miles=-5)]},
        lambda p: {"add": [api_body(p, zip="00000")]},
        lambda p: {"add": [api_body(p, counties=[], zip="")]},
        lambda p: {"add": [api_body(p, languages=["xx"])]},
        lambda p: {"add": [api_body(p, specialties=["astrology"])]},
        lambda p: {"add": [api_body(p, capacity=0)]},
        lambda p: {"add": [api_body(p, hours_per_week=0)]},
        lambda p: {"add": [api_body(p, hours_per_week="lots")]},
        lambda p: {"add": [api_body(p)] * (whatif.MAX_HYPOTHETICALS + 1)},
        lambda p: {"add": [api_body(p, salary=1)]},
        lambda p: {"remove": [987_654]},  # unknown consultant
        lambda p: {"remove": list(range(1, whatif.MAX_REMOVALS + 2))},
        lambda p: {"add": "everyone"},
    ],
)
def test_api_bad_input_is_400(client, world, planning, make_body):
    before = db_snapshot()
    response = post(client, world.users["admin"], make_body(planning))
    assert response.status_code == 400, response.content
    assert response.json()
    assert db_snapshot() == before


def test_api_suspended_consultant_cannot_be_removed(client, world, planning):
    Consultant.objects.filter(pk=world.listing.pk).update(listing_status="suspended")
    response = post(client, world.users["admin"], {"remove": [world.listing.pk]})
    assert response.status_code == 400
    assert response.json() == {"remove": [f"Unknown: {world.listing.pk}."]}


# --- the page ---------------------------------------------------------------------------------


def form_data(**first):
    data = {"add-TOTAL_FORMS": "2", "add-INITIAL_FORMS": "0"}
    for i in range(2):
        data |= {
            f"add-{i}-state": "WI",
            f"add-{i}-modalities": ["on_site", "virtual"],
            f"add-{i}-capacity": "12",
        }
    data |= {f"add-0-{k}": v for k, v in first.items()}
    return data


def test_batch_page_has_the_planner(client, world, planning):
    client.force_login(world.users["admin"])
    html = client.get(reverse("alliance:matching")).content.decode()
    assert f'action="{reverse("alliance:matching_what_if")}#what-if-result"' in html
    assert 'name="add-0-counties"' in html and 'name="remove"' in html


def test_page_shows_the_difference(client, world, planning):
    client.force_login(world.users["admin"])
    before = db_snapshot()
    response = client.post(
        reverse("alliance:matching_what_if"),
        form_data(
            label="Hmong speaker",
            counties="Vilas",
            zip=EAGLE_RIVER,
            travel_radius_miles="30",
            languages=["hmn"],
            capacity="2",
        ),
    )
    assert response.status_code == 200
    assert db_snapshot() == before
    result = response.context["result"]
    assert [r.id for r in result.newly_served] == [
        planning["vilas_priority"].pk,
        planning["vilas_hmong"].pk,
    ]
    html = response.content.decode()
    assert "2 requests newly served" in html
    assert "<h3>Hmong speaker</h3>" in html
    assert f'href="{reverse("alliance:request", args=[planning["vilas_hmong"].pk])}"' in html


@pytest.mark.parametrize(
    "first, field",
    [
        ({"counties": "Atlantis"}, "counties"),  # unknown county
        ({"counties": "Vilas", "travel_radius_miles": "501"}, "travel_radius_miles"),
        ({"zip": EAGLE_RIVER, "travel_radius_miles": "-1"}, "travel_radius_miles"),
        ({"zip": "00000"}, "zip"),
        ({"zip": "5452"}, "zip"),
        ({"counties": "Vilas", "capacity": "0"}, "capacity"),
        ({"counties": "Vilas", "hours_per_week": "0.5"}, "hours_per_week"),
        ({"counties": "Vilas", "hours_per_week": "many"}, "hours_per_week"),
        ({"counties": "Vilas", "modalities": []}, "modalities"),
        ({"counties": "Vilas", "travel_radius_miles": "10"}, "zip"),
    ],
)
def test_page_form_errors(client, world, planning, first, field):
    client.force_login(world.users["admin"])
    before = db_snapshot()
    response = client.post(reverse("alliance:matching_what_if"), form_data(**first))
    assert response.status_code == 200
    assert response.context["result"] is None
    assert field in response.context["formset"].forms[0].errors
    assert db_snapshot() == before


def test_page_refuses_too_many_and_unknown_removals(client, world, planning):
    client.force_login(world.users["admin"])
    too_many = form_data(counties="Vilas") | {"add-TOTAL_FORMS": "11"}
    response = client.post(reverse("alliance:matching_what_if"), too_many)
    assert response.status_code == 200 and response.context["result"] is None
    assert response.context["formset"].non_form_errors()
    unknown = form_data() | {"remove": ["987654"]}
    response = client.post(reverse("alliance:matching_what_if"), unknown)
    assert response.context["result"] is None
    assert "remove" in response.context["remove_form"].errors
    nothing = form_data()
    response = client.post(reverse("alliance:matching_what_if"), nothing)
    assert response.context["result"] is None
    assert response.context["remove_form"].non_field_errors()
