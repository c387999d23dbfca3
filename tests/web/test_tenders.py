"""The calls for tenders pages on the demo data: adding a notice (pasted, uploaded, refused), the
tender and lot pages with ranked members, evidence and teams, editing a lot before matching, the
exports, members' watches, and who may do what.

Strings the matching writes (evidence, roles) are checked on the English pages: the French
catalogue translates them later, and the French pages are checked on their data and structure.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from grappe.directory.models import CertificationScheme, Organisation
from grappe.tenders.exporting import TEAM_COLUMNS
from grappe.tenders.models import Lot, RequirementKind, Tender, Watch
from grappe.tenders.notices import read_notice
from grappe.tenders.storing import store_notice
from tests.accounts.conftest import member_of
from tests.conftest import shared_data
from tests.factories import UserFactory
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db

HDS_HOLDERS = {"heberge-adour-exemple", "nuage-girondin-exemple"}
FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


def french_notice() -> str:
    """Nextcloud hosting with HDS and a minimum turnover, and a training lot; the deadline two
    months ahead, so that the call stays open and the demo's HDS certificates valid on it."""
    deadline = timezone.localdate() + timedelta(days=60)
    day = f"{deadline.day} {FRENCH_MONTHS[deadline.month - 1]} {deadline.year}"
    return f"""\
AVIS D'APPEL PUBLIC À LA CONCURRENCE

Acheteur : Centre hospitalier exemple de la Côte basque
Objet du marché : Hébergement Nextcloud de données de santé et formation des agents
Référence : 2026-CH-042
Type de procédure : appel d'offres ouvert
Code CPV principal : 72000000-5
Lieu d'exécution : Bayonne (code NUTS FRI15)

Le marché est alloti :
Lot n° 1 : Hébergement et infogérance d'une plateforme Nextcloud (CPV 72415000-2)
Valeur estimée : 120 000 € HT.
Durée du marché : 36 mois.
Le titulaire devra être certifié HDS pour l'hébergement des données de santé.
Lot n° 2 : Formation des agents à Nextcloud (CPV 80533100-0)
Valeur estimée : 20 000 € HT.
Durée du marché : 12 mois.

Conditions de participation
Pour le lot n° 1 : chiffre d'affaires annuel minimum de 5 000 000 euros HT.
En cas de groupement, la forme souhaitée est le groupement conjoint avec mandataire solidaire.

Date limite de remise des offres : {day} à 12h00 (heure de Paris)
"""


@pytest.fixture
def tender(demo) -> Tender:
    return store_notice(read_notice(french_notice().encode(), "avis-ch.txt"))


@pytest.fixture
def member_user(db):
    """Allowed nothing (saved, so that its session survives the unsaved password)."""
    user = UserFactory()
    user.save()
    return user


def with_permissions(user, *codenames: str):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="tenders", codename__in=codenames)
    )
    return user


def lot_url(tender: Tender, lot_id: str = "1", *, language: str = "", suffix: str = "") -> str:
    return f"{language}/tenders/{tender.public_id}/lots/{lot_id}/{suffix}"


def member_slugs(html: str) -> list[str]:
    """The organisations of the ranked members list, in their order."""
    ranked = html.split('<ol class="members">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h3 class="member-name"><a href="/(?:en/)?organisations/([^/]+)/', ranked)


def member_score(html: str, slug: str) -> int:
    """The percentage a ranked member scores, read from its entry."""
    entry = html.split(f'<h3 class="member-name"><a href="/en/organisations/{slug}/"', 1)[1]
    return int(re.search(r"Score: (\d+) %", entry).group(1))


def team_sections(html: str) -> list[str]:
    return html.split('<section class="team"')[1:]


# Adding a call for tenders ----------------------------------------------------------------


