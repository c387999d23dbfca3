"""Teaming conflicts: one row per pair, and they survive a merge of duplicates."""

import pytest
from django.db import IntegrityError, transaction

from grappe.directory.merging import merge
from grappe.tenders.models import TeamConflict, Watch
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_pair_is_stored_once_whichever_way_it_is_given():
    a, b = OrganisationFactory(), OrganisationFactory()
    TeamConflict.objects.create(first=b, second=a)

    with pytest.raises(IntegrityError), transaction.atomic():
        TeamConflict.objects.create(first=a, second=b)
    assert TeamConflict.pairs() == {frozenset({a.pk, b.pk})}


def test_merging_moves_conflicts_and_watches_and_drops_a_conflict_between_the_two():
    kept, absorbed, rival, other = (OrganisationFactory() for _ in range(4))
    TeamConflict.objects.create(first=absorbed, second=rival, reason="dispute")
    TeamConflict.objects.create(first=kept, second=absorbed, reason="the same company")
    TeamConflict.objects.create(first=kept, second=other)
    TeamConflict.objects.create(first=absorbed, second=other)
    Watch.objects.create(organisation=absorbed, name="Hosting", cpv_codes=["72415000"])

    merge(kept, absorbed)

    assert TeamConflict.pairs() == {frozenset({kept.pk, rival.pk}), frozenset({kept.pk, other.pk})}
    assert Watch.objects.get().organisation == kept
