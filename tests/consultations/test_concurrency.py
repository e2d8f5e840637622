"""Capacity holds under concurrent accepts: real transactions on PostgreSQL, one connection
per thread, all released at the same moment."""

import threading

import pytest
from django.db import connection
from django.db.models import F

from consultations import services
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant
from tests.consultations import factories
from tests.factories import ConsultantFactory, ProgramFactory, UserFactory, make_admin

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    """Run each call in its own thread and connection, released together by a barrier;
    returns 'ok' or the exception's class name, per call."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[i] = "ok"
        except Exception as exc:  # the outcome is what we test
            results[i] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_accepts_never_pass_the_maximum_caseload():
    admin = make_admin()
    consultant = ConsultantFactory(max_caseload=6)
    program = ProgramFactory(members=[UserFactory(role="program")])
    requests = [factories.offered(program, consultant, admin=admin) for _ in range(6)]
    # Six offers were made while there was room; now only two places remain.
    Consultant.objects.filter(pk=consultant.pk).update(max_caseload=2)

    results = run_together(
        [
            lambda r=r: services.request_accept(actor=consultant.user, consultation=r)
            for r in requests
        ]
    )

    assert sorted(results) == ["StateConflict"] * 4 + ["ok"] * 2
    consultant.refresh_from_db()
    assert consultant.active_caseload == 2
    statuses = ConsultationRequest.objects.filter(pk__in=[r.pk for r in requests])
    assert sorted(statuses.values_list("status", flat=True)) == ["active"] * 2 + ["offered"] * 4
    # The losers changed nothing: no event beyond their offer.
    assert RequestEvent.objects.filter(action="accepted").count() == 2


def test_accepts_for_different_consultants_do_not_block_each_other_or_mix():
    admin = make_admin()
    full = ConsultantFactory(max_caseload=1)
    roomy = ConsultantFactory(max_caseload=5)
    program = ProgramFactory(members=[UserFactory(role="program")])
    factories.active(program, full, admin=admin)  # `full` is now at capacity
    for_full = factories.offered(program, roomy, admin=admin)
    # Moved behind the services' back (as if offered when there was room), counters with it.
    ConsultationRequest.objects.filter(pk=for_full.pk).update(consultant=full)
    Consultant.objects.filter(pk=roomy.pk).update(open_offers=F("open_offers") - 1)
    Consultant.objects.filter(pk=full.pk).update(open_offers=F("open_offers") + 1)
    for_roomy = [factories.offered(program, roomy, admin=admin) for _ in range(3)]

    calls = [lambda: services.request_accept(actor=full.user, consultation=for_full)] + [
        lambda r=r: services.request_accept(actor=roomy.user, consultation=r) for r in for_roomy
    ]
    results = run_together(calls)

    assert results == ["StateConflict", "ok", "ok", "ok"]
    full.refresh_from_db()
    roomy.refresh_from_db()
    assert (full.active_caseload, roomy.active_caseload) == (1, 3)


def test_accept_racing_a_withdrawal_has_exactly_one_winner():
    admin = make_admin()
    consultant = ConsultantFactory(max_caseload=3)
    member = UserFactory(role="program")
    program = ProgramFactory(members=[member])
    for _ in range(5):
        request = factories.offered(program, consultant, admin=admin)
        results = run_together(
            [
                lambda r=request: services.request_accept(actor=consultant.user, consultation=r),
                lambda r=request: services.request_withdraw(
                    actor=member, consultation=r, reason="x"
                ),
            ]
        )
        assert sorted(results) == ["StateConflict", "ok"]
        request.refresh_from_db()
        consultant.refresh_from_db()
        active = ConsultationRequest.objects.filter(consultant=consultant, status="active")
        assert consultant.active_caseload == active.count()
        if consultant.active_caseload == consultant.max_caseload:
            break


def assert_counters_true(*consultants):
    for consultant in consultants:
        consultant = Consultant.objects.get(pk=consultant.pk)
        requests = ConsultationRequest.objects.filter(consultant=consultant)
        assert consultant.active_caseload == requests.filter(status="active").count()
        assert consultant.open_offers == requests.filter(status="offered").count()
        assert consultant.active_caseload <= consultant.max_caseload


def test_the_counters_always_equal_the_requests_after_concurrent_transitions():
    admin = make_admin()
    consultant = ConsultantFactory(max_caseload=8)
    other = ConsultantFactory(max_caseload=8)
    member = UserFactory(role="program")
    program = ProgramFactory(members=[member])
    active = [factories.active(program, consultant, admin=admin) for _ in range(3)]
    offers = [factories.offered(program, consultant, admin=admin) for _ in range(4)]
    waiting = [factories.submitted(program) for _ in range(3)]
    Consultant.objects.filter(pk=consultant.pk).update(max_caseload=5)
    calls = (
        [
            lambda r=r: services.request_close(actor=admin, consultation=r, closure_reason="other")
            for r in active
        ]
        + [
            lambda r=r: services.request_accept(actor=consultant.user, consultation=r)
            for r in offers
        ]
        + [
            lambda r=offers[0]: services.request_decline(
                actor=consultant.user, consultation=r, reason="No time"
            ),
            lambda r=offers[1]: services.request_withdraw(actor=member, consultation=r, reason="x"),
        ]
        # Offers to both consultants at once: each holds a place, or is refused (409).
        + [
            lambda r=r, c=c: services.request_offer(actor=admin, consultation=r, consultant=c)
            for r in waiting
            for c in (consultant, other)
        ]
    )
    results = run_together(calls)

    assert set(results) <= {"ok", "StateConflict"}
    assert_counters_true(consultant, other)
    # Each waiting request went to at most one consultant.
    for request in waiting:
        assert RequestEvent.objects.filter(request=request, action="offered").count() == 1
