"""Who sees which listings (docs/api.md, "Directory: consultants"): only approved listings are
public; owners and admins see the rest; a hidden listing answers like a missing one."""

import pytest
from django.db import connection

from directory.models import Consultant
from tests.conftest import ROLES
from tests.directory.consultant_helpers import (
    BASE,
    STATUSES,
    db_state,
    ids,
    make_listing,
    set_status,
    url,
)


@pytest.mark.parametrize("bad_pk", ["abc", "1.5", "99999999999999999999", "0", "-1"])
@pytest.mark.parametrize(
    "method, action", [("get", None), ("patch", None), ("post", "submit"), ("post", "approve")]
)
def test_a_malformed_or_unknown_id_is_a_404(world, api, bad_pk, method, action):
    before = db_state()
    response = api("admin", method, url(bad_pk, action), {})
    assert response.status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
@pytest.mark.parametrize("role", ["anonymous", "program", "other_consultant"])
def test_a_listing_that_is_not_approved_is_hidden_from_others(world, api, role, status):
    listing = set_status(world.listing, status)
    assert listing.pk not in ids(api(role, "get", BASE))
    assert listing.pk not in ids(api(role, "get", BASE, {"listing_status": status}))
    assert listing.pk not in ids(api(role, "get", BASE, {"q": "Cora"}))
    assert api(role, "get", url(listing)).status_code == 404


@pytest.mark.parametrize("status", STATUSES)
def test_an_owner_sees_their_own_listing_in_any_status(world, api, status):
    listing = set_status(world.listing, status)
    response = api("consultant", "get", url(listing))
    assert response.status_code == 200
    assert response.json()["listing_status"] == status
    assert response.json()["contact_email"] == "cora_consultant@private.example.org"


@pytest.mark.parametrize("status", STATUSES)
def test_admins_list_and_filter_every_status(world, api, status):
    by_status = {s: make_listing(s) for s in STATUSES}
    response = api("admin", "get", BASE, {"listing_status": status})
    expected = [by_status[status]]
    if status == "approved":
        expected += [world.listing, world.other_listing]
    assert sorted(ids(response)) == sorted(c.pk for c in expected)
    assert {item["listing_status"] for item in response.json()["results"]} == {status}


def test_the_public_listing_status_filter_cannot_reveal_hidden_listings(world, api):
    make_listing("pending")
    assert ids(api("anonymous", "get", BASE, {"listing_status": "pending"})) == []


@pytest.mark.parametrize("role", ROLES)
def test_private_contacts_reach_only_the_owner_and_admins(world, api, role):
    Consultant.objects.filter(pk=world.other_listing.pk).update(contact_phone="608-555-0177")
    listing = world.other_listing  # owned by other_consultant
    detail = api(role, "get", url(listing))
    listed = api(role, "get", BASE)
    assert detail.status_code == 200
    may_see = role in ("other_consultant", "admin")
    assert ("contact_phone" in detail.json()) is may_see
    assert ("608-555-0177" in detail.content.decode()) is may_see
    assert ("cal_consultant@private.example.org" in detail.content.decode()) is may_see
    assert "608-555-0177" not in listed.content.decode()
    assert "private.example.org" not in listed.content.decode()


@pytest.mark.parametrize(
    "role, method, action, body",
    [
        ("anonymous", "get", None, None),
        ("program", "get", None, None),
        ("program", "patch", None, {"max_caseload": 0}),
        ("other_consultant", "post", "submit", None),
        ("program", "post", "approve", None),
        ("program", "post", "reject", {"bogus": 1}),
        ("other_consultant", "post", "suspend", {}),
    ],
)
def test_a_hidden_listing_answers_exactly_like_a_missing_one(
    world, api, role, method, action, body
):
    hidden = set_status(world.listing, "pending")
    missing_pk = Consultant.objects.order_by("-pk").first().pk + 1000
    before = db_state()
    for_hidden = api(role, method, url(hidden, action), body)
    for_missing = api(role, method, url(missing_pk, action), body)
    assert for_hidden.status_code == for_missing.status_code == 404
    assert for_hidden.json() == for_missing.json()
    assert db_state() == before


# The detail reads the listing once, with its languages, counties and endorsements; the
# review history (and who decided) only for those shown it: the owner and Alliance admins.
DETAIL_QUERIES = {"anonymous": 4, "program": 4, "other_consultant": 4, "consultant": 6, "admin": 6}


@pytest.mark.parametrize("role", sorted(DETAIL_QUERIES))
@pytest.mark.parametrize("decisions", [1, 6])
def test_the_detail_takes_a_bounded_number_of_queries(
    world, role, decisions, django_assert_max_num_queries
):
    from tests.factories import county, language, make_admin

    listing = world.listing
    for n in range(decisions):
        listing.decisions.create(
            action="approved", from_status="pending", to_status="approved",
            actor=make_admin(username=f"reviewer{n}"), reason=f"round {n}",
        )  # fmt: skip
    if decisions > 1:  # and more of each relation
        listing.languages.add(language("es", "Spanish"), language("hmn", "Hmong"))
        listing.counties_served.add(
            county("Milwaukee County", fips="55079"), county("Brown County", fips="55009")
        )
    client = world.client(role)
    client.get(url(listing))  # the token's first use, the listing version: not the detail's
    # Token authentication: one query, and elsewhere than PostgreSQL one more for a staff
    # user's permissions (accounts.authentication).
    auth = 0 if role == "anonymous" else 1
    if role == "admin" and connection.vendor != "postgresql":
        auth += 1
    with django_assert_max_num_queries(DETAIL_QUERIES[role] + auth):
        response = client.get(url(listing))
    assert response.status_code == 200, response.content
    shown = response.json().get("decisions")
    assert (shown is not None) == (DETAIL_QUERIES[role] == 6)
    if shown is not None:
        assert len(shown) == decisions
