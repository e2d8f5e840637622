"""Errors: the database unreachable gives 503 (JSON under /api/) with Retry-After, /healthz
names the dependency that is down, and the error pages are the site's, with a way home."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django.views import defaults
from django_tasks_db.models import DBTaskResult

from background.models import OutgoingEmail
from iecmhc.emails import send_templated_email
from iecmhc.middleware import database_unavailable_response

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def server_without_database():
    """The production server (gunicorn, production settings) whose database is a closed
    local port: the real failure, no patching."""
    port, database_port = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_"))
    }
    env.update(
        DJANGO_ENV_FILE="",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="outage-test-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{database_port}/nothing",
        DATABASE_CONN_MAX_AGE="0",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "iecmhc.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_api_call_gets_503_json_with_retry_after_when_the_database_is_down(
    server_without_database,
):
    status, headers, body = fetch(f"{server_without_database}/api/v1/consultants/")

    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert headers["Retry-After"] == "30"
    assert "temporarily unavailable" in body


def test_a_page_gets_the_site_503_page_when_the_database_is_down(server_without_database):
    status, headers, body = fetch(f"{server_without_database}/directory/")

    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Retry-After"] == "30"
    assert "temporarily unavailable" in body
    assert 'href="/"' in body


def test_the_503_page_is_the_sites_and_needs_no_database():
    # No django_db mark: any database access here fails the test.
    response = database_unavailable_response(RequestFactory().get("/directory/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert 'class="site-header"' in page and 'href="/"' in page


def test_healthz_names_the_database_and_the_cache_when_the_database_is_down(
    server_without_database,
):
    status, _, body = fetch(f"{server_without_database}/healthz")

    assert status == 503
    assert '"database": "unavailable"' in body
    assert '"cache": "unavailable"' in body  # the cache is in the database


@pytest.mark.django_db
def test_healthz_says_the_task_queue_is_behind(client, settings):
    send_templated_email(to="a@example.org", template="listing_approved", context={})
    assert client.get("/healthz").json()["tasks"] == "ok"  # just queued

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")

    assert response.status_code == 200  # the web still serves: not out of rotation
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "tasks": "backlog",
    }
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db
def test_healthz_says_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_the_cache_table_is_created_by_the_migrations():
    assert "django_cache" in connection.introspection.table_names()


@pytest.mark.django_db
def test_the_404_page_is_the_sites_with_a_way_home(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "We could not find that page" in page
    assert 'href="/"' in page


@pytest.mark.django_db
def test_the_403_page_is_the_sites_with_a_way_home(client, world):
    client.force_login(world.users["consultant"])
    response = client.get("/requests/new/")  # for program staff only

    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "You may not open this page" in page
    assert 'href="/"' in page


def test_the_500_page_is_the_sites_and_needs_no_database():
    # No django_db mark: any database access here fails the test.
    response = defaults.server_error(RequestFactory().get("/directory/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page
