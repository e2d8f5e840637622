import functools

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects fields it does not know (typos, read-only fields),
    so a client never believes a change was made when it was ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown or read-only field.")] for name in unknown}
                )
        return super().to_internal_value(data)


class NestedOnce:
    """For a serializer whose methods serialize related objects: `nested(SomeSerializer)` is
    one instance for the whole response, reused for every row (a list's rows share their
    serializer). DRF builds a serializer's fields on first use, so a new nested serializer per
    row built them again every time: on a list page, most of its time."""

    def nested(self, serializer_class, *, many: bool = False):
        made = self.__dict__.setdefault("_nested_serializers", {})
        if (serializer_class, many) not in made:
            made[serializer_class, many] = serializer_class(many=many)
        return made[serializer_class, many]


def represent(serializer_class, instance):
    """`serializer_class(instance).data` by one instance of the serializer kept per process,
    for an output serializer that reads no context (no request, no role): DRF builds an
    instance's fields on first use, which for a small response is a good share of its cost."""
    return _kept(serializer_class).to_representation(instance)


@functools.cache
def _kept(serializer_class):
    return serializer_class()


class BoundedListField(serializers.ListField):
    """A list input whose length is checked before any item is: a list of 100,000 items is
    refused at once, not after 100,000 validations. Duplicates are folded (the first of each
    is kept, in order), since every list this API takes is a set of choices."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        values = super().to_internal_value(data)
        return list(dict.fromkeys(values))


class RelatedListField(BoundedListField):
    """A bounded list of references to rows by a unique field (languages by code, counties by
    id), found in one query; the values no row has are named in the error."""

    default_error_messages = {"unknown": _("Unknown: {values}.")}

    def __init__(self, *, queryset, to_field: str = "pk", **kwargs):
        self.queryset = queryset
        self.to_field = to_field
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        rows = self.queryset.filter(**{f"{self.to_field}__in": values})
        found = {getattr(row, self.to_field): row for row in rows}
        unknown = [value for value in values if value not in found]
        if unknown:
            self.fail("unknown", values=", ".join(str(value) for value in unknown))
        return [found[value] for value in values]

    def to_representation(self, data):
        return [getattr(row, self.to_field) for row in data.all()]


def code_list_field(vocabulary, **kwargs) -> serializers.ListField:
    """A list of distinct codes from one vocabulary."""
    return BoundedListField(
        child=serializers.ChoiceField(choices=vocabulary.choices),
        max_length=len(vocabulary.choices),
        **kwargs,
    )
