"""Factories and fixtures of the public pages' tests."""

import itertools
import json
import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser

import pytest
from django.utils.safestring import mark_safe

from grappe.directory import models as m
from grappe.search.query import FacetValue, Hit, SearchParams, SearchResults
from tests import factories
from tests.factories import (
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "integration: drives the real search engine (grappe.search.service)"
    )


CategoryFactory = factories.CategoryFactory
ReferenceFactory = factories.ReferenceFactory
EventFactory = factories.EventFactory


class CertificationFactory(factories.CertificationFactory):
    valid_from = date(2024, 1, 1)
    valid_until = date(2099, 1, 1)


class SoftwareRelationFactory(factories.SoftwareRelationFactory):
    role = m.SoftwareRole.USER


class PersonFactory(factories.PersonFactory):
    role = m.PersonRole.EXPERT


def populate_organisation(organisation: m.Organisation, count: int) -> None:
    """`count` rows of every kind the organisation page shows, each with its own relations."""
    for n in range(count):
        software = SoftwareFactory()
        software.categories.add(CategoryFactory())
        offering = OfferingFactory(organisation=organisation)
        offering.software.add(software)
        OfferingFactory(
            organisation=organisation,
            kind=m.OfferingKind.HOSTING,
            service_kind="",
            hosting_kind=m.HostingKind.SAAS,
        )
        CertificationFactory(
            organisation=organisation,
            scheme=CertificationSchemeFactory(slug=f"scheme-{n}", name=f"Scheme {n}"),
        )
        reference = ReferenceFactory(organisation=organisation, client=OrganisationFactory())
        reference.software.add(software)
        reference.partners.add(OrganisationFactory())
        for role in m.SoftwareRole.values:
            SoftwareRelationFactory(organisation=organisation, software=software, role=role)
        PersonFactory(organisation=organisation, contact_consent=True, email=f"p{n}@example.org")
        EventFactory(organiser=organisation)


def populate_software(software: m.Software, count: int) -> None:
    for _n in range(count):
        software.categories.add(CategoryFactory())
        software.similar.add(SoftwareFactory())
        for role in m.SoftwareRole.values:
            SoftwareRelationFactory(software=software, role=role, testimony_en="Works well.")
        hosting = OfferingFactory(
            kind=m.OfferingKind.HOSTING, service_kind="", hosting_kind=m.HostingKind.MANAGED
        )
        hosting.software.add(software)
        OfferingFactory().software.add(software)


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html: str) -> dict:
    """The page's one JSON-LD block, parsed."""
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


def hit(kind: str = "organisation", n: int = 1, **changes) -> Hit:
    values = {
        "kind": kind,
        "id": n,
        "slug": f"entry-{n}",
        "name": f"Entry {n}",
        "url": f"/organisations/entry-{n}/",
        "score": 1.0,
        "snippet": "about nextcloud",
        "snippet_html": mark_safe("about <mark>nextcloud</mark>"),
        "subtitle": "Company · Pessac",
        "is_example": False,
        "is_member": False,
        "departement": "33",
    }
    values.update(changes)
    return Hit(**values)


FakeSearch = factories.FakeSearch
fake_search = factories.fake_search


@pytest.fixture
def facet_results() -> Callable[..., SearchResults]:
    """Results with two facets (one value selected) and as many hits as the page holds."""

    def build(params: SearchParams, count: int = 95) -> SearchResults:
        shown = max(0, min(params.page_size, count - (params.page - 1) * params.page_size))
        return SearchResults(
            params=params,
            count=count,
            hits=[hit(n=n) for n in range(shown)],
            facets={
                "kind": [
                    FacetValue("organisation", "Organisation", 60, params.kind == "organisation"),
                    FacetValue("software", "Software", 35, params.kind == "software"),
                ],
                "departement": [
                    FacetValue("33", "33 – Gironde", 40, params.departement == "33"),
                    FacetValue("64", "64 – Pyrénées-Atlantiques", 20, params.departement == "64"),
                ],
            },
        )

    return build


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(html: str) -> list[int]:
    parser = _Outline()
    parser.feed(html)
    return parser.levels


def assert_well_outlined(html: str) -> None:
    """One h1, first; no heading skips a level on the way down."""
    levels = heading_levels(html)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, levels
