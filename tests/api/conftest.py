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


# Accounts, for the write API (tests/api/test_profiles_write.py, tests/api/test_auth.py): the
# organisation and people of tests/accounts/conftest.py, and API tokens.


@pytest.fixture
def acme(db):
    return factories.OrganisationFactory(name="Acme Libre", website="https://www.acme-libre.fr")


@pytest.fixture
def other_org(db):
    return factories.OrganisationFactory(name="Autre Société", website="https://autre.example")


@pytest.fixture
def member(acme):
    from tests.accounts.conftest import member_of

    return member_of(acme, "alice@acme-libre.fr")


@pytest.fixture
def moderator(db):
    return factories.curator(username="carla", email="carla@cluster.example")


def bearer(user, scopes=("profiles:write",), **kwargs) -> dict[str, str]:
    """The header of a new API token of the user, with these scopes."""
    from grappe.accounts import tokens

    _token, key = tokens.issue(user, "test", list(scopes), **kwargs)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
