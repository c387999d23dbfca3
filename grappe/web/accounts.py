"""Placeholder while its helper writes it."""


def dashboard(request, *args, **kwargs):
    raise NotImplementedError


def signup(request, *args, **kwargs):
    raise NotImplementedError


def signup_sent(request, *args, **kwargs):
    raise NotImplementedError


def confirm_email(request, *args, **kwargs):
    raise NotImplementedError


def resend_confirmation(request, *args, **kwargs):
    raise NotImplementedError


def claim(request, *args, **kwargs):
    raise NotImplementedError


def leave_membership(request, *args, **kwargs):
    raise NotImplementedError


def api_tokens(request, *args, **kwargs):
    raise NotImplementedError


def revoke_api_token(request, *args, **kwargs):
    raise NotImplementedError


def my_data(request, *args, **kwargs):
    raise NotImplementedError


def my_data_download(request, *args, **kwargs):
    raise NotImplementedError


def delete_account(request, *args, **kwargs):
    raise NotImplementedError


def rate_limited(request, *args, **kwargs):
    raise NotImplementedError


from django.contrib.auth import views as _v

LoginView = _v.LoginView
LogoutView = _v.LogoutView
PasswordChangeView = _v.PasswordChangeView
PasswordResetView = _v.PasswordResetView
PasswordResetDoneView = _v.PasswordResetDoneView
PasswordResetConfirmView = _v.PasswordResetConfirmView
PasswordResetCompleteView = _v.PasswordResetCompleteView
