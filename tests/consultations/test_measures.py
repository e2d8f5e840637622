"""Scores on standard measures: the catalogue loaded by the data migration, recording a score at
the instrument's level and in its range once per timepoint, and the change from pre to post."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.measures import score_changes
from consultations.outcome_models import Instrument, Score
from tests.conftest import ROLES
from tests.consultations.api_helpers import make, send, url
from tests.consultations.page_helpers import client_for

TPOT = {"instrument": "tpot", "timepoint": "pre", "total": "42.5"}


def body(**overrides) -> dict:
    return {"date": timezone.localdate().isoformat(), **TPOT, **overrides}


def test_the_six_instruments_are_loaded(db):
    rows = dict(Instrument.objects.values_list("code", "level"))
    assert rows == {
        "deca": "child", "perm": "child", "tpot": "classroom", "tpitos": "classroom",
        "pmhcs": "classroom", "staff_satisfaction": "program",
    }  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_record_score_by_role(world, role, django_capture_on_commit_callbacks):
    engagement = make(world, "active")  # a classroom engagement
    response = send(
        world, role, "post", url(engagement.pk, "scores"), body(),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    if role == "consultant":
        assert response.status_code == 201, response.content
        assert response.json()["total"] == "42.50"
        assert Score.objects.filter(request=engagement).count() == 1
    else:
        expected = {"anonymous": 401, "program": 403, "admin": 403}.get(role, 404)
        assert response.status_code == expected
        assert not Score.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"total": "100.01"}, "total"),
        ({"total": "-1"}, "total"),
        ({"instrument": "deca"}, "instrument"),  # a child's measure on a classroom engagement
        ({"instrument": "nope"}, "instrument"),
        ({"timepoint": "during"}, "timepoint"),
        ({"subscales": {"anything": 3}}, "subscales"),
        ({"subscales": {f"s{i}": 1 for i in range(13)}}, "subscales"),
        ({"date": "2999-01-01"}, "date"),
        ({"child_name": "Ada"}, "child_name"),
    ],
)
def test_bad_score_is_400(world, overrides, field, django_capture_on_commit_callbacks):
    engagement = make(world, "active")
    response = send(
        world, "consultant", "post", url(engagement.pk, "scores"), body(**overrides),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Score.objects.exists()


def test_a_timepoint_twice_is_400(world, django_capture_on_commit_callbacks):
    engagement = make(world, "active")
    first = send(
        world, "consultant", "post", url(engagement.pk, "scores"), body(),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert first.status_code == 201
    again = send(
        world, "consultant", "post", url(engagement.pk, "scores"), body(total="50"),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert again.status_code == 400
    assert "timepoint" in again.json()
    assert list(Score.objects.values_list("total", flat=True)) == [Decimal("42.50")]


def test_subscales_in_range_are_kept(world, django_capture_on_commit_callbacks):
    engagement = make(world, "active")
    response = send(
        world, "consultant", "post", url(engagement.pk, "scores"),
        body(instrument="pmhcs", total="3.2", subscales={"positive_climate": "3.5"}),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert Score.objects.get().subscales == {"positive_climate": 3.5}
    bad = send(
        world, "consultant", "post", url(engagement.pk, "scores"),
        body(instrument="pmhcs", timepoint="post", total="3", subscales={"positive_climate": 6}),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert bad.status_code == 400
    assert "subscales" in bad.json()


def test_pre_to_post_change_on_the_page_and_in_the_selector(world):
    engagement = make(world, "active")
    client = client_for(world, "consultant")
    path = reverse("consultations:score_new", args=[engagement.pk])
    today = timezone.localdate().isoformat()
    tpot = Instrument.objects.get(code="tpot")
    for timepoint, total in (("pre", "40"), ("post", "55.5")):
        response = client.post(
            path,
            {"score-instrument": tpot.pk, "score-timepoint": timepoint, "score-date": today,
             "score-total": total},
        )  # fmt: skip
        assert response.status_code == 302
    twice = client.post(
        path,
        {"score-instrument": tpot.pk, "score-timepoint": "pre", "score-date": today,
         "score-total": "41"},
    )  # fmt: skip
    assert twice.status_code == 200
    assert "already has a score at this timepoint" in twice.content.decode()
    [row] = score_changes(engagement)
    assert (row["pre"], row["post"], row["change"]) == (
        Decimal("40.00"), Decimal("55.50"), Decimal("15.50"),
    )  # fmt: skip
    page = client.get(reverse("consultations:request_detail", args=[engagement.pk]))
    assert "+15.50" in page.content.decode()
    # The program sees no scores.
    program_page = client_for(world, "program").get(
        reverse("consultations:request_detail", args=[engagement.pk])
    )
    assert "+15.50" not in program_page.content.decode()
