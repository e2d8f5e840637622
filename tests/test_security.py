"""Production hardening: headers and CSP, deploy checks, health, login lockouts, rate limits,
API tokens (expiry, rotation, revocation), the audit trail and what reaches the logs."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db import DatabaseError
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.authentication import token_digest
from accounts.models import ApiToken, User
from consultations import services
from consultations.models import ConsultationRequest
from directory.models import Consultant, Program
from iecmhc.security import RedactingFilter, client_ip, redact
from tests.consultations import factories
from tests.factories import PASSWORD, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
TOKEN = "/api/v1/auth/token/"
ROTATE = "/api/v1/auth/token/rotate/"
REGISTER = "/api/v1/auth/register/"
REQUESTS = "/api/v1/requests/"
ME = "/api/v1/me/"

REQUEST_BODY = {
    "focus": "classroom",
    "concerns": ["challenging_behavior"],
    "modality": "either",
    "urgency": "routine",
    "description": "Nap time is hard.",
}


# --- headers, CSP, deploy settings, health -------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/directory/", "/accounts/login/", "/api/v1/vocabularies/"])
def test_every_response_carries_the_security_headers(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_only_the_api_docs_allow_inline_styles_and_still_no_inline_script(client, db):
    response = client.get("/api/docs/")

    csp = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self'" in csp and "script-src 'self' 'unsafe" not in csp
    html = response.content.decode()
    assert "<script>" not in html, "Swagger UI's script must come from a file, not inline"


def test_pages_use_no_inline_styles_or_scripts():
    """The CSP forbids them, so the templates must not need them."""
    for template in (BASE_DIR / "templates").rglob("*.html"):
        if template.parent.name == "email":
            continue  # emails are not pages: no CSP applies, and mail clients need inline HTML
        text = template.read_text()
        assert 'style="' not in text, template
        assert "<script>" not in text and "<style" not in text, template


def _production_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "RATE_LIMIT", "LOGIN_", "API_TOKEN"))
    }
    env.update(
        DJANGO_ENV_FILE="",  # never the developer's .env
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k" * 20 + "-production-like-secret-key-of-good-length-0123456789",
        DJANGO_ALLOWED_HOSTS="iecmhc.example.org",
        **overrides,
    )
    return env


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_healthz_says_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_does_not_answer(client, db):
    with mock.patch("iecmhc.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unavailable",
        "cache": "ok",
        "tasks": "unavailable",
    }


def test_healthz_takes_no_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # everything else goes to HTTPS


def test_secure_cookies_are_secure_httponly_and_lax(client, world, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get("/accounts/login/")  # sets the CSRF cookie
    client.post("/accounts/login/", {"username": "pat_program", "password": PASSWORD})

    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


def test_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["program"])

    response = client.post(reverse("consultations:request_new"), {"program": world.program.pk})

    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()


def test_the_admin_is_for_staff_only(client, world):
    client.force_login(world.users["consultant"])

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.logout()
    refused = client.post(
        "/admin/login/", {"username": "cora_consultant", "password": PASSWORD, "next": "/admin/"}
    )
    assert refused.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


# --- login lockouts (django-axes) ----------------------------------------------------------


def _fail_logins(client, username, times, *, address="203.0.113.5"):
    for _ in range(times):
        response = client.post(
            "/accounts/login/",
            {"username": username, "password": "wrong-password"},
            REMOTE_ADDR=address,
        )
        # The form with its error; the failure that reaches the limit gets the lockout page.
        assert response.status_code in (200, 429)


def test_failures_from_one_address_lock_the_account_there_but_not_for_its_owner_elsewhere(
    client, world
):
    """A stranger guessing an account's password locks the account only at their address
    (and their address for every account): the owner, elsewhere, still signs in."""
    _fail_logins(client, "pat_program", 5, address="198.51.100.7")

    stranger = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},  # even the right password
        REMOTE_ADDR="198.51.100.7",
    )
    assert stranger.status_code == 429
    assert "Too many failed sign-ins" in stranger.content.decode()
    assert "_auth_user_id" not in client.session

    owner = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.77",
    )
    assert owner.status_code == 302


def test_failures_spread_over_addresses_lock_no_one_out(client, world):
    for i in range(5):
        _fail_logins(client, "pat_program", 1, address=f"198.51.100.{i}")

    response = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.77",
    )

    assert response.status_code == 302


def test_usernames_differing_in_case_count_as_one_account(client, world, settings):
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the pair alone
    names = ("pat_program", "Pat_Program", "PAT_PROGRAM", "pat_PROGRAM", "Pat_program")
    for name in names:
        _fail_logins(client, name, 1, address="198.51.100.20")

    response = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )

    assert response.status_code == 429


def test_an_address_is_locked_after_five_failed_logins_whatever_the_account(client, world):
    for name in ("a1", "b2", "c3", "d4", "e5"):
        _fail_logins(client, name, 1, address="203.0.113.9")

    locked = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "olive_other", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.10",
    )

    assert locked.status_code == 429
    assert elsewhere.status_code == 302  # another address, another account: signed in


def test_a_successful_login_clears_the_failures(client, world):
    _fail_logins(client, "pat_program", 4)
    ok = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert ok.status_code == 302
    client.logout()

    _fail_logins(client, "pat_program", 4)
    again = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert again.status_code == 302


def test_the_lockout_lifts_after_the_cool_off(client, world, settings):
    _fail_logins(client, "pat_program", 5)
    # Fifteen minutes and one second pass.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    response = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )

    assert response.status_code == 302


def test_the_api_token_endpoint_is_locked_too_with_a_clear_429(world):
    client = APIClient(REMOTE_ADDR="203.0.113.20")
    for _ in range(4):
        response = client.post(TOKEN, {"username": "pat_program", "password": "nope"})
        assert response.status_code == 400
    # The failure that reaches the limit is already refused as a lockout.
    assert client.post(TOKEN, {"username": "pat_program", "password": "no"}).status_code == 429

    response = client.post(TOKEN, {"username": "pat_program", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    assert "Retry-After" in response
    assert not ApiToken.objects.filter(user=world.users["program"]).exists()


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(settings):
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.7"}

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: a client can't pick its own
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw; 1.1.1.1 is a claim


@pytest.mark.parametrize("forwarded", ["not-an-address", "198.51.100.11112", "1.1.1.1, ' OR 1"])
def test_a_forwarded_hop_that_is_not_an_address_falls_back_to_remote_addr(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(request) == "10.0.0.2"


def test_a_login_with_a_garbage_forwarded_address_is_a_refusal_not_a_server_error(
    client, world, settings
):
    # PostgreSQL stores the lockout's address as inet: garbage there was a 500.
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        "/accounts/login/",
        {"username": "pat_program", "password": "wrong-password"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.11112",
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- rate limits ---------------------------------------------------------------------------


@pytest.fixture
def rate_limits(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {"register": "3/hour", "token": "30/minute", "request_create": "2/hour"}


def _registration(i):
    return {
        "username": f"newcomer{i}",
        "email": f"newcomer{i}@example.org",
        "password": "Plenty-long-passphrase-42",
        "role": "program",
    }


def test_registration_is_rate_limited_per_address_and_creates_nothing_beyond(db, rate_limits):
    client = APIClient(REMOTE_ADDR="203.0.113.30")
    for i in range(3):
        assert client.post(REGISTER, _registration(i)).status_code == 201

    response = client.post(REGISTER, _registration(99))

    assert response.status_code == 429
    assert "throttled" in response.json()["detail"].lower()
    assert not User.objects.filter(username="newcomer99").exists()
    other = APIClient(REMOTE_ADDR="203.0.113.31")
    assert other.post(REGISTER, _registration(100)).status_code == 201


def test_the_signup_page_shares_the_registration_limit(client, db, rate_limits):
    api = APIClient(REMOTE_ADDR="203.0.113.40")
    for i in range(3):
        assert api.post(REGISTER, _registration(i)).status_code == 201

    response = client.post(
        "/accounts/signup/", {**_registration(7), "role": "program"}, REMOTE_ADDR="203.0.113.40"
    )

    assert response.status_code == 429
    assert "Please wait" in response.content.decode()
    assert response["Retry-After"]
    assert not User.objects.filter(username="newcomer7").exists()


def test_request_creation_is_rate_limited_per_user(world, rate_limits):
    client = world.client("program")
    body = {**REQUEST_BODY, "program": world.program.pk}
    assert client.post(REQUESTS, body).status_code == 201
    # A mistake does not count against the limit.
    assert client.post(REQUESTS, {**body, "concerns": []}).status_code == 400
    assert client.post(REQUESTS, body).status_code == 201

    response = client.post(REQUESTS, body)

    assert response.status_code == 429
    assert ConsultationRequest.objects.count() == 2
    # Another user of another program is not held back.
    other = {**REQUEST_BODY, "program": world.other_program.pk}
    assert world.client("other_program").post(REQUESTS, other).status_code == 201


def test_the_request_page_shares_the_request_limit(client, world, rate_limits):
    api = world.client("program")
    for _ in range(2):
        assert api.post(REQUESTS, {**REQUEST_BODY, "program": world.program.pk}).status_code == 201
    client.force_login(world.users["program"])

    response = client.post(
        reverse("consultations:request_new"),
        {
            "program": world.program.pk,
            "focus": "classroom",
            "concerns": ["challenging_behavior"],
            "modality": "either",
            "urgency": "routine",
            "description": "",
        },
    )

    assert response.status_code == 429
    assert ConsultationRequest.objects.count() == 2


def test_rate_limits_can_be_switched_off(db, settings):
    settings.RATE_LIMITS_ENABLED = False
    settings.RATE_LIMITS = {"register": "1/hour", "token": "1/hour", "request_create": "1/hour"}
    client = APIClient()

    assert [client.post(REGISTER, _registration(i)).status_code for i in range(3)] == [201] * 3


# --- API tokens ----------------------------------------------------------------------------


def _token(username="pat_program") -> str:
    response = APIClient().post(TOKEN, {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def _me(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(ME)


def test_each_sign_in_gets_its_own_token_which_expires(world, settings):
    first = _token()
    second = _token()
    assert second != first
    assert _me(first).status_code == 200 and _me(second).status_code == 200

    ApiToken.objects.filter(digest=token_digest(first)).update(
        created=timezone.now() - timedelta(days=31)
    )
    expired = _me(first)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]

    fresh = _token()
    assert fresh != first
    assert _me(fresh).status_code == 200


def test_rotating_replaces_the_token_at_once(world):
    old = _token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")

    response = client.post(ROTATE)

    assert response.status_code == 200
    new = response.json()["token"]
    assert new != old
    assert _me(old).status_code == 401
    assert _me(new).status_code == 200


def test_revoking_signs_the_client_out(world):
    key = _token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.delete(TOKEN).status_code == 204
    assert _me(key).status_code == 401
    assert not ApiToken.objects.filter(user=world.users["program"]).exists()


@pytest.mark.parametrize(("method", "path"), [("post", ROTATE), ("delete", TOKEN)])
def test_token_rotation_and_revocation_need_a_signed_in_caller(db, method, path):
    response = getattr(APIClient(), method)(path)

    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_setting_a_new_password_by_reset_revokes_the_api_token(client, world):
    key = _token()
    client.post("/accounts/password-reset/", {"email": world.users["program"].email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    form_page = client.get(path, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]

    response = client.post(
        set_password_url,
        {"new_password1": "A-brand-new-passphrase-7", "new_password2": "A-brand-new-passphrase-7"},
    )

    assert response.status_code == 302
    assert _me(key).status_code == 401
    assert (
        APIClient()
        .post(TOKEN, {"username": "pat_program", "password": "A-brand-new-passphrase-7"})
        .json()["token"]
    )


def test_passwords_are_validated_at_registration(db):
    response = APIClient().post(REGISTER, {**_registration(1), "password": "short1!"})

    assert response.status_code == 400
    assert "at least 10 characters" in response.json()["password"][0]


# --- the audit trail -----------------------------------------------------------------------


def test_a_program_edit_is_recorded_with_who_made_it(world):
    client = world.client("program")

    response = client.patch(f"/api/v1/programs/{world.program.pk}/", {"phone": "608-555-0101"})

    assert response.status_code == 200
    latest = world.program.history.first()
    assert latest.phone == "608-555-0101"
    assert latest.history_user == world.users["program"]
    assert latest.history_type == "~"


def test_a_listing_edit_is_recorded_with_who_made_it(world):
    client = world.client("consultant")

    response = client.patch(
        f"/api/v1/consultants/{world.listing.pk}/", {"bio": "Twenty years with toddlers."}
    )

    assert response.status_code == 200
    latest = Consultant.history.filter(id=world.listing.pk).first()
    assert latest.bio == "Twenty years with toddlers."
    assert latest.history_user == world.users["consultant"]


def test_request_transitions_are_recorded_but_caseload_counters_are_not(world):
    admin = world.users["admin"]
    request = factories.submitted(world.program)
    listing_versions = Consultant.history.filter(id=world.listing.pk).count()

    services.request_offer(actor=admin, consultation=request, consultant=world.listing)
    services.request_accept(actor=world.users["consultant"], consultation=request)

    statuses = list(
        ConsultationRequest.history.filter(id=request.pk)
        .order_by("history_date")
        .values_list("status", flat=True)
    )
    assert statuses == ["submitted", "offered", "active"]
    assert Consultant.history.filter(id=world.listing.pk).count() == listing_versions


@pytest.mark.parametrize(
    ("url_name", "model"),
    [
        ("admin:directory_program_history", Program),
        ("admin:directory_consultant_history", Consultant),
        ("admin:consultations_consultationrequest_history", ConsultationRequest),
    ],
)
def test_admins_read_the_audit_trail_and_nobody_else(client, world, url_name, model):
    obj = {
        Program: world.program,
        Consultant: world.listing,
        ConsultationRequest: factories.submitted(world.program),
    }[model]
    url = reverse(url_name, args=[obj.pk])

    client.force_login(world.users["admin"])
    assert client.get(url).status_code == 200
    for role in ("program", "consultant"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 302  # to the admin's login
    client.logout()
    assert client.get(url).status_code == 302


# --- nothing private in the logs -----------------------------------------------------------


def test_secrets_are_masked_in_log_lines():
    assert redact("GET /accounts/reset/MjQ/cxq2-8f0e1a2b3c4d/ HTTP/1.1") == (
        "GET /accounts/reset/MjQ/[redacted]/ HTTP/1.1"
    )
    assert redact("Authorization: Token 0123456789abcdef0123456789abcdef01234567") == (
        "Authorization: Token [redacted]"
    )
    assert redact("/x/?token=abc&page=2") == "/x/?token=[redacted]&page=2"


def test_the_log_filter_masks_a_record_before_it_is_written():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/reset/MjQ/abc-1/",),
        None,
    )

    assert RedactingFilter().filter(record)
    assert record.getMessage() == "Not Found: /reset/MjQ/[redacted]/"


def test_a_failed_request_logs_no_body_or_token(world, caplog):
    caplog.set_level(logging.INFO)
    key = _token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    client.post(REQUESTS, {**REQUEST_BODY, "description": "Secret-detail-xyz", "program": 0})

    text = caplog.text
    assert "Bad Request: /api/v1/requests/" in text
    assert "Secret-detail-xyz" not in text and key not in text


def test_the_gunicorn_access_log_masks_reset_links():
    from iecmhc.gunicorn_conf import RedactingLogger

    logger = RedactingLogger.__new__(RedactingLogger)
    with mock.patch(
        "gunicorn.glogging.Logger.atoms",
        return_value={
            "r": "GET /accounts/reset/MjQ/abc-123/ HTTP/1.1",
            "U": "/accounts/reset/MjQ/abc-123/",
        },
    ):
        atoms = logger.atoms(None, None, {}, None)

    assert atoms["r"] == "GET /accounts/reset/MjQ/[redacted]/ HTTP/1.1"
    assert atoms["U"] == "/accounts/reset/MjQ/[redacted]/"


def test_users_are_made_by_the_factories_with_passwords_that_pass_validation():
    # The demo and test passwords must satisfy the validators we ship.
    from django.contrib.auth.password_validation import validate_password

    validate_password(PASSWORD, user=UserFactory.build())


def test_the_audit_trail_cannot_be_written_back_through_the_admin(client, world):
    """django-simple-history's version page would save a POST (a revert), bypassing the
    services; ours refuses it."""
    request = factories.active(world.program, world.listing, admin=world.users["admin"])
    first = ConsultationRequest.history.filter(id=request.pk).order_by("history_date").first()
    client.force_login(world.users["admin"])
    url = reverse(
        "admin:consultations_consultationrequest_simple_history", args=[request.pk, first.pk]
    )

    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403
    request.refresh_from_db()
    world.listing.refresh_from_db()
    assert request.status == "active" and request.consultant_id == world.listing.pk
    assert world.listing.active_caseload == 1
