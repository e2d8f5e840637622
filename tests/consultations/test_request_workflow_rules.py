"""The workflow's core rules, caught at each layer that enforces or shows them (docs/domain.md,
the workflow): the table of allowed-from statuses on the model, the services that refuse the
rest, and the page that offers a transition's button only where it is allowed. The API's side
of the same rules is in test_request_transitions.py, test_request_withdraw.py and
test_request_accept.py; the capacity race on PostgreSQL is in test_concurrency.py."""

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant
from iecmhc.exceptions import StateConflict
from tests.consultations import factories

pytestmark = pytest.mark.django_db

STATUSES = ("submitted", "offered", "active", "closed", "withdrawn")

# Written out by hand, not derived from ConsultationRequest.TRANSITIONS, so that a wrong
# entry in the table fails here.
ALLOWED_FROM = {
    "offer": {"submitted"},
    "accept": {"offered"},
    "decline": {"offered"},
    "expire": {"offered"},
    "withdraw": {"submitted", "offered"},
    "close": {"active"},
    "log_contact": {"active"},
}


def _make(world, status) -> ConsultationRequest:
    return factories.in_status(status, world.program, world.listing, admin=world.users["admin"])


def _unchanged(consultation) -> tuple:
    row = ConsultationRequest.objects.values_list("status", "consultant_id").get(pk=consultation.pk)
    return (
        row,
        RequestEvent.objects.filter(request_id=consultation.pk).count(),
        dict(Consultant.objects.values_list("pk", "active_caseload")),
        dict(Consultant.objects.values_list("pk", "open_offers")),
    )


@pytest.mark.parametrize("status", STATUSES)
def test_the_table_allows_each_transition_only_from_its_statuses(status):
    consultation = ConsultationRequest(status=status)
    for transition, allowed in ALLOWED_FROM.items():
        assert consultation.allows(transition) is (status in allowed), transition
        assert getattr(consultation, f"can_{transition}")() is (status in allowed), transition


@pytest.mark.parametrize("status", STATUSES)
def test_the_withdraw_service_refuses_every_status_but_submitted_and_offered(world, status):
    consultation = _make(world, status)
    before = _unchanged(consultation)
    member = world.users["program"]
    if status in ALLOWED_FROM["withdraw"]:
        withdrawn = services.request_withdraw(
            actor=member, consultation=consultation, reason="Found help."
        )
        assert withdrawn.status == "withdrawn"
        assert withdrawn.events.last().from_status == status
        world.listing.refresh_from_db()
        assert world.listing.open_offers == 0  # an offer's place is freed
    else:
        with pytest.raises(StateConflict, match="cannot be withdrawn"):
            services.request_withdraw(actor=member, consultation=consultation, reason="Why")
        assert _unchanged(consultation) == before


@pytest.mark.parametrize("status", STATUSES)
def test_the_request_page_offers_withdraw_only_where_allowed(client, world, status):
    consultation = _make(world, status)
    client.force_login(world.users["program"])
    page = client.get(reverse("consultations:request_detail", args=[consultation.pk]))
    assert page.status_code == 200
    action = reverse("consultations:request_withdraw", args=[consultation.pk])
    assert (action in page.content.decode()) is (status in ALLOWED_FROM["withdraw"])
    assert page.context["can_withdraw"] is (status in ALLOWED_FROM["withdraw"])


@pytest.mark.parametrize("status", ["active", "closed", "withdrawn"])
def test_a_withdraw_posted_anyway_is_refused_and_changes_nothing(client, world, status):
    consultation = _make(world, status)
    before = _unchanged(consultation)
    client.force_login(world.users["program"])
    response = client.post(
        reverse("consultations:request_withdraw", args=[consultation.pk]),
        {"withdraw-reason": "Found help."},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"A request that is {consultation.get_status_display().lower()} cannot be withdrawn."
    ]
    assert _unchanged(consultation) == before


def test_accept_takes_the_last_free_place_and_refuses_the_next(world):
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=2)
    _make(world, "active")  # one place of two taken
    last, extra = _make(world, "submitted"), _make(world, "submitted")
    admin, cora = world.users["admin"], world.users["consultant"]
    last = services.request_offer(actor=admin, consultation=last, consultant=world.listing)
    # The second offer is made while a place is free, then the first accept fills it.
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=3)
    extra = services.request_offer(actor=admin, consultation=extra, consultant=world.listing)
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=2)

    assert services.request_accept(actor=cora, consultation=last).status == "active"
    before = _unchanged(extra)
    with pytest.raises(StateConflict, match=r"Your caseload is full \(2 of 2\)"):
        services.request_accept(actor=cora, consultation=extra)
    assert _unchanged(extra) == before
    world.listing.refresh_from_db()
    assert (world.listing.active_caseload, world.listing.open_offers) == (2, 1)


def test_accept_on_the_page_at_capacity_leaves_the_offer_open(client, world):
    offer = _make(world, "offered")
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=1, active_caseload=1)
    before = _unchanged(offer)
    client.force_login(world.users["consultant"])
    response = client.post(reverse("consultations:request_accept", args=[offer.pk]), follow=True)
    assert response.redirect_chain == [(reverse("consultations:offers"), 302)]
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"Request #{offer.pk} was not accepted: Your caseload is full")
    assert _unchanged(offer) == before
