import pytest

from grappe.directory import models as m
from grappe.needs.models import Need, NeedStatus
from tests.factories import OfferingFactory, OrganisationFactory, SoftwareFactory
from tests.web.conftest import (
    CategoryFactory,
    SoftwareRelationFactory,
    assert_well_outlined,
    json_ld,
    populate_software,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nextcloud():
    software = SoftwareFactory(
        slug="nextcloud",
        name="Nextcloud",
        licence_raw="AGPLv3+",
        licence="AGPL-3.0-or-later",
        description_fr="Stockage et partage de fichiers.",
        description_en="File storage and sharing.",
        website="https://nextcloud.com",
        repository_url="https://github.com/nextcloud/server",
        alternative_to=["Google Drive", "Microsoft OneDrive"],
        platforms=["web", "linux"],
    )
    software.categories.add(
        CategoryFactory(slug="partage", name_fr="Partage de fichiers", name_en="File sharing")
    )
    software.similar.add(SoftwareFactory(slug="seafile", name="Seafile"))
    return software


def test_the_page_shows_licence_description_links_and_alternatives(client, nextcloud):
    html = client.get("/en/software/nextcloud/").text
    assert "<title>Nextcloud · " in html
    assert "File storage and sharing." in html
    assert "<code>AGPL-3.0-or-later</code>" in html
    assert "(written “AGPLv3+” by its source)" in html
    assert "Alternative to Google Drive, Microsoft OneDrive" in html
    assert '<a href="/en/search/?category=partage">File sharing</a>' in html
    assert '<a href="https://github.com/nextcloud/server">' in html
    assert "Web, Linux" in html
    assert '<a href="/en/software/seafile/">Seafile</a>' in html
    assert_well_outlined(html)


def test_the_french_page_shows_french_texts(client, nextcloud):
    html = client.get("/software/nextcloud/").text
    assert '<html lang="fr">' in html
    assert "Stockage et partage de fichiers." in html
    assert '<a href="/search/?category=partage">Partage de fichiers</a>' in html
    assert 'href="/en/software/nextcloud/" lang="en"' in html


def test_who_publishes_serves_hosts_and_uses_it(client, nextcloud):
    publisher = OrganisationFactory(slug="nextcloud-gmbh", name="Nextcloud GmbH", is_example=False)
    integrator = OrganisationFactory(slug="integrateur", name="Intégrateur")
    host = OrganisationFactory(slug="hebergeur", name="Hébergeur")
    other_host = OrganisationFactory(slug="autre-hebergeur", name="Autre hébergeur")
    town = OrganisationFactory(slug="commune", name="Commune", kind=m.OrganisationKind.PUBLIC_BODY)
    SoftwareRelationFactory(organisation=publisher, software=nextcloud, role="publisher")
    SoftwareRelationFactory(organisation=integrator, software=nextcloud, role="services")
    SoftwareRelationFactory(organisation=host, software=nextcloud, role="host")
    SoftwareRelationFactory(organisation=other_host, software=nextcloud, role="host")
    SoftwareRelationFactory(
        organisation=town,
        software=nextcloud,
        role="user",
        testimony_en="Replaced USB sticks between town halls.",
    )
    offer = OfferingFactory(
        organisation=host,
        slug="nextcloud-heberge",
        title="Nextcloud hébergé",
        kind=m.OfferingKind.HOSTING,
        service_kind="",
        hosting_kind=m.HostingKind.SAAS,
        price_from=4,
    )
    offer.software.add(nextcloud)
    training = OfferingFactory(organisation=integrator, slug="formation", title="Formation")
    training.software.add(nextcloud)
    html = client.get("/en/software/nextcloud/").text

    def section(title: str) -> str:
        start = html.index(f">{title}</h2>")
        return html[start : html.index("</section>", start)]

    assert '<a class="entry-name" href="/en/organisations/nextcloud-gmbh/">' in section(
        "Who publishes it"
    )
    assert 'href="/en/organisations/integrateur/"' in section("Who provides services for it")
    hosts = section("Who hosts it")
    assert '<a class="entry-name" href="/en/offerings/nextcloud-heberge/">' in hosts
    assert '<a href="/en/organisations/hebergeur/">Hébergeur</a>' in hosts
    assert "from €4" in hosts
    assert 'href="/en/organisations/autre-hebergeur/"' in hosts
    assert hosts.count('href="/en/organisations/hebergeur/"') == 1
    users = section("Who uses it")
    assert 'href="/en/organisations/commune/"' in users
    assert "<blockquote><p>Replaced USB sticks between town halls.</p></blockquote>" in users
    assert 'href="/en/offerings/formation/"' in section("Offerings that mention it")


def test_json_ld_is_a_software_application(client, nextcloud):
    publisher = OrganisationFactory(slug="nextcloud-gmbh", name="Nextcloud GmbH")
    SoftwareRelationFactory(organisation=publisher, software=nextcloud, role="publisher")
    data = json_ld(client.get("/software/nextcloud/").text)
    assert data["@type"] == "SoftwareApplication"
    assert data["name"] == "Nextcloud"
    assert data["license"] == "AGPL-3.0-or-later"
    assert data["applicationCategory"] == "Partage de fichiers"
    assert data["publisher"] == [
        {
            "@type": "Organization",
            "name": "Nextcloud GmbH",
            "url": "http://testserver/organisations/nextcloud-gmbh/",
        }
    ]


def test_an_example_software_is_labelled(client):
    SoftwareFactory(slug="logiciel-fictif", is_example=True)
    html = client.get("/en/software/logiciel-fictif/").text
    assert 'class="badge-example"' in html[html.index("<h1>") : html.index("</h1>")]
    assert "This entry is fictional" in html


def test_an_unknown_software_is_a_404(client):
    assert client.get("/software/inconnu/").status_code == 404
    assert client.get("/en/software/inconnu/").status_code == 404


def test_the_page_makes_the_same_few_queries_whatever_the_number_of_rows(
    client, django_assert_max_num_queries
):
    small = SoftwareFactory(slug="petit")
    populate_software(small, 1)
    large = SoftwareFactory(slug="grand")
    populate_software(large, 6)
    with django_assert_max_num_queries(7):  # and where it came from (federation), its open needs
        small_html = client.get("/en/software/petit/").text
    with django_assert_max_num_queries(7):  # and where it came from (federation), its open needs
        large_html = client.get("/en/software/grand/").text
    assert small_html.count("<blockquote>") == 1
    assert large_html.count("<blockquote>") == 6


def test_the_page_lists_the_open_needs_for_the_software_and_links_to_post_one(client, db):
    software = SoftwareFactory(name="Decidim")
    Need.objects.create(title="Module de réservation", kind="module", software=software)
    Need.objects.create(
        title="Ancien besoin", kind="module", software=software, status=NeedStatus.ARCHIVED
    )
    html = client.get(software.get_absolute_url()).text
    assert "Module de réservation" in html
    assert "Ancien besoin" not in html
    assert f"/needs/new/?software={software.slug}" in html
