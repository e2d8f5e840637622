"""The snapshot of the consultants (consultations.matching.snapshot) and the matching version
that keeps it fresh (consultations.matching.version).

The SQL path (facts.ranked_matches_in_sql) is the reference: on random consultants in the
database, the snapshot's ranking must equal it exactly: the order, the scores, the components,
the reasons and the exclusion counts by reason, with and without a limit. Run on SQLite and,
with DATABASE_URL=postgres://..., on PostgreSQL (where the version's triggers run at commit).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations import matching, services
from consultations.matching import facts, snapshot, version
from consultations.models import ConsultationRequest, RequestEvent
from directory import credential_services
from directory import services as directory_services
from directory.models import Consultant
from directory.vocabularies import Concern, Endorsement, EndorsementStatus, SettingType, Specialty
from tests.consultations import factories
from tests.consultations.test_matching_api import (
    JANESVILLE,
    MADISON,
    MINNEAPOLIS,
    NOWHERE,
    SUPERIOR,
    consultant,
    dane,
    douglas,
    english,
    hennepin,
    rock,
    spanish,
)
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

PLACES = [MADISON, JANESVILLE, SUPERIOR, MINNEAPOLIS, NOWHERE]
COUNTIES = {"dane": dane, "rock": rock, "douglas": douglas, "hennepin": hennepin}
LANGUAGES = {"en": english, "es": spanish}
PROPERTIES = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --- random consultants and a request, in the database ---------------------------------------


@st.composite
def consultant_specs(draw) -> dict:
    today = timezone.localdate()
    place = draw(st.sampled_from(PLACES))
    max_caseload = draw(st.integers(1, 4))
    active = draw(st.integers(0, max_caseload))
    hours = draw(st.none() | st.sampled_from(["2.00", "3.00", "4.50", "10.00"]))
    return {
        "at": place,
        "state": draw(st.sampled_from(["WI", "WI", "MN"])),
        "travel_radius_miles": draw(st.sampled_from([0, 30, 50, 120, 300])),
        "modalities": sorted(draw(st.sets(st.sampled_from(["on_site", "virtual"]), min_size=1))),
        "counties": sorted(draw(st.sets(st.sampled_from(sorted(COUNTIES)), max_size=2))),
        "languages": sorted(draw(st.sets(st.sampled_from(sorted(LANGUAGES)), max_size=2))),
        "specialties": sorted(draw(st.sets(st.sampled_from(Specialty.values), max_size=3))),
        "setting_types": sorted(draw(st.sets(st.sampled_from(SettingType.values), max_size=2))),
        "max_caseload": max_caseload,
        "active_caseload": active,
        "open_offers": draw(st.integers(0, max_caseload - active)),
        "hours_per_week": None if hours is None else Decimal(hours),
        "hours_committed": Decimal(draw(st.sampled_from(["0.00", "1.50", "2.75"]))),
        "listing_status": draw(st.sampled_from(["approved"] * 5 + ["pending", "suspended"])),
        "accepting_new_requests": draw(st.sampled_from([True] * 5 + [False])),
        "brief_team": draw(st.sampled_from([False, False, True])),
        "license_expires": draw(
            st.sampled_from([None, today - timedelta(days=1), today, today + timedelta(days=30)])
        ),
        "endorsements": sorted(
            draw(
                st.dictionaries(
                    st.sampled_from(Endorsement.values[1:]),
                    st.tuples(
                        st.sampled_from(EndorsementStatus.values),
                        st.sampled_from([today - timedelta(days=1), today + timedelta(days=90)]),
                    ),
                    max_size=2,
                )
            ).items()
        ),
        "served": draw(st.booleans()),
        "declined": draw(st.integers(0, 4)) == 0,
    }


@st.composite
def request_specs(draw) -> dict:
    return {
        "at": draw(st.sampled_from([MADISON, SUPERIOR, MINNEAPOLIS, NOWHERE])),
        "county": draw(st.sampled_from(sorted(COUNTIES))),
        "setting_type": draw(st.sampled_from(SettingType.values)),
        "modality": draw(st.sampled_from(["on_site", "virtual", "either"])),
        "concerns": draw(
            st.lists(st.sampled_from(Concern.values), min_size=1, max_size=3, unique=True)
        ),
        "language": draw(st.none() | st.sampled_from(sorted(LANGUAGES))),
        "language_required": draw(st.booleans()),
        "focus": draw(st.sampled_from(["classroom", "program"])),
    }


def build_world(consultant_list: list[dict], request: dict, admin) -> ConsultationRequest:
    county = COUNTIES[request["county"]]()
    program = ProgramFactory(
        latitude=request["at"][0],
        longitude=request["at"][1],
        county=county,
        state=county.state,
        setting_type=request["setting_type"],
    )
    fields = {
        "modality": request["modality"],
        "concerns": request["concerns"],
        "focus": request["focus"],
        "preferred_language": LANGUAGES[request["language"]]() if request["language"] else None,
        "language_required": bool(request["language"]) and request["language_required"],
    }
    consultation = factories.submitted(program, **fields)
    for n, spec in enumerate(consultant_list):
        spec = dict(spec)
        served, declined = spec.pop("served"), spec.pop("declined")
        endorsements = spec.pop("endorsements")
        listing = consultant(
            f"Consultant {n}",
            at=spec.pop("at"),
            counties=[COUNTIES[c]() for c in spec.pop("counties")],
            languages=[LANGUAGES[code]() for code in spec.pop("languages")],
            **spec,
        )
        for category, (status, renewal) in endorsements:
            listing.endorsements.create(category=category, status=status, renewal_date=renewal)
        if served:  # an engagement with this program (continuity)
            engagement = factories.submitted(program)
            ConsultationRequest.objects.filter(pk=engagement.pk).update(
                status="closed", consultant=listing
            )
        if declined:
            RequestEvent.objects.create(
                request=consultation,
                action=RequestEvent.Action.DECLINED,
                actor=admin,
                actor_role="consultant",
                consultant=listing,
                from_status="offered",
                to_status="submitted",
                at=timezone.now(),
            )
    return ConsultationRequest.objects.select_related("program__county", "preferred_language").get(
        pk=consultation.pk
    )


def assert_same_ranking(consultation: ConsultationRequest, limit=None) -> None:
    reference = facts.ranked_matches_in_sql(consultation)
    declined = frozenset(matching.declined_consultant_ids(consultation))
    ranking = snapshot.build().rank(facts.request_facts(consultation, declined), limit=limit)
    assert ranking.matches == reference.matches[:limit]  # order, scores, components, reasons
    assert ranking.excluded == reference.excluded
    assert ranking.count == len(reference.matches)


@PROPERTIES
@given(st.lists(consultant_specs(), min_size=1, max_size=7), request_specs(), st.integers(1, 4))
def test_the_snapshot_ranks_exactly_as_the_sql_path(world, consultant_list, request, limit):
    with transaction.atomic():
        consultation = build_world(consultant_list, request, world.users["admin"])
        assert_same_ranking(consultation)
        assert_same_ranking(consultation, limit=limit)
        transaction.set_rollback(True)


def test_the_snapshot_ranks_the_api_test_world_as_the_sql_path(world):
    from tests.consultations.test_matching_api import every_kind_of_consultant

    every_kind_of_consultant()
    for modality in ("on_site", "virtual", "either"):
        for required in (False, True):
            consultation = factories.submitted(
                world.program,
                modality=modality,
                preferred_language=spanish(),
                language_required=required,
            )
            assert_same_ranking(consultation)
            assert_same_ranking(consultation, limit=2)


# --- the version: every write path changes it ------------------------------------------------


def fire_deferred_triggers() -> None:
    """On PostgreSQL, run now the triggers that would run at commit (and let the next write in
    this test's transaction bump again); on SQLite they ran already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('iecmhc.matching_version_bumped', '', true)")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM consultations_matchingversion WHERE id = 1")
        row = cursor.fetchone()
    return row and row[0]


def _offered(world):
    return factories.offered(world.program, world.listing, admin=world.users["admin"])


def _reason():
    return {"reason": "Not this time."}


# Each write to a listing, a credential or a caseload: (name, set-up, the write).
WRITE_PATHS = {
    "offer": (
        lambda w: factories.submitted(w.program),
        lambda w, r: services.request_offer(
            actor=w.users["admin"], consultation=r, consultant=w.listing
        ),
    ),
    "accept": (
        _offered,
        lambda w, r: services.request_accept(actor=w.listing.user, consultation=r),
    ),
    "decline": (
        _offered,
        lambda w, r: services.request_decline(actor=w.listing.user, consultation=r, **_reason()),
    ),
    "withdraw": (
        _offered,
        lambda w, r: services.request_withdraw(
            actor=w.users["program"], consultation=r, **_reason()
        ),
    ),
    "expire": (
        _offered,
        lambda w, r: services.request_expire(
            consultation=r, now=timezone.now() + timedelta(days=60)
        ),
    ),
    "close": (
        lambda w: factories.active(w.program, w.listing, admin=w.users["admin"]),
        lambda w, r: services.request_close(
            actor=w.listing.user, consultation=r, closure_reason="goals_met", goals_met=True
        ),
    ),
    "listing edit": (
        lambda w: None,
        lambda w, r: directory_services.consultant_update(
            actor=w.listing.user, consultant=w.listing, travel_radius_miles=77
        ),
    ),
    "hours change": (
        lambda w: None,
        lambda w, r: directory_services.consultant_update(
            actor=w.listing.user, consultant=w.listing, hours_per_week=Decimal("7.5")
        ),
    ),
    "languages": (
        lambda w: None,
        lambda w, r: directory_services.consultant_update(
            actor=w.listing.user, consultant=w.listing, languages=[english(), spanish()]
        ),
    ),
    "counties": (
        lambda w: None,
        lambda w, r: directory_services.consultant_update(
            actor=w.listing.user, consultant=w.listing, counties_served=[dane(), rock()]
        ),
    ),
    "suspension": (
        lambda w: None,
        lambda w, r: directory_services.consultant_suspend(
            actor=w.users["admin"], consultant=w.listing, reason="Under review."
        ),
    ),
    "approval": (
        lambda w: directory_services.consultant_suspend(
            actor=w.users["admin"], consultant=w.listing, reason="Under review."
        ),
        lambda w, r: directory_services.consultant_approve(
            actor=w.users["admin"], consultant=w.listing
        ),
    ),
    "endorsement": (
        lambda w: None,
        lambda w, r: credential_services.endorsement_set(
            actor=w.users["admin"],
            consultant=w.listing,
            category=Endorsement.values[1],
            status=EndorsementStatus.IN_PROCESS,
        ),
    ),
    "credentials verified (a queryset update)": (
        lambda w: w.listing.endorsements.create(
            category=Endorsement.values[1], status=EndorsementStatus.IN_PROCESS
        ),
        lambda w, r: credential_services.credentials_verify(w.listing, actor=w.users["admin"]),
    ),
    "admin save": (
        lambda w: None,
        lambda w, r: Consultant.objects.get(pk=w.listing.pk).save(),
    ),
}


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
def test_every_write_path_changes_the_version(world, path):
    set_up, write = WRITE_PATHS[path]
    record = set_up(world)
    if record is not None and hasattr(record, "refresh_from_db"):
        record.refresh_from_db()
    world.listing.refresh_from_db()
    fire_deferred_triggers()
    before = token()
    write(world, record)
    fire_deferred_triggers()
    assert token() not in (before, None)


def test_writes_to_a_consultation_without_a_consultant_leave_the_version_alone(world):
    consultation = factories.submitted(world.program)
    fire_deferred_triggers()
    before = token()
    ConsultationRequest.objects.filter(pk=consultation.pk).update(description="Naps only.")
    fire_deferred_triggers()
    assert token() == before


def test_every_table_the_facts_read_is_tracked_by_a_trigger(world):
    """A fact read from a new table must be tracked (version.TRACKED) or the snapshot would
    miss its writes; and every tracked table must have its trigger in the database."""
    consultant("Reader", endorsements=[Endorsement.values[1]])
    with CaptureQueriesContext(connection) as queries:
        facts.matchable_consultants_facts()
    read = {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', query["sql"])
    }
    reference_data = {"directory_county"}  # county names, read-only vocabulary
    assert read - reference_data <= set(version.TRACKED)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'matching_version_%%'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'matching_version_%'"
            )
        assert {row[0] for row in cursor.fetchall()} == set(version.TRACKED)


