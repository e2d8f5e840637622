"""Validators of the directory's fields: ZIP codes, phone numbers, state codes."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

zip_validator = RegexValidator(r"^[0-9]{5}$", _("Enter a five-digit US ZIP code."))
phone_validator = RegexValidator(
    r"^\+?[0-9 ().-]{7,25}$", _("Enter a phone number: digits, spaces, ( ) . - and an optional +.")
)
state_validator = RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter state code, e.g. WI."))
