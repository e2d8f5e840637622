"""Periodic jobs, run by the task workers (`manage.py run_worker`), with no cron line.

An app registers a task as periodic in its tasks.py::

    @periodic(every=timedelta(hours=1))
    @task()
    def expire_overdue_offers_job(): ...

Each worker calls enqueue_due_jobs() every few seconds. Time is cut into periods of the
job's interval (counted from the epoch); the first worker to insert the (job, period) row of
PeriodicRun enqueues the job's task in the same transaction, and the unique constraint turns
every other worker away: a job runs once per period however many workers there are. Jobs
must still be safe to run twice (a crashed run is not repeated until the next period).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django_tasks Task taking no arguments
    every: timedelta

    def period(self, now) -> int:
        return int(now.timestamp() // self.every.total_seconds())


REGISTRY: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta, name: str | None = None):
    """Register a task (taking no arguments) to run once every `every`."""
    if every.total_seconds() < 1:
        raise ValueError("A periodic job runs at most once a second.")

    def register(task):
        job_name = name or task.module_path
        REGISTRY[job_name] = PeriodicJob(name=job_name, task=task, every=every)
        return task

    return register


def enqueue_due_jobs(*, now=None, jobs=None) -> list[str]:
    """Enqueue each job whose current period has no run yet; returns the names enqueued."""
    from background.models import PeriodicRun

    now = now or timezone.now()
    started = []
    for job in jobs if jobs is not None else REGISTRY.values():
        period = job.period(now)
        if PeriodicRun.objects.filter(job=job.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period=period, started_at=now)
                result = job.task.enqueue()
                run.task_id = result.id
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker started this period's run first
        logger.info("Periodic job %s enqueued for period %s", job.name, period)
        started.append(job.name)
    return started
