"""The account pages: sign-up with e-mail confirmation, login and passwords, the member's
dashboard, claiming an organisation, API tokens, and one's personal data (download, deletion).

Views only deliver: what an account is made of at sign-up (grappe/accounts/registration.py),
what Grappe keeps about a person (grappe/accounts/personal_data.py), memberships, tokens and
permissions are grappe.accounts'. Every change is a POST behind Django's CSRF check; another
person's membership or token answers 404, as if it did not exist.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from grappe.accounts import claims, tokens
from grappe.accounts.freshness import stale_organisations
from grappe.accounts.models import (
    ApiToken,
    ClaimMethod,
    Membership,
    MembershipStatus,
    Profile,
    Proposal,
    ProposalStatus,
    TokenScope,
)
from grappe.accounts.permissions import may_keep_watches, may_moderate
from grappe.accounts.personal_data import erase_account, personal_data
from grappe.accounts.registration import (
    awaiting_confirmation,
    awaits_confirmation,
    confirm_account,
    create_account,
    email_confirmation_tokens,
    request_language,
    send_confirmation,
    user_from_uid,
)
from grappe.directory.models import Organisation
from grappe.search.exports import content_disposition
from grappe.web.account_forms import (
    ApiTokenForm,
    ClaimForm,
    DeleteAccountForm,
    EmailForm,
    EmailLoginForm,
    LocalisedPasswordResetForm,
    SignupForm,
)
from grappe.web.needs import dashboard_needs

logger = logging.getLogger(__name__)

PROPOSALS_PER_PAGE = 50
CLAIM_RESULTS = 20
TERRITORY_SHOWN = 50
# Django's ModelBackend, named when logging in without a password (the confirmation link):
# AxesStandaloneBackend, first in the list, only counts failures.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
EMAILS_GROUP = "grappe.account-emails"


# Rate limits ---------------------------------------------------------------------------------


def account_emails_rate(group: str, request: HttpRequest) -> str:
    """Read at each request, so that the setting can change (and tests override it)."""
    return settings.GRAPPE_ACCOUNT_EMAILS_RATE


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many sign-ups or e-mails from one client: a page that says to wait (429)."""
    return render(request, "web/accounts/rate_limited.html", status=429)


