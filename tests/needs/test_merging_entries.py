"""Merging duplicate organisations or software (grappe/directory/merging.py) keeps the needs:
their pledges, answers, partners and followers follow the entry that stays."""

from decimal import Decimal

import pytest

from grappe.directory.merging import merge
from grappe.needs import services
from grappe.needs.models import Follow, Pledge
from tests.factories import OrganisationFactory, SoftwareFactory

pytestmark = pytest.mark.django_db


def test_an_absorbed_organisations_pledge_answer_and_partnership_follow_it(
    need, answered, other_town
):
    duplicate = OrganisationFactory(name="Mérignac (doublon)")
    Pledge.objects.create(need=need, organisation=duplicate, amount=Decimal("1000"))
    answered.partners.add(duplicate)

    merge(other_town, duplicate)

    pledge = Pledge.objects.get(need=need, organisation=other_town)
    assert pledge.amount == Decimal("1000")
    assert list(answered.partners.all()) == [other_town]


def test_a_pledge_the_kept_organisation_already_made_is_not_doubled(need, town):
    duplicate = OrganisationFactory(name="Pessac (doublon)")
    Pledge.objects.create(need=need, organisation=duplicate, amount=Decimal("500"))

    report = merge(town, duplicate)

    assert Pledge.objects.filter(need=need, organisation=town).count() == 1
    assert report.dropped["needs.pledge"] == 1


def test_needs_and_followers_of_an_absorbed_software_follow_it(need, software, town_agent):
    duplicate = SoftwareFactory(name="GLPI (doublon)")
    need.software = duplicate
    need.save()
    services.follow(town_agent, software=duplicate)

    merge(software, duplicate)

    need.refresh_from_db()
    assert need.software == software
    assert Follow.objects.get(user=town_agent).software == software