def test_a_visitor_sees_the_latest_tenders_and_a_login_link_not_the_form(client, tender):
    html = client.get("/tenders/").text
    assert '<html lang="fr">' in html
    assert f'<a href="/tenders/{tender.public_id}/">{tender.title}</a>' in html
    assert "Centre hospitalier exemple de la Côte basque" in html
    assert "<td>2</td>" in html  # two lots
    assert 'name="notice_text"' not in html and 'name="notice_file"' not in html
    assert 'href="/account/login/?next=%2Ftenders%2F"' in html
    assert_well_outlined(html)


def test_a_visitor_cannot_add_a_tender(client, demo):
    response = client.post("/tenders/", {"notice_text": french_notice()})
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Ftenders%2F"
    assert not Tender.objects.exists()


def test_a_user_without_the_permission_gets_no_form_and_a_403(client, member_user, demo):
    client.force_login(member_user)
    html = client.get("/en/tenders/").text
    assert 'name="notice_text"' not in html
    assert "Your account may not add calls for tenders" in html
    assert client.post("/tenders/", {"notice_text": french_notice()}).status_code == 403
    assert not Tender.objects.exists()


def test_a_curator_pastes_a_french_notice_and_lands_on_its_page(curator_client, demo):
    page = curator_client.get("/tenders/").text
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label for="id_notice_text">' in page and '<label for="id_notice_file">' in page

    response = curator_client.post("/tenders/", {"notice_text": french_notice()})
    tender = Tender.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tenders/{tender.public_id}/"
    assert tender.created_by == curator_client.user
    assert tender.source_format == "text"
    assert [lot.lot_id for lot in tender.lots.all()] == ["1", "2"]

    html = curator_client.get(response["Location"]).text
    assert "<h1>Hébergement Nextcloud de données de santé et formation des agents</h1>" in html
    assert "Centre hospitalier exemple de la Côte basque" in html
    assert "2026-CH-042" in html
    assert "FRI15 (64 – Pyrénées-Atlantiques)" in html
    assert "groupement conjoint avec mandataire solidaire" in html
    assert "Hébergement et infogérance d&#x27;une plateforme Nextcloud" in html
    assert "72415000 – Services d&#x27;hébergement" in html  # the CPV label, in French
    assert "80533100 – Services de formation informatique" in html
    assert "Hébergeur de données de santé (HDS)" in html
    assert "120\xa0000\xa0€" in html
    for lot_id in ("1", "2"):
        assert f'href="{lot_url(tender, lot_id)}"' in html
        assert f'href="{lot_url(tender, lot_id, suffix="edit/")}"' in html
    assert f'href="/tenders/{tender.public_id}/teams.csv"' in html
    assert_well_outlined(html)


def test_an_eforms_file_from_the_eu_is_read(curator_client, demo):
    path = shared_data("procurement/eforms-sdk/notices/cn_24_minimal.xml")
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/xml")
    response = curator_client.post("/en/tenders/", {"notice_file": upload})
    tender = Tender.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/tenders/{tender.public_id}/"
    assert tender.source_format == "eforms"
    assert tender.source_name == "cn_24_minimal.xml"
    html = curator_client.get(response["Location"]).text
    assert "Publications Office of the European Union" in html
    assert "eForms (cn_24_minimal.xml)" in html
    assert "Lot LOT-0000" in html
    assert f'href="{lot_url(tender, "LOT-0000", language="/en")}"' in html
    assert curator_client.get(lot_url(tender, "LOT-0000", language="/en")).status_code == 200


def test_a_malformed_file_shows_the_reason_beside_the_field_and_stores_nothing(
    curator_client, demo
):
    upload = SimpleUploadedFile("broken.xml", b"<ContractNotice><cbc:ID>1</ContractNotice>")
    response = curator_client.post("/en/tenders/", {"notice_file": upload})
    assert response.status_code == 400
    html = response.text
    error = re.search(r'<ul class="errorlist" id="id_notice_file_error">(.*?)</ul>', html, re.S)
    assert error, html
    assert "The XML file is not well-formed." in error.group(1)
    assert "the XML is not well-formed" in error.group(1)  # the reader's own reason
    assert 'aria-describedby="id_notice_file_helptext id_notice_file_error"' in html
    assert not Tender.objects.exists()


