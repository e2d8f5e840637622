"""manage.py run_worker: run background tasks (emails, periodic jobs) until stopped.

Start as many as needed, on any hosts sharing the database: they share the queue (on
PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED) and each periodic job runs once per period
whatever the number of workers. Stop with SIGTERM or Ctrl+C: the task under way finishes.
Takes django-tasks' `db_worker` options (--queue-name, --interval, --batch, --max-tasks, ...).
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from background.worker import Worker


class Command(db_worker.Command):
    help = "Run background tasks and the periodic jobs (no cron needed)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=10.0,
            help="seconds between checks for due periodic jobs; 0 runs none (default: 10)",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        schedule_interval,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            schedule_interval=None if batch else schedule_interval,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
