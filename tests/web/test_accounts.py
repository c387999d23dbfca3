"""The account pages: sign-up with a confirmation link that works once, login by e-mail address
with throttling, password reset, the dashboard, claims, API tokens shown once, and one's
personal data (download, deletion), in French and in English.

Labels are French by default in these tests: assertions use field names, addresses and data,
or English pages under /en/.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from grappe.accounts import moderation, tokens
from grappe.accounts.editing import current_data
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
from grappe.accounts.moderation import Seen
from grappe.accounts.permissions import forget_memberships
from grappe.directory.models import Organisation
from tests.accounts.conftest import member_of
from tests.factories import OrganisationFactory, UserFactory, curator
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db

PASSWORD = "Vendanges-en-Gironde-2025"
FACTORY_PASSWORD = "correct horse battery"


def url(name: str, *args, lang: str = "fr", **kwargs) -> str:
    """The page's address in that language (a request to an English page leaves English
    active in the test's thread: reverse alone would follow it)."""
    with translation.override(lang):
        return reverse(name, *args, **kwargs)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and login counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def acme():
    return OrganisationFactory(
        name="Acme Libre",
        legal_name="ACME LIBRE SAS",
        siren="732829320",
        website="https://www.acme-libre.fr",
        postcode="33600",
    )


def sign_up(client: Client, email: str = "Alice@Acme-Libre.fr", lang: str = "fr", **fields):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "name": "Alice"}
    data.update(fields)
    return client.post(url("web:signup", lang=lang), data)


def link_in(message) -> str:
    """The path of the one link of an e-mail."""
    urls = re.findall(r"https?://\S+", message.body)
    assert len(urls) == 1, message.body
    assert urls[0].startswith(settings.GRAPPE_SITE_URL)
    return urlsplit(urls[0]).path


def confirmed_user(email: str, language: str = "fr", **kwargs) -> User:
    user = UserFactory(username=email, email=email, **kwargs)
    user.save()
    Profile.objects.create(user=user, email_confirmed_at=timezone.now(), language=language)
    return user


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def edit(user, organisation, instance, **changes):
    data = current_data(type(instance), organisation, instance)
    data.update(changes)
    return moderation.save_edit(
        user, organisation, type(instance), instance, data, Seen.of(instance), ""
    )


# Sign-up and confirmation -------------------------------------------------------------------


def test_sign_up_then_the_e_mail_link_confirms_and_logs_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == url("web:signup_sent")
    user = User.objects.get()
    assert (user.username, user.email, user.first_name) == (
        "alice@acme-libre.fr",
        "alice@acme-libre.fr",
        "Alice",
    )
    assert not user.is_active
    assert user.check_password(PASSWORD)
    profile = Profile.objects.get(user=user)
    assert profile.language == "fr" and profile.email_confirmed_at is None
    assert [message.to for message in mail.outbox] == [["alice@acme-libre.fr"]]
    link = link_in(mail.outbox[0])
    assert link.startswith("/account/confirm/")
    assert "_auth_user_id" not in client.session

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == url("web:dashboard")
    user.refresh_from_db()
    assert user.is_active
    assert Profile.objects.get(user=user).email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "alice@acme-libre.fr" in page.text
    assert 'class="message message-success"' in page.text  # "welcome" once confirmed


