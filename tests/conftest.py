"""Role fixtures: every endpoint is tried by each of these six callers.

anonymous, program (a member of `program`), other_program (a member of another program),
consultant (owns `listing`), other_consultant (owns `other_listing`), admin (Alliance).
"""

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import TestCase
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from background.worker import run_ready_tasks
from tests import db_setup, factories
from tests.factories import (
    ConsultantFactory,
    ProgramFactory,
    UserFactory,
    api_key,
    make_admin,
)

ROLES = ("anonymous", "program", "other_program", "consultant", "other_consultant", "admin")


@dataclass
class World:
    users: dict
    program: object
    other_program: object
    listing: object
    other_listing: object

    def client(self, role: str) -> APIClient:
        client = APIClient()
        user = self.users.get(role)
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
        return client


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's fixture, except that on PostgreSQL the test processes clone one migrated
    template instead of each migrating its own database (tests/db_setup.py)."""
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    cloned = db_setup.clones(request.config, keepdb=keepdb, use_migrations=django_db_use_migrations)
    with django_db_blocker.unblock():
        if cloned:
            old_name = db_setup.setup_cloned(
                request.config,
                verbosity=verbosity,
                serialize=DEFAULT_DB_ALIAS in serialized_aliases,
            )
        else:
            db_cfg = db_setup.setup_default(
                verbosity=verbosity,
                keepdb=keepdb,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
        db_setup.remember_reference_data()
    yield
    if django_db_keepdb:
        return
    with django_db_blocker.unblock():
        if cloned:
            db_setup.teardown_cloned(old_name, verbosity=verbosity)
        else:
            db_setup.teardown_databases(db_cfg, verbosity=verbosity)


def pytest_sessionfinish(session):
    from pytest_django.plugin import blocking_manager_key

    if blocking_manager_key in session.config.stash:
        db_setup.drop_template(session.config, session.config.stash[blocking_manager_key])


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (iecmhc/settings_test.py: the local memory one), so
    rate-limit counters and cached pages never leak from one test to the next."""
    cache.clear()


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's fixture, and with execute=True, what happens after a commit next: a
    task worker runs the tasks the block enqueued (emails are tasks), here in-process. Tasks
    queued before the block (test setup: its commit never comes) or scheduled for later (a
    retry) stay queued; tests/background/ runs real workers."""

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        before = set(DBTaskResult.objects.values_list("id", flat=True)) if execute else ()
        with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as callbacks:
            yield callbacks
        # Most blocks enqueue nothing: then no worker is needed (one costs a locked query).
        if execute and set(DBTaskResult.objects.values_list("id", flat=True)) - before:
            run_ready_tasks(exclude=before)

    return capture


@pytest.fixture
def world(db) -> World:
    program_user = UserFactory(username="pat_program", role="program")
    other_program_user = UserFactory(username="olive_other", role="program")
    consultant_user = UserFactory(username="cora_consultant", role="consultant")
    other_consultant_user = UserFactory(username="cal_consultant", role="consultant")
    admin = make_admin(username="alex_admin")
    return World(
        users={
            "anonymous": None,
            "program": program_user,
            "other_program": other_program_user,
            "consultant": consultant_user,
            "other_consultant": other_consultant_user,
            "admin": admin,
        },
        program=ProgramFactory(members=[program_user]),
        other_program=ProgramFactory(members=[other_program_user]),
        listing=ConsultantFactory(user=consultant_user, display_name="Cora Consultant"),
        other_listing=ConsultantFactory(user=other_consultant_user, display_name="Cal Consultant"),
    )


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


# The suite's longest tests (5 to 30 s each), longest first. They run first, whatever kind
# they are: pytest-xdist hands tests out in collection order, so a long test collected last
# would keep one test process busy while the other sat idle at the end of the run. Tests in a
# transaction (browser, migration) may come before rolled-back ones: their flush empties the
# reference data, which `pytest_runtest_setup` puts back before the next rolled-back test.
LONGEST_FIRST = (
    "tests/test_fuzz_api.py",
    "tests/browser/test_accessibility.py",
    "tests/browser/",
    "tests/directory/test_regions.py",
    "tests/directory/test_endorsement_migration.py",
    "tests/consultations/test_contact_activity_migration.py",
    "tests/consultations/test_matching_components.py",
    "tests/consultations/test_matching_properties.py",
    "tests/consultations/test_matching_snapshot.py",
    "tests/test_permission_matrix.py",
)


def _longest_first(item) -> int:
    path = item.nodeid
    return next(
        (rank for rank, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)),
        len(LONGEST_FIRST),
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)


class _LongestFirst:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        """After pytest-django has put the tests in its groups (rolled back, in a transaction,
        without the database): the longest first, each group's order kept (a stable sort)."""
        items.sort(key=_longest_first)


def pytest_configure(config):
    config.pluginmanager.register(_LongestFirst(), "iecmhc-longest-first")


_FLUSHED = {"since": False}  # a test in a transaction has run (and flushed) since the restore


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test in a transaction ends with a flush that empties every table, the reference data
    the migrations loaded included; the next rolled-back test gets that data back first."""
    kind = db_setup.kind_of_test(item)
    # The factories' kept reference rows are good only on the data as migrated (factories.py).
    factories.REFERENCE_ROWS_KEPT["now"] = kind == "rolled_back"
    if kind == "transaction":
        _FLUSHED["since"] = True
    elif kind == "rolled_back" and _FLUSHED["since"]:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            db_setup.restore_reference_data()
        _FLUSHED["since"] = False
