"""Email notifications, rendered from templates/email/ and sent by the task worker.

send_templated_email() renders the email now (plain text, and HTML in the site's look) and
queues it in the caller's transaction (background.services.email_enqueue): it goes out if and
only if the transaction commits, is retried when the mail server fails, and an email that
failed for good is listed for the Alliance in the admin.

Each email is written in its reader's language: `language` (accounts.i18n.language_for(user)
of the recipient), else the site's default, never the language of whoever triggered it.
"""

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def email_context(context: dict) -> dict:
    """What every email template may use: the site's name and absolute URL."""
    return {"site_name": "IECMHC Matching", "site_url": settings.SITE_URL, **context}


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of templates/email/<template>.txt (first line: the
    subject) and its HTML: templates/email/<template>.html when there is one, else the text
    laid out by templates/email/layout.html."""
    context = email_context(context)
    rendered = render_to_string(f"email/{template}.txt", context).strip()
    subject, _, body = rendered.partition("\n")
    subject = " ".join(subject.split())  # user text in a subject must not break the header
    body = body.strip() + "\n"
    html_context = {**context, "subject": subject, "body": body}
    try:
        html = render_to_string(f"email/{template}.html", html_context)
    except TemplateDoesNotExist:
        html = render_to_string("email/layout.html", html_context)
    return subject, body, html


def send_templated_email(
    *, to: list[str] | str, template: str, context: dict, language: str | None = None
) -> None:
    """Queue templates/email/<template> for `to`, in `language` (default: the site's),
    sent once the transaction commits.

    Called inside a service's transaction: if the transaction rolls back, nothing is sent.
    """
    from background.services import email_enqueue

    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body, html = render_email(template, context)
    email_enqueue(to=recipients, subject=subject, body_text=body, body_html=html, template=template)
