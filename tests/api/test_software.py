"""/api/software: the catalogue with its category and licence filters, and one entry."""

from datetime import date

import pytest

from grappe.directory import models as m
from tests.api.conftest import CategoryFactory, SoftwareRelationFactory
from tests.factories import OfferingFactory, OrganisationFactory, SoftwareFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["name"] for result in response.json()["results"]]


def test_list_gives_name_licence_and_categories(client):
    office = CategoryFactory(slug="bureautique", name_fr="Bureautique", name_en="Office")
    libreoffice = SoftwareFactory(
        name="LibreOffice",
        slug="libreoffice",
        licence="MPL-2.0",
        description_fr="Suite bureautique.",
        website="https://libreoffice.example",
    )
    libreoffice.categories.add(office)
    body = client.get("/api/software").json()
    assert body == {
        "count": 1,
        "page": 1,
        "page_size": 20,
        "results": [
            {
                "id": libreoffice.pk,
                "slug": "libreoffice",
                "url": "/software/libreoffice/",
                "name": "LibreOffice",
                "description": "Suite bureautique.",
                "licence": "MPL-2.0",
                "categories": [{"slug": "bureautique", "name": "Bureautique"}],
                "website": "https://libreoffice.example",
                "logo_url": "",
                "is_example": False,
            }
        ],
    }
    english = client.get("/api/software?lang=en").json()["results"][0]
    assert english["categories"] == [{"slug": "bureautique", "name": "Office"}]
    assert english["description"] == "Suite bureautique."  # no English text: French shown


def test_category_filter_includes_sub_categories(client):
    office = CategoryFactory(slug="bureautique")
    spreadsheets = CategoryFactory(slug="tableurs", parent=office)
    formulas = CategoryFactory(slug="formules", parent=spreadsheets)
    other = CategoryFactory(slug="visio")
    SoftwareFactory(name="Suite").categories.add(office, spreadsheets)
    SoftwareFactory(name="Tableur").categories.add(spreadsheets)
    SoftwareFactory(name="Greffon").categories.add(formulas)
    SoftwareFactory(name="Jitsi").categories.add(other)
    assert names(client.get("/api/software?category=bureautique")) == [
        "Greffon",
        "Suite",
        "Tableur",
    ]
    assert names(client.get("/api/software?category=tableurs")) == ["Greffon", "Suite", "Tableur"]
    assert names(client.get("/api/software?category=visio")) == ["Jitsi"]
    assert client.get("/api/software?category=bureautique").json()["count"] == 3


def test_unknown_category_is_a_400_naming_it(client):
    response = client.get("/api/software?category=inconnue")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "category: no category has the slug “inconnue”",
        "parameter": "category",
    }


def test_licence_filter_finds_the_id_inside_expressions_and_only_whole(client):
    SoftwareFactory(name="Copyleft", licence="AGPL-3.0-or-later")
    SoftwareFactory(name="Dual", licence="(MIT OR Apache-2.0)")
    SoftwareFactory(name="MIT seul", licence="MIT")
    SoftwareFactory(name="GPL2+", licence="GPL-2.0-or-later")
    SoftwareFactory(name="Sans", licence="")
    assert names(client.get("/api/software?licence=MIT")) == ["Dual", "MIT seul"]
    assert names(client.get("/api/software?licence=apache-2.0")) == ["Dual"]
    assert names(client.get("/api/software?licence=AGPL-3.0-or-later")) == ["Copyleft"]
    assert names(client.get("/api/software?licence=AGPL-3.0")) == []
    assert names(client.get("/api/software?licence=GPL-2.0-or-later")) == ["GPL2+"]


@pytest.mark.parametrize("licence", ["MIT%20OR%20GPL", "(MIT)", "M_T", "%25", ".*", "M%00T"])
def test_licence_must_look_like_an_spdx_id(client, licence):
    response = client.get(f"/api/software?licence={licence}")
    assert response.status_code == 400
    assert response.json()["parameter"] == "licence"


def test_a_dot_in_a_licence_id_is_a_dot_not_any_character(client):
    SoftwareFactory(name="MIT seul", licence="MIT")
    assert names(client.get("/api/software?licence=M.T")) == []


