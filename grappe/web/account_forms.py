"""The forms of the account pages: sign-up, login by e-mail address, claims, API tokens, and the
password that confirms an account's deletion.

Accounts are named by their e-mail address, lowercased: "Alice@Acme.fr" and "alice@acme.fr" are
one account, whichever way it is typed at sign-up, login or password reset.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordMixin,
    UsernameField,
)
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from grappe.accounts.models import Membership, Profile, TokenScope
from grappe.accounts.notifications import language_of
from grappe.accounts.registration import normalise_email

MAX_TOKEN_DAYS = 365


def address_in_use(email: str) -> bool:
    User = get_user_model()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


class SignupForm(SetPasswordMixin, forms.Form):
    """E-mail address, password twice (Django's validators), and an optional name."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,  # it becomes the username
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to this address to confirm it; it is also your login."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password, again")
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Curators see it beside your claims and proposals."),
    )

    # Set when the address already belongs to an account: the page then offers to log in.
    address_taken = False

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if address_in_use(email):
            self.address_taken = True
            raise ValidationError(_("An account already uses this address."), code="address_taken")
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        self.validate_passwords()
        User = get_user_model()
        email = cleaned.get("email", "")
        # The validators compare the password with the address and the name.
        candidate = User(username=email, email=email, first_name=cleaned.get("name", ""))
        self.validate_password_for_user(candidate)
        return cleaned


class EmailLoginForm(AuthenticationForm):
    """Django's login form, asking for the e-mail address; an account whose address is not
    confirmed yet is told so (only with the right password: nothing leaks to others)."""

    username = UsernameField(
        label=_("E-mail address"),
        # Text, not type=email: accounts made with `createcurator` or `createsuperuser` are named
        # without an address, and a browser refuses to send such a name from an e-mail input.
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "inputmode": "email",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This e-mail address and this password do not match an account. Check both; "
            "the password is case-sensitive."
        ),
        "unconfirmed": _(
            "Your e-mail address is not confirmed yet: follow the link we sent you, or ask "
            "for a new one."
        ),
    }

    awaits_confirmation = False

    def clean_username(self) -> str:
        """Lowercased, as sign-up stores it; an account made in the back office with capitals
        ("Admin") is still found whatever the case typed."""
        typed = normalise_email(self.cleaned_data["username"])
        User = get_user_model()
        found = list(
            User.objects.filter(username__iexact=typed).values_list("username", flat=True)[:2]
        )
        return found[0] if len(found) == 1 else typed

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError:
            if self._unconfirmed_with_right_password():
                self.awaits_confirmation = True
                raise ValidationError(
                    self.error_messages["unconfirmed"], code="unconfirmed"
                ) from None
            raise

    def _unconfirmed_with_right_password(self) -> bool:
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            return False  # a locked-out client learns nothing more about passwords
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        User = get_user_model()
        user = User.objects.filter(username=username, is_active=False).first()
        if user is None or not user.check_password(password):
            return False
        profile = Profile.objects.filter(user=user).first()
        return profile is not None and not profile.email_confirmed


class EmailForm(forms.Form):
    """The address a new confirmation link goes to."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LocalisedPasswordResetForm(PasswordResetForm):
    """Django's reset form, writing each e-mail in its reader's language."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ClaimForm(forms.Form):
    organisation = forms.SlugField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=Membership._meta.get_field("message").verbose_name,
        help_text=Membership._meta.get_field("message").help_text,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("A name that tells you what uses it, such as “CRM synchronisation”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the token may do.")},
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days, optional)"),
        required=False,
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        help_text=_("From 1 to 365 days; empty: until you revoke it."),
    )


class DeleteAccountForm(forms.Form):
    """The current password, so that a session left open cannot delete the account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = request.user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password
