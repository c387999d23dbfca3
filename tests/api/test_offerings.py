"""/api/offerings: what organisations offer, filtered by kind, organisation and software."""

from decimal import Decimal

import pytest

from grappe.directory import models as m
from tests.factories import (
    CertificationFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["title"] for result in response.json()["results"]]


def organisation_ref(organisation: m.Organisation) -> dict:
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "url": f"/organisations/{organisation.slug}/",
        "name": organisation.name,
    }


def test_list_gives_title_kind_organisation_and_price(client):
    host = OrganisationFactory(name="Hébergeur", slug="hebergeur")
    offering = OfferingFactory(
        organisation=host,
        slug="nextcloud-gere",
        title="Nextcloud géré",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.SAAS,
        description_fr="Vos fichiers en France.",
        price_indication="à partir de 5 € par mois",
        price_from=Decimal("5.00"),
        is_example=True,
    )
    assert client.get("/api/offerings").json() == {
        "count": 1,
        "page": 1,
        "page_size": 20,
        "results": [
            {
                "id": offering.pk,
                "slug": "nextcloud-gere",
                "url": "/offerings/nextcloud-gere/",
                "title": "Nextcloud géré",
                "kind": "hosting",
                "kind_label": "Offre d’hébergement",
                "description": "Vos fichiers en France.",
                "organisation": organisation_ref(host),
                "price_indication": "à partir de 5 € par mois",
                "price_from": 5.0,
                "is_example": True,
            }
        ],
    }


def test_list_is_ordered_by_organisation_then_title(client):
    zeta = OrganisationFactory(name="Zeta")
    alpha = OrganisationFactory(name="Alpha")
    OfferingFactory(organisation=zeta, title="A")
    OfferingFactory(organisation=alpha, title="Z")
    OfferingFactory(organisation=alpha, title="B")
    assert titles(client.get("/api/offerings")) == ["B", "Z", "A"]


def test_filters_by_kind_organisation_and_software(client):
    fablab = OrganisationFactory(slug="fablab")
    host = OrganisationFactory(slug="host")
    nextcloud = SoftwareFactory(slug="nextcloud")
    printer = OfferingFactory(
        organisation=fablab,
        title="Imprimante",
        kind=m.OfferingKind.MACHINE,
        service_kind="",
        machine_type=m.MachineType.PRINTER_FDM,
    )
    saas = OfferingFactory(
        organisation=host,
        title="Nextcloud géré",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.SAAS,
    )
    saas.software.add(nextcloud)
    support = OfferingFactory(organisation=host, title="Support Nextcloud")
    support.software.add(nextcloud)
    assert printer.pk
    assert titles(client.get("/api/offerings?kind=machine")) == ["Imprimante"]
    assert titles(client.get("/api/offerings?organisation=host")) == [
        "Nextcloud géré",
        "Support Nextcloud",
    ]
    assert titles(client.get("/api/offerings?software=nextcloud")) == [
        "Nextcloud géré",
        "Support Nextcloud",
    ]
    assert titles(client.get("/api/offerings?software=nextcloud&kind=service")) == [
        "Support Nextcloud"
    ]
    assert titles(client.get("/api/offerings?organisation=fablab&software=nextcloud")) == []


@pytest.mark.parametrize(
    ("query", "parameter", "detail"),
    [
        (
            "organisation=nobody",
            "organisation",
            "organisation: no organisation has the slug “nobody”",
        ),
        ("software=nothing", "software", "software: no software has the slug “nothing”"),
        ("organisation=a%20b", "organisation", "organisation: “a b” is not a slug"),
    ],
)
def test_unknown_or_malformed_slugs_in_filters_are_400s(client, query, parameter, detail):
    response = client.get(f"/api/offerings?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"].startswith(detail)


