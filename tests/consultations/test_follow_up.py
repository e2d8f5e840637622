"""Closure of child-focused work and its 30-day follow-up: closing asks the child's outcome, the
periodic job asks once thirty days later (the consultant, or the Alliance if they left) and
reminds once, and the answer is kept; a follow-up before closure or before it is due is a 400."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from background.periodic import REGISTRY, enqueue_due_jobs
from consultations.followup import send_due_follow_ups
from consultations.models import ConsultationRequest, FollowUp
from tests.consultations import factories as f
from tests.consultations.api_helpers import CHILD_REQUEST, send, url
from tests.consultations.page_helpers import client_for

pytestmark = pytest.mark.django_db

CHILD = {k: v for k, v in CHILD_REQUEST.items() if k not in ("preferred_language",)}
CHILD["language_required"] = False
ANSWER = {"maintained_in_program": True, "exclusion": "soft"}


def child_engagement(world, status="active"):
    maker = {"active": f.active, "closed": f.closed}[status]
    return maker(world.program, world.listing, admin=world.users["admin"], **CHILD)


def _closed_days_ago(consultation, days):
    when = timezone.now() - timedelta(days=days)
    ConsultationRequest.objects.filter(pk=consultation.pk).update(closed_at=when)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closure_reason": "goals_met"}, "maintained_in_program"),
        ({"closure_reason": "goals_met", "maintained_in_program": True}, "exclusion"),
        (
            {"closure_reason": "goals_met", "maintained_in_program": True, "exclusion": "x"},
            "exclusion",
        ),
    ],
)
def test_closing_child_work_asks_the_outcome(
    world, body, field, django_capture_on_commit_callbacks
):
    engagement = child_engagement(world)
    response = send(
        world, "consultant", "post", url(engagement.pk, "close"), body,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400
    assert field in response.json()
    assert ConsultationRequest.objects.get(pk=engagement.pk).status == "active"
    assert not FollowUp.objects.exists()


def test_closing_child_work_keeps_the_outcome_and_schedules_the_follow_up(
    world, django_capture_on_commit_callbacks
):
    engagement = child_engagement(world)
    response = send(
        world, "consultant", "post", url(engagement.pk, "close"),
        {"closure_reason": "goals_met", "maintained_in_program": False, "exclusion": "soft"},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["outcome"]["exclusion"] == "soft"
    row = ConsultationRequest.objects.get(pk=engagement.pk)
    assert (row.maintained_in_program, row.exclusion) == (False, "soft")
    assert FollowUp.objects.filter(request=engagement, asked_at=None).count() == 1


def test_classroom_work_records_no_child_outcome(world, django_capture_on_commit_callbacks):
    engagement = f.active(world.program, world.listing, admin=world.users["admin"])
    response = send(
        world, "consultant", "post", url(engagement.pk, "close"),
        {"closure_reason": "goals_met", "maintained_in_program": True},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400
    ok = send(
        world, "consultant", "post", url(engagement.pk, "close"), {"closure_reason": "goals_met"},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert ok.status_code == 200
    assert not FollowUp.objects.exists()


def test_the_job_asks_once_and_reminds_once(world, django_capture_on_commit_callbacks):
    engagement = child_engagement(world, "closed")
    mail.outbox.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_follow_ups(now=now) == {"asked": 0, "reminded": 0}  # not yet due
    _closed_days_ago(engagement, 30)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_follow_ups(now=now) == {"asked": 1, "reminded": 0}
        assert send_due_follow_ups(now=now) == {"asked": 0, "reminded": 0}
    [asked] = mail.outbox
    assert asked.to == [world.listing.contact_email or world.listing.user.email]
    assert f"request #{engagement.pk}" in asked.subject
    later = now + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_follow_ups(now=later) == {"asked": 0, "reminded": 1}
        assert send_due_follow_ups(now=later + timedelta(days=30)) == {"asked": 0, "reminded": 0}
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Reminder: the 30-day follow-up")


def test_the_alliance_is_asked_when_the_consultant_left(world, django_capture_on_commit_callbacks):
    engagement = child_engagement(world, "closed")
    _closed_days_ago(engagement, 31)
    world.listing.user.is_active = False
    world.listing.user.save(update_fields=["is_active"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_due_follow_ups()
    [asked] = mail.outbox
    assert asked.to == [settings.ALLIANCE_NOTIFY_EMAIL]


def test_the_job_is_registered_as_periodic(world):
    assert "consultations.tasks.send_due_follow_ups_job" in REGISTRY
    job = REGISTRY["consultations.tasks.send_due_follow_ups_job"]
    assert enqueue_due_jobs(jobs=[job]) == [job.name]
    assert enqueue_due_jobs(jobs=[job]) == []  # once per period


def test_follow_up_before_closure_or_before_due_is_400(world, django_capture_on_commit_callbacks):
    active = child_engagement(world)
    early = send(
        world, "consultant", "post", url(active.pk, "follow-up"), ANSWER,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert early.status_code == 400
    closed = child_engagement(world, "closed")
    not_due = send(
        world, "consultant", "post", url(closed.pk, "follow-up"), ANSWER,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert not_due.status_code == 400
    assert FollowUp.objects.get(request=closed).answered_at is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [("consultant", 200), ("admin", 200), ("program", 403), ("other_consultant", 404),
     ("other_program", 404), ("anonymous", 401)],
)  # fmt: skip
def test_answer_the_follow_up_by_role(world, role, expected, django_capture_on_commit_callbacks):
    closed = child_engagement(world, "closed")
    _closed_days_ago(closed, 30)
    response = send(
        world, role, "post", url(closed.pk, "follow-up"), ANSWER,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == expected, response.content
    row = FollowUp.objects.get(request=closed)
    if expected == 200:
        assert (row.maintained_in_program, row.exclusion) == (True, "soft")
        again = send(
            world, role, "post", url(closed.pk, "follow-up"), ANSWER,
            capture=django_capture_on_commit_callbacks,
        )  # fmt: skip
        assert again.status_code == 409
    else:
        assert row.answered_at is None


def test_follow_up_page_form(world):
    closed = child_engagement(world, "closed")
    _closed_days_ago(closed, 30)
    send_due_follow_ups()
    client = client_for(world, "consultant")
    page = client.get(reverse("consultations:request_detail", args=[closed.pk])).content.decode()
    assert "Is the child still in the program?" in page
    path = reverse("consultations:follow_up_answer", args=[closed.pk])
    bad = client.post(path, {"follow_up-maintained_in_program": "yes"})
    assert bad.status_code == 200
    good = client.post(
        path, {"follow_up-maintained_in_program": "no", "follow_up-exclusion": "expulsion"}
    )
    assert good.status_code == 302
    row = FollowUp.objects.get(request=closed)
    assert (row.maintained_in_program, row.exclusion) == (False, "expulsion")
