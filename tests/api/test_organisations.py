"""/api/organisations: the list with its filters and pages, and the full profile of one."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grappe.directory import models as m
from tests.api.conftest import (
    CertificationFactory,
    PersonFactory,
    ReferenceFactory,
    SoftwareRelationFactory,
)
from tests.factories import (
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [result["name"] for result in response.json()["results"]]


def test_list_gives_each_organisation_in_name_order_with_its_summary(client):
    OrganisationFactory(
        name="Zeta Hébergement",
        slug="zeta",
        kind=m.OrganisationKind.HOSTING,
        postcode="64000",
        commune_name="Pau",
        membership_status=m.MembershipStatus.MEMBER,
        website="https://zeta.example",
        description_fr="Hébergeur à Pau.",
        description_en="Host in Pau.",
        is_example=False,
    )
    alpha = OrganisationFactory(name="Alpha", slug="alpha")
    response = client.get("/api/organisations")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 20)
    assert body["results"][0] == {
        "id": alpha.pk,
        "slug": "alpha",
        "url": "/organisations/alpha/",
        "name": "Alpha",
        "kind": "company",
        "kind_label": "Entreprise",
        "description": "",
        "membership_status": "none",
        "is_member": False,
        "is_example": True,
        "commune_name": "",
        "departement": "",
        "website": "",
    }
    zeta = body["results"][1]
    assert (zeta["kind"], zeta["kind_label"], zeta["is_member"], zeta["departement"]) == (
        "hosting",
        "Hébergeur",
        True,
        "64",
    )
    assert zeta["description"] == "Hébergeur à Pau."
    assert zeta["is_example"] is False


def test_list_in_english_translates_labels_texts_and_addresses(client):
    OrganisationFactory(
        name="Zeta", slug="zeta", description_fr="Hébergeur.", description_en="A host."
    )
    result = client.get("/api/organisations?lang=en").json()["results"][0]
    assert (result["kind_label"], result["description"], result["url"]) == (
        "Company",
        "A host.",
        "/en/organisations/zeta/",
    )


def test_filters_by_kind_departement_and_membership(client):
    OrganisationFactory(name="Fablab Pau", kind=m.OrganisationKind.FABLAB, postcode="64000")
    OrganisationFactory(
        name="Membre Bordeaux", postcode="33000", membership_status=m.MembershipStatus.MEMBER
    )
    OrganisationFactory(
        name="Ancien Bordeaux", postcode="33000", membership_status=m.MembershipStatus.FORMER
    )
    OrganisationFactory(name="Ajaccio", commune_insee="2A004")
    assert names(client.get("/api/organisations?kind=fablab")) == ["Fablab Pau"]
    assert names(client.get("/api/organisations?departement=33")) == [
        "Ancien Bordeaux",
        "Membre Bordeaux",
    ]
    assert names(client.get("/api/organisations?departement=2a")) == ["Ajaccio"]
    assert names(client.get("/api/organisations?member=true")) == ["Membre Bordeaux"]
    assert names(client.get("/api/organisations?member=false")) == [
        "Ajaccio",
        "Ancien Bordeaux",
        "Fablab Pau",
    ]
    assert names(client.get("/api/organisations?departement=33&member=no")) == ["Ancien Bordeaux"]


def test_empty_filters_mean_no_filter_as_an_html_form_sends_them(client):
    OrganisationFactory(name="Alpha")
    response = client.get("/api/organisations?kind=&departement=&member=&page=")
    assert response.status_code == 200
    assert names(response) == ["Alpha"]


def test_pages_cut_the_list_and_count_the_whole(client):
    for name in "ABCDE":
        OrganisationFactory(name=name)
    second = client.get("/api/organisations?page=2&page_size=2").json()
    assert (second["count"], second["page"], second["page_size"]) == (5, 2, 2)
    assert [r["name"] for r in second["results"]] == ["C", "D"]
    assert names(client.get("/api/organisations?page=3&page_size=2")) == ["E"]
    beyond = client.get("/api/organisations?page=9&page_size=2").json()
    assert (beyond["count"], beyond["results"]) == (5, [])


def test_namesakes_never_appear_on_two_pages(client):
    for _ in range(5):
        OrganisationFactory(name="Même nom")
    seen = [
        result["id"]
        for page in (1, 2, 3)
        for result in client.get(f"/api/organisations?page={page}&page_size=2").json()["results"]
    ]
    assert sorted(seen) == sorted(m.Organisation.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kind=alien", "kind"),
        ("departement=99", "departement"),
        ("departement=%2533", "departement"),
        ("member=maybe", "member"),
        ("page=0", "page"),
        ("page_size=101", "page_size"),
        ("page_size=abc", "page_size"),
        ("lang=de", "lang"),
    ],
)
def test_bad_parameters_answer_400_naming_them(client, query, parameter):
    response = client.get(f"/api/organisations?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert body["detail"].startswith(f"{parameter}: ")
    assert set(body) == {"detail", "parameter"}


def build_profile() -> m.Organisation:
    """An organisation with one of everything its profile shows."""
    organisation = OrganisationFactory(
        name="Ekylibre",
        slug="ekylibre",
        legal_name="EKYLIBRE SAS",
        siren="732829320",
        siret="73282932000074",
        naf_code="62.01Z",
        wikidata_id="Q123",
        description_fr="Logiciel agricole.",
        description_en="Farm software.",
        website="https://ekylibre.example",
        email="contact@ekylibre.example",
        phone="+33556000000",
        address="1 rue de la Vigne",
        postcode="33600",
        commune_insee="33318",
        commune_name="Pessac",
        latitude=Decimal("44.806000"),
        longitude=Decimal("-0.631000"),
        headcount_band=m.HeadcountBand.B10_19,
        founded_year=2014,
        turnover_year=2023,
        turnover_amount=Decimal("1200000"),
        membership_status=m.MembershipStatus.MEMBER,
        member_since=date(2018, 3, 1),
        logo_url="https://ekylibre.example/logo.png",
        tags=["agriculture", "ERP"],
        is_example=False,
    )
    software = SoftwareFactory(name="Ekylibre ERP", slug="ekylibre-erp")
    nextcloud = SoftwareFactory(name="Nextcloud", slug="nextcloud")
    SoftwareRelationFactory(
        organisation=organisation,
        software=software,
        role=m.SoftwareRole.PUBLISHER,
        since_year=2014,
        source_url="https://ekylibre.example/about",
    )
    SoftwareRelationFactory(
        organisation=organisation,
        software=nextcloud,
        role=m.SoftwareRole.USER,
        testimony_fr="Pour nos fichiers.",
        testimony_en="For our files.",
    )
    OfferingFactory(organisation=organisation, title="Support Ekylibre", slug="support-ekylibre")
    iso = CertificationSchemeFactory(slug="iso-27001", name="ISO/IEC 27001", issuer="ISO")
    CertificationFactory(
        organisation=organisation,
        scheme=iso,
        scope="Hébergement",
        issuer="AFNOR",
        valid_from=date(2023, 1, 1),
        valid_until=timezone.localdate() + timedelta(days=30),
        evidence_url="https://afnor.example/cert",
    )
    client_body = OrganisationFactory(name="Mairie de Pessac", slug="mairie-pessac")
    partner = OrganisationFactory(name="Partenaire", slug="partenaire")
    public = ReferenceFactory(
        organisation=organisation,
        title="ERP municipal",
        role=m.ContractRole.LEAD,
        client_name="Mairie de Pessac",
        client=client_body,
        year=2022,
        amount=Decimal("45000.50"),
        description_fr="Déploiement.",
        cpv_codes=["72212000"],
        source_url="https://boamp.example/1",
        is_example=False,
    )
    public.software.add(software)
    public.partners.add(partner)
    ReferenceFactory(organisation=organisation, title="Marché confidentiel", is_public=False)
    PersonFactory(name="Camille", slug="camille", organisation=organisation)
    return organisation


def test_detail_carries_the_whole_public_profile(client):
    organisation = build_profile()
    response = client.get("/api/organisations/ekylibre")
    assert response.status_code == 200
    body = response.json()
    software = m.Software.objects.get(slug="ekylibre-erp")
    nextcloud = m.Software.objects.get(slug="nextcloud")
    offering = m.Offering.objects.get(slug="support-ekylibre")
    person = m.Person.objects.get(slug="camille")
    client_body = m.Organisation.objects.get(slug="mairie-pessac")
    partner = m.Organisation.objects.get(slug="partenaire")
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert body == {
        "id": organisation.pk,
        "slug": "ekylibre",
        "url": "/organisations/ekylibre/",
        "name": "Ekylibre",
        "kind": "company",
        "kind_label": "Entreprise",
        "description": "Logiciel agricole.",
        "membership_status": "member",
        "is_member": True,
        "is_example": False,
        "commune_name": "Pessac",
        "departement": "33",
        "website": "https://ekylibre.example",
        "legal_name": "EKYLIBRE SAS",
        "siren": "732829320",
        "siret": "73282932000074",
        "naf_code": "62.01Z",
        "wikidata_id": "Q123",
        "email": "contact@ekylibre.example",
        "phone": "+33556000000",
        "address": "1 rue de la Vigne",
        "postcode": "33600",
        "commune_insee": "33318",
        "latitude": 44.806,
        "longitude": -0.631,
        "headcount_band": "10-19",
        "headcount_label": "10 à 19 salariés",
        "founded_year": 2014,
        "turnover_year": 2023,
        "turnover_amount": 1200000,
        "member_since": "2018-03-01",
        "logo_url": "https://ekylibre.example/logo.png",
        "tags": ["agriculture", "ERP"],
        "offerings": [
            {
                "id": offering.pk,
                "slug": "support-ekylibre",
                "url": "/offerings/support-ekylibre/",
                "title": "Support Ekylibre",
                "kind": "service",
                "kind_label": "Service",
            }
        ],
        "certifications": [
            {
                "scheme": {
                    "slug": "iso-27001",
                    "name": "ISO/IEC 27001",
                    "issuer": "ISO",
                    "url": "",
                },
                "scope": "Hébergement",
                "certified_by": "AFNOR",
                "valid_from": "2023-01-01",
                "valid_until": until,
                "is_valid_today": True,
                "evidence_url": "https://afnor.example/cert",
            }
        ],
        "references": [
            {
                "title": "ERP municipal",
                "role": "lead",
                "role_label": "mandataire d’un groupement",
                "client_name": "Mairie de Pessac",
                "client": {
                    "id": client_body.pk,
                    "slug": "mairie-pessac",
                    "url": "/organisations/mairie-pessac/",
                    "name": "Mairie de Pessac",
                },
                "year": 2022,
                "amount": 45000.5,
                "description": "Déploiement.",
                "cpv_codes": ["72212000"],
                "software": [
                    {
                        "id": software.pk,
                        "slug": "ekylibre-erp",
                        "url": "/software/ekylibre-erp/",
                        "name": "Ekylibre ERP",
                    }
                ],
                "partners": [
                    {
                        "id": partner.pk,
                        "slug": "partenaire",
                        "url": "/organisations/partenaire/",
                        "name": "Partenaire",
                    }
                ],
                "source_url": "https://boamp.example/1",
                "is_example": False,
            }
        ],
        "software_relations": {
            "publisher": [
                {
                    "software": {
                        "id": software.pk,
                        "slug": "ekylibre-erp",
                        "url": "/software/ekylibre-erp/",
                        "name": "Ekylibre ERP",
                    },
                    "testimony": "",
                    "since_year": 2014,
                    "source_url": "https://ekylibre.example/about",
                }
            ],
            "services": [],
            "host": [],
            "user": [
                {
                    "software": {
                        "id": nextcloud.pk,
                        "slug": "nextcloud",
                        "url": "/software/nextcloud/",
                        "name": "Nextcloud",
                    },
                    "testimony": "Pour nos fichiers.",
                    "since_year": None,
                    "source_url": "",
                }
            ],
        },
        "people": [
            {
                "id": person.pk,
                "slug": "camille",
                "url": "/people/camille/",
                "name": "Camille",
                "role": "ambassador",
                "role_label": "Ambassadeur",
            }
        ],
    }


def test_detail_never_shows_a_reference_kept_for_curators(client):
    build_profile()
    text = client.get("/api/organisations/ekylibre").text
    assert "Marché confidentiel" not in text
    assert "ERP municipal" in text


def test_an_expired_certification_is_listed_as_not_valid_today(client):
    organisation = OrganisationFactory(slug="ancien")
    CertificationFactory(
        organisation=organisation, valid_from=date(2018, 1, 1), valid_until=date(2021, 1, 1)
    )
    certification = client.get("/api/organisations/ancien").json()["certifications"][0]
    assert (certification["valid_until"], certification["is_valid_today"]) == ("2021-01-01", False)


def test_detail_in_english(client):
    build_profile()
    body = client.get("/api/organisations/ekylibre", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["url"] == "/en/organisations/ekylibre/"
    assert body["description"] == "Farm software."
    assert body["software_relations"]["user"][0]["testimony"] == "For our files."
    assert body["references"][0]["role_label"] == "lead of a consortium (mandataire)"
    assert body["offerings"][0]["url"] == "/en/offerings/support-ekylibre/"


def test_unknown_slug_answers_404_with_a_message(client):
    response = client.get("/api/organisations/nobody")
    assert response.status_code == 404
    assert response.json() == {"detail": "No organisation with the slug “nobody”."}


def test_list_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        OrganisationFactory()
    with django_assert_max_num_queries(2):
        response = client.get("/api/organisations?page_size=100")
    assert response.json()["count"] == 30


def test_detail_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    organisation = build_profile()
    for _ in range(5):
        OfferingFactory(organisation=organisation)
        ReferenceFactory(organisation=organisation).software.add(SoftwareFactory())
        SoftwareRelationFactory(organisation=organisation, role=m.SoftwareRole.HOST)
    with django_assert_max_num_queries(9):
        response = client.get("/api/organisations/ekylibre")
    assert len(response.json()["references"]) == 6