def test_the_confirmation_link_works_once(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 302
    client.logout()

    response = client.get(link)

    assert response.status_code == 400
    assert url("web:resend_confirmation") in response.text
    assert url("web:login") in response.text
    assert "_auth_user_id" not in client.session


def test_forged_confirmation_links_are_refused(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    uid, token = link.strip("/").split("/")[-2:]
    other = confirmed_user("mallory@example.org", is_active=False)

    for forged in (
        url("web:confirm_email", kwargs={"uidb64": uid, "token": token[:-2] + "zz"}),
        url("web:confirm_email", kwargs={"uidb64": "not-base64!", "token": token}),
        url("web:confirm_email", kwargs={"uidb64": "MTIzNDU2", "token": token}),
    ):
        assert client.get(forged).status_code == 400, forged
    # Alice's token does not confirm another account.
    mallory = urlsafe_base64_encode(force_bytes(other.pk))
    response = client.get(url("web:confirm_email", kwargs={"uidb64": mallory, "token": token}))
    assert response.status_code == 400
    assert not User.objects.filter(is_active=True).exists()


def test_an_account_deactivated_by_the_team_is_not_reactivated_by_a_link(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    client.get(link)
    User.objects.filter(username="alice@acme-libre.fr").update(is_active=False)
    made_in_back_office = UserFactory(username="bob@example.org", is_active=False)
    made_in_back_office.save()
    client.logout()
    mail.outbox.clear()

    for email in ("alice@acme-libre.fr", "bob@example.org"):
        client.post(url("web:resend_confirmation"), {"email": email})

    assert mail.outbox == []
    assert client.get(link).status_code == 400
    assert not User.objects.filter(is_active=True).exists()


def test_a_head_request_does_not_use_the_link_up(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    assert client.head(link).status_code == 405
    assert client.get(link).status_code == 302


def test_signing_up_in_english_writes_in_english(client):
    sign_up(client, "bob@example.org", lang="en")

    profile = Profile.objects.get(user__username="bob@example.org")
    assert profile.language == "en"
    assert mail.outbox[0].subject == "Confirm your e-mail address for Grappe"
    assert link_in(mail.outbox[0]).startswith("/en/account/confirm/")


def test_an_address_already_used_is_refused_whatever_its_case(client):
    confirmed_user("alice@acme-libre.fr")

    response = sign_up(client, "ALICE@acme-libre.FR")

    assert response.status_code == 200
    assert response.context["form"].has_error("email", "address_taken")
    assert url("web:password_reset") in response.text
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_sign_up_checks_the_password_with_djangos_validators(client):
    response = sign_up(client, "bob@example.org", password1="password", password2="password")
    assert response.context["form"].has_error("password2", "password_too_common")

    response = sign_up(client, "bob@example.org", password2=PASSWORD + "x")
    assert response.context["form"].has_error("password2", "password_mismatch")
    assert not User.objects.exists()


def test_a_new_link_is_sent_only_to_an_account_waiting_for_one(client):
    sign_up(client)
    confirmed_user("carol@example.org")
    mail.outbox.clear()

    answers = [
        client.post(url("web:resend_confirmation"), {"email": email})
        for email in ("ALICE@acme-libre.fr", "carol@example.org", "nobody@example.org")
    ]

    assert {(r.status_code, r["Location"]) for r in answers} == {(302, url("web:signup_sent"))}
    assert [message.to for message in mail.outbox] == [["alice@acme-libre.fr"]]
    assert client.get(link_in(mail.outbox[0])).status_code == 302


def test_sign_up_and_e_mails_are_rate_limited_per_client(client):
    with override_settings(GRAPPE_ACCOUNT_EMAILS_RATE="2/h"):
        assert sign_up(client, "one@example.org").status_code == 302
        assert sign_up(client, "two@example.org").status_code == 302
        refused = sign_up(client, "three@example.org")
        assert refused.status_code == 429
        assert "<h1>" in refused.text
        # Reset and confirmation e-mails share the budget; reading the pages does not count.
        assert client.get(url("web:signup")).status_code == 200
        assert (
            client.post(url("web:password_reset"), {"email": "one@example.org"}).status_code == 429
        )
        assert (
            client.post(url("web:resend_confirmation"), {"email": "one@example.org"}).status_code
            == 429
        )
        # Another client has its own budget.
        assert sign_up(Client(REMOTE_ADDR="192.0.2.7"), "four@example.org").status_code == 302
    assert not User.objects.filter(username="three@example.org").exists()
    assert len(mail.outbox) == 3


def test_forms_refuse_posts_without_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert sign_up(client).status_code == 403
    assert not User.objects.exists()


# Login, logout, lockout, passwords ------------------------------------------------------------


def test_login_by_e_mail_address_in_any_case_and_logout_by_post(client):
    user = confirmed_user("alice@acme-libre.fr")

    response = client.post(
        url("web:login"), {"username": "  Alice@ACME-libre.fr", "password": FACTORY_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == url("web:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(url("web:logout")).status_code == 405
    assert client.post(url("web:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_account_made_in_the_back_office_with_capitals_still_logs_in(client):
    admin = UserFactory(username="Admin", email="admin@cluster.example")
    admin.save()

    response = client.post(url("web:login"), {"username": "admin", "password": FACTORY_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_an_unconfirmed_account_is_told_to_confirm_its_address(client):
    sign_up(client)

    response = client.post(
        url("web:login"), {"username": "alice@acme-libre.fr", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "unconfirmed")
    assert url("web:resend_confirmation") in response.text
    # Without the right password, nothing says the account exists.
    response = client.post(
        url("web:login"), {"username": "alice@acme-libre.fr", "password": "wrong"}
    )
    assert response.context["form"].has_error("__all__", "invalid_login")
    assert not response.context["form"].has_error("__all__", "unconfirmed")


def test_five_failed_logins_lock_the_account_out_for_this_client(client):
    confirmed_user("alice@acme-libre.fr")
    wrong = {"username": "alice@acme-libre.fr", "password": "not the password"}

    statuses = [client.post(url("web:login"), wrong).status_code for _ in range(5)]
    right = client.post(
        url("web:login"), {"username": "Alice@acme-libre.fr", "password": FACTORY_PASSWORD}
    )

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    english = Client().post(url("web:login", lang="en"), wrong)
    assert english.status_code == 429
    assert "blocked for 15 minutes" in english.text
    assert url("web:password_reset", lang="en") in english.text
    # Another client may still log in to the account.
    other = Client(REMOTE_ADDR="192.0.2.7")
    response = other.post(
        url("web:login"), {"username": "alice@acme-libre.fr", "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 302


def test_password_reset_in_the_users_language_then_a_new_password(client):
    user = confirmed_user("alice@acme-libre.fr", language="en")

    response = client.post(url("web:password_reset"), {"email": "Alice@acme-libre.fr"})

    assert response.status_code == 302
    assert response["Location"] == url("web:password_reset_done")
    assert [message.to for message in mail.outbox] == [["alice@acme-libre.fr"]]
    assert mail.outbox[0].subject == "Choose a new password for Grappe"
    link = link_in(mail.outbox[0])
    assert link.startswith("/en/account/password/reset/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    new_password = "Une-autre-phrase-de-passe-2025"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert done["Location"] == url("web:password_reset_complete", lang="en")
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The link worked once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_says_the_same_for_an_unknown_address(client):
    response = client.post(url("web:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == url("web:password_reset_done")
    assert mail.outbox == []


def test_password_change_for_a_logged_in_user(client):
    user = confirmed_user("alice@acme-libre.fr")
    logged_in(client, user)
    new_password = "Une-autre-phrase-de-passe-2025"

    response = client.post(
        url("web:password_change"),
        {
            "old_password": FACTORY_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    assert response["Location"] == url("web:dashboard")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert client.session["_auth_user_id"] == str(user.pk)  # still logged in


# The dashboard --------------------------------------------------------------------------------


def test_the_dashboard_asks_visitors_to_log_in(client):
    response = client.get(url("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == url("web:login") + "?next=" + url("web:dashboard")


def test_a_members_dashboard_shows_organisations_claims_and_proposals(client, acme):
    member = member_of(acme, "alice@acme-libre.fr")
    Organisation.objects.filter(pk=acme.pk).update(
        confirmed_at=timezone.now() - timedelta(days=400)
    )
    pending = edit(member, acme, acme, phone="05 56 00 00 00").proposal
    moderator = curator(username="carla")
    rejected = edit(member, acme, acme, name="Acme Libre SAS").proposal
    moderation.reject(moderator, rejected, "Le nom d'usage reste Acme Libre.")
    other = OrganisationFactory(name="Autre Société")
    Membership.objects.create(
        user=member,
        organisation=other,
        status=MembershipStatus.REJECTED,
        method=ClaimMethod.CURATOR,
        reason="Aucun lien trouvé avec cette société.",
    )

    response = logged_in(client, member).get(url("web:dashboard"))

    assert response.status_code == 200
    html = response.text
    assert acme.get_absolute_url() in html
    assert url("web:manage_organisation", args=[acme.slug]) in html
    assert url("web:tender_watch", args=[acme.slug]) in html
    assert url("web:confirm_profile", args=[acme.slug]) in html  # stale: to be confirmed
    assert 'class="notice-warning"' in html
    assert "Aucun lien trouvé avec cette société." in html
    for proposal in (pending, rejected):
        assert url("web:proposal", args=[proposal.pk]) in html
    pending_label = str(pending.get_status_display())
    assert pending_label in html
    assert "Le nom d&#x27;usage reste Acme Libre." in html
    # Newest first.
    assert html.index(url("web:proposal", args=[rejected.pk])) < html.index(
        url("web:proposal", args=[pending.pk])
    )
    assert url("web:curation") not in html.split("<main", 1)[1]  # not a curator


def test_the_dashboard_reads_a_fixed_number_of_queries(client, acme):
    """However many organisations, claims and proposals: no query per row."""
    member = member_of(acme, "alice@acme-libre.fr")
    logged_in(client, member)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("web:dashboard")).status_code == 200
        return len(captured)

    edit(member, acme, acme, phone="05 56 00 00 00")
    few = queries()
    for n in range(4):
        organisation = OrganisationFactory()
        Membership.objects.create(
            user=member,
            organisation=organisation,
            status=MembershipStatus.APPROVED if n % 2 else MembershipStatus.PENDING,
            method=ClaimMethod.CURATOR,
        )
        if n % 2:
            forget_memberships(member)
            edit(member, organisation, organisation, phone=f"05 56 00 00 0{n}")

    assert queries() == few


def test_a_fresh_profile_has_no_warning(client, acme):
    member = member_of(acme, "alice@acme-libre.fr")
    html = logged_in(client, member).get(url("web:dashboard")).text
    assert url("web:confirm_profile", args=[acme.slug]) not in html


def test_proposals_are_paginated_fifty_to_a_page(client, acme):
    member = member_of(acme, "alice@acme-libre.fr")
    for n in range(53):
        edit(member, acme, acme, phone=f"05 56 00 00 {n:02d}")
        Proposal.objects.filter(author=member, status=ProposalStatus.PENDING).update(
            status=ProposalStatus.WITHDRAWN
        )
    logged_in(client, member)

    first = client.get(url("web:dashboard"))
    second = client.get(url("web:dashboard") + "?page=2")

    assert first.context["proposals"].paginator.count == 53
    assert len(first.context["proposals"]) == 50
    assert len(second.context["proposals"]) == 3
    assert "?page=2" in first.text


def test_an_ambassador_sees_the_stale_profiles_of_their_territory(client):
    old = timezone.now() - timedelta(days=400)
    in_gironde = OrganisationFactory(name="Vieille Gironde", postcode="33600")
    in_landes = OrganisationFactory(name="Vieilles Landes", postcode="40100")
    fresh = OrganisationFactory(name="Fraîche Gironde", postcode="33000")
    Organisation.objects.filter(pk__in=[in_gironde.pk, in_landes.pk]).update(confirmed_at=old)
    ambassador = confirmed_user("amb@example.org")
    Profile.objects.filter(user=ambassador).update(territory=["33"])

    html = logged_in(client, ambassador).get(url("web:dashboard")).text

    assert url("web:manage_organisation", args=[in_gironde.slug]) in html
    assert in_landes.name not in html
    assert fresh.name not in html


def test_a_curator_sees_the_queue_with_its_counts(client, acme):
    member = member_of(acme, "alice@acme-libre.fr")
    edit(member, acme, acme, phone="05 56 00 00 00")
    Membership.objects.create(
        user=confirmed_user("bob@example.org"),
        organisation=acme,
        method=ClaimMethod.CURATOR,
    )
    moderator = curator(username="carla", email="carla@cluster.example")

    response = logged_in(client, moderator).get(url("web:dashboard"))

    assert response.context["curation"] == {"proposals": 1, "claims": 1, "stale": 0}
    main = response.text.split("<main", 1)[1]
    assert url("web:curation") in main


def test_the_header_offers_the_account_links(client, acme):
    anonymous = client.get(url("web:home")).text
    assert url("web:login") in anonymous and url("web:signup") in anonymous
    assert url("web:logout") not in anonymous

    member = member_of(acme, "alice@acme-libre.fr")
    html = logged_in(client, member).get(url("web:home")).text
    assert url("web:dashboard") in html
    assert f'<form method="post" action="{url("web:logout")}">' in html
    assert url("web:curation") not in html

    html = logged_in(Client(), curator(username="carla")).get(url("web:home")).text
    assert url("web:curation") in html


# Claims ---------------------------------------------------------------------------------------


def test_claim_search_by_name_legal_name_and_siren(client, acme):
    OrganisationFactory(name="Sans rapport")
    logged_in(client, confirmed_user("bob@example.org"))

    for query in ("acme", "libre sas", "732 829 320"):
        response = client.get(url("web:claim"), {"q": query})
        assert [row["organisation"] for row in response.context["rows"]] == [acme], query
    assert client.get(url("web:claim")).context["rows"] == []


def test_a_claim_from_the_organisations_domain_is_approved_at_once(client, acme):
    # The whole path: sign up, confirm, find, claim.
    sign_up(client, "alice@acme-libre.fr")
    client.get(link_in(mail.outbox[0]))
    page = client.get(url("web:claim"), {"q": "Acme"})
    assert f'value="{acme.slug}"' in page.text

    response = client.post(url("web:claim"), {"organisation": acme.slug, "message": ""})

    assert response["Location"] == url("web:dashboard")
    membership = Membership.objects.get(user__username="alice@acme-libre.fr")
    assert (membership.status, membership.method) == (
        MembershipStatus.APPROVED,
        ClaimMethod.EMAIL_DOMAIN,
    )
    dashboard = client.get(url("web:dashboard")).text
    assert url("web:manage_organisation", args=[acme.slug]) in dashboard
    assert "message-success" in dashboard


def test_another_claim_waits_for_a_curator(client, acme):
    logged_in(client, confirmed_user("bob@example.org"))

    client.post(url("web:claim"), {"organisation": acme.slug, "message": "Je suis le gérant."})

    membership = Membership.objects.get()
    assert membership.status == MembershipStatus.PENDING
    assert membership.message == "Je suis le gérant."
    dashboard = client.get(url("web:dashboard"))
    assert dashboard.context["claims"] == [membership]
    assert url("web:manage_organisation", args=[acme.slug]) not in dashboard.text
    search = client.get(url("web:claim"), {"q": "acme"})
    assert search.context["rows"][0]["status"] == MembershipStatus.PENDING
    assert f'value="{acme.slug}"' not in search.text  # no second claim button


def test_claiming_an_unknown_organisation_is_a_404(client):
    logged_in(client, confirmed_user("bob@example.org"))
    assert client.post(url("web:claim"), {"organisation": "nope"}).status_code == 404


def test_leaving_a_membership_is_for_its_owner_only(client, acme):
    alice = member_of(acme, "alice@acme-libre.fr")
    bob = member_of(OrganisationFactory(), "bob@example.org")
    alices = Membership.objects.get(user=alice)
    logged_in(client, bob)

    assert client.post(url("web:leave_membership", args=[alices.pk])).status_code == 404
    assert Membership.objects.filter(pk=alices.pk).exists()
    logged_in(client, alice)
    assert client.get(url("web:leave_membership", args=[alices.pk])).status_code == 405
    response = client.post(url("web:leave_membership", args=[alices.pk]))
    assert response["Location"] == url("web:dashboard")
    assert not Membership.objects.filter(pk=alices.pk).exists()


# API tokens -----------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_never_cached(client):
    user = confirmed_user("alice@acme-libre.fr")
    logged_in(client, user)

    response = client.post(
        url("web:api_tokens"),
        {"name": "Synchro CRM", "scopes": [TokenScope.PROFILES_WRITE], "expires_in_days": "30"},
    )

    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw in response.text
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.scopes == [TokenScope.PROFILES_WRITE]
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert tokens.authenticate(raw) == token
    listing = client.get(url("web:api_tokens"))
    assert raw not in listing.text
    assert token.prefix in listing.text
    assert "no-store" in listing["Cache-Control"]


def test_token_form_checks_scopes_and_expiry(client):
    logged_in(client, confirmed_user("alice@acme-libre.fr"))
    for data, field in (
        ({"name": "x"}, "scopes"),
        ({"name": "x", "scopes": ["admin:everything"]}, "scopes"),
        ({"name": "x", "scopes": [TokenScope.TENDERS_WRITE], "expires_in_days": "0"}, None),
        ({"name": "x", "scopes": [TokenScope.TENDERS_WRITE], "expires_in_days": "366"}, None),
    ):
        response = client.post(url("web:api_tokens"), data)
        assert response.status_code == 200
        assert response.context["form"].errors, data
        if field:
            assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_tokens_are_revoked_by_their_owner_only(client):
    alice = confirmed_user("alice@acme-libre.fr")
    bob = confirmed_user("bob@example.org")
    token, raw = tokens.issue(alice, "Synchro", [TokenScope.PROFILES_WRITE])

    logged_in(client, bob)
    assert client.post(url("web:revoke_api_token", args=[token.pk])).status_code == 404
    assert tokens.authenticate(raw) == token

    logged_in(client, alice)
    assert client.get(url("web:revoke_api_token", args=[token.pk])).status_code == 405
    response = client.post(url("web:revoke_api_token", args=[token.pk]))
    assert response["Location"] == url("web:api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.authenticate(raw) is None


# Personal data --------------------------------------------------------------------------------


def test_personal_data_download_holds_everything_kept_and_no_secret(client, acme):
    member = member_of(acme, "alice@acme-libre.fr", first_name="Alice")
    proposal = edit(member, acme, acme, phone="05 56 00 00 00").proposal
    tokens.issue(member, "Synchro", [TokenScope.PROFILES_WRITE])
    Client().post(url("web:login"), {"username": member.username, "password": "wrong"})
    Client().post(url("web:login"), {"username": member.username, "password": FACTORY_PASSWORD})
    member.refresh_from_db()
    logged_in(client, member)

    response = client.get(url("web:my_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="grappe-personal-data.json"'
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@acme-libre.fr"
    assert data["account"]["name"] == "Alice"
    assert data["account"]["last_login"] is not None
    assert data["profile"]["email_confirmed_at"] is not None
    assert [(m["organisation"], m["status"]) for m in data["memberships"]] == [
        ("Acme Libre", "approved")
    ]
    [exported] = data["proposals"]
    assert exported["id"] == proposal.pk
    assert exported["status"] == "pending"
    assert exported["changes"] == proposal.changes
    assert exported["organisation"] == "Acme Libre"
    [token] = data["api_tokens"]
    assert token["name"] == "Synchro" and token["scopes"] == ["profiles:write"]
    assert "digest" not in response.text and "password" not in json.dumps(data["account"])
    assert ApiToken.objects.get().digest not in response.text
    assert url("web:login") in [row["path_info"] for row in data["logins"]]
    assert data["login_attempts"] == []  # the successful login reset the failure count


def test_my_data_page_says_what_is_kept(client, acme):
    member = member_of(acme, "alice@acme-libre.fr")
    html = logged_in(client, member).get(url("web:my_data", lang="en")).text
    assert "What Grappe keeps about you" in html
    assert url("web:my_data_download") in html
    assert url("web:delete_account") in html


def test_deleting_the_account_keeps_proposals_without_their_author(client, acme):
    member = member_of(acme, "alice@acme-libre.fr")
    proposal = edit(member, acme, acme, phone="05 56 00 00 00").proposal
    tokens.issue(member, "Synchro", [TokenScope.PROFILES_WRITE])
    Client().post(url("web:login"), {"username": member.username, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=member.username).exists()
    logged_in(client, member)

    refused = client.post(url("web:delete_account"), {"password": "wrong"})
    assert refused.status_code == 200
    assert refused.context["form"].has_error("password", "wrong_password")
    assert User.objects.filter(pk=member.pk).exists()

    response = client.post(url("web:delete_account"), {"password": FACTORY_PASSWORD})

    assert response["Location"] == url("web:home")
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Membership.objects.exists()
    assert not ApiToken.objects.exists()
    assert not Profile.objects.exists()
    proposal.refresh_from_db()
    assert proposal.author is None
    assert proposal.changes and proposal.status == ProposalStatus.PENDING
    assert not AccessAttempt.objects.filter(username=member.username).exists()
    assert not AccessLog.objects.filter(username=member.username).exists()
    assert "_auth_user_id" not in client.session
    assert client.get(url("web:dashboard")).status_code == 302


# Every page, in French and in English ---------------------------------------------------------

VISITOR_PAGES = {
    "signup": "Create an account",
    "signup_sent": "Check your mailbox",
    "resend_confirmation": "A new confirmation link",
    "login": "Log in",
    "password_reset": "Forgot your password?",
    "password_reset_done": "Check your mailbox",
    "password_reset_complete": "Your password is changed",
}
MEMBER_PAGES = {
    "dashboard": "My organisations",
    "claim": "Claim an organisation",
    "api_tokens": "Create a token",
    "my_data": "What Grappe keeps about you",
    "delete_account": "Delete my account",
    "password_change": "Change my password",
}


@pytest.mark.parametrize("name", sorted(VISITOR_PAGES) + sorted(MEMBER_PAGES))
def test_every_account_page_renders_in_french_and_in_english(client, acme, name):
    if name in MEMBER_PAGES:
        logged_in(client, member_of(acme, "alice@acme-libre.fr"))
    english = {**VISITOR_PAGES, **MEMBER_PAGES}[name]
    french = client.get(url(f"web:{name}"))
    response = client.get(url(f"web:{name}", lang="en"))

    assert french.status_code == 200
    assert '<html lang="fr">' in french.text
    assert_well_outlined(french.text)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert english in response.text
    assert_well_outlined(response.text)


def test_the_other_pages_render_in_english(client, acme):
    sign_up(client)
    link = link_in(mail.outbox[0])
    invalid = client.get("/en" + link[:-3] + "xx/")
    assert invalid.status_code == 400
    assert "This confirmation link does not work" in invalid.text
    assert_well_outlined(invalid.text)
    with override_settings(GRAPPE_ACCOUNT_EMAILS_RATE="0/h"):
        limited = sign_up(client, "bob@example.org", lang="en")
    assert limited.status_code == 429
    assert "Too many requests" in limited.text
    member = member_of(acme, "alice2@acme-libre.fr")
    logged_in(client, member)
    created = client.post(
        url("web:api_tokens", lang="en"), {"name": "CI", "scopes": [TokenScope.TENDERS_WRITE]}
    )
    assert "Copy this token now" in created.text
    assert_well_outlined(created.text)
