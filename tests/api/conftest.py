"""Factories for what the API shows beyond tests/factories.py, and a stand-in search service."""

from datetime import date

import factory
import pytest

from tests import factories


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "search_service: end-to-end test of /api/search with the real grappe.search.service",
    )


class CertificationFactory(factories.CertificationFactory):
    """Without validity dates: valid from the start, until withdrawn."""


class ReferenceFactory(factories.ReferenceFactory):
    title = factory.Sequence(lambda n: f"Marché {n}")
    client_name = "Mairie exemple"
    year = 2023


SoftwareRelationFactory = factories.SoftwareRelationFactory
PersonFactory = factories.PersonFactory


class EventFactory(factories.EventFactory):
    starts_on = date(2025, 6, 12)


CategoryFactory = factories.CategoryFactory
fake_search = factories.fake_search
