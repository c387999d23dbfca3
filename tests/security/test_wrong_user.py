"""Nobody touches what is not theirs: every address of the site, tried as the wrong user.

Mallory is a confirmed member of her own organisation and holds an API token with every scope.
Victor belongs to Acme. Mallory (then an anonymous visitor) sends GET, POST, PUT, PATCH and
DELETE, without a CSRF token check standing in the way, to every URL pattern the site has (the
pages, the API, the back office), filled with Acme's and Victor's objects, and to the edit pages of
her own organisation pointed at Acme's entries. Then:

- an address that shows or changes something private of Acme's or Victor's answers 403, 404,
  405 or a redirect to a login page, whatever the method;
- a public page answers its GET and refuses every write;
- nothing of Acme's or Victor's changed, and nothing private of theirs appeared in any answer.

A URL pattern this test cannot fill fails it: a new address must be classified here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from grappe.accounts import tokens
from grappe.accounts.editing import version_token
from grappe.accounts.models import ApiToken, Membership, Proposal, TokenScope
from grappe.accounts.moderation import Seen, save_edit
from grappe.directory.models import Certification, Offering, Organisation, Person, Reference
from grappe.needs import services as needs
from grappe.needs.models import Answer, Need, Pledge, Visibility
from grappe.tenders.models import Lot, Requirement, Tender, Watch
from tests.accounts.conftest import member_of
from tests.factories import (
    CategoryFactory,
    CertificationFactory,
    EventFactory,
    OfferingFactory,
    OrganisationFactory,
    PersonFactory,
    ReferenceFactory,
    SoftwareFactory,
)

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# A refusal: bad request (nothing applied), not authenticated, forbidden, not found, not allowed.
DENIED = {400, 401, 403, 404, 405}
# The back office's own login and logout pages, open to anyone by nature.
BACK_OFFICE_OPEN = {"admin:login", "admin:logout"}
ENTRY_KINDS = ("offering", "certification", "reference", "person")

# Pages anyone may read; their other methods must still refuse.
PUBLIC_READS = {
    "web:organisation",
    "web:software",
    "web:offering",
    "web:person",
    "web:event",
    "web:event_calendar",
    "web:kind_feed",
    "web:departement_feed",
    "web:category_feed",
    "web:observatory_csv",
    "web:tender",
    "web:tender_teams_csv",
    "web:tender_teams_json",
    "web:tender_print",
    "web:tender_lot",
    "web:need",
    "web:need_team",
    "web:needs_software_feed",
    "web:needs_category_feed",
    "web:needs_departement_feed",
    # A confirmation or reset link with a forged token shows "this link does not work".
    "web:confirm_email",
    "web:password_reset_confirm",
}
PUBLIC_API_PREFIXES = (
    "api/organisations/<slug>",
    "api/software/",
    "api/offerings/",
    "api/people/",
    "api/events/",
    "api/tenders/",
    "api/needs/",
)
# Writes anyone who speaks for an organisation may make on anyone's need, for their own
# organisation: join it, answer it. What they cannot do for another organisation is tried in
# test_a_need_is_joined_only_for_ones_own_organisation.
OPEN_TO_MEMBERS = {"web:need_join", "web:need_answer", "api:join_need", "api:answer_need"}


@pytest.fixture(autouse=True)
def french():
    """Addresses without a language prefix, whatever an earlier test left active."""
    with translation.override("fr"):
        yield


@dataclass
class World:
    acme: Organisation
    victor: User
    mallory: User
    mallory_org: Organisation
    entries: dict[str, Any]
    proposal: Proposal
    claim: Membership
    victor_token: ApiToken
    mallory_key: str
    watch: Watch
    tender: Tender
    lot: Lot
    software_slug: str
    event_slug: str
    category_slug: str
    need: Need
    answer: Answer
    secrets: tuple[str, ...]


@pytest.fixture
def world(db) -> World:
    acme = OrganisationFactory(name="Acme Libre", website="https://acme-libre.fr")
    victor = member_of(acme, "victor@acme-libre.fr")
    mallory_org = OrganisationFactory(name="Mallory SARL", website="https://mallory.example")
    mallory = member_of(mallory_org, "mallory@mallory.example")
    entries = {
        "organisation": acme,
        "offering": OfferingFactory(organisation=acme),
        "certification": CertificationFactory(organisation=acme),
        "reference": ReferenceFactory(organisation=acme),
        "person": PersonFactory(organisation=acme),
    }
    proposal = save_edit(
        victor,
        acme,
        Organisation,
        acme,
        {"name": acme.name, "kind": acme.kind, "description_fr": "Secret de Victor 7f3a"},
        Seen.of(acme),
        note="note privée 7f3a",
    ).proposal
    assert proposal is not None and proposal.is_pending
    claimant = member_of(OrganisationFactory(), "claimant@example.org")
    claim = Membership.objects.create(user=claimant, organisation=acme, method="curator")
    victor_token, victor_key = tokens.issue(victor, "victor's script", list(TokenScope.values))
    _token, mallory_key = tokens.issue(mallory, "mallory's script", list(TokenScope.values))
    watch = Watch.objects.create(organisation=acme, name="Veille Acme", keywords=["nextcloud"])
    need = needs.post_need(
        victor,
        organisation=acme,
        title="Module de réservation pour Decidim",
        description="Un module de réservation de salles.",
        kind="module",
        amount="4321.77",
        amount_visibility=Visibility.CURATORS,
        constraints="contrainte privée 7f3a",
        show_name=False,
    )
    answerer_org = OrganisationFactory(name="Éditeur Libre")
    answerer = member_of(answerer_org, "eve@editeur-libre.example")
    answer = needs.answer(
        answerer, need, answerer_org, scope="Le module", price="3000", duration_days="30"
    )
    tender = Tender.objects.create(
        title="Marché de Victor", source_format="text", created_by=victor
    )
    lot = Lot.objects.create(tender=tender, lot_id="LOT-0001", title="Hébergement", position=1)
    Requirement.objects.create(lot=lot, kind="capability", label="Nextcloud", position=1)
    return World(
        acme=acme,
        victor=victor,
        mallory=mallory,
        mallory_org=mallory_org,
        entries=entries,
        proposal=proposal,
        claim=claim,
        victor_token=victor_token,
        mallory_key=mallory_key,
        watch=watch,
        tender=tender,
        lot=lot,
        software_slug=SoftwareFactory().slug,
        event_slug=EventFactory().slug,
        category_slug=CategoryFactory().slug,
        need=need,
        answer=answer,
        secrets=(
            "Secret de Victor 7f3a",
            "note privée 7f3a",
            "contrainte privée 7f3a",
            "4321.77",
            "4 321,77",
            "4,321.77",
            victor_key,
            victor_token.prefix,
        ),
    )


# The URL patterns ---------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(name, route, pattern) of every URL the site serves, namespaces and prefixes joined."""
    found: list[tuple[str, str, URLPattern]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                name = namespace + pattern.name if pattern.name else ""
                found.append((name, prefix + str(pattern.pattern), pattern))

    walk(get_resolver().url_patterns, "", "")
    return found


def parameters(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def fillings(name: str, route: str, world: World) -> list[dict[str, Any]]:
    """Every set of arguments to try for a pattern, pointed at Acme's and Victor's objects."""
    params = parameters(route)
    if not params:
        return [{}]
    if route.startswith("admin/"):
        values = {
            "object_id": world.acme.pk,
            "content_type_id": 1,
            "app_label": "directory",
            "version_id": 1,
            "url": "x",
        }
        return [{p: values.get(p, "1") for p in params}]
    kinds = [None]
    if "kind" in params and "feeds/kind" not in route:
        kinds = list(ENTRY_KINDS)
    combos = []
    for kind in kinds:
        slugs = [_slug(route, world)]
        if kind is not None and "slug" in params:
            slugs.append(world.mallory_org.slug)  # her own organisation, Acme's entry
        for slug in slugs:
            combo = {}
            for param in params:
                combo[param] = _value(param, route, kind, slug, world)
            combos.append(combo)
    return combos


def _slug(route: str, world: World) -> str:
    for marker, slug in (
        ("software/", world.software_slug),
        ("offerings/", world.entries["offering"].slug),
        ("people/", world.entries["person"].slug),
        ("events/", world.event_slug),
    ):
        if route.startswith(marker) or route.startswith("api/" + marker):
            return slug
    return world.acme.slug


def _value(param: str, route: str, kind: str | None, slug: str, world: World) -> Any:
    if param == "slug":
        return slug
    if param == "kind":
        return "company" if kind is None else kind
    if route.startswith(("needs/", "api/needs")):
        values = {
            "public_id": world.need.public_id,
            "need_id": world.need.public_id,
            "answer_id": world.answer.pk,
            "organisation": world.acme.slug,
            "organisation_slug": world.acme.slug,
            "software": world.software_slug,
            "category": world.category_slug,
            "departement": "33",
        }
        if param in values:
            return values[param]
    if param in ("pk", "entry_id", "proposal_id", "watch_id", "tender_id", "public_id"):
        if kind is not None:
            return world.entries[kind].pk
        if "proposals" in route:
            return world.proposal.pk
        if "claims" in route or "memberships" in route:
            return world.claim.pk
        if "tokens" in route:
            return world.victor_token.pk
        if param == "watch_id":
            return world.watch.pk
        if param in ("tender_id", "public_id"):
            return world.tender.public_id
    simple = {
        "lot_id": world.lot.lot_id,
        "uidb64": urlsafe_base64_encode(force_bytes(world.victor.pk)),
        "token": "c0ffee-forged0123456789",
        "chart": "organisations-by-departement",
        "departement": "33",
        "category": world.category_slug,
        "rest": "no-such-endpoint",
    }
    if param in simple:
        return simple[param]
    raise AssertionError(f"classify the URL parameter {param!r} of {route!r} in this test")


def address(name: str, pattern: URLPattern, route: str, kwargs: dict[str, Any]) -> str:
    positional = len(re.findall(r"\((?!\?)", route))  # django-reversion's "recover/(\d+)/"
    if name and positional:
        return reverse(name, args=[1] * positional)
    if name:
        return reverse(name, kwargs=kwargs)
    if kwargs == {"rest": "no-such-endpoint"}:
        return "/api/no-such-endpoint"
    # An unnamed pattern (the back office's redirects): its route with the values put in.
    filled = re.sub(
        r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>",
        lambda match: str(kwargs[match.group(1) or match.group(2)]),
        route.lstrip("^"),
    )
    assert "(" not in filled and "<" not in filled, f"an unnamed URL pattern: {route}"
    return "/" + filled.rstrip("$")


# What must stay true ------------------------------------------------------------------------


def fingerprint(world: World) -> dict[str, Any]:
    acme = Organisation.objects.get(pk=world.acme.pk)
    children = {
        model.__name__: sorted(
            (entry.pk, version_token(entry))
            for entry in model.objects.filter(organisation=acme).order_by("pk")
        )
        for model in (Offering, Certification, Reference, Person)
    }
    victor = User.objects.get(pk=world.victor.pk)
    tender = Tender.objects.get(pk=world.tender.pk)
    return {
        "acme": version_token(acme),
        "acme_confirmed": acme.confirmed_at,
        "children": children,
        "others_proposals": sorted(
            Proposal.objects.exclude(author=world.mallory).values_list("pk", "status", "reason")
        ),
        "memberships": sorted(
            Membership.objects.exclude(user=world.mallory).values_list("pk", "status")
        ),
        "victor": (victor.password, victor.is_active, victor.email, victor.username),
        "victor_tokens": sorted(
            ApiToken.objects.filter(user=victor).values_list("pk", "revoked_at", "name")
        ),
        "watches": sorted(Watch.objects.values_list("pk", "organisation_id", "name", "keywords")),
        "tender": (tender.title, tender.updated_at),
        "lots": sorted(Lot.objects.values_list("pk", "title")),
        "requirements": sorted(Requirement.objects.values_list("pk", "label", "kind")),
        "need": Need.objects.filter(pk=world.need.pk).values().get(),
        "others_pledges": sorted(
            Pledge.objects.exclude(organisation=world.mallory_org).values_list(
                "pk", "organisation_id", "amount", "amount_visibility", "constraints"
            )
        ),
        "others_answers": sorted(
            Answer.objects.exclude(organisation=world.mallory_org).values_list(
                "pk", "status", "price"
            )
        ),
        "organisations": Organisation.objects.count(),
        "users": sorted(User.objects.values_list("pk", "is_active", "is_staff", "is_superuser")),
    }


def payload_for(route: str, world: World) -> dict[str, Any]:
    """A write that would change something if it were let through."""
    return {
        "name": "Pwned",
        "title": "Pwned",
        "description_fr": "Pwned",
        "reason": "Pwned",
        "approve": "1",
        "decision": "approve",
        "despite_changes": "1",
        "organisation": str(world.mallory_org.pk),
        "slug": world.acme.slug,
        "seen_version": version_token(world.acme),
        "seen_proposal": "999999",
        "password": "correct horse battery",
        "keywords": "pwned",
        "fields": {"name": "Pwned", "description_fr": "Pwned"},
        "version": version_token(world.acme),
    }


def send(client: Client, method: str, url: str, data: dict[str, Any], headers: dict[str, str]):
    if method == "get":
        return client.get(url, headers=headers)
    if url.startswith("/api/"):
        return getattr(client, method)(
            url, data=json.dumps(data), content_type="application/json", headers=headers
        )
    if method == "post":
        flat = {k: v for k, v in data.items() if not isinstance(v, dict)}
        return client.post(url, data=flat, headers=headers)
    return getattr(client, method)(url, headers=headers)


def refused(response, name: str, login_paths: tuple[str, ...]) -> bool:
    if response.status_code in DENIED:
        return True
    if response.status_code in (301, 302):
        return response["Location"].split("?")[0].endswith(login_paths)
    return False


def is_public_read(name: str, route: str) -> bool:
    if name in PUBLIC_READS:
        return True
    return (
        name.startswith("api:")
        and route.startswith(PUBLIC_API_PREFIXES)
        and not any(marker in route for marker in ("editable", "proposals", "<entry_kind", "/me"))
    )


# The walk -----------------------------------------------------------------------------------


def walk(world: World, client: Client, headers: dict[str, str]) -> list[str]:
    """Every request of the walk; the failures, described."""
    login_paths = (reverse("web:login"), reverse("admin:login"))
    failures: list[str] = []
    for name, route, pattern in url_patterns():
        for kwargs in fillings(name, route, world):
            url = address(name, pattern, route, kwargs)
            back_office = route.startswith("admin/")
            has_objects = bool(kwargs) and not back_office
            for method in METHODS:
                response = send(client, method, url, payload_for(route, world), headers)
                status = response.status_code
                assert status < 500, f"{method.upper()} {url} answered {status}"
                body = response.content.decode(errors="replace") if response.content else ""
                leaked = [secret for secret in world.secrets if secret in body]
                if leaked:
                    failures.append(f"{method.upper()} {url} shows {leaked}")
                if back_office and name not in BACK_OFFICE_OPEN:
                    if not refused(response, name, login_paths):
                        failures.append(f"{method.upper()} {url}: {status} from the back office")
                elif (
                    has_objects
                    and not (method == "get" and is_public_read(name, route))
                    and not (method == "post" and name in OPEN_TO_MEMBERS)
                    and not refused(response, name, login_paths)
                ):
                    failures.append(f"{method.upper()} {url}: {status}, not refused")
    return failures


def test_every_url_pattern_is_classified(world):
    for name, route, _pattern in url_patterns():
        for kwargs in fillings(name, route, world):
            address(name, _pattern, route, kwargs)


def test_a_member_of_another_organisation_changes_nothing_anywhere(world, client):
    before = fingerprint(world)
    client.force_login(world.mallory)
    failures = walk(world, client, {})
    assert not failures, "\n".join(failures)
    assert fingerprint(world) == before


def test_an_api_token_of_another_organisation_changes_nothing(world):
    before = fingerprint(world)
    failures = walk(world, Client(), {"Authorization": f"Bearer {world.mallory_key}"})
    assert not failures, "\n".join(failures)
    assert fingerprint(world) == before


def test_a_visitor_changes_nothing_anywhere(world, client):
    before = fingerprint(world)
    failures = walk(world, client, {})
    assert not failures, "\n".join(failures)
    assert fingerprint(world) == before


def test_a_crafted_form_cannot_move_an_entry_to_another_organisation(world, client):
    """Mallory edits her own offering and slips Acme's id into the form."""
    own = OfferingFactory(organisation=world.mallory_org, kind="product", title="Outil")
    client.force_login(world.mallory)
    url = reverse(
        "web:edit_entry", kwargs={"slug": world.mallory_org.slug, "kind": "offering", "pk": own.pk}
    )
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "kind": "product",
        "title": "Outil renommé",
        "organisation": str(world.acme.pk),
        "organisation_id": str(world.acme.pk),
        "seen_version": version_token(own),
        "seen_proposal": "0",
    }
    client.post(url, data)
    own.refresh_from_db()
    assert own.organisation_id == world.mallory_org.pk
    assert not world.acme.offerings.filter(title__startswith="Outil").exists()
    assert not Proposal.objects.filter(organisation=world.acme, author=world.mallory).exists()


def test_a_crafted_api_field_cannot_reach_another_organisation(world):
    own = OfferingFactory(organisation=world.mallory_org, kind="product", title="Outil")
    client = Client(headers={"Authorization": f"Bearer {world.mallory_key}"})
    url = reverse(
        "api:change_entry",
        kwargs={"slug": world.mallory_org.slug, "kind": "offering", "entry_id": own.pk},
    )
    response = client.patch(
        url,
        data=json.dumps({"fields": {"organisation": world.acme.pk}, "version": version_token(own)}),
        content_type="application/json",
    )
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.organisation_id == world.mallory_org.pk


def test_a_need_is_joined_only_for_ones_own_organisation(world, client):
    """Mallory names Acme (not hers) in the join and answer forms: refused, nothing stored."""
    client.force_login(world.mallory)
    before = fingerprint(world)
    for name in ("web:need_join", "web:need_answer"):
        url = reverse(name, kwargs={"public_id": world.need.public_id})
        response = client.post(
            url,
            {
                "organisation": world.acme.slug,
                "amount": "1000",
                "amount_visibility": "public",
                "scope": "x",
                "price": "10",
                "duration_days": "3",
            },
        )
        assert response.status_code in DENIED | {200}, (name, response.status_code)
    assert fingerprint(world) == before
    assert not Pledge.objects.filter(need=world.need, user=world.mallory).exists()
