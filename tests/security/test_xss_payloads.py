"""An XSS payload in every text field of every public model, and every page, feed, export and
API answer that shows them: the payload comes out as text, never as markup that runs.

The fields are listed from the models' _meta, so a text field added later is covered without
touching this file. A field whose validation refuses every payload (choices, codes, e-mail and
web addresses, slugs) keeps a valid value, and the refusal is asserted instead
(test_the_fields_that_refuse_a_payload). Web address fields take the longest payload their
validator lets through: https:// followed by quotes and markup.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
import reversion
from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.test import Client
from reversion.models import Version

from grappe.accounts import moderation
from grappe.accounts.editing import current_data
from grappe.accounts.moderation import Seen
from grappe.directory import models as m
from grappe.directory.fields import StringListField
from grappe.directory.models.offerings import KIND_FIELDS
from grappe.search.backends import get_backend
from grappe.search.exports import FORMULA_STARTS
from grappe.search.indexing import flush
from grappe.tenders.notices import read_notice
from grappe.tenders.storing import store_notice
from tests.accounts.conftest import member_of
from tests.factories import OrganisationFactory, curator
from tests.security.html_checks import (
    assert_inert,
    dangerous_url,
    problems,
    read_html,
    shown_text,
)
from tests.web.test_tenders import french_notice

pytestmark = pytest.mark.django_db

MARK = "zorglub"  # a word of every payload, to find the entries with the search
PAYLOAD = "\"><script>alert('x')</script><img src=x onerror=alert(1)>"
# Longest first: a short field takes the first that fits.
TEXTS = [
    f"{MARK} {PAYLOAD}",
    PAYLOAD,
    "<svg onload=alert(1)>",
    "<i onclick=alert(1)>",
    "<i onx=1>",
]
# Django's URL validator refuses spaces, nothing else, in a path.
URL_PAYLOAD = "\"><script>alert('x')</script><svg/onload=alert(1)>"
URLS = [f"https://example.org/{MARK}{URL_PAYLOAD}", 'https://example.org/"onmouseover="alert(1)']
# In an address, without the "/" of "</script>" that would end the path segment.
PATH_PAYLOAD = '"><svg onload=alert(1)>'
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
]
PUBLIC_MODELS = [
    m.Category,
    m.CertificationScheme,
    m.Organisation,
    m.Offering,
    m.Certification,
    m.Reference,
    m.Software,
    m.SoftwareRelation,
    m.Person,
    m.Event,
]


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """What a person types: character and text fields, and lists of strings."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and not f.is_relation
        and isinstance(f, models.CharField | models.TextField | StringListField)
    ]


@dataclass
class Filled:
    carried: dict[str, list[str]] = field(default_factory=dict)  # "Model.field": [...]
    refused: dict[str, str] = field(default_factory=dict)  # "Model.field": why

    def fill(self, instance: models.Model, *, skip: tuple[str, ...] = ()) -> models.Model:
        """Each text field gets the longest payload its validation accepts, then the model's
        own rules (Software: an SPDX licence) get their say; the instance is saved."""
        label = type(instance).__name__
        originals: dict[str, Any] = {}
        for model_field in text_fields(type(instance)):
            if model_field.name in skip:
                continue
            name = f"{label}.{model_field.name}"
            candidates: list[Any] = URLS if isinstance(model_field, models.URLField) else TEXTS
            if isinstance(model_field, StringListField):
                candidates = [[text, "second"] for text in TEXTS]
            reasons = []
            for value in candidates:
                try:
                    cleaned = model_field.clean(value, instance)
                except ValidationError as error:
                    reasons.extend(error.messages)
                    continue
                originals[model_field.attname] = getattr(instance, model_field.attname)
                setattr(instance, model_field.attname, cleaned)
                self.carried[name] = cleaned
                break
            else:
                self.refused[name] = reasons[0]
        while True:
            try:
                instance.full_clean()
                break
            except ValidationError as error:
                wrong = {key for key in error.message_dict if key in originals}
                assert wrong, f"{label}: {error.message_dict}"  # the test's own data is wrong
                for attname in wrong:
                    setattr(instance, attname, originals.pop(attname))
                    name = f"{label}.{attname}"
                    self.carried.pop(name)
                    self.refused[name] = error.message_dict[attname][0]
        instance.save()
        return instance