def test_an_award_notice_is_refused_with_the_explanation(curator_client, demo):
    path = shared_data("procurement/eforms-sdk/notices/can_24_minimal.xml")
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = curator_client.post("/en/tenders/", {"notice_file": upload})
    assert response.status_code == 400
    assert "This is an award notice: it says who won a contract, not what to answer." in (
        response.text
    )
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a notice file or paste the notice’s text."),
        (
            {"notice_text": "x", "notice_file": SimpleUploadedFile("a.txt", b"x")},
            "Choose a file or paste a text, not both.",
        ),
        ({"notice_text": "Bonjour, ceci n'est pas un avis."}, "does not look like a call"),
        (
            {"notice_file": SimpleUploadedFile("big.xml", b" " * (20 * 1024 * 1024 + 1))},
            "notices larger than 20.0\xa0MB are refused",
        ),
    ],
    ids=["nothing", "both", "not-a-notice", "too-large"],
)
def test_what_cannot_be_read_is_said_and_nothing_stored(curator_client, demo, data, message):
    response = curator_client.post("/en/tenders/", data)
    assert response.status_code == 400
    assert message in response.text
    assert not Tender.objects.exists()


# The lot page: ranked members, evidence, gaps and teams -----------------------------------


def test_the_lot_page_ranks_an_hds_host_first_with_its_evidence(client, tender):
    response = client.get(lot_url(tender, language="/en"))
    assert response.status_code == 200
    html = response.text
    ranked = member_slugs(html)
    assert ranked[0] in HDS_HOLDERS, ranked
    assert set(ranked[:2]) >= HDS_HOLDERS, ranked
    assert len(ranked) <= 20
    first = html.split('<li class="member-match">')[1]
    assert "may lead" in first
    assert re.search(r"Score: \d+ %", first)
    assert '<li class="met"><span aria-hidden="true">✓</span>' in first
    assert "<summary>Evidence" in first
    assert "Hébergeur de données de santé (HDS) valid on the deadline" in first
    assert '<h2 id="gaps-title">Requirements no member covers</h2>' in html
    assert "None: every mandatory requirement is covered by at least one member." in html
    assert_well_outlined(html)


def test_the_teams_each_have_exactly_one_lead_and_a_coverage_matrix(client, tender):
    html = client.get(lot_url(tender, language="/en")).text
    assert "Teams built by the exact method" in html
    teams = team_sections(html)
    assert 1 <= len(teams) <= 3
    for team in teams:
        assert team.count('class="team-member role-lead"') == 1, team
        assert "lead (mandataire)" in team
        assert '<table class="matrix">' in team
        assert '<th scope="row">Hébergeur de données de santé (HDS)</th>' in team
        assert '<th scope="col">Requirement</th>' in team
        assert re.search(
            r'<td class="cell cell-answers"><span aria-hidden="true">✓</span> answers', team
        )
        # Five million euros of turnover: no demo member has it alone.
        assert '<table class="capacities">' in team
        assert "<td>€5,000,000</td>" in team
        assert "✓</span> met" in team
        assert team.count('class="team-member ') >= 2


def test_a_threshold_no_team_reaches_is_shown_short_by_how_much(client, tender):
    lot = tender.lots.get(lot_id="2")
    lot.requirements.create(
        kind=RequirementKind.TURNOVER, label="CA ≥ 900 M€", threshold=900_000_000, position=9
    )
    html = client.get(lot_url(tender, "2", language="/en")).text
    assert "No team meets every condition of the lot: the teams below are the closest ones." in (
        html
    )
    for team in team_sections(html):
        assert "<td>€900,000,000</td>" in team
        assert re.search(r"✗</span> short by €\d{3},\d{3},\d{3}", team), team
        assert team.count('class="team-member role-lead"') == 1


