"""Members ranked per lot, every score with its evidence; teams from the ranked members."""

from datetime import date

import pytest

from grappe.directory.models import Certification, Organisation
from grappe.tenders.matching import build_pool, match_lot, member_pool
from grappe.tenders.models import Requirement, RequirementKind, TeamConflict
from grappe.tenders.teaming import teams_for_lot
from tests.tenders.notices_for_tests import CLEANING, HOSTING_AND_TRAINING, store_text

pytestmark = pytest.mark.django_db
HDS_HOSTS = {"heberge-adour-exemple", "nuage-girondin-exemple"}


@pytest.fixture
def hosting_lot(demo):
    return store_text(HOSTING_AND_TRAINING).lots.get(lot_id="1")


def test_the_hds_hosts_come_first_with_their_evidence(hosting_lot):
    matches = match_lot(hosting_lot, limit=10)

    best = matches.members[:2]
    assert {m.member.slug for m in best} == HDS_HOSTS
    for match in best:
        capability, certification = (match.scores[r.key] for r in matches.scored)
        assert capability.covered and certification.covered
        kinds = {e.kind for e in capability.evidence}
        assert kinds == {"cpv", "words"}
        assert any("nextcloud" in e.matched for e in capability.evidence if e.kind == "words")
        assert certification.evidence[0].kind == "certification"


def test_a_certificate_expired_before_the_deadline_does_not_count(hosting_lot):
    """Datacentre du Limousin's HDS ends in March 2026, before the January 2027 deadline."""
    matches = match_lot(hosting_lot, limit=None)

    limousin = next(m for m in matches.members if m.member.slug == "datacentre-limousin-exemple")
    certification = limousin.scores[matches.scored[1].key]
    assert not certification.covered
    assert certification.evidence[0].kind == "certification_invalid"
    assert certification.evidence[0].valid_until < date(2027, 1, 15)


def test_renewing_the_certificate_changes_the_answer(hosting_lot):
    Certification.objects.filter(
        organisation__slug="datacentre-limousin-exemple", scheme__slug="hds"
    ).update(valid_until=date(2029, 12, 31))

    matches = match_lot(hosting_lot, limit=None)

    limousin = next(m for m in matches.members if m.member.slug == "datacentre-limousin-exemple")
    assert limousin.scores[matches.scored[1].key].covered


def test_geography_is_a_bonus_never_an_exclusion(hosting_lot):
    matches = match_lot(hosting_lot, limit=None)

    departements = {m.member.departement for m in matches.members}
    assert departements - {"33"}, "members outside Gironde are still ranked"
    nearby = [m for m in matches.members if m.member.departement == "33"]
    assert nearby and all(m.geography.score == 1.0 for m in nearby)


def test_a_lot_nobody_in_the_cluster_does_has_no_good_match(demo):
    lot = store_text(CLEANING).lots.get()

    matches = match_lot(lot, limit=5)

    assert all(m.score < 0.4 for m in matches.members)
    assert [r.label for r in matches.gaps] == [lot.requirements.get().label]


def test_only_members_and_partners_are_candidates(hosting_lot):
    Organisation.objects.filter(slug="heberge-adour-exemple").update(membership_status="none")

    matches = match_lot(hosting_lot, limit=None)

    assert "heberge-adour-exemple" not in {m.member.slug for m in matches.members}


def test_the_pool_is_rebuilt_when_the_index_changes(hosting_lot):
    first = member_pool()
    assert member_pool() is first
    Organisation.objects.filter(slug="heberge-adour-exemple").update(turnover_amount=1)
    Organisation.objects.get(slug="heberge-adour-exemple").save()

    assert member_pool() is not first


def test_teams_cover_every_mandatory_requirement_with_one_lead(hosting_lot):
    lot_teams = teams_for_lot(hosting_lot)

    assert lot_teams.teams and not lot_teams.gaps
    for proposed in lot_teams.teams:
        team = proposed.team
        assert team.missing == []
        assert sum(1 for member in team.members if member.role == "lead") == 1
        assert proposed.lead.can_lead
        for requirement, cells in proposed.rows:
            assert any(cell.answers for cell in cells), requirement.label


def test_a_turnover_only_a_group_reaches_makes_a_group(hosting_lot):
    turnover = hosting_lot.requirements.get(kind=RequirementKind.TURNOVER)
    turnover.threshold = 4_000_000
    turnover.save()

    best = teams_for_lot(hosting_lot).teams[0].team

    assert len(best.members) >= 2
    assert best.thresholds_met == {"turnover": True}
    assert best.totals["turnover"] >= 4_000_000
    assert best.grouping_form == "joint_lead_liable"


def test_conflicting_members_never_share_a_team(hosting_lot):
    turnover = hosting_lot.requirements.get(kind=RequirementKind.TURNOVER)
    turnover.threshold = 4_000_000
    turnover.save()
    first = teams_for_lot(hosting_lot).teams[0].team
    a, b = sorted(first.keys)[:2]
    TeamConflict.objects.create(first_id=a, second_id=b, reason="dispute")

    for proposed in teams_for_lot(hosting_lot).teams:
        assert not {a, b} <= proposed.team.keys


def test_an_optional_requirement_is_not_needed_to_form_a_team(hosting_lot):
    Requirement.objects.filter(lot=hosting_lot, kind=RequirementKind.CERTIFICATION).update(
        mandatory=False
    )

    lot_teams = teams_for_lot(hosting_lot)

    assert lot_teams.problem.optional and lot_teams.teams


def test_a_pool_without_members_matches_nobody(hosting_lot):
    Organisation.objects.update(membership_status="none")

    matches = match_lot(hosting_lot, pool=build_pool())

    assert matches.members == []
    assert teams_for_lot(hosting_lot, matches=matches).teams == []