def test_detail_gives_licence_categories_organisations_by_role_and_similar(client):
    category = CategoryFactory(slug="cloud", name_fr="Cloud")
    nextcloud = SoftwareFactory(
        name="Nextcloud",
        slug="nextcloud",
        licence_raw="AGPLv3",
        licence="AGPL-3.0-or-later",
        repository_url="https://github.com/nextcloud/server",
        wikidata_id="Q25874683",
        alternative_to=["Dropbox", "Google Drive"],
        tags=["fichiers"],
        software_type=m.SoftwareType.STANDALONE_WEB,
        development_status=m.DevelopmentStatus.STABLE,
        maintenance_type=m.MaintenanceType.COMMUNITY,
        platforms=["web", "linux"],
        latest_version="30.0.1",
        release_date=date(2024, 10, 1),
        sill_id="123",
        comptoir_id="45",
    )
    nextcloud.categories.add(category)
    owncloud = SoftwareFactory(name="ownCloud", slug="owncloud")
    nextcloud.similar.add(owncloud)
    publisher = OrganisationFactory(name="Nextcloud GmbH", slug="nextcloud-gmbh")
    host = OrganisationFactory(name="Hébergeur", slug="hebergeur")
    user = OrganisationFactory(name="Mairie", slug="mairie")
    SoftwareRelationFactory(organisation=publisher, software=nextcloud)
    SoftwareRelationFactory(
        organisation=host, software=nextcloud, role=m.SoftwareRole.HOST, since_year=2019
    )
    SoftwareRelationFactory(
        organisation=host, software=nextcloud, role=m.SoftwareRole.SERVICE_PROVIDER
    )
    SoftwareRelationFactory(
        organisation=user,
        software=nextcloud,
        role=m.SoftwareRole.USER,
        testimony_fr="200 agents.",
    )
    offering = OfferingFactory(
        organisation=host,
        slug="nextcloud-gere",
        title="Nextcloud géré",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.SAAS,
        price_indication="5 € par mois",
    )
    offering.software.add(nextcloud)

    def ref(organisation: m.Organisation) -> dict:
        return {
            "id": organisation.pk,
            "slug": organisation.slug,
            "url": f"/organisations/{organisation.slug}/",
            "name": organisation.name,
        }

    body = client.get("/api/software/nextcloud").json()
    assert body == {
        "id": nextcloud.pk,
        "slug": "nextcloud",
        "url": "/software/nextcloud/",
        "name": "Nextcloud",
        "description": "",
        "licence": "AGPL-3.0-or-later",
        "categories": [{"slug": "cloud", "name": "Cloud"}],
        "website": "",
        "logo_url": "",
        "is_example": False,
        "licence_raw": "AGPLv3",
        "repository_url": "https://github.com/nextcloud/server",
        "wikidata_id": "Q25874683",
        "alternative_to": ["Dropbox", "Google Drive"],
        "tags": ["fichiers"],
        "software_type": "standalone/web",
        "software_type_label": "Application web",
        "development_status": "stable",
        "development_status_label": "Stable",
        "maintenance_type": "community",
        "maintenance_type_label": "Maintenu par une communauté",
        "platforms": ["web", "linux"],
        "latest_version": "30.0.1",
        "release_date": "2024-10-01",
        "sill_id": "123",
        "comptoir_id": "45",
        "similar": [
            {
                "id": owncloud.pk,
                "slug": "owncloud",
                "url": "/software/owncloud/",
                "name": "ownCloud",
            }
        ],
        "publishers": [
            {"organisation": ref(publisher), "testimony": "", "since_year": None, "source_url": ""}
        ],
        "service_providers": [
            {"organisation": ref(host), "testimony": "", "since_year": None, "source_url": ""}
        ],
        "hosts": [
            {"organisation": ref(host), "testimony": "", "since_year": 2019, "source_url": ""}
        ],
        "users": [
            {
                "organisation": ref(user),
                "testimony": "200 agents.",
                "since_year": None,
                "source_url": "",
            }
        ],
        "offerings": [
            {
                "id": offering.pk,
                "slug": "nextcloud-gere",
                "url": "/offerings/nextcloud-gere/",
                "title": "Nextcloud géré",
                "kind": "hosting",
                "kind_label": "Offre d’hébergement",
                "description": "",
                "organisation": ref(host),
                "price_indication": "5 € par mois",
                "price_from": None,
                "is_example": False,
            }
        ],
    }


def test_similarity_shows_from_both_sides(client):
    nextcloud = SoftwareFactory(slug="nextcloud")
    SoftwareFactory(slug="owncloud").similar.add(nextcloud)
    similar = client.get("/api/software/nextcloud").json()["similar"]
    assert [software["slug"] for software in similar] == ["owncloud"]


def test_unknown_software_is_a_404(client):
    response = client.get("/api/software/nothing-here")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No software with the slug “nothing-here”."},
    )


def test_list_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    parent = CategoryFactory(slug="parent")
    for _ in range(30):
        SoftwareFactory().categories.add(parent, CategoryFactory())
    with django_assert_max_num_queries(3):
        response = client.get("/api/software?page_size=100")
    assert response.json()["count"] == 30
    with django_assert_max_num_queries(4):
        response = client.get("/api/software?page_size=100&category=parent&licence=AGPL-3.0")
    assert response.json()["count"] == 0


def test_detail_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    software = SoftwareFactory(slug="nextcloud")
    for _ in range(5):
        SoftwareRelationFactory(software=software)
        OfferingFactory().software.add(software)
        software.similar.add(SoftwareFactory())
        software.categories.add(CategoryFactory())
    with django_assert_max_num_queries(5):
        response = client.get("/api/software/nextcloud")
    assert len(response.json()["offerings"]) == 5