def test_a_lot_no_member_answers_shows_its_gaps_and_no_team(client, tender):
    lot = tender.lots.get(lot_id="2")
    requirement = lot.requirements.get()
    requirement.cpv_codes = ["03111000"]  # seeds: no member of an open-source cluster
    requirement.keywords = "graines de tournesol"
    requirement.label = "Graines de tournesol"
    requirement.save()
    Lot.objects.filter(pk=lot.pk).update(cpv_main="03111000")
    html = client.get(lot_url(tender, "2", language="/en")).text
    gaps = html.split('id="gaps-title"', 1)[1].split("</section>", 1)[0]
    assert "<li>Graines de tournesol</li>" in gaps
    assert "No team could be formed" in html
    assert not team_sections(html)


def test_editing_a_lot_changes_its_page(curator_client, tender):
    lot = tender.lots.get(lot_id="1")
    requirements = list(lot.requirements.order_by("position", "id"))
    assert [r.kind for r in requirements] == [
        RequirementKind.CAPABILITY,
        RequirementKind.CERTIFICATION,
        RequirementKind.TURNOVER,
    ]
    edit_url = lot_url(tender, suffix="edit/")
    form = curator_client.get(edit_url)
    assert form.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in form.text
    assert 'name="requirements-TOTAL_FORMS" value="5"' in form.text  # three, and two to add
    assert_well_outlined(form.text)

    before = curator_client.get(lot_url(tender, language="/en")).text
    data = edit_data(lot)
    data["requirements-1-DELETE"] = "on"  # no HDS any more
    data["requirements-2-threshold"] = "100000"
    response = curator_client.post(edit_url, data)
    assert response.status_code == 302
    assert response["Location"] == lot_url(tender)

    assert [r.kind for r in lot.requirements.all()] == ["capability", "turnover"]
    html = curator_client.get(lot_url(tender, language="/en")).text
    assert "Hébergeur de données de santé (HDS)" not in html
    assert "<td>€100,000</td>" in html
    # Datacentre du Limousin's HDS expired: without the requirement, nothing holds it back.
    limousin = "datacentre-limousin-exemple"
    assert member_score(html, limousin) > member_score(before, limousin)


def test_a_requirement_can_be_added_with_a_certification(curator_client, tender):
    lot = tender.lots.get(lot_id="2")
    data = edit_data(lot)
    qualiopi = CertificationScheme.objects.get(slug="qualiopi")
    data.update(
        {
            "requirements-1-kind": "certification",
            "requirements-1-label": "Certification Qualiopi",
            "requirements-1-scheme": str(qualiopi.pk),
            "requirements-1-mandatory": "on",
        }
    )
    response = curator_client.post(lot_url(tender, "2", suffix="edit/"), data)
    assert response.status_code == 302
    added = lot.requirements.order_by("position").last()
    assert (added.kind, added.scheme, added.position) == ("certification", qualiopi, 1)
    html = curator_client.get(lot_url(tender, "2", language="/en")).text
    assert '<th scope="row">Certification Qualiopi</th>' in html


def test_a_wrong_edit_names_the_fields_and_saves_nothing(curator_client, tender):
    lot = tender.lots.get(lot_id="1")
    data = edit_data(lot)
    data["lot-cpv_main"] = "7241"
    data["lot-nuts"] = "Gironde"
    data["requirements-1-scheme"] = ""  # a certification without its scheme
    data["requirements-2-threshold"] = ""  # a turnover without its minimum
    data["requirements-3-kind"] = "staff"  # a new row, half filled in
    response = curator_client.post(lot_url(tender, language="/en", suffix="edit/"), data)
    assert response.status_code == 400
    html = response.text
    assert "Nothing was saved" in html
    assert re.search(r'id="id_lot-cpv_main_error"><li>“7241” is not a CPV code', html)
    assert re.search(r'id="id_lot-nuts_error"><li>“GIRONDE” is not a NUTS code', html)
    assert re.search(r'id="id_requirements-1-scheme_error"><li>Choose the certification', html)
    assert re.search(r'id="id_requirements-2-threshold_error"><li>Give the minimum', html)
    assert 'id="id_requirements-3-label_error"' in html
    lot.refresh_from_db()
    assert lot.cpv_main == "72415000" and lot.nuts == ["FRI15"]
    assert lot.requirements.count() == 3


