"""Small helpers shared by the server-rendered pages of every app."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import is_alliance_admin


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def alliance_required(view):
    """Alliance admins only: sign in first (anonymous), 403 for everyone else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_alliance_admin(request.user):
            raise PermissionDenied("Only Alliance admins may open this page.")
        return view(request, *args, **kwargs)

    return wrapped
