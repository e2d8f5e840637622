"""Form fields shared by the pages and the admin: list inputs with a bound.

A browser sends what the page offers, but a crafted POST may repeat a choice thousands of
times; these fields refuse a list longer than the choices it picks from before looking at any
item, and fold duplicates.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TOO_MANY = _("Choose at most %(limit)d.")


def _check_bound(values, limit: int) -> None:
    if len(values) > limit:
        raise ValidationError(TOO_MANY, code="max_length", params={"limit": limit})


class BoundedChoicesMixin:
    """For a MultipleChoiceField: at most as many choices as there are, each once."""

    def to_python(self, value):
        values = super().to_python(value)
        _check_bound(values, len(self.choices))
        return list(dict.fromkeys(values))


class BoundedMultipleChoiceField(BoundedChoicesMixin, forms.MultipleChoiceField):
    pass


class BoundedTypedMultipleChoiceField(BoundedChoicesMixin, forms.TypedMultipleChoiceField):
    pass


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """At most `max_choices` rows (checked before the one query that finds them all)."""

    def __init__(self, queryset, *, max_choices: int, **kwargs):
        self.max_choices = max_choices
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple):
            _check_bound(value, self.max_choices)
            value = list(dict.fromkeys(value))
        return super().clean(value)


def whole_number_messages(low: int, high: int) -> dict:
    """Plain error messages for an IntegerField from `low` to `high`, instead of Django's
    "Ensure this value is less than or equal to ...": one sentence for every way it fails."""
    message = lazy(
        lambda: (
            gettext("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        ),
        str,
    )()
    return {"invalid": message, "min_value": message, "max_value": message}