def edit_data(lot: Lot) -> dict[str, str]:
    """The edit form of a lot as the page fills it in, submitted unchanged."""
    requirements = list(lot.requirements.order_by("position", "id"))
    data = {
        "lot-title": lot.title,
        "lot-cpv_main": lot.cpv_main,
        "lot-cpv_additional": ", ".join(lot.cpv_additional),
        "lot-nuts": ", ".join(lot.nuts),
        "requirements-TOTAL_FORMS": str(len(requirements) + 2),
        "requirements-INITIAL_FORMS": str(len(requirements)),
        "requirements-MIN_NUM_FORMS": "0",
        "requirements-MAX_NUM_FORMS": "100",
    }
    for index, requirement in enumerate(requirements):
        prefix = f"requirements-{index}-"
        data.update(
            {
                prefix + "id": str(requirement.pk),
                prefix + "lot": str(lot.pk),
                prefix + "kind": requirement.kind,
                prefix + "label": requirement.label,
                prefix + "cpv_codes": ", ".join(requirement.cpv_codes),
                prefix + "keywords": requirement.keywords,
                prefix + "scheme": str(requirement.scheme_id or ""),
                prefix + "threshold": ""
                if requirement.threshold is None
                else str(requirement.threshold),
            }
        )
        if requirement.mandatory:
            data[prefix + "mandatory"] = "on"
    for index in range(len(requirements), len(requirements) + 2):
        data[f"requirements-{index}-lot"] = str(lot.pk)
        data[f"requirements-{index}-mandatory"] = "on"  # the box comes checked
    return data


# Who may edit --------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in_to_edit_a_lot(client, tender):
    url = lot_url(tender, suffix="edit/")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={url.replace('/', '%2F')}"
    assert client.post(url, edit_data(tender.lots.get(lot_id="1"))).status_code == 302
    assert tender.lots.get(lot_id="1").requirements.count() == 3
    page = client.get(f"/tenders/{tender.public_id}/").text
    assert "/edit/" not in page


def test_a_user_without_the_permission_may_not_edit_but_whoever_added_the_tender_may(
    client, member_user, tender
):
    url = lot_url(tender, suffix="edit/")
    client.force_login(member_user)
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(tender.lots.get(lot_id="1"))).status_code == 403

    Tender.objects.filter(pk=tender.pk).update(created_by=member_user)
    assert client.get(url).status_code == 200


# Exports ---------------------------------------------------------------------------------