# --- the snapshot in use ---------------------------------------------------------------------


def test_the_snapshot_is_kept_while_the_version_stays_and_rebuilt_after_a_write(world):
    if connection.vendor == "postgresql":
        pytest.skip("a test's transaction has written: see the transactional test below")
    consultation = factories.submitted(world.program, modality="either")
    first = matching.ranked_matches(consultation)
    kept = snapshot._current
    assert kept is not None and kept.version == version.current()
    again = matching.ranked_matches(consultation)
    assert snapshot._current is kept and again == first
    directory_services.consultant_update(
        actor=world.listing.user, consultant=world.listing, accepting_new_requests=False
    )
    after = matching.ranked_matches(consultation)
    assert snapshot._current is not kept
    assert world.listing.pk not in [m.consultant_id for m in after.matches]
    assert after.excluded["not_accepting"] == first.excluded["not_accepting"] + 1


@pytest.mark.postgres
def test_postgres_a_transaction_that_wrote_reads_the_database(world):
    consultation = factories.submitted(world.program, modality="either")
    assert version.current() is None  # this test's transaction has written
    assert matching.ranked_matches(consultation) == facts.ranked_matches_in_sql(consultation)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_a_committed_write_changes_the_version_and_the_matches():
    from tests.factories import UserFactory, make_admin

    admin = make_admin(username="snapshot_admin")
    member = UserFactory(username="snapshot_member", role="program")
    program = ProgramFactory(members=[member])
    listing = consultant("Committed")
    consultation = factories.submitted(program, modality="either")
    before = version.current()
    assert before is not None
    ranking = matching.ranked_matches(consultation)
    assert snapshot._current.version == before
    assert [m.consultant_id for m in ranking.matches] == [listing.pk]
    services.request_offer(actor=admin, consultation=consultation, consultant=listing)
    assert version.current() not in (before, None)
    other = factories.submitted(program, modality="either")
    assert matching.ranked_matches(other) == facts.ranked_matches_in_sql(other)
    assert snapshot._current.version == version.current()


