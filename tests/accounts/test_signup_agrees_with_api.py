"""Sign-up accepts exactly the usernames the API accepts (one rule: accounts.services.
user_register and the User model's validators), and shows every error in one round."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 42"
CANDIDATES = [
    "dana",
    "dana.o+k@home",
    "dana smith",  # a space
    "dana<b>",
    "dаna",  # a Cyrillic "а" among Latin letters
    "ｄａｎａ２",  # full-width: stored as "dana2"
    "d" * 151,
    "dana\u202e",  # a text-direction character
    "Ñandú_2",
]


def page_accepts(username: str) -> bool:
    data = {"role": "program", "username": username, "email": "a@example.org", "password": PASSWORD}
    response = Client().post(reverse("accounts:signup"), data)
    return response.status_code == 302


def api_accepts(username: str) -> bool:
    data = {"role": "program", "username": username, "email": "b@example.org", "password": PASSWORD}
    response = APIClient().post("/api/v1/auth/register/", data, format="json")
    return response.status_code == 201


@pytest.mark.parametrize("username", CANDIDATES)
def test_the_page_and_the_api_agree_on_each_username(username, django_user_model):
    page = page_accepts(username)
    django_user_model.objects.all().delete()
    assert page == api_accepts(username), username


def test_signup_shows_every_error_in_one_round():
    data = {"role": "program", "username": "dana smith", "email": "not-an-email", "password": "1"}
    page = Client().post(reverse("accounts:signup"), data).content.decode()
    for field in ("username", "email", "password"):
        assert f'id="id_{field}_error"' in page, field
    assert "data-error-summary" in page
