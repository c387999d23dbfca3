"""Edits become proposals with readable diffs; curators decide; nothing is overwritten silently."""

import pytest
import reversion
from django.core import mail
from django.core.exceptions import PermissionDenied
from reversion.models import Version

from grappe.accounts import moderation
from grappe.accounts.editing import current_data
from grappe.accounts.models import ProposalAction, ProposalStatus
from grappe.accounts.moderation import Conflict, Seen, StaleProposal
from grappe.directory.models import Offering, Organisation
from tests.accounts.conftest import member_of
from tests.factories import OfferingFactory

pytestmark = pytest.mark.django_db(transaction=False)


def edit(user, organisation, instance=None, model=None, note="", seen=None, **changes):
    model = model or type(instance)
    data = current_data(model, organisation, instance)
    data.update(changes)
    return moderation.save_edit(
        user, organisation, model, instance, data, seen or Seen.of(instance), note
    )


def test_a_members_edit_waits_for_a_curator_with_its_diff(acme, member):
    outcome = edit(member, acme, acme, description_fr="Hébergeur Nextcloud à Bordeaux.")

    proposal = outcome.proposal
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.action == ProposalAction.CHANGE
    assert [row["field"] for row in proposal.changes] == ["description_fr"]
    assert proposal.changes[0]["after"] == "Hébergeur Nextcloud à Bordeaux."
    acme.refresh_from_db()
    assert acme.description_fr == ""  # not live yet


def test_approval_publishes_with_history_and_notifies_the_author(
    acme, member, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = edit(member, acme, acme, phone="05 56 00 00 00").proposal
        moderation.approve(moderator, proposal)

    acme.refresh_from_db()
    assert acme.phone == "+33556000000"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by == moderator
    version = Version.objects.get_for_object(acme).first()
    assert version.revision.user == moderator
    assert f"#{proposal.pk}" in version.revision.comment
    assert [m.to for m in mail.outbox][-1] == [member.email]


def test_rejection_needs_a_reason_and_keeps_the_entry(acme, member, moderator):
    proposal = edit(member, acme, acme, name="Acme Libre SAS").proposal
    with pytest.raises(ValueError):
        moderation.reject(moderator, proposal, "  ")
    moderation.reject(moderator, proposal, "The legal name goes in its own field.")
    proposal.refresh_from_db()
    acme.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.reason == "The legal name goes in its own field."
    assert acme.name == "Acme Libre"


def test_a_curators_edit_is_published_at_once_and_recorded(acme, moderator):
    outcome = edit(moderator, acme, acme, website="https://acme-libre.example")
    acme.refresh_from_db()
    assert acme.website == "https://acme-libre.example"
    assert outcome.published
    assert outcome.proposal.status == ProposalStatus.PUBLISHED


def test_nobody_edits_an_organisation_they_do_not_belong_to(acme, other_org, member):
    with pytest.raises(PermissionDenied):
        edit(member, other_org, other_org, name="Hijacked")
    offering = OfferingFactory(organisation=other_org)
    with pytest.raises(PermissionDenied):
        moderation.propose_removal(member, offering, Seen.of(offering))


def test_the_second_save_gets_a_conflict_with_both_versions(acme, member, moderator):
    colleague = member_of(acme, "bob@acme-libre.fr")
    seen_by_both = Seen.of(acme)
    edit(moderator, acme, acme, seen=seen_by_both, commune_name="Pessac")

    with pytest.raises(Conflict) as raised:
        edit(colleague, acme, acme, seen=seen_by_both, commune_name="Talence")

    rows = {row["field"]: row for row in raised.value.rows}
    assert rows["commune_name"]["theirs"] == "Pessac"
    assert rows["commune_name"]["yours"] == "Talence"
    acme.refresh_from_db()
    assert acme.commune_name == "Pessac"


def test_a_newer_pending_proposal_of_someone_else_is_a_conflict_too(acme, member):
    colleague = member_of(acme, "bob@acme-libre.fr")
    seen_by_both = Seen.of(acme)
    edit(member, acme, acme, seen=seen_by_both, tags="nextcloud")
    with pytest.raises(Conflict):
        edit(colleague, acme, acme, seen=seen_by_both, tags="moodle")
    # Having seen it, the colleague may propose theirs beside it.
    assert edit(colleague, acme, acme, tags="moodle").proposal.is_pending


def test_approving_after_the_fields_changed_asks_the_curator(acme, member, moderator):
    proposal = edit(member, acme, acme, commune_name="Talence").proposal
    edit(moderator, acme, acme, commune_name="Pessac")

    with pytest.raises(StaleProposal) as raised:
        moderation.approve(moderator, proposal)
    assert raised.value.rows[0] == {
        "field": "commune_name",
        "label": "Commune",
        "then": "",
        "now": "Pessac",
        "proposed": "Talence",
    }
    moderation.approve(moderator, proposal, despite_changes=True)
    acme.refresh_from_db()
    assert acme.commune_name == "Talence"


def test_approval_keeps_what_others_changed_in_other_fields(acme, member, moderator):
    proposal = edit(member, acme, acme, commune_name="Talence").proposal
    edit(moderator, acme, acme, phone="05 56 11 22 33")
    moderation.approve(moderator, proposal)
    acme.refresh_from_db()
    assert (acme.commune_name, acme.phone) == ("Talence", "+33556112233")


def test_new_offering_and_its_removal_go_through_moderation(acme, member, moderator):
    proposal = edit(
        member,
        acme,
        None,
        model=Offering,
        kind="service",
        service_kind="support",
        title="Infogérance GLPI",
    ).proposal
    assert proposal.action == ProposalAction.CREATE
    assert not Offering.objects.filter(title="Infogérance GLPI").exists()
    moderation.approve(moderator, proposal)
    offering = Offering.objects.get(title="Infogérance GLPI")
    assert offering.organisation == acme

    removal = moderation.propose_removal(member, offering, Seen.of(offering))
    assert Offering.objects.filter(pk=offering.pk).exists()
    moderation.approve(moderator, removal)
    assert not Offering.objects.filter(pk=offering.pk).exists()
    # The back office can recover it: its last version is kept.
    assert Version.objects.get_deleted(Offering).filter(object_id=str(offering.pk)).exists()


def test_invalid_values_come_back_as_form_errors_and_store_nothing(acme, member):
    outcome = edit(member, acme, acme, siren="123456789")
    assert "siren" in outcome.form.errors
    assert outcome.proposal is None
    assert not acme.proposals.exists()


def test_only_the_author_withdraws_and_decided_ones_stay_decided(acme, member, moderator):
    colleague = member_of(acme, "bob@acme-libre.fr")
    proposal = edit(member, acme, acme, commune_name="Talence").proposal
    with pytest.raises(PermissionDenied):
        moderation.withdraw(colleague, proposal)
    moderation.withdraw(member, proposal)
    with pytest.raises(ValueError):
        moderation.approve(moderator, proposal)


def test_a_member_cannot_moderate(acme, member):
    proposal = edit(member, acme, acme, commune_name="Talence").proposal
    with pytest.raises(PermissionDenied):
        moderation.approve(member, proposal)


def test_restoring_an_old_version_brings_back_the_profile(acme, member, moderator):
    with reversion.create_revision():
        acme.save()
    edit(moderator, acme, acme, description_fr="Nouvelle description")
    Version.objects.get_for_object(acme).last().revision.revert()
    assert Organisation.objects.get(pk=acme.pk).description_fr == ""