def test_service_detail_has_its_service_fields_cpv_codes_and_software(client):
    organisation = OrganisationFactory(name="Intégrateur", slug="integrateur")
    glpi = SoftwareFactory(name="GLPI", slug="glpi")
    offering = OfferingFactory(
        organisation=organisation,
        slug="formation-glpi",
        title="Formation GLPI",
        kind=m.OfferingKind.SERVICE,
        service_kind=m.ServiceKind.TRAINING,
        delivery_mode=m.DeliveryMode.BOTH,
        duration_hours=14,
        cpv_codes=["80533100", "72212000"],
        url="https://integrateur.example/glpi",
        tags=["GLPI", "ITSM"],
    )
    offering.software.add(glpi)
    assert client.get("/api/offerings/formation-glpi").json() == {
        "id": offering.pk,
        "slug": "formation-glpi",
        "url": "/offerings/formation-glpi/",
        "title": "Formation GLPI",
        "kind": "service",
        "kind_label": "Service",
        "description": "",
        "organisation": organisation_ref(organisation),
        "price_indication": "",
        "price_from": None,
        "is_example": False,
        "website": "https://integrateur.example/glpi",
        "cpv_codes": ["80533100", "72212000"],
        "tags": ["GLPI", "ITSM"],
        "software": [{"id": glpi.pk, "slug": "glpi", "url": "/software/glpi/", "name": "GLPI"}],
        "service": {
            "service_kind": "training",
            "service_kind_label": "Formation",
            "delivery_mode": "both",
            "delivery_mode_label": "Sur site ou à distance",
            "duration_hours": 14,
        },
        "hosting": None,
        "machine": None,
    }


def test_hosting_detail_has_its_data_centre(client):
    OfferingFactory(
        slug="iaas",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.SAAS,
        datacenter_country="FR",
        datacenter_region="Nouvelle-Aquitaine",
        datacenter_city="Bordeaux",
        operator_eu_owned="yes",
        extraterritorial_exposure="none",
        reversibility_formats=["SQL dump"],
        sla_availability="99.9",
        pricing_model="per_user",
    )
    body = client.get("/api/offerings/iaas").json()
    sovereignty = body["hosting"].pop("sovereignty")
    assert body["hosting"] == {
        "hosting_kind": "saas",
        "hosting_kind_label": "Logiciel en tant que service",
        "datacenter_country": "FR",
        "datacenter_region": "Nouvelle-Aquitaine",
        "datacenter_city": "Bordeaux",
        "operator_eu_owned": "yes",
        "extraterritorial_exposure": "none",
        "reversibility_formats": ["SQL dump"],
        "sla_availability": 99.9,
        "pricing_model": "per_user",
        "pricing_model_label": "Par utilisateur",
    }
    # Everything declared but no SecNumCloud qualification: not sovereign, and it says why.
    assert sovereignty["sovereign"] is False
    assert [(r["criterion"], r["met"]) for r in sovereignty["reasons"]] == [
        ("location", True),
        ("ownership", True),
        ("exposure", True),
        ("qualification", False),
    ]
    assert (body["service"], body["machine"]) == (None, None)


def test_machine_detail_has_its_work_area_and_materials(client):
    OfferingFactory(
        slug="prusa",
        kind=m.OfferingKind.MACHINE,
        service_kind="",
        machine_type=m.MachineType.PRINTER_FDM,
        materials=["PLA", "PETG"],
        work_x_mm=250,
        work_y_mm=210,
        work_z_mm=220,
        machine_access=m.MachineAccess.OPEN_DAYS,
    )
    body = client.get("/api/offerings/prusa?lang=en").json()
    assert body["machine"] == {
        "machine_type": "3d_fdm",
        "machine_type_label": "3D printer (FDM)",
        "materials": ["PLA", "PETG"],
        "work_x_mm": 250,
        "work_y_mm": 210,
        "work_z_mm": 220,
        "machine_access": "open_days",
        "machine_access_label": "Open days, with a facilitator",
    }
    assert (body["kind_label"], body["url"]) == (
        "Machine (fab lab equipment)",
        "/en/offerings/prusa/",
    )


def test_unknown_offering_is_a_404(client):
    response = client.get("/api/offerings/nothing")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No offering with the slug “nothing”."},
    )


def test_list_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    nextcloud = SoftwareFactory(slug="nextcloud")
    organisation = OrganisationFactory(slug="host")
    for _ in range(30):
        OfferingFactory().software.add(nextcloud)
        OfferingFactory(organisation=organisation)
    with django_assert_max_num_queries(2):
        assert client.get("/api/offerings?page_size=100").json()["count"] == 60
    with django_assert_max_num_queries(4):
        response = client.get("/api/offerings?page_size=100&organisation=host&software=nextcloud")
    assert response.json()["count"] == 0


def test_detail_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    """The offering, its software, its organisation's certifications and what each covers."""
    offering = OfferingFactory(slug="support")
    for _ in range(5):
        offering.software.add(SoftwareFactory())
        CertificationFactory(organisation=offering.organisation).offerings.add(offering)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/offerings/support").json()["software"]) == 5