@dataclass
class World:
    filled: Filled
    pages: dict[str, str]  # what -> French path


def _other_kinds_fields(kind: str) -> tuple[str, ...]:
    return tuple(f for k, fields in KIND_FIELDS.items() if k != kind for f in fields)


def build_world() -> World:
    filled = Filled()
    fill = filled.fill
    category = fill(m.Category(slug="xss-category"))
    scheme = fill(m.CertificationScheme(slug="xss-scheme"))
    organisation = fill(
        m.Organisation(
            slug="xss-organisation",
            kind=m.OrganisationKind.COMPANY,
            membership_status=m.MembershipStatus.MEMBER,
            postcode="33000",
            commune_insee="33063",
            latitude=Decimal("44.8378"),
            longitude=Decimal("-0.5792"),
        )
    )
    software = fill(m.Software(slug="xss-software", licence="MIT"))
    software.categories.add(category)
    offerings = {}
    for kind, extra in {
        m.OfferingKind.SERVICE: {"service_kind": m.ServiceKind.SUPPORT},
        m.OfferingKind.HOSTING: {"hosting_kind": m.HostingKind.SAAS, "datacenter_country": "FR"},
        m.OfferingKind.MACHINE: {"machine_type": m.MachineType.PRINTER_FDM},
    }.items():
        offering = m.Offering(
            slug=f"xss-{kind}", organisation=organisation, kind=kind, price_from=5, **extra
        )
        offerings[kind] = fill(offering, skip=_other_kinds_fields(kind))
        offerings[kind].software.add(software)
    certification = fill(
        m.Certification(
            organisation=organisation,
            scheme=scheme,
            valid_from=date(2024, 1, 1),
            valid_until=date(2099, 1, 1),
        )
    )
    certification.offerings.add(offerings[m.OfferingKind.HOSTING])
    reference = fill(m.Reference(organisation=organisation, year=2024, amount=1000))
    reference.software.add(software)
    fill(m.SoftwareRelation(organisation=organisation, software=software, role="user"))
    fill(m.SoftwareRelation(organisation=organisation, software=software, role="publisher"))
    fill(
        m.Person(
            slug="xss-person",
            role=m.PersonRole.TRAINER,
            organisation=organisation,
            territory=["33"],
            email="person@example.org",
            contact_consent=True,
        )
    )
    fill(
        m.Event(
            slug="xss-event",
            starts_on=date.today() + timedelta(days=30),
            organiser=organisation,
            commune_insee="33063",
        )
    )
    flush()  # the reindexing a commit would run
    return World(
        filled=filled,
        pages={
            "home": "/",
            "organisation": "/organisations/xss-organisation/",
            "software": "/software/xss-software/",
            "service offering": "/offerings/xss-service/",
            "hosting offering": "/offerings/xss-hosting/",
            "machine offering": "/offerings/xss-machine/",
            "person": "/people/xss-person/",
            "event": "/events/xss-event/",
            "search": f"/search/?q={MARK}",
            "search, hosting facets": f"/search/?q={MARK}&kind=offering&offering_kind=hosting",
            "search, browsing with facets": "/search/?kind=software",
            "map": f"/map/?q={MARK}",
            "observatory": "/observatory/",
        },
    )


@pytest.fixture(scope="module")
def world_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module and rolled back after it (see tests/conftest.py demo_module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        get_backend().forget_vocabulary()
        yield build_world()
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        get_backend().forget_vocabulary()


@pytest.fixture
def world(world_module, db) -> World:
    return world_module


# The fields ------------------------------------------------------------------------------------

# Why each refusing field refuses: a list of choices, a code with a format, an address. Any
# other text field must carry the payload (and so is rendered by the tests below).
REFUSING = {
    "Category.slug",
    "CertificationScheme.slug",
    "Organisation.slug",
    "Organisation.kind",
    "Organisation.siren",
    "Organisation.siret",
    "Organisation.naf_code",
    "Organisation.wikidata_id",
    "Organisation.email",
    "Organisation.phone",
    "Organisation.postcode",
    "Organisation.commune_insee",
    "Organisation.headcount_band",
    "Organisation.membership_status",
    "Offering.slug",
    "Offering.kind",
    "Offering.cpv_codes",
    "Offering.service_kind",
    "Offering.delivery_mode",
    "Offering.hosting_kind",
    "Offering.datacenter_country",
    "Offering.operator_eu_owned",
    "Offering.extraterritorial_exposure",
    "Offering.pricing_model",
    "Offering.machine_type",
    "Offering.machine_access",
    "Reference.role",
    "Reference.cpv_codes",
    "Software.slug",
    "Software.licence",
    "Software.wikidata_id",
    "Software.software_type",
    "Software.development_status",
    "Software.maintenance_type",
    "Software.platforms",
    "SoftwareRelation.role",
    "Person.slug",
    "Person.role",
    "Person.territory",
    "Person.email",
    "Person.phone",
    "Event.slug",
    "Event.commune_insee",
}


def test_the_fields_that_refuse_a_payload(world):
    """Every other text field of the public models carries one to the pages."""
    assert set(world.filled.refused) == REFUSING, world.filled.refused
    carried = world.filled.carried
    for name in ("Organisation.description_fr", "Person.bio_en", "Event.place"):
        assert PAYLOAD in carried[name]
    assert PAYLOAD in carried["Offering.tags"][0]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_no_web_address_field_takes_a_script_or_data_url(url):
    url_fields = [
        (model, f)
        for model in PUBLIC_MODELS
        for f in model._meta.concrete_fields
        if isinstance(f, models.URLField)
    ]
    assert len(url_fields) >= 10
    for model, url_field in url_fields:
        with pytest.raises(ValidationError):
            url_field.clean(url, model())


def test_web_address_fields_carry_quotes_and_markup_escaped(world):
    """Django's URL validator lets any character but spaces into the path: the pages must
    escape it inside href="" (checked on every page below)."""
    assert world.filled.carried["Organisation.website"] == URLS[0]
    assert world.filled.carried["Event.url"] == URLS[0]


# The pages -------------------------------------------------------------------------------------

PAGES = [
    "home",
    "organisation",
    "software",
    "service offering",
    "hosting offering",
    "machine offering",
    "person",
    "event",
    "search",
    "search, hosting facets",
    "search, browsing with facets",
    "map",
    "observatory",
]


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("page", PAGES)
def test_a_page_shows_the_payload_as_text(client, world, page, language):
    path = language + world.pages[page]
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.text
    assert_inert(html, path)
    assert PAYLOAD in shown_text(html) or "<svg onload=alert(1)>" in shown_text(html), path


def test_every_carried_field_of_an_entry_page_is_on_it_as_text(client, world):
    """Spot check that the pages are not inert only because they leave the payload out."""
    text = shown_text(client.get("/en/organisations/xss-organisation/").text)
    assert text.count(PAYLOAD) >= 10


def test_every_link_of_the_pages_keeps_a_web_address(client, world):
    for page in ("organisation", "software", "event", "hosting offering"):
        html = client.get(world.pages[page]).text
        hrefs = [e.attrs["href"] for e in read_html(html).elements if "href" in e.attrs]
        assert any(href == URLS[0] for href in hrefs), page  # the full payload, in one href
        assert not [href for href in hrefs if dangerous_url(href)]


@pytest.mark.parametrize(
    "path",
    [
        f"/search/?q={quote(PAYLOAD)}",
        f"/en/search/?q={quote(PAYLOAD)}&kind=organisation",
        f"/map/?q={quote(PAYLOAD)}",
        f"/search/?q=x&departement={quote(PAYLOAD)}",
        f"/search/?q=x&sort={quote(PAYLOAD)}",
        f"/organisations/{quote(PATH_PAYLOAD, safe='')}/",
        f"/en/no/such/{quote(PAYLOAD, safe='')}/",
        f"/tenders/?q={quote(PAYLOAD)}",
    ],
)
def test_a_payload_in_the_address_is_not_reflected_as_markup(client, world, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404), path
    assert_inert(response.text, path)


# Feeds, exports and the API --------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/",
        "/en/feeds/",
        "/feeds/kind/organisation/",
        "/feeds/kind/offering/",
        "/feeds/departement/33/",
        "/feeds/category/xss-category/",
        "/search/?category=xss-category",  # the feed the search page links to
    ],
)
def test_a_feed_is_well_formed_and_its_html_summaries_are_inert(client, world, path):
    response = client.get(path)
    if path.startswith("/search/"):
        links = [
            e.attrs["href"]
            for e in read_html(response.text).elements
            if e.tag == "link" and "atom" in e.attrs.get("type", "")
        ]
        assert links, "the search page links its feed"
        response = client.get(links[0])
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries, path
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert any(PAYLOAD in title for title in titles), titles  # plain text, as typed
    for entry in entries:
        for summary in entry.findall(f"{ATOM}summary") + entry.findall(f"{ATOM}content"):
            assert_inert(summary.text or "", f"{path} summary")
        for link in entry.findall(f"{ATOM}link"):
            assert not dangerous_url(link.get("href", ""))


