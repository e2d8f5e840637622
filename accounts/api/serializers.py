from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.roles import user_role
from iecmhc.serializers import StrictInputSerializer

User = get_user_model()


class RegisterInputSerializer(StrictInputSerializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    role = serializers.ChoiceField(choices=User.Role.choices)


class RegisterOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.SerializerMethodField()
    consultant = serializers.SerializerMethodField()
    programs = serializers.SerializerMethodField()

    def get_role(self, user) -> str | None:
        return user_role(user)

    def get_consultant(self, user) -> int | None:
        listing = getattr(user, "consultant", None)
        return listing.pk if listing is not None else None

    def get_programs(self, user) -> list[int]:
        return sorted(user.program_memberships.values_list("program_id", flat=True))
