from datetime import date, timedelta

import pytest

from grappe.directory import models as m
from tests.factories import (
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)
from tests.web.conftest import (
    CertificationFactory,
    EventFactory,
    PersonFactory,
    ReferenceFactory,
    SoftwareRelationFactory,
    assert_well_outlined,
    json_ld,
    populate_organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosting_company():
    return OrganisationFactory(
        slug="nuage-test",
        kind=m.OrganisationKind.HOSTING,
        name="Nuage Test",
        is_example=False,
        description_fr="Hébergeur de services libres à Mérignac.",
        description_en="Host of free services in Mérignac.",
        website="https://nuage.example.org",
        email="contact@nuage.example.org",
        phone="+33536493301",
        address="12 rue de l'Exemple",
        postcode="33700",
        commune_name="Mérignac",
        commune_insee="33281",
        membership_status=m.MembershipStatus.MEMBER,
        member_since=date(2021, 3, 1),
    )


def test_the_page_shows_identity_contact_and_place_in_french(client, hosting_company):
    response = client.get("/organisations/nuage-test/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    assert "<title>Nuage Test · " in html
    assert "Hébergeur de services libres à Mérignac." in html
    assert "Host of free services" not in html
    assert '<a href="https://nuage.example.org">' in html
    assert 'href="mailto:contact@nuage.example.org"' in html
    assert '<a href="tel:+33536493301">05 36 49 33 01</a>' in html
    assert "33700 Mérignac" in html
    assert "33 – Gironde" in html
    assert 'class="badge-member"' in html
    assert 'class="badge-example"' not in html
    assert_well_outlined(html)


def test_the_english_page_has_its_own_address_text_and_language_links(client, hosting_company):
    html = client.get("/en/organisations/nuage-test/").text
    assert '<html lang="en">' in html
    assert "Host of free services in Mérignac." in html
    assert "Contact and place" in html
    assert 'href="/organisations/nuage-test/" lang="fr"' in html
    french = client.get("/organisations/nuage-test/").text
    assert 'href="/en/organisations/nuage-test/" lang="en"' in french


def test_a_description_in_one_language_is_shown_in_the_other_marked_with_its_language(client):
    OrganisationFactory(slug="seulement-fr", description_fr="Seulement en français.")
    html = client.get("/en/organisations/seulement-fr/").text
    assert '<div class="description" lang="fr"><p>Seulement en français.</p></div>' in html


def test_an_example_entry_is_labelled_next_to_its_title(client):
    OrganisationFactory(slug="fictive", name="Fab lab fictif", is_example=True)
    html = client.get("/en/organisations/fictive/").text
    title = html[html.index("<h1>") : html.index("</h1>")]
    assert 'class="badge-example"' in title
    assert "This entry is fictional" in html


def test_json_ld_describes_the_organisation(client, hosting_company):
    data = json_ld(client.get("/en/organisations/nuage-test/").text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Nuage Test"
    assert data["url"] == "http://testserver/en/organisations/nuage-test/"
    assert data["address"]["addressLocality"] == "Mérignac"
    assert data["address"]["addressRegion"] == "Gironde"
    assert data["description"] == "Host of free services in Mérignac."


def test_offerings_are_grouped_by_kind_and_linked(client, hosting_company):
    OfferingFactory(
        organisation=hosting_company,
        slug="nextcloud-heberge",
        title="Nextcloud hébergé",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.SAAS,
        datacenter_city="Mérignac",
        datacenter_country="FR",
    )
    OfferingFactory(organisation=hosting_company, slug="formation", title="Formation Nextcloud")
    html = client.get("/en/organisations/nuage-test/").text
    assert "<h3>Service</h3>" in html
    assert "<h3>Hosting offer</h3>" in html
    assert html.index("<h3>Service</h3>") < html.index("<h3>Hosting offer</h3>")
    assert (
        '<a class="entry-name" href="/en/offerings/nextcloud-heberge/">Nextcloud hébergé</a>'
        in html
    )
    assert "Software as a service · data centre: Mérignac, France" in html


def test_certifications_show_their_validity_and_expired_ones_are_marked(client, hosting_company):
    today = date.today()
    CertificationFactory(
        organisation=hosting_company,
        scheme=CertificationSchemeFactory(slug="hds", name="HDS"),
        valid_from=today - timedelta(days=400),
        valid_until=today + timedelta(days=400),
    )
    CertificationFactory(
        organisation=hosting_company,
        scheme=CertificationSchemeFactory(slug="iso-27001", name="ISO/IEC 27001"),
        valid_from=date(2019, 1, 1),
        valid_until=date(2022, 1, 1),
    )
    html = client.get("/en/organisations/nuage-test/").text
    assert '<th scope="col">Validity</th>' in html
    hds = html[html.index('<th scope="row">HDS') :]
    assert hds.index("Valid<") < hds.index("</tr>")
    iso = html[html.index('<tr class="expired">') :]
    assert iso.index("ISO/IEC 27001") < iso.index('<strong class="status-expired">Expired</strong>')
    assert '<time datetime="2022-01-01">' in iso


def test_only_public_references_are_shown(client, hosting_company):
    client_body = OrganisationFactory(slug="commune-cliente", name="Commune cliente")
    public = ReferenceFactory(
        organisation=hosting_company,
        title="Nextcloud pour la commune",
        client=client_body,
        amount=38000,
        role=m.ContractRole.LEAD,
    )
    public.software.add(SoftwareFactory(slug="nextcloud", name="Nextcloud"))
    ReferenceFactory(organisation=hosting_company, title="Contrat confidentiel", is_public=False)
    html = client.get("/en/organisations/nuage-test/").text
    assert "Nextcloud pour la commune" in html
    assert '<a href="/en/organisations/commune-cliente/">Commune cliente</a>' in html
    assert "lead of a consortium (mandataire)" in html
    assert '<a href="/en/software/nextcloud/">Nextcloud</a>' in html
    assert "Contrat confidentiel" not in html


def test_software_is_listed_by_role_with_users_testimonies(client, hosting_company):
    glpi = SoftwareFactory(slug="glpi", name="GLPI")
    moodle = SoftwareFactory(slug="moodle", name="Moodle")
    SoftwareRelationFactory(organisation=hosting_company, software=glpi, role="publisher")
    SoftwareRelationFactory(organisation=hosting_company, software=moodle, role="host")
    SoftwareRelationFactory(
        organisation=hosting_company,
        software=glpi,
        role="user",
        testimony_fr="Nous gérons 2 000 postes avec GLPI.",
        since_year=2018,
    )
    html = client.get("/en/organisations/nuage-test/").text
    assert "<h3>Publishes or develops</h3>" in html
    assert "<h3>Hosts</h3>" in html
    assert "<h3>Uses</h3>" in html
    assert '<blockquote lang="fr"><p>Nous gérons 2 000 postes avec GLPI.</p></blockquote>' in html
    assert "since 2018" in html
    assert "<h3>Provides services for</h3>" not in html


def test_people_show_contact_details_only_with_consent(client, hosting_company):
    PersonFactory(
        organisation=hosting_company,
        name="Camille Publique",
        email="camille@example.org",
        phone="+33536493302",
        contact_consent=True,
    )
    PersonFactory(
        organisation=hosting_company,
        name="Dominique Discrète",
        email="dominique@example.org",
        phone="+33536493303",
        contact_consent=False,
    )
    html = client.get("/organisations/nuage-test/").text
    assert "Camille Publique" in html
    assert "camille@example.org" in html
    assert "Dominique Discrète" in html
    assert "dominique@example.org" not in html
    assert "+33536493303" not in html
    assert "05 36 49 33 03" not in html


def test_events_it_organises_are_listed(client, hosting_company):
    EventFactory(organiser=hosting_company, slug="atelier", title="Atelier Nextcloud")
    html = client.get("/en/organisations/nuage-test/").text
    assert '<a class="entry-name" href="/en/events/atelier/">Atelier Nextcloud</a>' in html


def test_an_unknown_organisation_is_a_proper_404_page(client):
    response = client.get("/organisations/inconnue/")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.text
    assert (
        '<form class="search-form" role="search" method="get" action="/search/">' in response.text
    )
    assert "Traceback" not in response.text
    english = client.get("/en/organisations/inconnue/")
    assert english.status_code == 404
    assert '<html lang="en">' in english.text
    assert "<h1>Page not found</h1>" in english.text
    assert "<title>Page not found · Grappe</title>" in english.text


def test_the_page_makes_the_same_few_queries_whatever_the_number_of_rows(
    client, django_assert_max_num_queries
):
    small = OrganisationFactory(slug="petite")
    populate_organisation(small, 1)
    large = OrganisationFactory(slug="grande")
    populate_organisation(large, 6)
    with django_assert_max_num_queries(10):  # and one for where it came from (federation)
        small_html = client.get("/organisations/petite/").text
    with django_assert_max_num_queries(10):  # and one for where it came from (federation)
        large_html = client.get("/organisations/grande/").text
    assert small_html.count('<th scope="row">') == 1
    assert large_html.count('<th scope="row">') == 6
