from datetime import date

import pytest

from grappe.directory import models as m
from tests.factories import (
    CertificationFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)
from tests.web.conftest import EventFactory, PersonFactory, assert_well_outlined, json_ld

pytestmark = pytest.mark.django_db


@pytest.fixture
def fablab():
    return OrganisationFactory(
        slug="fablab", name="Fab lab exemple", kind=m.OrganisationKind.FABLAB, is_example=True
    )


@pytest.fixture
def real_company():
    return OrganisationFactory(slug="vraie", name="Vraie entreprise", is_example=False)


# --- Offerings ---------------------------------------------------------------------------------


def test_a_machine_shows_its_type_materials_work_area_access_and_price(client, fablab):
    printer = OfferingFactory(
        organisation=fablab,
        slug="imprimante",
        title="Imprimante 3D grand format",
        kind=m.OfferingKind.MACHINE,
        service_kind="",
        machine_type=m.MachineType.PRINTER_FDM,
        materials=["PLA", "PETG"],
        work_x_mm=360,
        work_y_mm=360,
        work_z_mm=400,
        machine_access=m.MachineAccess.OPEN_DAYS,
        price_indication="5 € de l'heure machine",
        price_from=5,
    )
    printer.software.add(SoftwareFactory(slug="freecad", name="FreeCAD"))
    html = client.get("/en/offerings/imprimante/").text
    assert "<title>Imprimante 3D grand format – Fab lab exemple · " in html
    assert "<dd>3D printer (FDM)</dd>" in html
    assert "<dd>PLA, PETG</dd>" in html
    assert "<dd>360 × 360 × 400 mm</dd>" in html
    assert "<dd>Open days, with a facilitator</dd>" in html
    assert "5 € de l&#x27;heure machine<br>from €5" in html
    assert '<a href="/en/software/freecad/">FreeCAD</a>' in html
    assert 'by <a href="/en/organisations/fablab/">Fab lab exemple</a>' in html
    assert_well_outlined(html)


def test_an_offering_of_a_fictional_organisation_is_labelled_fictional(client, fablab):
    OfferingFactory(organisation=fablab, slug="atelier", is_example=False)
    html = client.get("/en/offerings/atelier/").text
    assert 'class="badge-example"' in html[html.index("<h1>") : html.index("</h1>")]
    assert "This entry is fictional" in html


def test_a_hosting_offer_shows_its_data_centre_and_jurisdiction_and_is_a_service(
    client, real_company
):
    OfferingFactory(
        organisation=real_company,
        slug="nextcloud-heberge",
        title="Nextcloud hébergé",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.MANAGED,
        datacenter_city="Pau",
        datacenter_country="FR",
        datacenter_region="Nouvelle-Aquitaine",
        operator_eu_owned="yes",
        extraterritorial_exposure="exposed",
        reversibility_formats=["WebDAV"],
        sla_availability="99.95",
        pricing_model="per_user",
        cpv_codes=["72415000"],
        price_from=250,
    )
    OfferingFactory(organisation=real_company, slug="autre", title="Autre offre")
    response = client.get("/en/offerings/nextcloud-heberge/")
    html = response.text
    assert "<dd>Managed application hosting</dd>" in html
    assert "<dd>Pau, Nouvelle-Aquitaine, France</dd>" in html
    assert "<dd>Majority-owned in the EU</dd>" in html
    assert "<dd>Declares exposure to non-EU extraterritorial laws</dd>" in html
    assert "<dd>WebDAV</dd>" in html
    assert "<dd>99.95 %</dd>" in html
    assert "<dd>Per user</dd>" in html
    # The sovereign hosting verdict, with the reasons behind it.
    assert "This offer does not pass the sovereign hosting filter." in html
    assert "Hosted in the EU: Pau, France" in html
    assert "Declares exposure to non-EU laws" in html
    assert "No sovereign cloud qualification (SecNumCloud)" in html
    assert "<li><code>72415000</code></li>" in html
    assert 'href="/en/offerings/autre/"' in html
    assert 'class="badge-example"' not in html
    data = json_ld(html)
    assert data["@type"] == "Service"
    assert data["name"] == "Nextcloud hébergé"
    assert data["serviceType"] == "Managed application hosting"
    assert data["provider"]["name"] == "Vraie entreprise"
    assert data["offers"] == {"@type": "Offer", "price": "250.00", "priceCurrency": "EUR"}


def test_a_training_course_shows_its_kind_duration_and_delivery(client, real_company):
    OfferingFactory(
        organisation=real_company,
        slug="formation-glpi",
        title="Formation GLPI",
        service_kind=m.ServiceKind.TRAINING,
        delivery_mode=m.DeliveryMode.REMOTE,
        duration_hours=14,
    )
    html = client.get("/en/offerings/formation-glpi/").text
    assert "<dd>Training</dd>" in html
    assert "<dd>Remote</dd>" in html
    assert "<dd>14 hours</dd>" in html
    french = client.get("/offerings/formation-glpi/").text
    assert '<html lang="fr">' in french
    assert "<h1>Formation GLPI</h1>" in french


