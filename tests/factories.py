"""factory_boy factories: valid entries by default, so each test states only what it is about."""

from collections.abc import Callable
from datetime import date

import factory
import pytest
from django.contrib.auth.models import User

from grappe.accounts.roles import make_curator
from grappe.directory import models as m


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    kind = m.OrganisationKind.COMPANY
    name = factory.Sequence(lambda n: f"Société exemple {n}")
    is_example = True


class SoftwareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Software

    name = factory.Sequence(lambda n: f"Logiciel {n}")
    licence = "AGPL-3.0-or-later"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Offering

    organisation = factory.SubFactory(OrganisationFactory)
    kind = m.OfferingKind.SERVICE
    service_kind = m.ServiceKind.SUPPORT
    title = factory.Sequence(lambda n: f"Offre {n}")


class CertificationSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CertificationScheme
        django_get_or_create = ("slug",)

    slug = "iso-27001"
    name = "ISO/IEC 27001"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Category

    slug = factory.Sequence(lambda n: f"categorie-{n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Certification

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = factory.SubFactory(CertificationSchemeFactory)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Reference

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Référence {n}")
    client_name = "Commune exemple"
    year = 2024
    is_example = True


class SoftwareRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SoftwareRelation

    organisation = factory.SubFactory(OrganisationFactory)
    software = factory.SubFactory(SoftwareFactory)
    role = m.SoftwareRole.PUBLISHER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Person

    name = factory.Sequence(lambda n: f"Personne Exemple {n}")
    role = m.PersonRole.AMBASSADOR
    is_example = True


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Event

    title = factory.Sequence(lambda n: f"Rencontre {n}")
    starts_on = date(2026, 6, 12)
    is_example = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")


def curator(**kwargs) -> User:
    user = UserFactory(**kwargs)
    user.save()
    return make_curator(user)


class FakeSearch:
    """Stands in for grappe.search.service.search: records the params, answers `respond`.

    Pages and the API are tested against the search contract alone with it; their integration
    tests use the real service.
    """

    def __init__(self) -> None:
        from grappe.search.query import SearchResults

        self.calls: list = []
        self.respond: Callable = lambda params: SearchResults(params=params, count=0, hits=[])

    def __call__(self, params):
        self.calls.append(params)
        return self.respond(params)


@pytest.fixture
def fake_search(monkeypatch) -> FakeSearch:
    fake = FakeSearch()
    monkeypatch.setattr("grappe.search.service.search", fake)
    return fake