def test_an_offer_checks_again_what_the_ranking_showed(world):
    """The ranking is read before the offer; the offer locks the consultant and checks again."""
    from iecmhc.exceptions import StateConflict

    world.listing.max_caseload = 1
    world.listing.save()
    first = factories.submitted(world.program, modality="either")
    second = factories.submitted(world.program, modality="either")
    assert world.listing.pk in [m.consultant_id for m in matching.ranked_matches(second).matches]
    services.request_offer(actor=world.users["admin"], consultation=first, consultant=world.listing)
    with pytest.raises(StateConflict):
        services.request_offer(
            actor=world.users["admin"], consultation=second, consultant=world.listing
        )
    second.refresh_from_db()
    assert second.status == "submitted" and second.consultant_id is None


def test_scores_near_a_rounding_boundary_are_rescored_to_the_same_ranking(world, monkeypatch):
    """With every array score treated as near a boundary, each is rescored by rules.score."""
    from tests.consultations.test_matching_api import every_kind_of_consultant

    every_kind_of_consultant()
    consultation = factories.submitted(world.program, modality="either")
    monkeypatch.setattr(snapshot, "BOUNDARY", 1.0)
    assert_same_ranking(consultation, limit=3)


def test_a_new_day_rebuilds_the_snapshot(world, monkeypatch):
    kept = snapshot.current("a version")
    assert snapshot.current("a version") is kept
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(snapshot.timezone, "localdate", lambda: tomorrow)
    rebuilt = snapshot.current("a version")
    assert rebuilt is not kept and rebuilt.today == tomorrow
