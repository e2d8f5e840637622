"""Forms of the front door: the public request form and the Alliance's phone intake. They
shape input only; consultations.intake checks and writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.forms import RequestForm
from directory.models import Program, phone_validator, zip_validator
from directory.vocabularies import ReferralSource, SettingType
from iecmhc.validators import single_line


class _RequestFields(RequestForm):
    """The signed-in form's request fields, with its privacy warnings, without its program."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, programs=Program.objects.none(), **kwargs)
        del self.fields["program"]
        del self.fields["form_token"]


class PublicRequestForm(_RequestFields):
    """Ask for a consultant without an account."""

    field_order = [
        "license_number",
        "program_name",
        "zip",
        "setting_type",
        "street",
        "city",
        "first_name",
        "last_name",
        "email",
        "phone",
        "referral_source",
    ]
    license_number = forms.CharField(
        label=_("License number"),
        max_length=40,
        required=False,
        validators=[single_line],
        help_text=_("If your program is licensed: it finds your program at once."),
    )
    program_name = forms.CharField(
        label=_("Program name"), max_length=200, validators=[single_line]
    )
    zip = forms.CharField(label=_("Program ZIP code"), max_length=5, validators=[zip_validator])
    setting_type = forms.ChoiceField(
        label=_("Kind of program"),
        choices=[("", _("Choose the kind of program")), *SettingType.choices],
        help_text=_("Used if your program is new to us."),
    )
    street = forms.CharField(
        label=_("Street address"), max_length=200, required=False, validators=[single_line]
    )
    city = forms.CharField(
        label=_("City"), max_length=100, required=False, validators=[single_line]
    )
    first_name = forms.CharField(
        label=_("Your first name"), max_length=150, validators=[single_line]
    )
    last_name = forms.CharField(
        label=_("Your last name"), max_length=150, required=False, validators=[single_line]
    )
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_("We email you a link: the request counts once you open it."),
    )
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=25,
        required=False,
        validators=[phone_validator],
        help_text=_("The consultant's first contact is often a call."),
    )
    referral_source = forms.ChoiceField(
        label=_("Who suggested you ask?"),
        choices=ReferralSource.choices,
        initial=ReferralSource.PROGRAM_STAFF,
        required=False,
    )
    # The honeypot: hidden from people (and from screen readers); a robot fills it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class PhoneIntakeForm(_RequestFields):
    """An Alliance admin enters a request for a program."""

    field_order = [
        "program",
        "contact_email",
        "contact_first_name",
        "contact_last_name",
        "contact_phone",
        "referral_source",
        "received_at",
    ]
    contact_email = forms.EmailField(label=_("Contact person's email"))
    contact_first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, validators=[single_line]
    )
    contact_last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[single_line]
    )
    contact_phone = forms.CharField(
        label=_("Phone"), max_length=25, required=False, validators=[phone_validator]
    )
    referral_source = forms.ChoiceField(
        label=_("Referral source"),
        choices=ReferralSource.choices,
        initial=ReferralSource.ALLIANCE_PHONE,
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When the Alliance got the request; it may be earlier than now."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any program (the Alliance sees them all), by its number.
        self.fields = {"program": self._program_field(), **self.fields}
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    @staticmethod
    def _program_field():
        return forms.ModelChoiceField(
            label=_("Program"),
            queryset=Program.objects.order_by("name", "id"),
            widget=forms.NumberInput,
            help_text=_("The program's number (from the programs list in the admin)."),
        )