def limit_account_emails(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POSTs that send e-mails (sign-up, new confirmation link, password reset) share one
    budget per client: GRAPPE_ACCOUNT_EMAILS_RATE. The refusal is rendered here, so that it
    does not depend on django-ratelimit's middleware being installed."""
    limited = ratelimit(
        group=EMAILS_GROUP, key="ip", rate=account_emails_rate, method="POST", block=True
    )(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return limited(request, *args, **kwargs)
        except Ratelimited as exception:
            return rate_limited(request, exception)

    return wrapper


# Accounts: creation and confirmation ----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_account_emails
def signup(request: HttpRequest) -> HttpResponse:
    """E-mail address and password; the account waits for its address to be confirmed."""
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_account(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"].strip(),
                language=request_language(),
            )
        except IntegrityError:
            form.address_taken = True
            form.add_error("email", _("An account already uses this address."))
        else:
            send_confirmation(user)
            return redirect("web:signup_sent")
    return render(request, "web/accounts/signup.html", {"form": form})


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accounts/signup_sent.html")


@never_cache
@require_GET  # not HEAD: a link checker's HEAD request must not use the link up
def confirm_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the confirmation e-mail: activates the account, logs in, once."""
    user = user_from_uid(uidb64)
    if (
        user is None
        or not awaits_confirmation(user)
        or not email_confirmation_tokens.check_token(user, token)
    ):
        return render(request, "web/accounts/confirm_invalid.html", status=400)
    confirm_account(user)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, _("Your e-mail address is confirmed: welcome to Grappe."))
    return redirect("web:dashboard")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_account_emails
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    """A new confirmation link; the answer is the same whether or not the address is known."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = awaiting_confirmation(form.cleaned_data["email"])
        if user is not None:
            send_confirmation(user)
        return redirect("web:signup_sent")
    return render(request, "web/accounts/resend_confirmation.html", {"form": form})


# Login, logout, passwords (Django's views, our templates) -------------------------------------


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "web/accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only, as Django's: a link or an image cannot log anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/accounts/password_change.html"
    success_url = reverse_lazy("web:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


@method_decorator(limit_account_emails, name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalisedPasswordResetForm
    template_name = "web/accounts/password_reset.html"
    subject_template_name = "web/accounts/email/password_reset_subject.txt"
    email_template_name = "web/accounts/email/password_reset.txt"
    success_url = reverse_lazy("web:password_reset_done")

    def form_valid(self, form):
        # Links lead to the configured address, never to whatever Host the request named.
        self.extra_email_context = {"site_url": settings.GRAPPE_SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")
    http_method_names = ["get", "head", "post"]

    def render_to_response(self, context, **response_kwargs):
        """A used, expired or forged link is a bad request, as for the confirmation links."""
        if not context.get("validlink"):
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/accounts/password_reset_complete.html"


# The dashboard --------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """Everything an account is waiting for or may act on, on one page."""
    user = request.user
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    organisations = [
        {
            "membership": membership,
            "organisation": membership.organisation,
            "watches": may_keep_watches(user, membership.organisation),
        }
        for membership in memberships
        if membership.is_approved
    ]
    claims_waiting = [m for m in memberships if not m.is_approved]
    proposals = Paginator(
        Proposal.objects.filter(author=user).order_by("-created_at", "-id"), PROPOSALS_PER_PAGE
    ).get_page(request.GET.get("page"))
    profile = Profile.objects.filter(user=user).first()
    territory = list(profile.territory) if profile and profile.territory else []
    territory_stale = (
        list(stale_organisations().filter(departement__in=territory)[:TERRITORY_SHOWN])
        if territory
        else []
    )
    curation = None
    if may_moderate(user):
        curation = {
            "proposals": Proposal.objects.filter(status=ProposalStatus.PENDING).count(),
            "claims": Membership.objects.filter(status=MembershipStatus.PENDING).count(),
            "stale": stale_organisations().count(),
        }
    return render(
        request,
        "web/accounts/dashboard.html",
        {
            "organisations": organisations,
            "claims": claims_waiting,
            "proposals": proposals,
            "territory": territory,
            "territory_stale": territory_stale,
            "curation": curation,
            "profile": profile,
            "needs": dashboard_needs(user),
        },
    )


# Claims ---------------------------------------------------------------------------------------


def search_organisations(query: str) -> list[Organisation]:
    """By name, legal name or SIREN (spaces in a SIREN ignored)."""
    query = query.strip()
    if not query:
        return []
    condition = Q(name__icontains=query) | Q(legal_name__icontains=query)
    digits = query.replace(" ", "")
    if digits.isdigit():
        condition |= Q(siren__icontains=digits)
    return list(Organisation.objects.filter(condition).order_by("name", "pk")[:CLAIM_RESULTS])


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest) -> HttpResponse:
    """Find one's organisation and claim it: at once when the confirmed address is at its web
    domain, otherwise a curator decides."""
    if request.method == "POST":
        form = ClaimForm(request.POST)
        if form.is_valid():
            organisation = get_object_or_404(Organisation, slug=form.cleaned_data["organisation"])
            already = Membership.objects.filter(
                user=request.user, organisation=organisation, status=MembershipStatus.APPROVED
            ).exists()
            membership = claims.claim(request.user, organisation, form.cleaned_data["message"])
            name = organisation.name
            if already:
                messages.info(request, _("You already speak for %(name)s.") % {"name": name})
            elif membership.is_approved and membership.method == ClaimMethod.EMAIL_DOMAIN:
                messages.success(
                    request,
                    _(
                        "Your address is at the web domain of %(name)s: you now speak for it "
                        "and may propose changes to its profile."
                    )
                    % {"name": name},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your claim on %(name)s is waiting for a curator; you will get an "
                        "e-mail with the decision, and your dashboard shows it."
                    )
                    % {"name": name},
                )
            return redirect("web:dashboard")
        query = ""
    else:
        form = ClaimForm()
        query = request.GET.get("q", "")[:100]
    results = search_organisations(query)
    mine = dict(
        Membership.objects.filter(user=request.user, organisation__in=results).values_list(
            "organisation_id", "status"
        )
    )
    rows = [
        {
            "organisation": organisation,
            "status": mine.get(organisation.pk),
            "status_label": MembershipStatus(mine[organisation.pk]).label
            if organisation.pk in mine
            else "",
        }
        for organisation in results
    ]
    return render(
        request,
        "web/accounts/claim.html",
        {"form": form, "query": query, "rows": rows, "searched": bool(query.strip())},
    )


@login_required
@require_POST
def leave_membership(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=pk, user=request.user
    )
    name = membership.organisation.name
    was_approved = membership.is_approved
    claims.leave(request.user, membership)
    if was_approved:
        messages.success(request, _("You no longer speak for %(name)s.") % {"name": name})
    else:
        messages.success(request, _("Your claim on %(name)s is withdrawn.") % {"name": name})
    return redirect("web:dashboard")


# API tokens -----------------------------------------------------------------------------------


def scope_labels(token: ApiToken) -> list[str]:
    labels = dict(TokenScope.choices)
    return [str(labels.get(scope, scope)) for scope in token.scopes or []]


@never_cache  # the page that shows a new key must not stay in any cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """One's tokens, and a form for a new one whose key is shown on the answer, once."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        token, raw = tokens.issue(
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["scopes"],
            timezone.now() + timedelta(days=days) if days else None,
        )
        return render(
            request,
            "web/accounts/token_created.html",
            {"token": token, "raw": raw, "scopes": scope_labels(token)},
        )
    rows = [
        {"token": token, "scopes": scope_labels(token)}
        for token in ApiToken.objects.filter(user=request.user)
    ]
    return render(request, "web/accounts/api_tokens.html", {"form": form, "tokens": rows})


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke(request.user, token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("web:api_tokens")


# Personal data --------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def my_data(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = {
        "memberships": Membership.objects.filter(user=user).count(),
        "proposals": Proposal.objects.filter(author=user).count(),
        "tokens": ApiToken.objects.filter(user=user).count(),
    }
    return render(request, "web/accounts/my_data.html", {"counts": counts})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def my_data_download(request: HttpRequest) -> HttpResponse:
    body = json.dumps(
        personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition("grappe-personal-data.json")
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Deleting one's account, confirmed by the current password."""
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)  # first: logging out writes to the login records erased next
        erase_account(user)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("web:home")
    return render(request, "web/accounts/delete_account.html", {"form": form})
