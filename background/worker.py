"""The task worker: django-tasks' database worker, plus the periodic jobs' scheduler."""

import logging
import threading

from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from background.periodic import enqueue_due_jobs

logger = logging.getLogger(__name__)


def schedule_forever(stop: threading.Event, interval: float) -> None:
    """Enqueue the periodic jobs that are due, every `interval` seconds, until stopped."""
    try:
        while not stop.is_set():
            try:
                close_old_connections()
                enqueue_due_jobs()
            except DatabaseError:
                logger.exception("Periodic jobs: the database is unavailable; trying again")
            finally:
                close_old_connections()
            stop.wait(interval)
    finally:
        connection.close()  # this thread's own connection


class Worker(DatabaseWorker):
    """Runs tasks as django-tasks' worker does; a thread beside it enqueues periodic jobs."""

    def __init__(self, *, schedule_interval: float | None, **kwargs):
        super().__init__(**kwargs)
        self.schedule_interval = schedule_interval
        self.stop_scheduling = threading.Event()

    def run(self) -> None:
        if self.schedule_interval:
            threading.Thread(
                target=schedule_forever,
                args=(self.stop_scheduling, self.schedule_interval),
                name="periodic-jobs",
                daemon=True,
            ).start()
        try:
            super().run()
        finally:
            self.stop_scheduling.set()


def run_ready_tasks(
    *, backend_name: str = "default", max_tasks: int | None = None, exclude=()
) -> int:
    """Run every task ready now (but those whose ids are in `exclude`), in this process and
    its current connection, then return how many ran: a worker for a moment (the tests use
    it inside their transaction, where the full worker's connection housekeeping would close
    the connection)."""
    worker = DatabaseWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while max_tasks is None or ran < max_tasks:
        ready = DBTaskResult.objects.ready().filter(backend_name=backend_name)
        if exclude:
            ready = ready.exclude(id__in=exclude)
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            break
        worker.run_task(task_result)
        ran += 1
    return ran
