"""The users behind demo records (directors, consultants): data, not logins."""

from django.contrib.auth import get_user_model

from demo.bulk import insert_objects, reserve_ids, unusable_password

User = get_user_model()


def ensure_users(names: dict[str, tuple[str, str]], *, role: str) -> dict[str, int]:
    """The ids of the users named (username -> first and last name), creating the missing
    ones without a usable password."""
    ids = dict(User.objects.filter(username__in=list(names)).values_list("username", "pk"))
    missing = [username for username in names if username not in ids]
    users = []
    for username, pk in zip(missing, reserve_ids(User, len(missing)), strict=True):
        first, last = names[username]
        users.append(
            User(
                pk=pk,
                username=username,
                email=f"{username}@demo.example.org",
                role=role,
                first_name=first,
                last_name=last,
                password=unusable_password(),
            )
        )
        ids[username] = pk
    insert_objects(User, users)
    return ids
