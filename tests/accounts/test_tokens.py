"""API tokens: stored only as digests, issued, rotated and revoked without races (real
transactions on PostgreSQL, one connection per thread, released together), and the
plain-text tokens of before moved over by the migration."""

import hashlib
import importlib
import threading
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from accounts.authentication import token_digest
from accounts.models import ApiToken
from accounts.services import MAX_API_TOKENS_PER_USER, user_token_issue
from tests.factories import PASSWORD, UserFactory

TOKEN = "/api/v1/auth/token/"
ROTATE = "/api/v1/auth/token/rotate/"
ME = "/api/v1/me/"


def _client(key=None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def together(calls):
    """Each call in its own thread and connection, released at once; their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_only_a_digest_of_the_key_is_stored(db):
    user = UserFactory()

    response = _client().post(TOKEN, {"username": user.username, "password": PASSWORD})

    key = response.json()["token"]
    stored = ApiToken.objects.get(user=user)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    row = ApiToken.objects.filter(user=user).values().get()
    assert key not in str(row)
    assert _client(key).get(ME).status_code == 200
    assert _client(stored.digest).get(ME).status_code == 401  # the digest is no credential


def test_a_user_keeps_at_most_a_few_tokens(db):
    user = UserFactory()
    keys = [user_token_issue(user=user).key for _ in range(MAX_API_TOKENS_PER_USER + 2)]

    assert ApiToken.objects.filter(user=user).count() == MAX_API_TOKENS_PER_USER
    assert [_client(k).get(ME).status_code for k in keys[:2]] == [401, 401]
    assert _client(keys[-1]).get(ME).status_code == 200


def test_plain_tokens_of_before_are_moved_over_as_digests(db):
    user = UserFactory()
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, user.date_joined, user.pk]
        )
    migration = importlib.import_module("accounts.migrations.0002_api_tokens_stored_as_digests")

    # It reads only the editor's connection (a schema editor cannot open inside a test's
    # transaction on SQLite).
    migration.digest_plain_tokens(apps, SimpleNamespace(connection=connection))

    assert _client(key).get(ME).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
        cursor.execute("DROP TABLE authtoken_token")


# --- races (PostgreSQL) ----------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(6))
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_rotations_of_one_token_hand_out_one_working_token(round_):
    user = UserFactory()
    key = user_token_issue(user=user).key

    responses = together([lambda: _client(key).post(ROTATE) for _ in range(3)])

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 401, 401]
    winner = next(r for r in responses if r.status_code == 200).json()["token"]
    assert _client(winner).get(ME).status_code == 200
    assert _client(key).get(ME).status_code == 401
    assert list(ApiToken.objects.filter(user=user).values_list("digest", flat=True)) == [
        token_digest(winner)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ins_each_get_a_working_token():
    user = UserFactory()
    credentials = {"username": user.username, "password": PASSWORD}

    responses = together([lambda: _client().post(TOKEN, credentials) for _ in range(4)])

    assert [r.status_code for r in responses] == [200] * 4
    keys = {r.json()["token"] for r in responses}
    assert len(keys) == 4
    assert all(_client(k).get(ME).status_code == 200 for k in keys)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rotating_and_revoking_at_once_leaves_no_dead_token_handed_out():
    user = UserFactory()
    for _ in range(5):
        key = user_token_issue(user=user).key

        rotated, revoked = together(
            [lambda k=key: _client(k).post(ROTATE), lambda k=key: _client(k).delete(TOKEN)]
        )

        assert rotated.status_code in (200, 401)
        assert revoked.status_code in (204, 401)
        assert _client(key).get(ME).status_code == 401
        if rotated.status_code == 200:
            assert _client(rotated.json()["token"]).get(ME).status_code == 200


# --- a token's user and their permissions, read together ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [True, False])
def test_a_tokens_user_comes_with_their_permissions_when_their_role_needs_them(staff, world):
    """One query on PostgreSQL (the permissions as an array beside the token); elsewhere a
    second for staff, whose role depends on a permission (ModelBackend would take two), and
    none for others, who are never asked. A staff user's `has_perm` then asks nothing more,
    and answers as ModelBackend would."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.test.utils import CaptureQueriesContext

    from accounts.authentication import ExpiringTokenAuthentication
    from accounts.roles import is_alliance_admin
    from tests.factories import api_key

    user = world.users["admin" if staff else "program"]
    key = api_key(user)
    with CaptureQueriesContext(connection) as queries:
        authenticated, _token = ExpiringTokenAuthentication().authenticate_credentials(key)
    postgres = connection.vendor == "postgresql"
    assert len(queries) == (2 if staff and not postgres else 1)
    with CaptureQueriesContext(connection) as queries:
        assert is_alliance_admin(authenticated) is staff
    assert len(queries) == 0
    if staff:
        fresh = get_user_model().objects.get(pk=user.pk)
        assert authenticated._perm_cache == ModelBackend().get_all_permissions(fresh)
        assert len(authenticated._perm_cache) > 1  # the Alliance group's and the user's own
