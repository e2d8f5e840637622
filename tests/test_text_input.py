"""Single-line text refuses control and text-direction characters everywhere it is taken (API,
pages, admin), and usernames refuse look-alikes mixing alphabets."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import User
from directory.models import Program
from iecmhc.validators import single_line, single_script
from tests.factories import PASSWORD, UserFactory

BIDI = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f", "\u061c"]
LINE_BREAKS = ["\n", "\r", "\x85", "\u2028", "\u2029", "\x00", "\x1b"]


@pytest.mark.parametrize("char", BIDI + LINE_BREAKS)
def test_the_single_line_validator_refuses(char):
    with pytest.raises(ValidationError):
        single_line(f"Little {char}Oaks")


@pytest.mark.parametrize("text", ["Little Oaks", "Niños Felices", "Ørsted Hus", "Дитячий сад"])
def test_the_single_line_validator_accepts_plain_names(text):
    single_line(text)


@pytest.mark.parametrize("field", ["name", "street", "city", "license_number"])
def test_the_program_api_refuses_a_right_to_left_override(world, field):
    before = Program.objects.filter(pk=world.program.pk).values(field).get()

    response = world.client("program").patch(
        f"/api/v1/programs/{world.program.pk}/", {field: "evil\u202etxt.exe"}
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Program.objects.filter(pk=world.program.pk).values(field).get() == before


def test_the_listing_api_refuses_a_right_to_left_override(world):
    response = world.client("consultant").patch(
        f"/api/v1/consultants/{world.listing.pk}/", {"display_name": "Cora \u2067Consultant"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["display_name"]


def test_the_program_page_refuses_a_right_to_left_override(world, client):
    client.force_login(world.users["program"])

    response = client.post(
        f"/programs/{world.program.pk}/edit/",
        {"name": "Little \u202eOaks", "setting_type": "child_care_center", "zip": "53703"},
    )

    assert response.status_code == 200
    assert "text-direction" in response.context["form"].errors["name"][0]


def test_the_admin_refuses_a_right_to_left_override_in_a_users_name(db):
    user = UserFactory(first_name="Pat")
    user.last_name = "Lee\u202e"

    with pytest.raises(ValidationError) as raised:
        user.full_clean()

    assert list(raised.value.message_dict) == ["last_name"]


@pytest.mark.parametrize("username", ["v\u0456ctim", "\u0430dmin", "p\u03b1t"])
def test_registration_refuses_a_mixed_script_username(db, username):
    response = _register(username)

    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert not User.objects.filter(username=username).exists()


@pytest.mark.parametrize("username", ["maría", "Дмитрий", "東京たろう", "jo.ann-2"])
def test_registration_accepts_a_username_in_one_alphabet(db, username):
    assert _register(username).status_code == 201


def test_the_signup_page_refuses_a_mixed_script_username(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "role": "program",
            "username": "v\u0456ctim",
            "email": "v@example.org",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "one alphabet" in response.content.decode()


def test_the_username_validator_is_the_models(db):
    with pytest.raises(ValidationError):
        single_script("v\u0456ctim")
    user = UserFactory()
    user.username = "v\u0456ctim"
    with pytest.raises(ValidationError):
        user.full_clean()


def _register(username):
    return APIClient().post(
        "/api/v1/auth/register/",
        {
            "username": username,
            "email": f"{abs(hash(username))}@example.org",
            "password": "Tall-oak-trees-42",
            "role": "program",
        },
    )
