import pytest
from django.utils import timezone

from grappe.accounts.models import ClaimMethod, Membership, MembershipStatus, Profile
from tests.factories import OrganisationFactory, UserFactory, curator


def member_of(organisation, email: str | None = None, **kwargs):
    """An account with a confirmed address and an approved membership of the organisation."""
    user = UserFactory(**({"email": email, "username": email} if email else {}), **kwargs)
    user.save()  # keeps the password the factory set
    Profile.objects.create(user=user, email_confirmed_at=timezone.now())
    Membership.objects.create(
        user=user,
        organisation=organisation,
        status=MembershipStatus.APPROVED,
        method=ClaimMethod.CURATOR,
    )
    return user


@pytest.fixture
def acme(db):
    return OrganisationFactory(name="Acme Libre", website="https://www.acme-libre.fr")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Autre Société", website="https://autre.example")


@pytest.fixture
def member(acme):
    return member_of(acme, "alice@acme-libre.fr")


@pytest.fixture
def moderator(db):
    return curator(username="carla", email="carla@cluster.example")