def test_the_teams_download_as_csv(client, tender):
    response = client.get(f"/tenders/{tender.public_id}/teams.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="grappe-teams-{tender.public_id}.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == TEAM_COLUMNS
    assert {row["lot"] for row in rows} == {"1", "2"}
    hds = [row for row in rows if row["requirement"] == "Hébergeur de données de santé (HDS)"]
    assert any(row["answers"] == "yes" and row["organisation"] in HDS_HOLDERS for row in hds)


def test_the_teams_download_as_json(client, tender):
    response = client.get(f"/tenders/{tender.public_id}/teams.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["tender"]["id"] == str(tender.public_id)
    assert data["tender"]["buyer"] == "Centre hospitalier exemple de la Côte basque"
    assert [lot["lot"] for lot in data["lots"]] == ["1", "2"]
    for lot in data["lots"]:
        assert lot["teams"], lot
        for team in lot["teams"]:
            assert [m["role"] for m in team["members"]].count("lead") == 1


def test_the_printable_page_has_every_lot_and_no_navigation(client, tender):
    response = client.get(f"/en/tenders/{tender.public_id}/print/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert "<nav" not in html and 'class="site-header"' not in html
    assert '<h2 id="print-lot-1-title">Lot 1: ' in html
    assert '<h2 id="print-lot-2-title">Lot 2: ' in html
    assert html.count('<table class="matrix">') == len(team_sections(html)) >= 2
    assert "<details" not in html  # a sheet of paper unfolds nothing: evidence is written out
    assert "Hébergeur de données de santé (HDS) valid on the deadline" in html
    assert_well_outlined(html)


# Watches ---------------------------------------------------------------------------------


@pytest.fixture
def watch(demo) -> Watch:
    return Watch.objects.create(
        organisation=Organisation.objects.get(slug="nuage-girondin-exemple"),
        name="Hébergement",
        cpv_codes=["72400000"],
        keywords=["nextcloud", "sauvegarde"],
    )


def test_the_watch_page_lists_the_tenders_it_catches_and_why(curator_client, watch, tender):
    response = curator_client.get("/en/tenders/watch/nuage-girondin-exemple/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Calls for tenders watched by Nuage Girondin (exemple)</h1>" in html
    caught = html.split('id="caught-title"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/en/tenders/{tender.public_id}/">{tender.title}</a>' in caught
    # The notice's code in the watched branch, named.
    assert "72415000 – World wide web (www) site operation host services" in caught
    assert "Keywords: nextcloud" in caught
    assert "sauvegarde" not in caught
    watches = html.split('id="watches-title"', 1)[1].split("</section>", 1)[0]
    assert '<th scope="row">Hébergement</th>' in watches
    assert "72400000 – Internet services" in watches
    assert "nextcloud, sauvegarde" in watches
    assert 'name="watch-name"' in html
    assert_well_outlined(html)


def test_a_closed_tender_is_not_caught(curator_client, watch, tender):
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(days=1))
    html = curator_client.get("/en/tenders/watch/nuage-girondin-exemple/").text
    assert "No open call for tenders matches these watches for now." in html


def test_a_curator_adds_edits_and_deletes_a_watch(curator_client, demo):
    url = "/en/tenders/watch/poitou-cloud-exemple/"
    response = curator_client.post(
        url,
        {"watch-name": "Cloud", "watch-cpv_codes": "72415000-2, 72000000", "watch-keywords": ""},
    )
    assert response.status_code == 302 and response["Location"] == url
    watch = Watch.objects.get(organisation__slug="poitou-cloud-exemple")
    assert watch.cpv_codes == ["72415000", "72000000"]

    edit = f"{url}{watch.pk}/edit/"
    assert curator_client.get(edit).status_code == 200
    response = curator_client.post(
        edit, {"watch-name": "Cloud", "watch-cpv_codes": "", "watch-keywords": "cloud, GLPI"}
    )
    assert response.status_code == 302
    watch.refresh_from_db()
    assert (watch.cpv_codes, watch.keywords) == ([], ["cloud", "GLPI"])

    assert curator_client.post(f"{url}{watch.pk}/delete/").status_code == 302
    assert not Watch.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"watch-name": "X", "watch-cpv_codes": "7240"}, "cpv_codes", "“7240” is not a CPV code"),
        ({"watch-name": "X"}, None, "Give at least one CPV code or one keyword."),
        ({"watch-keywords": "cloud"}, "name", "This field is required."),
    ],
)
def test_a_wrong_watch_is_refused_with_the_field_named(curator_client, demo, data, field, message):
    response = curator_client.post("/en/tenders/watch/poitou-cloud-exemple/", data)
    assert response.status_code == 400
    if field:
        assert re.search(rf'id="id_watch-{field}_error"><li>{re.escape(message)}', response.text)
    else:
        assert message in response.text
    assert not Watch.objects.exists()


