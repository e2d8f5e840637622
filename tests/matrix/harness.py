"""What the permission matrix expects of a call, and how it makes and checks one."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import api_key
from tests.matrix.urlconf import Route

LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"
# Sign-ins are made before the call; the session table is the sign-in's, not the call's.
NOT_SNAPSHOTTED = {Session}


@dataclass(frozen=True)
class Outcome:
    """An expected response: its status, where it redirects to, and whether it may write.

    `redirect` is the Location header (its start only, with `prefix`); "{path}" stands for
    the requested path, "{next}" for the `next=` query of a login redirect (as Django's
    `redirect_to_login` makes it), and "{pk}" (any path parameter) for its value.
    `writes` says the call is an allowed change: the database must differ afterwards. Every
    other outcome must leave every table and the outbox exactly as they were.
    """

    status: int
    redirect: str | None = None
    prefix: bool = False
    writes: bool = False
    label: str = ""

    def __str__(self) -> str:
        return self.label or (
            f"{self.status} → {self.redirect}" if self.redirect else str(self.status)
        )


def login_next(path: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = path
    return query.urlencode(safe="/")


def _snapshotted_tables() -> list[tuple[str, str, str]]:
    """(label, table, primary key column) of every table a call may write, sessions aside."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.proxy and opts.managed and model not in NOT_SNAPSHOTTED:
            tables.append((opts.label, opts.db_table, opts.pk.column))
    return tables


def snapshot() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows in key order, read with plain SQL (the
    ORM would take twenty times as long), sessions aside.

    PostgreSQL digests every table in one query (md5 of the rows as text): a query per table
    took four times as long there (~45 ms a snapshot, two a case). SQLite, in memory, reads
    the rows table by table and digests them here."""
    quote = connection.ops.quote_name
    tables = _snapshotted_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s, count(*), md5(coalesce(string_agg(matrix_row::text, '|' "
                    f"ORDER BY matrix_row.{quote(pk)}), '')) FROM {quote(table)} matrix_row"
                    for _, table, pk in tables
                ),
                [label for label, _, _ in tables],
            )
            return {label: (count, digest) for label, count, digest in cursor.fetchall()}
        state = {}
        for label, table, pk in tables:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")
            rows = cursor.fetchall()
            state[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return state


def change_count() -> int:
    """A count of the rows this connection has inserted, updated or deleted so far (in this
    transaction, on PostgreSQL): it never goes down, rolled-back changes included, so if it
    has not moved, no table has changed. A change that leaves a row as it was moves it too:
    it only says when a snapshot is needed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
            return int(cursor.fetchone()[0])
    connection.ensure_connection()
    return connection.connection.total_changes


class ChangeWatch:
    """The tables that calls change, without two snapshots of every table per call.

    `start()` just before the calls notes the change count and opens a savepoint. `changed()`
    after them: nothing if the count has not moved; otherwise a snapshot of the state after,
    then the savepoint rolled back (undoing the calls, and the tasks their commit ran) and a
    snapshot of the state before, compared. Either way the savepoint is gone afterwards."""

    def start(self) -> None:
        self.count = change_count()
        self.savepoint = transaction.savepoint()

    def changed(self) -> list[str]:
        if change_count() == self.count:
            transaction.savepoint_rollback(self.savepoint)
            return []
        after = snapshot()
        transaction.savepoint_rollback(self.savepoint)
        return changed_tables(snapshot(), after)


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        label for label in before.keys() | after.keys() if before.get(label) != after.get(label)
    )


@dataclass
class Call:
    route: Route
    method: str
    role: str
    path: str
    params: dict
    body: dict | None


@dataclass
class Clients:
    """One browser and one API client for a whole module: each new client builds its own
    middleware stack (WhiteNoise alone scans the static files, ~0.4 s), so they are reused
    and reset before each call."""

    browser: Client
    api: APIClient


def sign_in_once(users: dict) -> dict[str, str]:
    """Each role's session key, from one sign-in (`force_login`) per role and module.

    A sign-in writes a session, the user's last login and axes' log of the sign-in; made
    before every case it took a third of the matrix's time. The sessions live in the module's
    transaction, so a case that changes or ends one (signing out, a new password) changes it
    only inside its own savepoint, which is rolled back."""
    client, keys = Client(), {}
    for role, user in users.items():
        if user is not None:
            client.cookies.clear()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            keys[role] = client.session.session_key
    return keys


def send(
    call: Call, *, clients: Clients, user, session: str | None, before_call: Callable[[], None]
) -> object:
    """Make the call as the role: API routes with the role's token (DRF's APIClient, JSON,
    as conftest's `World.client`), pages and the admin with the role's signed-in browser
    session (`session`, from `sign_in_once`; Django's Client, form data); both over HTTPS, as
    production serves them. `before_call` runs once the client is signed in, just before the
    request."""
    method = call.method.lower()
    if call.route.is_api:
        client = clients.api
        client.cookies.clear()
        client.credentials()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
        before_call()
        if method == "get":
            return client.get(call.path, secure=True)
        return getattr(client, method)(call.path, call.body or {}, format="json", secure=True)
    client = clients.browser
    client.cookies.clear()
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    before_call()
    if method == "get":
        return client.get(call.path, secure=True)
    if method == "post":
        return client.post(call.path, call.body or {}, secure=True)
    return client.generic(call.method, call.path, secure=True)


def describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def where(call: Call) -> str:
    return f"{call.method} {call.path} as {call.role}"


def check(call: Call, expected: Outcome, response, changed: list[str], outbox_before: int) -> None:
    """The response is `expected`, and the database (`changed`: the tables it changed) and
    the outbox changed only if it writes."""
    check_response(call, expected, response)
    sent = len(mail.outbox) - outbox_before
    if expected.writes:
        assert changed, f"{where(call)}: an allowed write ({expected}) changed nothing"
    else:
        assert not changed, f"{where(call)} ({describe(response)}) changed {', '.join(changed)}"
        assert not sent, f"{where(call)} ({describe(response)}) sent {sent} email(s)"


def check_response(call: Call, expected: Outcome, response) -> None:
    """The response's status and redirect are `expected`'s."""
    at = where(call)
    assert response.status_code != 429, (
        f"{at}: 429 Too Many Requests. Rate limits must be off in tests (tests/conftest.py)."
    )
    assert response.status_code == expected.status, (
        f"{at}: expected {expected}, got {describe(response)}"
    )
    if expected.redirect is not None:
        wanted = expected.redirect.format(**call.params, path=call.path, next=login_next(call.path))
        location = response["Location"]
        matches = location.startswith(wanted) if expected.prefix else location == wanted
        assert matches, (
            f"{at}: expected a redirect to {wanted}{'…' * expected.prefix}, "
            f"got {describe(response)}"
        )
