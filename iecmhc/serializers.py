from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects fields it does not know (typos, read-only fields),
    so a client never believes a change was made when it was ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown or read-only field."] for name in unknown}
                )
        return super().to_internal_value(data)


def code_list_field(vocabulary, **kwargs) -> serializers.ListField:
    """A list of distinct codes from one vocabulary."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.choices),
        max_length=len(vocabulary.choices),
        **kwargs,
    )
