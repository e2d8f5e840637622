"""Small helpers shared by the server-rendered pages of every app."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import is_alliance_admin
from iecmhc.exceptions import StateConflict


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


CONFIRM_FIELD = "confirm"


def confirmed(request) -> bool:
    """Whether a POST is the second step of a confirmation (see confirm_page)."""
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirm_page(
    request,
    *,
    title: str,
    consequence: str,
    button: str,
    cancel_url: str,
    details: list[tuple[str, str]] = (),
) -> HttpResponse:
    """The confirmation step of a destructive or binding action, with no script needed: a
    page that says what will happen and posts the same fields again, with `confirm=yes`, to
    the same address. Nothing has changed yet; "Cancel" goes back to `cancel_url`."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in values
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "button": button,
            "cancel_url": cancel_url,
            "details": [(label, value) for label, value in details if value],
            "fields": fields,
            "confirm_field": CONFIRM_FIELD,
        },
    )


def run_service(
    request,
    service: Callable,
    *,
    form=None,
    success: str | Callable[[object], str],
    done_url: str | Callable[[object], str],
    failed_url: str | None = None,
    failed_prefix: str = "",
    confirm: Callable[[dict], dict] | None = None,
    **kwargs,
) -> HttpResponse | None:
    """A page's POST: call one service as the signed-in user, with the valid form's data and
    `kwargs`, and turn what it answers into what the page shows.

    - not yet confirmed (with `confirm`, a function of the form's data giving confirm_page's
      keyword arguments): the confirmation page, and nothing changes;
    - done: the `success` message and a redirect to `done_url` (either may be a function of the
      service's result);
    - StateConflict or PermissionDenied: an error message and a redirect to `failed_url`
      (default `done_url`);
    - None when `form` holds errors to show, its own or the service's ValidationError (the
      caller renders the form again).

    The API needs no twin: iecmhc.exceptions.exception_handler turns the same errors into 409,
    403 and 400 answers.
    """
    if form is not None:
        if not form.is_valid():
            return None
        kwargs = {**form.cleaned_data, **kwargs}
    if confirm is not None and not confirmed(request):
        return confirm_page(request, **confirm(kwargs))
    try:
        result = service(actor=request.user, **kwargs)
    except (StateConflict, PermissionDenied) as exc:
        messages.error(request, f"{failed_prefix}{exc}")
        return redirect(failed_url or done_url)
    except ValidationError as exc:
        if form is None:
            messages.error(request, f"{failed_prefix}{' '.join(exc.messages)}")
            return redirect(failed_url or done_url)
        add_service_errors(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(done_url(result) if callable(done_url) else done_url)


def alliance_required(view):
    """Alliance admins only: sign in first (anonymous), 403 for everyone else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_alliance_admin(request.user):
            raise PermissionDenied(_("Only Alliance admins may open this page."))
        return view(request, *args, **kwargs)

    return wrapped
