"""A list of vocabulary codes stored as JSON: portable across SQLite and PostgreSQL."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from iecmhc.forms import BoundedTypedMultipleChoiceField


class CodeListField(models.JSONField):
    """A JSON list of distinct codes from one TextChoices vocabulary, kept sorted.

    A JSON list rather than an ArrayField because the quick start runs on SQLite; see
    directory.selectors.code_list_contains for how lists are filtered on either database.
    """

    def __init__(self, *args, vocabulary=None, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise ValidationError("Enter a list of codes.", code="invalid")
        if self.vocabulary is not None:
            unknown = sorted(set(value) - set(self.vocabulary.values))
            if unknown:
                raise ValidationError(
                    "Unknown code(s): %(codes)s.",
                    code="invalid_choice",
                    params={"codes": ", ".join(unknown)},
                )

    def get_prep_value(self, value):
        if isinstance(value, list | tuple | set):
            value = sorted(set(value))
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        if self.vocabulary is None:
            return super().formfield(**kwargs)
        return BoundedTypedMultipleChoiceField(
            choices=self.vocabulary.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )
