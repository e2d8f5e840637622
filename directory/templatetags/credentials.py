"""What the pages show of a consultant's credentials (directory.credentials holds the rules)."""

from django import template
from django.utils import timezone

from directory.credentials import license_shown_verified

register = template.Library()


@register.filter
def licence_verified(consultant) -> bool:
    """Verified by the Alliance and not lapsed: the directory's "licence verified"."""
    return license_shown_verified(consultant, timezone.localdate())


@register.filter
def current_endorsements(consultant) -> list:
    """The endorsements that count today (read from a prefetch where there is one)."""
    today = timezone.localdate()
    return [e for e in consultant.endorsements.all() if e.is_current(today)]
