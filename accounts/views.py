"""Account pages: sign up, and Django's own sign-in, sign-out and password reset views."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import SignupForm
from accounts.services import user_register
from iecmhc.throttling import RegistrationThrottle, page_throttled


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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}. Your account is ready.")
            return redirect("dashboard")
    return render(request, "accounts/signup.html", {"form": form})
