"""Notifications: rendered from templates, sent only when the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction

from iecmhc.emails import send_templated_email
from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db


def test_sent_after_commit_with_the_first_line_as_subject(django_capture_on_commit_callbacks):
    consultant = ConsultantFactory(display_name="Ana Lee")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to=consultant.user.email,
            template="listing_approved",
            context={"consultant": consultant},
        )
    [message] = mail.outbox
    assert message.to == [consultant.user.email]
    assert "Ana Lee" in message.subject
    assert "Ana Lee" in message.body
    assert "\n" not in message.subject


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    consultant = ConsultantFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_templated_email(
            to=consultant.user.email,
            template="listing_approved",
            context={"consultant": consultant},
        )
        raise RuntimeError("roll back")
    assert mail.outbox == []


def test_user_text_cannot_break_the_subject_header(django_capture_on_commit_callbacks):
    consultant = ConsultantFactory(display_name="Ana\r\nBcc: victim@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to=[consultant.user.email, ""],
            template="listing_approved",
            context={"consultant": consultant},
        )
    [message] = mail.outbox
    assert message.recipients() == [consultant.user.email]
    assert "\n" not in message.subject and "\r" not in message.subject


def test_no_recipients_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(to=[""], template="listing_approved", context={})
    assert mail.outbox == []


def test_html_and_plain_text_with_absolute_links_from_site_url(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://matching.example.org"
    consultant = ConsultantFactory(display_name="Ana <b>Lee</b>")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to=consultant.user.email,
            template="listing_approved",
            context={"consultant": consultant},
        )
    [message] = mail.outbox
    assert "https://matching.example.org/listing/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="https://matching.example.org/listing/"' in html
    assert "Ana &lt;b&gt;Lee&lt;/b&gt;" in html  # user text is escaped in HTML
    assert "IECMHC Matching" in html


COUNTED = {"credential_reminder": {"days": 14, "credential": "licence"}}


def test_every_email_template_renders_as_plain_text_and_html(settings):
    """Each notification's plain text and HTML, with the contexts the services give."""
    from iecmhc.emails import render_email

    settings.SITE_URL = "https://matching.example.org"
    consultant = ConsultantFactory()
    templates = [
        path.stem
        for path in (settings.BASE_DIR / "templates" / "email").glob("*.txt")
        if not path.stem.startswith("password_reset")
    ]
    assert len(templates) >= 13
    for template in templates:
        consultation = type("R", (), {"pk": 7, "is_priority": False})()
        context = {"consultant": consultant, "consultation": consultation, "program": None}
        # Counts a template pluralizes on must be numbers (blocktranslate count).
        context.update(COUNTED.get(template, {}))
        subject, text, html = render_email(template, context)
        assert subject and text.strip(), template
        assert html.startswith("<!doctype html>"), template
