"""Who may write through the API: API tokens and their scopes, HTTP Basic with login lockout,
the site's session with its CSRF token; and what a refusal says."""

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from grappe.accounts import tokens
from grappe.accounts.editing import version_token
from grappe.accounts.models import ApiToken, Proposal
from grappe.tenders.models import Tender
from tests.api.conftest import bearer
from tests.api.test_tenders import NOTICE
from tests.factories import UserFactory, curator

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {credentials}"}


def propose(client: Client, organisation, **headers):
    body = {"fields": {"phone": "05 56 00 00 00"}, "version": version_token(organisation)}
    return client.patch(
        f"/api/organisations/{organisation.slug}",
        json.dumps(body),
        content_type="application/json",
        **ENGLISH,
        **headers,
    )


def post_notice(client: Client, **headers):
    return client.post(
        "/api/tenders", {"text": NOTICE}, content_type="application/json", **ENGLISH, **headers
    )


# Tokens.


def test_a_token_with_the_scope_writes_without_a_csrf_token(acme, member):
    program = Client(enforce_csrf_checks=True)

    response = propose(program, acme, **bearer(member))

    assert response.status_code == 202, response.json()
    assert Proposal.objects.get().author == member
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_without_the_scope_gets_a_403_naming_it(client, acme, member):
    response = propose(client, acme, **bearer(member, scopes=["tenders:write"]))

    assert response.status_code == 403
    assert "profiles:write" in response.json()["detail"]
    assert response["WWW-Authenticate"] == (
        'Bearer realm="Grappe", error="insufficient_scope", scope="profiles:write"'
    )
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("path", ["/api/proposals", "/api/organisations/{slug}/editable"])
def test_the_profiles_reads_need_the_scope_too(client, acme, member, path):
    response = client.get(
        path.format(slug=acme.slug), **bearer(member, scopes=["tenders:write"]), **ENGLISH
    )

    assert response.status_code == 403
    assert "profiles:write" in response.json()["detail"]


def test_any_valid_token_says_who_it_is(client, member):
    response = client.get("/api/me", **bearer(member, scopes=[]))

    assert response.status_code == 200
    assert response.json()["scopes"] == []


def revoked(user) -> dict[str, str]:
    token, key = tokens.issue(user, "old", ["profiles:write"])
    tokens.revoke(user, token)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def expired(user) -> dict[str, str]:
    return bearer(user, expires_at=timezone.now() - timedelta(minutes=1))


def inactive(user) -> dict[str, str]:
    headers = bearer(user)
    user.is_active = False
    user.save()
    return headers


def wrong(user) -> dict[str, str]:
    key = bearer(user)["HTTP_AUTHORIZATION"]
    return {"HTTP_AUTHORIZATION": key[:-4] + "AAAA"}


def not_ours(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer ghp_0123456789abcdef"}


@pytest.mark.parametrize("credentials", [revoked, expired, inactive, wrong, not_ours])
def test_a_token_revoked_expired_or_wrong_is_a_401(client, acme, member, credentials):
    response = propose(client, acme, **credentials(member))

    assert response.status_code == 401
    assert response.json() == {"detail": "this API token is unknown, revoked or expired"}
    assert response["WWW-Authenticate"] == 'Bearer realm="Grappe", error="invalid_token"'
    assert not Proposal.objects.exists()


def test_a_wrong_token_is_not_saved_by_a_session(acme, member):
    """The client meant the token: a session cookie beside it does not stand in for it."""
    browser = Client()
    browser.force_login(member)

    response = propose(browser, acme, **wrong(member))

    assert response.status_code == 401


def test_without_credentials_it_is_a_401_with_a_bearer_challenge(client, acme):
    response = propose(client, acme)

    assert response.status_code == 401
    assert "needs an account" in response.json()["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="Grappe"'


# HTTP Basic.


def test_a_wrong_password_is_a_401_without_a_basic_challenge(client, acme, member):
    response = propose(client, acme, **basic(member.username, "wrong"))

    assert response.status_code == 401
    assert response.json() == {"detail": "wrong username or password"}
    # A Basic challenge would have browsers ask for the password, and send it cross-site.
    assert response["WWW-Authenticate"] == 'Bearer realm="Grappe"'


def test_too_many_wrong_passwords_lock_the_account_out_in_json(client, acme, member, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        propose(client, acme, **basic(member.username, "wrong"))

    response = propose(client, acme, **basic(member.username))

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "too many wrong passwords" in response.json()["detail"]
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert not Proposal.objects.exists()


# The session.


def test_a_session_write_without_its_csrf_token_is_refused(acme, member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)

    response = propose(browser, acme)

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}
    assert not Proposal.objects.exists()


def test_a_session_holds_every_scope(client, member):
    client.force_login(member)

    me = client.get("/api/me").json()

    assert (me["authenticated_by"], me["scopes"]) == (
        "session",
        ["needs:write", "profiles:write", "tenders:write"],
    )
    assert me["token"] is None


# Adding a call for tenders with a token.


def test_a_tenders_token_of_an_account_without_the_permission_gets_a_403(client, demo):
    user = UserFactory(username="reader")
    user.save()

    response = post_notice(client, **bearer(user, scopes=["tenders:write"]))

    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
    assert not Tender.objects.exists()


def test_a_curators_token_without_the_tenders_scope_gets_a_403(client, demo):
    robot = curator(username="robot")

    response = post_notice(client, **bearer(robot, scopes=["profiles:write"]))

    assert response.status_code == 403
    assert "tenders:write" in response.json()["detail"]
    assert not Tender.objects.exists()


def test_a_curators_token_with_the_tenders_scope_adds_a_call_for_tenders(client, demo):
    robot = curator(username="robot")

    response = post_notice(client, **bearer(robot, scopes=["tenders:write"]))

    assert response.status_code == 201, response.json()
    assert Tender.objects.get(public_id=response.json()["id"]).created_by == robot
