"""The four demo accounts, their known passwords and where each role signs in."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils.crypto import salted_hmac

User = get_user_model()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    description: str
    # URL names of the pages this role signs in at.
    sign_in_pages: tuple[str, ...] = ("accounts:login",)

    @property
    def is_admin(self) -> bool:
        return self.username == DEMO_ADMIN.username

    def sign_in_paths(self) -> list[str]:
        return [reverse(name) for name in self.sign_in_pages]


DEMO_ADMIN = DemoLogin(
    "demo-admin",
    "demo-admin-2026",
    "Alliance admin",
    "approves listings, matches requests",
    sign_in_pages=("accounts:login", "admin:index"),
)
DEMO_PROGRAM = DemoLogin(
    "demo-program", "demo-program-2026", "Program staff", "member of two programs"
)
DEMO_CONSULTANT = DemoLogin(
    "demo-consultant", "demo-consultant-2026", "Consultant", "approved listing"
)
DEMO_PENDING = DemoLogin(
    "demo-pending", "demo-pending-2026", "Consultant", "listing waiting for review"
)
DEMO_LOGINS = (DEMO_ADMIN, DEMO_PROGRAM, DEMO_CONSULTANT, DEMO_PENDING)


def ensure_demo_logins() -> dict[str, "User"]:
    """The four demo accounts with their known passwords (reset if someone changed them)."""
    group = Group.objects.filter(name="Alliance admins").first()
    review = Permission.objects.get(
        content_type__app_label="directory", codename="review_consultant"
    )
    users = {}
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": f"{login.username}@demo.example.org",
                "role": _role(login),
                "is_staff": login.is_admin,
                "first_name": login.username.split("-")[1].title(),
                "last_name": "Demo",
            },
        )
        if created or not _has_demo_password(user, login):
            user.password = _demo_password_hash(login)
            user.save(update_fields=["password"])
        if login.is_admin:
            if group is not None:
                user.groups.add(group)
            user.user_permissions.add(review)
        users[login.username] = user
    return users


def _role(login: DemoLogin) -> str:
    if login.is_admin:
        return ""
    return User.Role.PROGRAM if login is DEMO_PROGRAM else User.Role.CONSULTANT


# A demo password is hashed with a salt of its own (derived from the secret key and the
# username), so "is it still the demo password?" is a string comparison: checking four
# passwords the slow way would cost a second and a half on every run. The passwords are public
# anyway; any change through Django draws a random salt, and the next run restores them.


def _demo_salt(login: DemoLogin) -> str:
    return salted_hmac("demo.logins", login.username).hexdigest()[:32]


def _demo_password_hash(login: DemoLogin) -> str:
    return make_password(login.password, salt=_demo_salt(login))


def _has_demo_password(user, login: DemoLogin) -> bool:
    try:
        hasher = identify_hasher(user.password)
    except ValueError:  # unusable or unknown
        return False
    if hasher.algorithm != get_hasher().algorithm or hasher.must_update(user.password):
        return False
    return hasher.decode(user.password)["salt"] == _demo_salt(login)
