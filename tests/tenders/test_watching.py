"""A member's watch catches the open calls for tenders in its CPV branches or with its words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grappe.directory.models import Organisation
from grappe.tenders.models import Watch
from grappe.tenders.watching import caught_by
from tests.tenders.notices_for_tests import CLEANING, HOSTING_AND_TRAINING, store_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(demo):
    return Organisation.objects.get(slug="heberge-adour-exemple")


def test_a_branch_code_catches_narrower_codes(member):
    hosting = store_text(HOSTING_AND_TRAINING)
    store_text(CLEANING)
    watch = Watch.objects.create(organisation=member, name="Hosting", cpv_codes=["72400000"])

    [caught] = caught_by([watch])

    assert caught.tender == hosting
    assert caught.codes == ["72415000"]


def test_a_keyword_catches_any_inflection(member):
    store_text(HOSTING_AND_TRAINING)
    watch = Watch.objects.create(organisation=member, name="Words", keywords=["héberger"])

    [caught] = caught_by([watch])

    assert caught.words == ["héberger"]


def test_closed_calls_are_left_out(member):
    tender = store_text(HOSTING_AND_TRAINING)
    tender.deadline = timezone.now() - timedelta(days=1)
    tender.save()
    watch = Watch.objects.create(organisation=member, name="Hosting", cpv_codes=["72000000"])

    assert caught_by([watch]) == []
    assert len(caught_by([watch], include_closed=True)) == 1


def test_a_watch_on_another_trade_catches_nothing(member):
    store_text(HOSTING_AND_TRAINING)
    watch = Watch.objects.create(
        organisation=member, name="Printing", cpv_codes=["30232100"], keywords=["imprimante"]
    )

    assert caught_by([watch]) == []
