"""The cast of a coalition: two towns that need the same thing, two companies that answer, a
member of an unrelated organisation, a person without a confirmed address, a curator."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from grappe.directory.models import OrganisationKind, Software
from grappe.needs import services
from grappe.needs.models import NeedKind, Visibility
from tests.accounts.conftest import member_of
from tests.factories import OrganisationFactory, SoftwareFactory, UserFactory, curator


def public_body(name: str, postcode: str):
    return OrganisationFactory(name=name, kind=OrganisationKind.PUBLIC_BODY, postcode=postcode)


@pytest.fixture
def town(db):
    return public_body("Ville de Pessac", "33600")


@pytest.fixture
def town_agent(town):
    return member_of(town, "agent@pessac.fr")


@pytest.fixture
def other_town(db):
    return public_body("Ville de Mérignac", "33700")


@pytest.fixture
def other_agent(other_town):
    return member_of(other_town, "agent@merignac.fr")


@pytest.fixture
def company(db):
    return OrganisationFactory(name="Acme Libre", website="https://acme-libre.fr")


@pytest.fixture
def developer(company):
    return member_of(company, "dev@acme-libre.fr")


@pytest.fixture
def partner_company(db):
    return OrganisationFactory(name="Partenaire Libre", slug="partenaire-libre")


@pytest.fixture
def unrelated(db):
    return OrganisationFactory(name="Autre Société")


@pytest.fixture
def outsider(unrelated):
    """A member of another organisation, in none of the coalition."""
    return member_of(unrelated, "someone@autre.example")


@pytest.fixture
def unconfirmed(db):
    user = UserFactory(username="new@example.org", email="new@example.org")
    user.save()
    return user


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture
def moderator(db):
    return curator(username="carla", email="carla@cluster.example")


@pytest.fixture
def software(db):
    """GLPI, the demo's own when the demo data is loaded."""
    return Software.objects.filter(slug="glpi").first() or SoftwareFactory(name="GLPI", slug="glpi")


@pytest.fixture
def need(town_agent, town, software):
    """Posted by Pessac with a budget only the coalition sees."""
    return services.post_need(
        town_agent,
        organisation=town,
        title="Module de prêt de matériel pour GLPI",
        description="Un module pour **prêter** des ordinateurs portables aux agents.",
        kind=NeedKind.MODULE,
        software=software,
        amount=Decimal("20000"),
        amount_visibility=Visibility.COALITION,
    )


@pytest.fixture
def answered(need, developer, company):
    return services.answer(
        developer,
        need,
        company,
        scope="Le module, ses tests, sa doc.",
        price="18000",
        duration_days=60,
    )
