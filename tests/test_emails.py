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