def test_watches_are_for_users_allowed_to_see_them(client, member_user, watch):
    url = "/tenders/watch/nuage-girondin-exemple/"
    response = client.get(url)
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/account/login/?next=%2Ftenders%2Fwatch%2Fnuage-girondin-exemple%2F"
    )

    client.force_login(member_user)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}{watch.pk}/delete/").status_code == 403

    with_permissions(member_user, "view_watch")
    html = client.get(url).text
    assert "Hébergement" in html
    assert 'name="watch-name"' not in html and "/delete/" not in html
    assert client.post(url, {"watch-name": "X", "watch-keywords": "y"}).status_code == 403
    assert client.get(f"{url}{watch.pk}/edit/").status_code == 403
    assert client.post(f"{url}{watch.pk}/delete/").status_code == 403
    assert Watch.objects.count() == 1
    assert client.get("/tenders/watch/nobody-here/").status_code == 404


def test_a_member_keeps_the_watches_of_their_own_organisation_only(client, watch):
    own = "/tenders/watch/nuage-girondin-exemple/"
    other = "/tenders/watch/poitou-cloud-exemple/"
    client.force_login(member_of(watch.organisation, "lea@nuage-girondin.example"))

    assert client.get(own).status_code == 200
    response = client.post(own, {"watch-name": "Sauvegarde", "watch-keywords": "sauvegarde"})
    assert response.status_code == 302
    added = Watch.objects.get(name="Sauvegarde")
    assert added.organisation == watch.organisation
    response = client.post(
        f"{own}{watch.pk}/edit/",
        {"watch-name": "Hébergement", "watch-cpv_codes": "", "watch-keywords": "nextcloud"},
    )
    assert response.status_code == 302
    watch.refresh_from_db()
    assert (watch.cpv_codes, watch.keywords) == ([], ["nextcloud"])
    assert client.post(f"{own}{added.pk}/delete/").status_code == 302
    assert (
        'href="/tenders/watch/nuage-girondin-exemple/"'
        in client.get("/organisations/nuage-girondin-exemple/").text
    )

    assert client.get(other).status_code == 403
    assert client.post(other, {"watch-name": "X", "watch-keywords": "y"}).status_code == 403
    assert (
        'href="/tenders/watch/poitou-cloud-exemple/"'
        not in client.get("/organisations/poitou-cloud-exemple/").text
    )
    assert list(Watch.objects.values_list("name", flat=True)) == ["Hébergement"]


def test_the_organisation_page_links_to_its_watches_for_those_allowed(curator_client, demo):
    link = 'href="/tenders/watch/nuage-girondin-exemple/"'
    assert link not in Client().get("/organisations/nuage-girondin-exemple/").text
    assert link in curator_client.get("/organisations/nuage-girondin-exemple/").text


# Addresses, languages, navigation --------------------------------------------------------


def test_the_english_pages_render_in_english(curator_client, tender):
    for url in (
        "/en/tenders/",
        f"/en/tenders/{tender.public_id}/",
        lot_url(tender, language="/en"),
        lot_url(tender, language="/en", suffix="edit/"),
    ):
        response = curator_client.get(url)
        assert response.status_code == 200, url
        html = response.text
        assert '<html lang="en">' in html, url
        assert 'aria-current="' in html.split('class="site-nav"', 1)[1].split("</ul>", 1)[0]
        assert re.search(r'href="/en/tenders/"( aria-current="\w+")?>Calls for tenders</a>', html)
        assert_well_outlined(html)
    html = curator_client.get(f"/en/tenders/{tender.public_id}/").text
    assert "Submission deadline" in html
    assert "72415000 – World wide web (www) site operation host services" in html
    assert "36 months" in html and "open procedure" in html
    assert f'href="/tenders/{tender.public_id}/" lang="fr"' in html


def test_the_main_navigation_leads_to_the_calls_for_tenders(client, demo):
    html = client.get("/").text
    assert 'href="/tenders/">' in html.split('class="site-nav"', 1)[1].split("</ul>", 1)[0]


def test_unknown_tenders_and_lots_are_404_pages(client, tender):
    assert client.get("/tenders/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(lot_url(tender, "LOT-9")).status_code == 404
    assert client.get(lot_url(tender, "LOT-9", suffix="edit/")).status_code == 404
    assert client.get("/tenders/not-a-uuid/").status_code == 404
