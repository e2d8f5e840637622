"""The test databases (tests/conftest.py's `django_db_setup`): on PostgreSQL with several test
processes (pytest-xdist), the first process migrates one template database and every process
clones it (CREATE DATABASE ... TEMPLATE, as Django's own parallel runner does), instead of
each running every migration. Elsewhere (SQLite, one process, --reuse-db) pytest-django's way.

The migrations run once, so their reference data (languages, counties, the instrument
catalogue, regions, the Alliance's group) is in every clone, exactly as migrated. Each process
also keeps that data serialized (`remember_reference_data`) and loads it back after a test in a
transaction has flushed every table (`restore_reference_data`, called by tests/conftest.py before
the next rolled-back test), so tests of every kind may run in any order.
"""

import fcntl
import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.test.utils import setup_databases, teardown_databases

TEMPLATE_SUFFIX = "_template"


def clones(config, *, keepdb: bool, use_migrations: bool) -> bool:
    """Whether this process clones the run's template: PostgreSQL, a pytest-xdist worker, a
    fresh database wanted (not --reuse-db, which keeps each worker's own) and migrations on."""
    return (
        connection.vendor == "postgresql"
        and hasattr(config, "workerinput")
        and not keepdb
        and use_migrations
    )


def template_name(test_name: str) -> str:
    """test_iecmhc_gw0 (a worker's database) or test_iecmhc (the controller's name for it) →
    test_iecmhc_template."""
    return test_name.rsplit("_gw", 1)[0] + TEMPLATE_SUFFIX


@contextmanager
def _exclusive(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _marker(template: str, run: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{template}.{run}.ready"


def setup_cloned(config, *, verbosity: int, serialize: bool) -> str:
    """This worker's database, cloned from the run's template (migrated by whichever worker
    comes first). Returns the original database name, for `teardown_cloned`."""
    creation, settings_dict = connection.creation, connection.settings_dict
    old_name = settings_dict["NAME"]
    worker_db = creation._get_test_db_name()
    template = template_name(worker_db)
    run = config.workerinput["testrunuid"]
    quote = connection.ops.quote_name
    with _exclusive(Path(tempfile.gettempdir()) / f"{template}.lock"):
        if not _marker(template, run).exists():
            settings_dict["TEST"]["NAME"] = template
            try:
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            finally:
                settings_dict["TEST"]["NAME"] = worker_db
            _marker(template, run).touch()
        # Nobody may be connected to a template while it is copied.
        connection.close()
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(worker_db)}")
            cursor.execute(f"CREATE DATABASE {quote(worker_db)} WITH TEMPLATE {quote(template)}")
    settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = settings_dict["NAME"] = worker_db
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return old_name


def teardown_cloned(old_name: str, *, verbosity: int) -> None:
    """Drop this worker's clone, even if a connection to it is still open: at the end of a run
    one was found idle (its last statement a ROLLBACK), opened by some thread of the process
    late in the run, and a plain DROP DATABASE refused (PostgreSQL 13+ for FORCE)."""
    test_name = connection.settings_dict["NAME"]
    connection.close()
    settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = connection.settings_dict["NAME"] = old_name
    with connection.creation._nodb_cursor() as cursor:
        quoted = connection.ops.quote_name(test_name)
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def drop_template(config, blocker) -> None:
    """The controller (pytest-xdist's), once every worker is done: the run's template goes."""
    if connection.vendor != "postgresql" or hasattr(config, "workerinput"):
        return
    template = template_name(connection.creation._get_test_db_name())
    markers = list(Path(tempfile.gettempdir()).glob(f"{template}.*.ready"))
    if not markers:
        return
    for marker in markers:
        marker.unlink(missing_ok=True)
    with blocker.unblock(), connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")


def setup_default(*, verbosity: int, keepdb: bool, aliases, serialized_aliases):
    """pytest-django's own setup (its django_db_setup fixture)."""
    return setup_databases(
        verbosity=verbosity,
        interactive=False,
        aliases=aliases,
        serialized_aliases=serialized_aliases,
        **({"keepdb": True} if keepdb else {}),
    )


# The database as the migrations left it (their reference data), serialized once per process.
_REFERENCE: dict[str, str] = {}
_REFERENCE_KEYS: dict[str, frozenset] = {}


def remember_reference_data() -> None:
    """Serialize the freshly migrated database (languages, counties, regions, the instrument
    catalogue, the Alliance's group, content types and permissions): tens of milliseconds."""
    _REFERENCE["default"] = connection.creation.serialize_db_to_string()
    _REFERENCE_KEYS["default"] = frozenset(
        (row["model"], row["pk"]) for row in json.loads(_REFERENCE["default"])
    )


def reference_keys() -> frozenset[tuple[str, object]]:
    """(model label, primary key) of every row the migrations left (empty before they ran)."""
    return _REFERENCE_KEYS.get("default", frozenset())


def restore_reference_data() -> None:
    """Empty every table and load the reference data back, with their keys, exactly as the
    migrations left them (a flush after a test in a transaction has emptied them, and
    recreated the content types and permissions under new keys)."""
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style

    if "default" not in _REFERENCE:
        return
    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False
    )
    connection.creation.deserialize_db_from_string(_REFERENCE["default"])
    # The rows come back with their keys; each table's sequence goes past them (PostgreSQL's
    # sequences do not follow explicit keys, and a flush may have started them again).
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def kind_of_test(item) -> str | None:
    """'transaction' (a test that commits and then flushes every table), 'rolled_back' (a test
    in a transaction rolled back at its end), or None (no database): pytest-django's own
    reading of a test's marker and fixtures."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.plugin import validate_django_db

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return "rolled_back" if issubclass(cls, TestCase) else "transaction"
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transaction = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        in_transaction, reset_sequences, *_ = validate_django_db(marker)
        transaction = transaction or in_transaction or reset_sequences
    if transaction:
        return "transaction"
    return "rolled_back" if marker is not None or "db" in fixtures else None


__all__ = [
    "clones",
    "drop_template",
    "kind_of_test",
    "remember_reference_data",
    "restore_reference_data",
    "setup_cloned",
    "setup_default",
    "teardown_cloned",
    "teardown_databases",
]