def strings_in(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)


def assert_plain_json(response, path: str, content_type: str = "application/json") -> Any:
    """Served as JSON (a browser never renders it as a page), parsed, the payload in it as the
    plain string it was typed, not HTML-escaped."""
    assert response.status_code == 200, (path, response.content[:300])
    assert response["Content-Type"].startswith(content_type), response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.content)
    strings = list(strings_in(data))
    assert any(PAYLOAD in s for s in strings), path
    assert not any("&lt;script" in s or "&quot;&gt;" in s for s in strings), path
    return data


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (f"/search/results.json?q={MARK}", "application/json"),
        (f"/en/search/results.json?q={MARK}&kind=offering", "application/json"),
        (f"/search/results.geojson?q={MARK}", "application/geo+json"),
        ("/api/organisations/xss-organisation", "application/json"),
        ("/api/organisations", "application/json"),
        ("/api/software/xss-software", "application/json"),
        ("/api/software", "application/json"),
        ("/api/offerings/xss-service", "application/json"),
        ("/api/offerings/xss-hosting", "application/json"),
        ("/api/offerings/xss-machine", "application/json"),
        ("/api/offerings", "application/json"),
        ("/api/people/xss-person", "application/json"),
        ("/api/people", "application/json"),
        ("/api/events/xss-event", "application/json"),
        ("/api/events", "application/json"),
        (f"/api/search?q={MARK}", "application/json"),
        (f"/api/search.json?q={MARK}", "application/json"),
        (f"/api/search.geojson?q={MARK}", "application/"),
        ("/federation/feed", "application/json"),
    ],
)
def test_json_answers_hold_the_payload_as_a_plain_string(client, world, path, content_type):
    assert_plain_json(client.get(path), path, content_type)


def test_an_api_error_about_a_payload_is_json_too(client, world):
    for path in (
        f"/api/organisations/{quote(PATH_PAYLOAD, safe='')}",
        f"/api/search?q=x&sort={quote(PAYLOAD)}",
        f"/api/{quote(PATH_PAYLOAD, safe='')}",
    ):
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert response["Content-Type"].startswith("application/json"), path
        json.loads(response.content)


@pytest.mark.parametrize(
    "path",
    [
        f"/search/results.csv?q={MARK}",
        f"/en/search/results.csv?q={MARK}",
        f"/api/search.csv?q={MARK}",
    ],
)
def test_the_csv_export_holds_the_payload_as_a_cell(client, world, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(PAYLOAD in cell for cell in cells)
    formulas = [c for c in cells if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c)]
    assert not formulas


def test_the_observatory_csv_files_hold_names_as_cells(client, world):
    html = client.get("/en/observatory/").text
    hrefs = {e.attrs.get("href", "") for e in read_html(html).elements}
    downloads = sorted(href for href in hrefs if href.endswith(".csv"))
    assert downloads
    seen = False
    for path in downloads:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/csv"), path
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        seen = seen or any(PAYLOAD in cell for row in rows for cell in row)
    assert seen


