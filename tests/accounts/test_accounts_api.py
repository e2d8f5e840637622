"""Accounts API: registration, tokens, session sign-in and /me/, for every role."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from rest_framework.test import APIClient

from accounts.authentication import token_digest
from accounts.models import ApiToken
from accounts.services import user_token_issue, user_token_rotate
from tests.conftest import ROLES
from tests.factories import PASSWORD, ProgramFactory, UserFactory

User = get_user_model()

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
GOOD_PASSWORD = "Tall-oak-trees-42"


def registration(**overrides) -> dict:
    return {
        "username": "maria",
        "email": "maria@example.org",
        "password": GOOD_PASSWORD,
        "role": "program",
        **overrides,
    }


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def user_count() -> int:
    return User.objects.count()


# --- registration -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["program", "consultant"])
def test_register_creates_an_ordinary_user_of_the_role(db, anon_client, role):
    response = anon_client.post(REGISTER, registration(role=role))

    assert response.status_code == 201, response.json()
    user = User.objects.get(username="maria")
    assert response.json() == {"username": "maria", "role": role}
    assert "password" not in response.json()
    assert user.role == role
    assert user.email == "maria@example.org"
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.check_password(GOOD_PASSWORD)
    assert not user.user_permissions.exists()
    assert not user.groups.exists()


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="blank"),
        pytest.param("admin", id="admin"),
        pytest.param("staff", id="staff"),
        pytest.param("superuser", id="superuser"),
        pytest.param("Program", id="wrong-case"),
        pytest.param(["program"], id="list"),
    ],
)
def test_register_requires_a_program_or_consultant_role(db, anon_client, role):
    body = registration(role=role)
    if role is None:
        del body["role"]
    before = user_count()

    response = anon_client.post(REGISTER, body)

    assert response.status_code == 400
    assert "role" in response.json()
    assert user_count() == before


@pytest.mark.parametrize(
    "missing", ["username", "email", "password", "role"], ids=lambda name: f"no-{name}"
)
def test_register_requires_every_field(db, anon_client, missing):
    body = registration()
    del body[missing]

    response = anon_client.post(REGISTER, body)

    assert response.status_code == 400
    assert list(response.json()) == [missing]
    assert not User.objects.filter(username="maria").exists()


@pytest.mark.parametrize("value", ["PAT_PROGRAM", "Pat_Program"])
def test_register_rejects_a_taken_username_case_insensitively(world, anon_client, value):
    before = user_count()

    response = anon_client.post(REGISTER, registration(username=value))

    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert user_count() == before


@pytest.mark.parametrize("email", ["pat_program@example.org", "PAT_PROGRAM@EXAMPLE.ORG"])
def test_register_with_an_address_in_use_looks_like_success_and_tells_its_owner(
    world, anon_client, mailoutbox, django_capture_on_commit_callbacks, email
):
    """Whether an address has an account is not for strangers to learn (issue 13)."""
    before = user_count()
    with django_capture_on_commit_callbacks(execute=True):
        fresh = anon_client.post(REGISTER, registration(username="fresh", email="new@example.org"))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        used = anon_client.post(REGISTER, registration(username="other", email=email))

    assert (used.status_code, fresh.status_code) == (201, 201)
    assert used.json() == {"username": "other", "role": "program"}
    assert used.json().keys() == fresh.json().keys()
    assert user_count() == before + 1  # only "fresh"
    assert not User.objects.filter(username="other").exists()
    [notice] = mailoutbox
    assert notice.to == ["pat_program@example.org"]
    assert notice.subject == "Someone tried to register with your email address"
    assert "no new account was made" in notice.body


@pytest.mark.parametrize(
    ("taken", "lookalike"),
    [("fiona", "\ufb01ona"), ("kate", "\u212aate")],  # the fi ligature; the Kelvin sign
    ids=["fi-ligature", "kelvin-sign"],
)
def test_register_rejects_a_compatibility_lookalike_of_a_taken_username(db, taken, lookalike):
    client = APIClient(raise_request_exception=False)
    UserFactory(username=taken)
    before = user_count()

    response = client.post(REGISTER, registration(username=lookalike, email="other@example.org"))

    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert user_count() == before


def test_register_losing_a_race_for_the_username_is_400(db, monkeypatch):
    import accounts.services

    real_validate = accounts.services.validate_password

    def validate_while_someone_else_registers(password, user=None):
        UserFactory(username="maria", email="first@example.org")  # committed meanwhile
        real_validate(password, user=user)

    monkeypatch.setattr(
        accounts.services, "validate_password", validate_while_someone_else_registers
    )
    client = APIClient(raise_request_exception=False)

    response = client.post(REGISTER, registration())

    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    # (The simulated rival shares this test's connection, so the refusal rolls it back too;
    # what matters is that our registration created nobody.)
    assert not User.objects.filter(email=registration()["email"]).exists()


def test_register_with_a_taken_username_says_nothing_of_the_email(world, anon_client):
    response = anon_client.post(
        REGISTER, registration(username="pat_program", email="pat_program@example.org")
    )

    assert response.status_code == 400
    assert set(response.json()) == {"username"}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "This password is too short. It must contain at least 10 characters."),
        ("password", "This password is too common."),
        ("83920174659", "This password is entirely numeric."),
        ("maria-lopez", "The password is too similar to the username."),
    ],
)
def test_register_rejects_a_weak_password_with_messages(db, anon_client, password, message):
    response = anon_client.post(
        REGISTER, registration(username="maria_lopez", email="ml@example.org", password=password)
    )

    assert response.status_code == 400
    assert message in response.json()["password"]
    assert not User.objects.filter(username="maria_lopez").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "maria lopez"),
        ("username", "maria/lopez"),
        ("username", "m" * 151),
        ("username", ""),
        ("email", "not-an-email"),
        ("email", ""),
        ("password", "x" * 129),
        ("password", ""),
    ],
)
def test_register_rejects_malformed_fields(db, anon_client, field, value):
    before = user_count()

    response = anon_client.post(REGISTER, registration(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()
    assert user_count() == before


@pytest.mark.parametrize(
    "extra", [{"is_staff": True}, {"is_superuser": True}, {"first_name": "Maria"}, {"rol": "x"}]
)
def test_register_rejects_unknown_fields(db, anon_client, extra):
    before = user_count()

    response = anon_client.post(REGISTER, registration(**extra))

    assert response.status_code == 400
    assert set(response.json()) == set(extra)
    assert user_count() == before


@pytest.mark.parametrize("extra", [{"is_staff": True}, {"is_superuser": True}])
def test_register_never_makes_staff_even_when_asked(db, anon_client, extra):
    anon_client.post(REGISTER, registration(**extra))

    user = User.objects.filter(username="maria").first()
    assert user is None or (user.is_staff, user.is_superuser) == (False, False)


@pytest.mark.parametrize("body", [[], ["maria"], "maria", 42])
def test_register_rejects_a_body_that_is_not_an_object(db, anon_client, body):
    response = anon_client.post(REGISTER, body, format="json")

    assert response.status_code == 400
    assert user_count() == 0


def test_register_ignores_credentials_sent_along(world):
    """Anyone may register; a signed-in caller's token does not change the new user's role."""
    response = world.client("admin").post(REGISTER, registration(role="consultant"))

    assert response.status_code == 201
    assert User.objects.get(username="maria").role == "consultant"


# --- tokens -----------------------------------------------------------------------------------


def test_token_for_the_right_password_signs_in_to_me(world, anon_client):
    response = anon_client.post(TOKEN, {"username": "pat_program", "password": PASSWORD})

    assert response.status_code == 200
    key = response.json()["token"]
    stored = ApiToken.objects.get(user=world.users["program"])
    assert stored.digest == token_digest(key) != key  # only the digest is kept
    me = token_client(key).get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == "pat_program"


def test_each_client_signing_in_gets_its_own_working_token(world, anon_client):
    credentials = {"username": "pat_program", "password": PASSWORD}

    first = anon_client.post(TOKEN, credentials).json()["token"]
    second = anon_client.post(TOKEN, credentials).json()["token"]

    assert first != second
    assert token_client(first).get(ME).status_code == 200
    assert token_client(second).get(ME).status_code == 200
    assert ApiToken.objects.filter(user=world.users["program"]).count() == 2


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("pat_program", "wrong-password-1"),
        ("pat_program", PASSWORD.upper()),
        ("pat_program", ""),
        ("nobody_here", PASSWORD),
        ("", PASSWORD),
    ],
)
def test_token_refused_for_wrong_credentials(world, anon_client, username, password):
    response = anon_client.post(TOKEN, {"username": username, "password": password})

    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.filter(user=world.users["program"]).exists()


def test_token_refused_for_an_inactive_user(world, anon_client):
    User.objects.filter(username="pat_program").update(is_active=False)

    response = anon_client.post(TOKEN, {"username": "pat_program", "password": PASSWORD})

    assert response.status_code == 400
    assert "token" not in response.json()


def test_existing_token_stops_working_when_the_user_is_deactivated(world):
    client = world.client("program")
    assert client.get(ME).status_code == 200

    User.objects.filter(username="pat_program").update(is_active=False)

    assert client.get(ME).status_code == 401


def test_a_made_up_token_is_401(world):
    assert token_client("0" * 40).get(ME).status_code == 401


def test_registered_user_can_obtain_a_token(db, anon_client):
    anon_client.post(REGISTER, registration(role="consultant"))

    response = anon_client.post(TOKEN, {"username": "maria", "password": GOOD_PASSWORD})

    assert response.status_code == 200
    me = token_client(response.json()["token"]).get(ME).json()
    assert (me["username"], me["role"], me["consultant"], me["programs"]) == (
        "maria",
        "consultant",
        None,
        [],
    )


def test_token_rotation_replaces_the_key(world):
    """Not in the REST contract; the service behind it: the old key stops working."""
    user = world.users["program"]
    old = user_token_issue(user=user)
    other_client = user_token_issue(user=user)

    new = user_token_rotate(user=user, token=old.token)

    assert new.key != old.key
    assert ApiToken.objects.filter(user=user).count() == 2
    assert token_client(old.key).get(ME).status_code == 401
    assert token_client(new.key).get(ME).status_code == 200
    assert token_client(other_client.key).get(ME).status_code == 200  # another client's


# --- session authentication -------------------------------------------------------------------


def test_session_sign_in_works_for_me(world):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(request=HttpRequest(), username="pat_program", password=PASSWORD)

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["programs"] == [world.program.pk]


def test_session_write_without_csrf_token_is_refused(world):
    client = APIClient(enforce_csrf_checks=True)
    client.login(request=HttpRequest(), username="pat_program", password=PASSWORD)
    before = world.program.name

    response = client.patch(f"/api/v1/programs/{world.program.pk}/", {"name": "Renamed"})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    world.program.refresh_from_db()
    assert world.program.name == before


def test_session_of_a_deactivated_user_is_401(world):
    client = APIClient()
    client.login(request=HttpRequest(), username="pat_program", password=PASSWORD)
    User.objects.filter(username="pat_program").update(is_active=False)

    assert client.get(ME).status_code == 401


# --- /me/ for every role ----------------------------------------------------------------------


def expected_me(world, role: str) -> dict:
    user = world.users[role]
    return {
        "anonymous": None,
        "program": {"role": "program", "consultant": None, "programs": [world.program.pk]},
        "other_program": {
            "role": "program",
            "consultant": None,
            "programs": [world.other_program.pk],
        },
        "consultant": {"role": "consultant", "consultant": world.listing.pk, "programs": []},
        "other_consultant": {
            "role": "consultant",
            "consultant": world.other_listing.pk,
            "programs": [],
        },
        "admin": {"role": "admin", "consultant": None, "programs": []},
    }[role] | ({"id": user.pk, "username": user.username} if user else {})


@pytest.mark.parametrize("role", ROLES)
def test_me_for_every_role(world, role):
    response = world.client(role).get(ME)

    if role == "anonymous":
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Token")
        return
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "username", "role", "consultant", "programs")} == (
        expected_me(world, role)
    )


def test_me_lists_every_program_of_a_member_in_id_order(world):
    user = world.users["program"]
    second = ProgramFactory(members=[user])
    ProgramFactory(members=[UserFactory()])  # not theirs

    body = world.client("program").get(ME).json()

    assert body["programs"] == sorted([world.program.pk, second.pk])


def test_me_of_a_superuser_is_admin(db):
    User.objects.create_superuser("root", "root@example.org", GOOD_PASSWORD)
    client = APIClient()
    client.login(request=HttpRequest(), username="root", password=GOOD_PASSWORD)

    assert client.get(ME).json()["role"] == "admin"


def test_staff_flag_alone_does_not_make_an_admin(db):
    user = UserFactory(role="program", is_staff=True)
    client = APIClient()
    client.force_authenticate(user)

    assert client.get(ME).json()["role"] == "program"


# --- methods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", REGISTER),
        ("put", REGISTER),
        ("delete", REGISTER),
        ("get", TOKEN),
        ("patch", TOKEN),
        ("post", ME),
        ("put", ME),
        ("patch", ME),
        ("delete", ME),
    ],
)
def test_methods_outside_the_contract_are_405(world, method, path):
    response = getattr(world.client("program"), method)(path, {})

    assert response.status_code == 405
    assert User.objects.filter(username="pat_program").exists()


def test_register_losing_a_race_for_the_email_looks_like_success(db, monkeypatch, mailoutbox):
    import accounts.services

    real_validate = accounts.services.validate_password

    def validate_while_someone_else_registers(password, user=None):
        UserFactory(username="first", email="MARIA@example.org")  # committed meanwhile
        real_validate(password, user=user)

    monkeypatch.setattr(
        accounts.services, "validate_password", validate_while_someone_else_registers
    )
    client = APIClient(raise_request_exception=False)

    response = client.post(REGISTER, registration())

    assert response.status_code == 201
    assert response.json() == {"username": "maria", "role": "program"}
    assert not User.objects.filter(username="maria").exists()