def test_a_machine_is_a_product_in_json_ld(client, fablab):
    OfferingFactory(
        organisation=fablab,
        slug="laser",
        title="Découpeuse laser",
        kind=m.OfferingKind.MACHINE,
        service_kind="",
        machine_type=m.MachineType.LASER_CUTTER,
    )
    data = json_ld(client.get("/offerings/laser/").text)
    assert data["@type"] == "Product"
    assert data["name"] == "Découpeuse laser"
    assert data["category"] == "Découpeuse laser"
    assert data["offers"]["seller"]["url"] == "http://testserver/organisations/fablab/"


def test_an_offering_page_makes_six_queries(client, fablab, django_assert_max_num_queries):
    """The offering, its software, its organisation's certifications and the offerings each
    covers, the sibling offerings, where it came from: as many with five of each as with one."""
    offering = OfferingFactory(organisation=fablab, slug="offre")
    for _ in range(5):
        offering.software.add(SoftwareFactory())
        OfferingFactory(organisation=fablab)
        CertificationFactory(organisation=fablab).offerings.add(offering)
    with django_assert_max_num_queries(6):
        assert client.get("/offerings/offre/").status_code == 200


def test_an_unknown_offering_is_a_404(client):
    assert client.get("/offerings/inconnue/").status_code == 404


# --- People ------------------------------------------------------------------------------------


def test_a_person_with_consent_shows_contact_details(client, fablab):
    PersonFactory(
        slug="maite",
        name="Maïté Exemple",
        role=m.PersonRole.AMBASSADOR,
        job_title="Animatrice du fab lab",
        organisation=fablab,
        bio_fr="Personnage fictif.",
        bio_en="Fictional character.",
        skills=["impression 3D", "FreeCAD"],
        territory=["64", "40"],
        email="maite@example.org",
        phone="+33536496411",
        contact_consent=True,
    )
    html = client.get("/en/people/maite/").text
    assert "<h1>Maïté Exemple" in html
    assert "Fictional character." in html
    assert "Ambassador · Animatrice du fab lab" in html
    assert "<li>impression 3D</li><li>FreeCAD</li>" in html
    assert "64 – Pyrénées-Atlantiques" in html
    assert 'href="/en/search/?kind=person&amp;departement=40"' in html
    assert '<a href="mailto:maite@example.org">maite@example.org</a>' in html
    assert '<a href="tel:+33536496411">05 36 49 64 11</a>' in html
    assert 'class="badge-example"' in html
    data = json_ld(html)
    assert data["@type"] == "Person"
    assert data["name"] == "Maïté Exemple"
    assert data["email"] == "maite@example.org"
    assert data["worksFor"]["name"] == "Fab lab exemple"
    assert_well_outlined(html)


def test_a_person_without_consent_hides_contact_details_everywhere(client, fablab):
    PersonFactory(
        slug="thomas",
        name="Thomas Exemplaire",
        organisation=fablab,
        email="thomas@example.org",
        phone="+33536493321",
        contact_consent=False,
    )
    for url in ("/people/thomas/", "/en/people/thomas/"):
        html = client.get(url).text
        assert "thomas@example.org" not in html
        assert "+33536493321" not in html
        assert "36 49 33 21" not in html
        assert "email" not in json_ld(html)
    english = client.get("/en/people/thomas/").text
    assert "No public contact details: get in touch through" in english


def test_an_unknown_person_is_a_404(client):
    assert client.get("/en/people/personne/").status_code == 404


# --- Events ------------------------------------------------------------------------------------


def test_an_event_shows_dates_place_and_organiser(client, real_company):
    EventFactory(
        slug="b-boost",
        title="B-Boost",
        is_example=False,
        description_fr="Salon du logiciel libre.",
        description_en="Free-software trade fair.",
        starts_on=date(2021, 10, 14),
        ends_on=date(2021, 10, 15),
        place="Espace Encan",
        commune_name="La Rochelle",
        commune_insee="17300",
        organiser=real_company,
        url="https://b-boost.example.org",
    )
    html = client.get("/en/events/b-boost/").text
    assert "<title>B-Boost · " in html
    assert "Free-software trade fair." in html
    assert '<time datetime="2021-10-14">' in html
    assert '<time datetime="2021-10-15">' in html
    assert "<dd>Espace Encan</dd>" in html
    assert "17 – Charente-Maritime" in html
    assert '<a class="entry-name" href="/en/organisations/vraie/">Vraie entreprise</a>' in html
    assert 'class="badge-example"' not in html
    data = json_ld(html)
    assert data["@type"] == "Event"
    assert data["name"] == "B-Boost"
    assert data["startDate"] == "2021-10-14"
    assert data["endDate"] == "2021-10-15"
    assert data["location"]["name"] == "Espace Encan"
    assert data["organizer"]["name"] == "Vraie entreprise"
    french = client.get("/events/b-boost/").text
    assert "Salon du logiciel libre." in french
    assert 'href="/en/events/b-boost/" lang="en"' in french
    assert_well_outlined(html)


def test_an_online_event_has_a_virtual_location(client):
    EventFactory(slug="webinaire", is_online=True, url="https://webinaire.example.org")
    html = client.get("/en/events/webinaire/").text
    assert "<dd>Online</dd>" in html
    assert 'class="badge-example"' in html
    assert json_ld(html)["location"] == {
        "@type": "VirtualLocation",
        "url": "https://webinaire.example.org",
    }


def test_an_unknown_event_is_a_404(client):
    assert client.get("/events/inconnu/").status_code == 404
