"""Periodic jobs run from the task workers, with no cron line, once per period however many
workers there are."""

import threading
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import PeriodicRun
from background.periodic import REGISTRY, enqueue_due_jobs
from background.worker import Worker, run_ready_tasks
from consultations.models import ConsultationRequest, RequestEvent
from tests.consultations import factories

EXPIRE_JOB = "consultations.tasks.expire_overdue_offers_job"


def overdue_offer(world) -> ConsultationRequest:
    request = factories.offered(world.program, world.listing, admin=world.users["admin"])
    ConsultationRequest.objects.filter(pk=request.pk).update(
        offered_at=request.offered_at - timedelta(days=30)
    )
    return request


def test_the_apps_register_their_periodic_jobs():
    assert REGISTRY[EXPIRE_JOB].every == timedelta(hours=1)
    assert "background.tasks.requeue_stalled_emails" in REGISTRY


@pytest.mark.django_db
def test_a_job_is_enqueued_once_per_period(world, settings):
    job = REGISTRY[EXPIRE_JOB]
    start = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)

    assert enqueue_due_jobs(now=start, jobs=[job]) == [EXPIRE_JOB]
    assert enqueue_due_jobs(now=start + timedelta(minutes=59), jobs=[job]) == []
    assert enqueue_due_jobs(now=start + timedelta(hours=1), jobs=[job]) == [EXPIRE_JOB]

    assert PeriodicRun.objects.filter(job=EXPIRE_JOB).count() == 2
    assert DBTaskResult.objects.filter(task_path=EXPIRE_JOB).count() == 2


@pytest.mark.django_db
def test_the_expiry_job_expires_overdue_offers_without_cron(world):
    request = overdue_offer(world)
    enqueue_due_jobs(jobs=[REGISTRY[EXPIRE_JOB]])
    run_ready_tasks()
    request.refresh_from_db()
    assert request.status == "submitted"


def _run(worker: Worker) -> None:
    try:
        worker.run()
    finally:
        connection.close()  # the thread's own connection


@pytest.mark.postgres  # concurrent writers: SQLite's in-memory test database locks tables
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_a_periodic_job_once(world):
    """Two real worker loops, each with its scheduler (threads with their own database
    connections, as two processes would have), start together: the overdue offer expires
    once, the job ran once, and no cron was involved."""
    request = overdue_offer(world)
    workers = [
        Worker(
            queue_names=["*"],
            interval=0.1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"worker-{n}",
            excluded_queue_names=[],
            schedule_interval=0.1,
        )
        for n in range(2)
    ]
    threads = [threading.Thread(target=_run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = DBTaskResult.objects.filter(task_path=EXPIRE_JOB).successful().exists()
            if done and not DBTaskResult.objects.ready().exists():
                break
            time.sleep(0.2)
        time.sleep(0.5)  # both schedulers have had several turns
    finally:
        for worker in workers:
            worker.running = False
        for thread in threads:
            thread.join(timeout=30)

    assert PeriodicRun.objects.filter(job=EXPIRE_JOB).count() == 1
    assert DBTaskResult.objects.filter(task_path=EXPIRE_JOB).successful().count() == 1
    request.refresh_from_db()
    assert request.status == "submitted"
    assert RequestEvent.objects.filter(request=request, action="expired").count() == 1


@pytest.mark.django_db
def test_pruning_keeps_recent_and_unfinished_work(world):
    from background.tasks import prune_finished_work, requeue_stalled_emails

    old, recent = (requeue_stalled_emails.enqueue() for _ in range(2))
    waiting = requeue_stalled_emails.enqueue()
    run_ready_tasks(exclude=[waiting.id])
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=8))
    PeriodicRun.objects.create(job="x", period=1, started_at=timezone.now() - timedelta(days=31))

    assert prune_finished_work.call() == 2

    assert set(DBTaskResult.objects.values_list("id", flat=True)) == {
        UUID(recent.id),
        UUID(waiting.id),
    }
