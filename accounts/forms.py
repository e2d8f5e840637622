from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_text_html

User = get_user_model()


class SignupForm(forms.Form):
    """Sign up as program staff or as a consultant; the checks are user_register's."""

    role = forms.ChoiceField(
        label="I am",
        choices=[
            (User.Role.PROGRAM, "Staff of a child care or early childhood program"),
            (User.Role.CONSULTANT, "A mental health consultant"),
        ],
        widget=forms.RadioSelect,
    )
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
