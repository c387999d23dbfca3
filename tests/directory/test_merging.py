"""Merging two organisations, or two software, that are one: nothing that pointed to either is
lost, the kept entry takes the other's missing facts, the history says what happened."""

from datetime import date

import pytest
from reversion.models import Version

from grappe.directory import models as m
from grappe.directory.merging import MergeError, merge
from tests.factories import (
    CertificationFactory,
    OfferingFactory,
    OrganisationFactory,
    PersonFactory,
    ReferenceFactory,
    SoftwareFactory,
    SoftwareRelationFactory,
)
from tests.web.conftest import EventFactory

pytestmark = pytest.mark.django_db


def test_every_relation_of_the_absorbed_organisation_moves_to_the_kept_one():
    kept = OrganisationFactory(name="Nuage Girondin", website="https://nuage.example.org")
    absorbed = OrganisationFactory(
        name="Nuage girondin SAS", siren="732829320", phone="+33536493310"
    )
    software = SoftwareFactory()
    offering = OfferingFactory(organisation=absorbed)
    certification = CertificationFactory(organisation=absorbed, valid_from=date(2025, 1, 1))
    SoftwareRelationFactory(organisation=absorbed, software=software, role="host")
    SoftwareRelationFactory(organisation=kept, software=software, role="host")  # already there
    reference = ReferenceFactory(organisation=absorbed)
    as_client = ReferenceFactory(client=absorbed)
    as_partner = ReferenceFactory()
    as_partner.partners.add(absorbed)
    person = PersonFactory(organisation=absorbed)
    event = EventFactory(organiser=absorbed)

    report = merge(kept, absorbed)

    assert not m.Organisation.objects.filter(pk=absorbed.pk).exists()
    for row in (offering, certification, reference, person):
        row.refresh_from_db()
        assert row.organisation == kept
    as_client.refresh_from_db()
    event.refresh_from_db()
    assert as_client.client == kept and event.organiser == kept
    assert list(as_partner.partners.all()) == [kept]
    assert kept.software_relations.count() == 1  # the same relation is not doubled
    assert report.dropped == {"directory.softwarerelation": 1}
    kept.refresh_from_db()
    assert (kept.siren, kept.phone) == ("732829320", "+33536493310")  # its missing facts
    assert kept.website == "https://nuage.example.org"  # its own facts stay
    assert set(report.filled) >= {"siren", "phone"}


def test_the_history_keeps_both_entries_and_says_who_merged(django_user_model):
    curator = django_user_model.objects.create(username="curator")
    kept, absorbed = OrganisationFactory(), OrganisationFactory(name="Doublon")
    absorbed_pk = absorbed.pk
    merge(kept, absorbed, user=curator)
    latest = Version.objects.get_for_object(kept).first()
    assert latest.revision.user == curator
    assert "Doublon" in latest.revision.get_comment()
    # The absorbed entry's versions are still there: it can be recovered from the history.
    deleted = Version.objects.get_deleted(m.Organisation)
    assert absorbed_pk in {int(v.object_id) for v in deleted}


def test_two_software_merge_with_their_categories_offerings_and_similar_software():
    kept, absorbed = SoftwareFactory(name="Nextcloud"), SoftwareFactory(name="NextCloud Hub")
    other = SoftwareFactory()
    absorbed.similar.add(other, kept)
    offering = OfferingFactory()
    offering.software.add(absorbed)
    relation = SoftwareRelationFactory(software=absorbed)
    reference = ReferenceFactory()
    reference.software.add(absorbed)
    merge(kept, absorbed)
    assert list(offering.software.all()) == [kept]
    assert list(reference.software.all()) == [kept]
    relation.refresh_from_db()
    assert relation.software == kept
    assert list(kept.similar.all()) == [other]  # never similar to itself


def test_the_review_list_pair_is_settled_and_other_pairs_follow_the_kept_entry():
    kept, absorbed, third = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    pair = m.DuplicateCandidate.objects.create(
        organisation=kept, other_organisation=absorbed, reason="same name"
    )
    other = m.DuplicateCandidate.objects.create(
        organisation=third, other_organisation=absorbed, reason="similar name"
    )
    merge(kept, absorbed)
    assert not m.DuplicateCandidate.objects.filter(pk=pair.pk).exists()
    other.refresh_from_db()
    assert (other.organisation, other.other_organisation) == (third, kept)


def test_only_two_entries_of_one_kind_merge():
    organisation = OrganisationFactory()
    with pytest.raises(MergeError):
        merge(organisation, organisation)
    with pytest.raises(MergeError):
        merge(organisation, SoftwareFactory())


def test_the_relations_a_merge_moves_are_the_ones_the_tests_above_cover():
    """A relation added to the models is moved by merge() (it walks them all), but it must
    also be covered by a test above: this list fails until it is."""
    relations = {
        model.__name__: sorted(
            f"{r.related_model.__name__}.{r.field.name}" for r in model._meta.related_objects
        )
        for model in (m.Organisation, m.Software)
    }
    assert relations == {
        "Organisation": [
            # tests/needs/test_merging_entries.py
            "Answer.organisation",
            "Answer.partners",
            "Certification.organisation",
            "Event.organiser",
            # tests/accounts/test_merge.py
            "Membership.organisation",
            "Need.organisation",
            "Offering.organisation",
            "Person.organisation",
            "Pledge.organisation",
            "Proposal.organisation",
            "Reference.client",
            "Reference.organisation",
            "Reference.partners",
            "SoftwareRelation.organisation",
            # tests/tenders/test_conflicts.py
            "TeamConflict.first",
            "TeamConflict.second",
            "Watch.organisation",
        ],
        "Software": [
            # tests/needs/test_merging_entries.py
            "Follow.software",
            "Need.software",
            "Offering.software",
            "Reference.software",
            "Software.similar",
            "SoftwareRelation.software",
        ],
    }
