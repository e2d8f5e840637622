from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.services import registration_errors, user_password_set

User = get_user_model()


class SignupForm(forms.Form):
    """Sign up as program staff or as a consultant; the checks are user_register's."""

    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.PROGRAM, _("Staff of a child care or early childhood program")),
            (User.Role.CONSULTANT, _("A mental health consultant")),
        ],
        widget=forms.RadioSelect,
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Lazy: the validators' help (Django's own translated texts) in the page's language.
        help_text=lazy(password_validators_help_text_html, SafeString)(),
    )

    def clean(self):
        """The username and password rules of user_register too, so that a bad email does
        not hide them until the next round: every error shows at once."""
        cleaned = super().clean()
        if "username" in self.errors and "password" in self.errors:
            return cleaned
        errors = registration_errors(
            username=cleaned.get("username") or "",
            password=self.data.get("password", ""),
            role=cleaned.get("role") or User.Role.PROGRAM,
            email=cleaned.get("email") or "",
        )
        for field, messages in errors.items():
            if field not in self.errors and (field != "username" or cleaned.get("username")):
                self.add_error(field, messages)
        return cleaned


class ResetPasswordForm(SetPasswordForm):
    """The new password at the end of a reset; setting it also revokes the API token."""

    def save(self, commit=True):
        user_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
