"""Similar needs before posting (BM25 over open needs), and the team the tenders engine would
propose for a need, on the demo data."""

import pytest

from grappe.directory.models import Offering, Organisation, Software
from grappe.directory.models.organisations import MembershipStatus
from grappe.needs import services
from grappe.needs.models import Need, NeedKind, NeedStatus
from grappe.needs.similar import need_lot, suggest_team
from tests.factories import SoftwareFactory

pytestmark = pytest.mark.django_db


def post(user, organisation, title, description="", **values):
    return services.post_need(
        user,
        organisation=organisation,
        title=title,
        description=description or title,
        kind=values.pop("kind", NeedKind.MODULE),
        **values,
    )


@pytest.fixture
def board(town_agent, town, software):
    return {
        "loans": post(
            town_agent,
            town,
            "Module de prêt de matériel pour GLPI",
            "Prêter des ordinateurs portables aux agents et suivre les retours.",
            software=software,
        ),
        "rooms": post(
            town_agent,
            town,
            "Réservation de salles de réunion",
            "Réserver les salles municipales en ligne.",
        ),
        "training": post(
            town_agent,
            town,
            "Formation QGIS des agents",
            "Former vingt agents à QGIS.",
            kind=NeedKind.TRAINING,
        ),
    }


def test_a_near_duplicate_title_finds_the_need(board):
    found = services.similar_needs("Prêt de matériel informatique dans GLPI")
    assert found[0] == board["loans"]
    assert board["training"] not in found


def test_words_are_matched_whatever_their_form(board):
    """Stems and accents: “réservations” and “salle” meet “Réservation de salles”."""
    assert services.similar_needs("reservations d'une salle") == [board["rooms"]]


def test_an_unrelated_text_finds_nothing(board):
    assert services.similar_needs("Boulangerie artisanale") == []
    assert services.similar_needs("") == []


def test_needs_of_the_same_software_come_first(board, town_agent, town):
    other_software = SoftwareFactory(name="Nextcloud", slug="nextcloud-test")
    nextcloud_loans = post(
        town_agent,
        town,
        "Module de prêt de matériel pour Nextcloud",
        "Prêter des ordinateurs portables aux agents et suivre les retours.",
        software=other_software,
    )
    text = "Prêt de matériel et d'ordinateurs portables"
    assert services.similar_needs(text, software=other_software)[0] == nextcloud_loans
    assert services.similar_needs(text, software=board["loans"].software)[0] == board["loans"]


def test_only_open_needs_and_not_the_need_itself(board):
    loans = board["loans"]
    assert services.similar_needs(loans.title, exclude=loans)[:1] != [loans]
    Need.objects.filter(pk=loans.pk).update(status=NeedStatus.ARCHIVED)
    assert loans not in services.similar_needs(loans.title)


def test_limit(board):
    assert len(services.similar_needs("agents salles GLPI prêt QGIS formation", limit=1)) <= 1


# The team, with the demo data.


def demo_need(title: str, description: str, kind: str, software: str | None = None) -> Need:
    """Unsaved: the engine reads the need, never stores a lot for it."""
    return Need(
        title=title,
        description=description,
        kind=kind,
        software=Software.objects.get(slug=software) if software else None,
        departement="33",
    )


def test_a_hosting_need_gets_a_team_of_hosting_members(demo):
    need = demo_need(
        "Hébergement de Nextcloud pour nos agents",
        "Un Nextcloud hébergé en France pour 200 agents, avec sauvegardes.",
        NeedKind.HOSTING,
        "nextcloud",
    )

    team = services.suggest_team(need)

    assert team is not None and team.gaps == []
    assert team.lead is not None
    for member in team.members:
        organisation = Organisation.objects.get(pk=member.organisation_id)
        assert organisation.membership_status in (MembershipStatus.MEMBER, MembershipStatus.PARTNER)
        assert member.answers, member.name
    lead = Organisation.objects.get(pk=team.lead.organisation_id)
    hosting = Offering.objects.filter(organisation=lead, cpv_codes__icontains="72415000")
    assert hosting.exists(), f"{lead} offers no hosting"
    assert team.as_dict()["members"][0]["url"] == lead.get_absolute_url()


def test_a_training_need_gets_a_trainer(demo):
    need = demo_need("Formation QGIS des agents", "Former 20 agents à QGIS.", NeedKind.TRAINING)

    team = suggest_team(need, max_members=2)

    assert team is not None and 1 <= len(team.members) <= 2
    lead = Organisation.objects.get(pk=team.lead.organisation_id)
    assert Offering.objects.filter(organisation=lead, title__icontains="QGIS").exists()


def test_the_lot_says_what_the_need_is(software):
    need = Need(
        title="Maintenance de GLPI",
        description="Support",
        kind="maintenance",
        software=software,
        departement="64",
    )
    lot = need_lot(need)
    (requirement,) = lot.requirements
    assert requirement.cpv_codes == ["72267000"] and requirement.mandatory
    assert "GLPI" in requirement.keywords
    assert lot.nuts == ["FRI15"]  # Pyrénées-Atlantiques: the engine's geography bonus


def test_a_need_nobody_covers_gets_no_team(demo):
    need = demo_need("Boulangerie", "Pain au levain et viennoiseries.", NeedKind.OTHER)
    assert services.suggest_team(need) is None
