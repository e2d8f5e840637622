"""The demo engagements' practice: plans, pre and post scores, child outcomes at closure and
answered 30-day follow-ups, so that the caseload, the request pages and the reports have content.

A pass over the demo consultations already inserted (demo/consultations.py), in chunks of
CHUNK engagements (memory stays flat at four times national): each engagement is given what it
lacks, from a generator seeded by its id, so a second run adds nothing and costs one query.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from consultations.models import ConsultationRequest, Exclusion, FollowUp, Instrument, Score
from demo.bulk import update_objects
from demo.common import rng_for
from demo.programs import DIRECTOR_PREFIX
from directory.models import Consultant
from directory.vocabularies import EngagementPhase, FocusType

Status = ConsultationRequest.Status
PLAN_WEEKS = {"child": (6, 10), "classroom": (10, 16), "program": (16, 26), "community": (16, 26)}
PHASES = list(EngagementPhase.values)
CHUNK = 2000


def _engagements():
    return ConsultationRequest.objects.filter(
        created_by__username__startswith=DIRECTOR_PREFIX,
        status__in=(Status.ACTIVE, Status.CLOSED),
    )


def _score(rng, instrument, low_share, high_share) -> Decimal:
    span = instrument.max_score - instrument.min_score
    share = Decimal(str(round(rng.uniform(low_share, high_share), 3)))
    return (instrument.min_score + span * share).quantize(Decimal("0.01"))


@transaction.atomic
def seed_practice(*, seed: int) -> int:
    """Give the demo engagements without a plan their plan, scores and outcomes. Returns how
    many engagements were completed."""
    todo = _engagements().filter(planned_weeks__isnull=True).order_by("id")
    instruments: dict[str, list[Instrument]] | None = None
    done, after = 0, 0
    while chunk := list(todo.filter(id__gt=after)[:CHUNK]):
        if instruments is None:
            instruments = {}
            for instrument in Instrument.objects.filter(active=True):
                instruments.setdefault(instrument.level, []).append(instrument)
        _complete(chunk, seed=seed, instruments=instruments)
        done += len(chunk)
        after = chunk[-1].pk
    return done


def _complete(todo: list, *, seed: int, instruments: dict) -> None:
    """Plans, scores and outcomes for one chunk of engagements."""
    recorder_ids = dict(
        Consultant.objects.filter(pk__in={e.consultant_id for e in todo}).values_list(
            "pk", "user_id"
        )
    )
    now = timezone.now()
    scores, follow_ups = [], []
    for e in todo:
        rng = rng_for(seed, "practice", e.pk)
        low, high = PLAN_WEEKS[e.focus]
        e.planned_weeks = rng.randint(low, high)
        e.planned_hours_per_week = Decimal(rng.choice(("1", "1.5", "2", "3", "4")))
        e.goals = "Calmer transitions and shared strategies for the team."
        closed = e.status == Status.CLOSED
        e.phase = PHASES[-1] if closed else rng.choice(PHASES[:4])
        if closed and e.focus == FocusType.CHILD:
            e.maintained_in_program = rng.random() < 0.93
            e.exclusion = Exclusion.NONE if rng.random() < 0.85 else Exclusion.SOFT
            if e.closed_at <= now - timedelta(days=30):
                follow_ups.append(
                    FollowUp(
                        request_id=e.pk,
                        asked_at=e.closed_at + timedelta(days=30),
                        answered_at=e.closed_at + timedelta(days=rng.uniform(30, 40)),
                        answered_by_id=recorder_ids.get(e.consultant_id),
                        maintained_in_program=e.maintained_in_program and rng.random() < 0.95,
                        exclusion=Exclusion.NONE if rng.random() < 0.9 else Exclusion.SOFT,
                    )
                )
        recorder = recorder_ids.get(e.consultant_id)
        for instrument in instruments.get(e.focus, [])[:2]:
            start = timezone.localdate(e.accepted_at) + timedelta(days=7)
            scores.append(
                Score(request_id=e.pk, instrument=instrument, timepoint="pre", date=start,
                      total=_score(rng, instrument, 0.25, 0.6), recorded_by_id=recorder)
            )  # fmt: skip
            if closed:
                scores.append(
                    Score(request_id=e.pk, instrument=instrument, timepoint="post",
                          date=timezone.localdate(e.closed_at),
                          total=_score(rng, instrument, 0.45, 0.9), recorded_by_id=recorder)
                )  # fmt: skip
    update_objects(
        ConsultationRequest,
        todo,
        ["planned_weeks", "planned_hours_per_week", "goals", "phase", "maintained_in_program",
         "exclusion"],
    )  # fmt: skip
    Score.objects.bulk_create([s for s in scores if s.recorded_by_id], batch_size=CHUNK)
    FollowUp.objects.bulk_create(follow_ups, batch_size=CHUNK, ignore_conflicts=True)
