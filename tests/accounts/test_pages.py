"""Sign up, sign in, sign out and password reset pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["program", "consultant"])
def test_sign_up_makes_the_account_and_asks_to_sign_in(client, role):
    response = client.post(
        reverse("accounts:signup"),
        {"role": role, "username": "newbie", "email": "newbie@example.org", "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "Your account is ready" in response.content.decode()
    user = User.objects.get(username="newbie")
    assert user.role == role
    assert "_auth_user_id" not in client.session


def test_sign_up_with_an_address_in_use_looks_the_same_and_tells_its_owner(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="taken", email="taken@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "role": "program",
                "username": "x2",
                "email": "Taken@Example.org",
                "password": PASSWORD,
            },
            follow=True,
        )

    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "Your account is ready" in response.content.decode()
    assert not User.objects.filter(username="x2").exists()
    assert [m.to for m in mailoutbox] == [["taken@example.org"]]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"username": "Taken"}, "username", "already exists"),
        ({"password": "password"}, "password", "too common"),
        ({"role": "admin"}, "role", "Select a valid choice"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_sign_up_errors_are_shown_by_field_and_create_nothing(client, data, field, message):
    UserFactory(username="taken", email="taken@example.org")
    before = User.objects.count()
    payload = {
        "role": "program",
        "username": "fresh",
        "email": "fresh@example.org",
        "password": PASSWORD,
    }
    response = client.post(reverse("accounts:signup"), {**payload, **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert User.objects.count() == before


def test_sign_in_and_out(client):
    user = UserFactory(username="pat")
    response = client.post(reverse("accounts:login"), {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("accounts:logout")).status_code == 405  # sign out is a POST
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="pat")
    response = client.post(reverse("accounts:login"), {"username": "pat", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_private_pages_send_visitors_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_reset_by_email(client):
    user = UserFactory(username="pat", email="pat@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "pat@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new = "Brand-new-password-77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
