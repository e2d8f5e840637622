"""Capacity in hours (docs/domain.md, "Capacity"): each engagement's weekly hours count against
the consultant's stated hours, offers hold them too, and places free reads both limits."""

from decimal import Decimal

import pytest

from consultations import services
from consultations.matching import ranked_matches
from directory.models import Consultant, places_free
from iecmhc.exceptions import StateConflict
from tests.consultations import factories
from tests.consultations.test_concurrency import run_together
from tests.factories import ConsultantFactory, ProgramFactory, UserFactory, make_admin


@pytest.mark.parametrize(
    ("hours_free", "weekly_hours", "expected"),
    [
        (None, 3, 5),  # no hours stated: the caseload alone
        (Decimal("10"), 3, 3),
        (Decimal("9"), 3, 3),  # exactly three
        (Decimal("8.99"), 3, 2),
        (Decimal("10"), None, 5),  # the lightest level (1.5 h): 6, but only 5 places
        (Decimal("2.9"), 3, 0),
        (Decimal("-1"), 1.5, 0),  # committed beyond what is stated now
    ],
)
def test_places_free_reads_both_limits(hours_free, weekly_hours, expected):
    assert places_free(8, 2, 1, hours_free, weekly_hours) == expected


@pytest.mark.django_db
def test_offers_and_engagements_hold_their_hours_until_they_end(world):
    listing = world.listing
    Consultant.objects.filter(pk=listing.pk).update(hours_per_week=Decimal("5"))
    program_wide = factories.offered(world.program, listing, focus="program")  # 3 h
    listing.refresh_from_db()
    assert listing.hours_committed == Decimal("3.00")
    classroom = factories.submitted(world.program)  # 2 h: 5 in all, fits
    classroom = services.request_offer(
        actor=world.users["admin"], consultation=classroom, consultant=listing
    )
    third = factories.submitted(world.program)
    with pytest.raises(StateConflict, match="0 of 5 hours a week free"):
        services.request_offer(actor=world.users["admin"], consultation=third, consultant=listing)
    # Matching agrees: the third request is at capacity for this consultant.
    ranking = ranked_matches(third)
    assert listing.pk not in [m.consultant_id for m in ranking.matches]
    services.request_accept(actor=listing.user, consultation=program_wide)
    services.request_decline(actor=listing.user, consultation=classroom, reason="Too far")
    listing.refresh_from_db()
    assert (listing.active_caseload, listing.open_offers, listing.hours_committed) == (
        1,
        0,
        Decimal("3.00"),
    )
    services.request_close(
        actor=listing.user, consultation=program_wide, closure_reason="goals_met"
    )
    listing.refresh_from_db()
    assert listing.hours_committed == Decimal("0.00")


@pytest.mark.django_db
def test_a_light_request_fits_where_a_heavy_one_does_not(world):
    listing = world.listing
    Consultant.objects.filter(pk=listing.pk).update(hours_per_week=Decimal("2"))
    heavy = factories.submitted(world.program, focus="program")
    light = factories.submitted(world.program, focus="classroom")
    assert listing.pk not in [m.consultant_id for m in ranked_matches(heavy).matches]
    assert listing.pk in [m.consultant_id for m in ranked_matches(light).matches]
    assert ranked_matches(heavy).excluded["at_capacity"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_pass_the_hours_or_the_caseload():
    admin = make_admin()
    consultant = ConsultantFactory(max_caseload=6, hours_per_week=Decimal("20"))
    program = ProgramFactory(members=[UserFactory(role="program")])
    # Six program-wide offers (3 h each, 18 h) made while there was room ...
    requests = [
        factories.offered(program, consultant, admin=admin, focus="program") for _ in range(6)
    ]
    # ... then the consultant cuts their hours to 7: two engagements fit (6 h), not three.
    Consultant.objects.filter(pk=consultant.pk).update(hours_per_week=Decimal("7"))

    results = run_together(
        [
            lambda r=r: services.request_accept(actor=consultant.user, consultation=r)
            for r in requests
        ]
    )

    assert sorted(results) == ["StateConflict"] * 4 + ["ok"] * 2
    consultant.refresh_from_db()
    assert consultant.active_caseload == 2
    active = consultant.requests.filter(status="active")
    assert sum(r.weekly_hours for r in active) == Decimal("6")
    assert consultant.hours_committed == Decimal("18.00")  # the four offers still hold theirs


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_keep_both_limits_whichever_binds():
    admin = make_admin()
    consultant = ConsultantFactory(max_caseload=8, hours_per_week=Decimal("40"))
    program = ProgramFactory(members=[UserFactory(role="program")])
    requests = [factories.offered(program, consultant, admin=admin) for _ in range(8)]  # 2 h
    # The caseload now allows 5 and the hours 4 (8 h of 9): the hours bind.
    Consultant.objects.filter(pk=consultant.pk).update(max_caseload=5, hours_per_week=9)
    results = run_together(
        [
            lambda r=r: services.request_accept(actor=consultant.user, consultation=r)
            for r in requests
        ]
    )
    assert results.count("ok") == 4
    consultant.refresh_from_db()
    assert consultant.active_caseload == 4 <= consultant.max_caseload
