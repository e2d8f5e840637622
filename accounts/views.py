"""Account pages: sign up, the language switcher, and Django's own sign-in, sign-out and
password reset views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.forms import SignupForm
from accounts.i18n import supported_language
from accounts.services import user_language_set, user_register
from iecmhc.throttling import RegistrationThrottle, page_throttled

READY = _("Your account is ready. Sign in with your username and password.")


@sensitive_post_parameters("password")
def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    if request.method == "POST" and (limited := page_throttled(request, RegistrationThrottle)):
        return limited
    form = SignupForm(request.POST or None, initial={"role": request.GET.get("role")})
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(**form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            # The same page whether or not an account was made (an address that already has
            # one makes none, and its owner gets an email; see user_register): so no
            # automatic sign-in, which would tell the two apart.
            if user is not None:
                # Their emails are written in the language they signed up in.
                user_language_set(user=user, language=supported_language(get_language()) or "en")
            messages.success(request, READY)
            return redirect("accounts:login")
    return render(request, "accounts/signup.html", {"form": form})


@require_POST
def set_language(request):
    """The language switcher: Django's set_language (the cookie, back to `next`), and for a
    signed-in user their preferred language too, for their pages and emails everywhere."""
    response = i18n.set_language(request)
    code = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and supported_language(code) == code:
        user_language_set(user=request.user, language=code)
    return response
