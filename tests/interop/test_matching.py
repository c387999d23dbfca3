"""Which organisation a record is: sure matches only, look-alikes for the curators."""

import pytest

from grappe.interop.matching import OrganisationMatcher, identifying_domain
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_sure_matches_in_order_siren_wikidata_website_name_and_commune():
    inria = OrganisationFactory(
        name="Inria", siren="180089013", wikidata_id="Q1146208", website="https://www.inria.fr/fr"
    )
    fablab = OrganisationFactory(name="Fab lab de Pau", postcode="64000")
    matcher = OrganisationMatcher()
    assert matcher.match(name="Autre nom", siren="180089013").how == "siren"
    assert matcher.match(name="Autre nom", wikidata_id="Q1146208").how == "wikidata"
    assert matcher.match(name="Autre nom", website="http://inria.fr/").organisation == inria
    found = matcher.match(name="FAB LAB de pau", postcode="64000")
    assert (found.organisation, found.how) == (fablab, "name and commune")


def test_shared_hosts_and_deep_links_never_identify():
    """A course page on a MOOC platform once matched the platform's publisher."""
    OrganisationFactory(name="France Université Numérique", website="https://www.fun-mooc.fr/")
    matcher = OrganisationMatcher()
    deep = "https://www.fun-mooc.fr/news/la-fabrication-numerique-de-lidee-au-prototype/"
    assert identifying_domain(deep) == ""
    assert matcher.match(name="MOOC Fabrication numérique", website=deep).organisation is None
    assert identifying_domain("https://github.com/etalab") == ""
    # The very same page still names the same organisation, deep or not.
    course = OrganisationFactory(name="Teritorio", website="https://teritorio.fr/formations/")
    matcher.remember(course)
    again = matcher.match(name="Teritorio SAS", website="http://www.teritorio.fr/formations")
    assert again.organisation == course
    assert identifying_domain("https://www.inria.fr/fr") == "inria.fr"


def test_look_alikes_go_to_the_review_list_not_into_an_entry():
    OrganisationFactory(name="Rennes Métropole", postcode="35000")
    OrganisationFactory(name="Fab lab Bordeaux Métropole", postcode="33000")
    matcher = OrganisationMatcher()
    elsewhere = matcher.match(name="Rennes Metropole", postcode="35200")
    assert elsewhere.organisation is None
    assert elsewhere.reason == "same name, another place"
    similar = matcher.match(name="Fablab Bordeaux Metropole", postcode="33100")
    assert similar.organisation is None and similar.look_alikes
    assert matcher.match(name="Tout autre chose", postcode="33000").look_alikes == ()


def test_a_record_without_a_place_finds_the_entry_it_created_without_one():
    """A training file gives no commune: its second import once duplicated "Teritorio",
    whose first import had been put beside the demo's placed Teritorio for review."""
    placed = OrganisationFactory(name="Teritorio", postcode="33000")
    matcher = OrganisationMatcher()
    first = matcher.match(name="Teritorio")
    assert first.organisation is None and first.look_alikes == (placed,)
    created = OrganisationFactory(name="Teritorio")
    matcher.remember(created)
    assert matcher.match(name="Teritorio").organisation == created