@pytest.mark.parametrize("path", ["/events.ics", "/events/xss-event.ics"])
def test_calendars_are_served_as_calendars(client, world, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in response.content.decode().replace("\\,", ",").replace("\r\n ", "")


def test_the_admin_change_list_and_form_show_the_payload_as_text(curator_client, world):
    """Curators read every field in the back office, where a stored payload would run with
    their rights."""
    organisation = m.Organisation.objects.get(slug="xss-organisation")
    for path in (
        "/en/admin/directory/organisation/",
        f"/en/admin/directory/organisation/{organisation.pk}/change/",
        f"/en/admin/directory/organisation/{organisation.pk}/history/",
        "/en/admin/directory/software/",
        "/en/admin/directory/offering/",
        "/en/admin/directory/person/",
        "/en/admin/directory/event/",
    ):
        response = curator_client.get(path)
        assert response.status_code == 200, path
        found = problems(_without_admin_scripts(response.text))
        # Grappe's one <style> block of admin/base_site.html, which test_headers.py is about.
        assert [p for p in found if p != "<style {}>"] == [], path
        assert PAYLOAD in shown_text(response.text) or PAYLOAD in response.text, path


def test_the_back_offices_comparison_of_versions_shows_the_payload_as_text(curator_client, world):
    """django-reversion-compare's diff view marks its output safe: it must escape the values."""
    organisation = m.Organisation.objects.get(slug="xss-organisation")
    for description in ("Hébergeur libre.", f"Hébergeur libre. {PAYLOAD}\nSecond line"):
        with reversion.create_revision():
            organisation.description_en = description
            organisation.save()
    newer, older = Version.objects.get_for_object(organisation)[:2]
    path = (
        f"/en/admin/directory/organisation/{organisation.pk}/history/compare/"
        f"?version_id1={older.pk}&version_id2={newer.pk}"
    )
    response = curator_client.get(path)
    assert response.status_code == 200
    found = problems(_without_admin_scripts(response.text))
    assert [p for p in found if p != "<style {}>"] == [], path
    assert PAYLOAD in shown_text(response.text)


def _without_admin_scripts(html: str) -> str:
    """Django's admin pages load its scripts from files, and some pass data in a JSON block of
    type application/json: both are Django's, not the payload's."""
    return html.replace('type="application/json"', 'type="application/ld+json"')


def test_client_without_session_sees_the_same(world):
    """A fresh client (no cookies): what a crawler or a first visit gets."""
    response = Client().get("/en/organisations/xss-organisation/")
    assert_inert(response.text, "fresh client")


# Calls for tenders: a notice is text someone uploads -------------------------------------------


def test_a_notice_carrying_payloads_is_shown_as_text(client, world):
    notice = (
        french_notice()
        .replace("Centre hospitalier exemple de la Côte basque", f"CH {PAYLOAD}")
        .replace("Nextcloud de données de santé", f"Nextcloud {PAYLOAD}")
        .replace("d'une plateforme Nextcloud", f"d'une plateforme Nextcloud {PAYLOAD}")
        .replace("2026-CH-042", f"REF{PATH_PAYLOAD}")
        .replace("données de santé.", f"données de santé. {PAYLOAD}")
    )
    tender = store_notice(read_notice(notice.encode(), f"avis{PATH_PAYLOAD}.txt"))
    base = f"/tenders/{tender.public_id}/"
    for path in ("/tenders/", base, base + "print/", base + "lots/1/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
        assert PAYLOAD in shown_text(response.text), path
    for path in (base + "teams.json", f"/api/tenders/{tender.public_id}"):
        assert_plain_json(client.get(path), path)
    teams = client.get(base + "teams.csv")
    assert teams.status_code == 200
    assert teams["Content-Type"].startswith("text/csv")


# Moderation: a member's proposal is read by curators, in a diff -------------------------------


def test_a_proposal_carrying_payloads_is_shown_as_text_to_curator_and_member(world):
    organisation = OrganisationFactory(
        slug="acme-libre", description_fr="Première ligne.\nAncienne ligne.\nDernière ligne."
    )
    member = member_of(organisation, "alice@acme-libre.example")
    data = current_data(m.Organisation, organisation, organisation)
    data.update(
        name=f"Acme {PAYLOAD}",
        legal_name=PAYLOAD,
        description_fr=f"Première ligne.\n{PAYLOAD} [x](javascript:alert(1))\nDernière ligne.",
        tags=f"{PAYLOAD}, libre",
    )
    outcome = moderation.save_edit(
        member, organisation, m.Organisation, organisation, data, Seen.of(organisation)
    )
    assert outcome.proposal is not None, outcome.form.errors
    pk = outcome.proposal.pk
    as_member, as_curator = Client(), Client()
    as_member.force_login(member)
    as_curator.force_login(curator(username="carla@cluster.example"))
    for client, path in (
        (as_member, f"/en/account/proposals/{pk}/"),
        (as_member, "/en/account/"),
        (as_curator, "/en/curation/"),
        (as_curator, f"/en/curation/proposals/{pk}/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
        assert PAYLOAD in shown_text(response.text), path
