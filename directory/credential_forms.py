"""Forms of the credentials and ledger pages. They only shape input: the services check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.vocabularies import Endorsement, EndorsementStatus, LedgerKind, SupervisionFormat

DATE = forms.DateInput(attrs={"type": "date"})
CATEGORIES = [(c, label) for c, label in Endorsement.choices if c != Endorsement.NONE]


class EndorsementForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=CATEGORIES)
    status = forms.ChoiceField(label=_("Status"), choices=EndorsementStatus.choices)
    number = forms.CharField(label=_("Endorsement number"), max_length=40, required=False)
    renewal_date = forms.DateField(
        label=_("Renewal date"),
        required=False,
        widget=DATE,
        help_text=_("Needed once endorsed. The Alliance verifies every change."),
    )


class EndorsementRemoveForm(forms.Form):
    category = forms.ChoiceField(choices=CATEGORIES, widget=forms.HiddenInput)


class LedgerEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LedgerKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.25, max_value=24, max_digits=4, decimal_places=2
    )
    supervision_format = forms.ChoiceField(
        label=_("Individual or group (reflective supervision)"),
        choices=[("", "—"), *SupervisionFormat.choices],
        required=False,
    )
    supervisor_name = forms.CharField(
        label=_("Supervisor's name (reflective supervision)"), max_length=120, required=False
    )
    title = forms.CharField(label=_("Title (training)"), max_length=200, required=False)


class LedgerDeleteForm(forms.Form):
    entry = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
