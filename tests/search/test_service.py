"""What search understands and how it ranks, on the demo data and on entries made for a test.

The same tests run on SQLite (FTS5) and on PostgreSQL (`make test-postgres`).
"""

import pytest
from django.core.management import call_command

from grappe.directory import models as m
from grappe.search.query import InvalidSearch, SearchParams
from grappe.search.service import search
from tests.factories import OfferingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def names(q: str, **filters) -> list[str]:
    return [hit.name for hit in search(SearchParams(q=q, page_size=5, **filters)).hits]


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the index updates that a commit would run."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hebergement", "Héberge-Adour (exemple)"),  # accents folded
        ("héberge", "Hébergement de baies (colocation)"),  # French word forms
        ("nextclud", "Nextcloud"),  # typo
        ("bigbluebuton", "BigBlueButton"),  # typo
        ("Word", "LibreOffice"),  # alternative to
        ("alternative à Microsoft Word", "LibreOffice"),
        ("Exchange", "BlueMind"),
        ("visio", "Jitsi Meet"),  # synonym: visioconférence
        ("maintenance GLPI Gironde", "Maintenance et support GLPI en Gironde"),  # what and where
        ("nextc", "Nextcloud"),  # prefix
    ],
)
def test_queries_users_type(demo, query, expected):
    assert expected in names(query)


def test_synonyms_and_alternatives_find_the_right_software(demo):
    assert {"BlueMind", "Thunderbird"} <= set(names("Outlook"))
    assert {"BigBlueButton", "Jitsi Meet"} <= set(names("visio"))
    assert names("Word")[0] == "LibreOffice"


def test_the_entry_named_as_typed_comes_first(demo):
    assert names("nextcloud")[0] == "Nextcloud"
    assert names("BigBlueButton")[0] == "BigBlueButton"
    assert names("thunderbird")[0] == "Thunderbird"


def test_typos_are_reported(demo):
    results = search(SearchParams(q="nextclud"))
    assert results.corrections == {"nextclud": "nextcloud"}


def test_words_that_match_nothing_are_left_out_and_said(demo):
    results = search(SearchParams(q="nextcloud qwxzyv"))
    assert results.corrections == {"qwxzyv": ""}
    assert results.hits[0].name == "Nextcloud"


def test_name_above_tags_above_description(db, indexed):
    with indexed():
        in_description = OrganisationFactory(name="Alpha", description_fr="Spécialiste zorglub")
        in_tags = OrganisationFactory(name="Bravo", tags=["zorglub"])
        in_name = OrganisationFactory(name="Charlie Zorglub")
    assert names("zorglub") == [in_name.name, in_tags.name, in_description.name]


def test_membership_boost_never_hides_a_better_match(db, indexed):
    with indexed():
        member = OrganisationFactory(
            name="Membre",
            description_fr="Nous faisons du zorglub",
            membership_status=m.MembershipStatus.MEMBER,
        )
        better = OrganisationFactory(name="Zorglub Services")
        twin_member = OrganisationFactory(
            name="Zorglub Conseil", membership_status=m.MembershipStatus.MEMBER
        )
        twin = OrganisationFactory(name="Zorglub Conseil")
    ranked = [hit.id for hit in search(SearchParams(q="zorglub")).hits]
    assert ranked.index(better.pk) < ranked.index(member.pk)
    assert ranked.index(twin_member.pk) < ranked.index(twin.pk)


def test_facets_count_the_results(demo):
    results = search(SearchParams(q="nextcloud"))
    kinds = {f.value: f.count for f in results.facets["kind"]}
    assert sum(kinds.values()) == results.count
    assert kinds["software"] >= 1
    hosting = {f.value: f.count for f in results.facets["offering_kind"]}["hosting"]
    filtered = search(SearchParams(q="nextcloud", offering_kind="hosting"))
    assert filtered.count == hosting
    # Hosting offers, and the organisations that have one.
    assert {h.kind for h in filtered.hits} <= {"offering", "organisation"}
    selected = [f for f in filtered.facets["offering_kind"] if f.selected]
    assert [f.value for f in selected] == ["hosting"]


def test_facets_have_labels_in_the_page_language(demo):
    french = search(SearchParams(q="nextcloud", language="fr")).facets
    english = search(SearchParams(q="nextcloud", language="en")).facets
    assert {f.label for f in french["offering_kind"]} >= {"Offre d’hébergement"}
    assert {f.label for f in english["offering_kind"]} >= {"Hosting offer"}
    assert "33 – Gironde" in {f.label for f in french["departement"]}


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"kind": "software"}, lambda h: h.kind == "software"),
        ({"departement": "64", "kind": "organisation"}, lambda h: h.departement == "64"),
        ({"member": True}, lambda h: h.is_member),
    ],
)
def test_filters_restrict_the_results(demo, filters, check):
    results = search(SearchParams(page_size=100, **filters))
    assert results.count > 0
    assert all(check(hit) for hit in results.hits)


def test_category_licence_and_certification_filters(demo):
    visio = search(SearchParams(category="visioconference", page_size=50)).hits
    assert {"Jitsi Meet", "BigBlueButton"} <= {h.name for h in visio}
    assert all(
        "AGPL" in hit.subtitle
        for hit in search(SearchParams(licence="AGPL-3.0-or-later", page_size=50)).hits
    )
    hds = search(SearchParams(certification="hds", page_size=50))
    assert hds.count > 0 and all(h.kind in {"organisation", "offering"} for h in hds.hits)


def test_sort_by_name_and_pagination(demo):
    first = search(SearchParams(kind="software", sort="name", page_size=10))
    second = search(SearchParams(kind="software", sort="name", page_size=10, page=2))
    first_names = [h.name for h in first.hits]
    assert first_names == sorted(first_names, key=str.lower)
    assert not set(first_names) & {h.name for h in second.hits}
    assert first.count == m.Software.objects.count()
    assert first.page_count == -(-first.count // 10)


def test_newest_first(demo, indexed):
    with indexed():
        fresh = OfferingFactory(title="Offre toute neuve")
    assert search(SearchParams(sort="newest")).hits[0].id == fresh.pk


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"kind": "alien"}, "kind"),
        ({"sort": "random"}, "sort"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"departement": "999"}, "departement"),
        ({"q": "x" * 500}, "q"),
        ({"organisation_kind": "pirate"}, "organisation_kind"),
    ],
)
def test_bad_parameters_name_themselves(db, params, parameter):
    with pytest.raises(InvalidSearch) as error:
        search(SearchParams(**params))
    assert error.value.parameter == parameter


def test_queries_with_syntax_characters_are_safe(demo):
    for query in ['"', "AND OR NOT", "nextcloud*", "(", "a:b", "'; DROP TABLE x; --", "NEAR(a b)"]:
        search(SearchParams(q=query))


def test_snippets_mark_the_matched_words(demo):
    hit = next(h for h in search(SearchParams(q="agricole")).hits if "agricole" in h.snippet)
    assert "<mark>agricole</mark>" in hit.snippet_html or "<mark>" in hit.snippet_html


def test_hits_link_to_their_pages(demo):
    hit = search(SearchParams(q="Nextcloud")).hits[0]
    assert hit.url == "/software/nextcloud/"


def test_index_follows_create_update_and_delete(db, indexed):
    with indexed():
        organisation = OrganisationFactory(name="Coopérative Quokka")
    assert names("quokka") == ["Coopérative Quokka"]
    with indexed():
        organisation.name = "Coopérative Wombat"
        organisation.save()
    assert names("wombat") == ["Coopérative Wombat"]
    assert names("quokka") == []
    with indexed():
        organisation.delete()
    assert names("wombat") == []


def test_an_offering_follows_its_organisation(db, indexed):
    with indexed():
        offering = OfferingFactory(title="Audit de sécurité")
    assert search(SearchParams(q="audit", departement="64")).count == 0
    with indexed():
        offering.organisation.postcode = "64100"
        offering.organisation.save()
    assert search(SearchParams(q="audit", departement="64")).hits[0].id == offering.pk


def test_reindex_rebuilds_the_same_index(demo):
    before = search(SearchParams(q="nextcloud")).count
    call_command("reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert search(SearchParams(q="nextcloud")).count == before


def test_an_import_is_indexed_when_it_commits(db, indexed):
    from grappe.interop.formats.grappe_yaml import parse
    from grappe.interop.loaders import load_directory

    document = parse(b"software:\n  - {slug: quokkadoc, name: QuokkaDoc, tags: [wiki]}\n")
    with indexed():
        assert load_directory(document, source="test").ok
    assert names("quokkadoc") == ["QuokkaDoc"]
    dry = parse(b"software:\n  - {slug: wombatdoc, name: WombatDoc}\n")
    with indexed():
        load_directory(dry, source="test", dry_run=True)
    assert names("wombatdoc") == []


def test_a_rolled_back_import_does_not_stop_later_changes_from_being_indexed(db, indexed):
    """Regression: index updates were registered once per batch, and lost with a rollback."""
    from grappe.interop.formats.grappe_yaml import parse
    from grappe.interop.loaders import load_directory

    with indexed():
        load_directory(parse(b"software:\n  - {slug: x1, name: Xylo}\n"), source="t", dry_run=True)
    with indexed():
        OrganisationFactory(name="Coopérative Numbat")
    assert names("numbat") == ["Coopérative Numbat"]


def test_an_organisation_publishing_thousands_of_software_is_indexed(db):
    """Inria publishes more than 1,000 repositories on code.gouv.fr: its document must build
    (a prefetch across software once made SQLite refuse the query past 1,000)."""
    from grappe.search.indexing import index_entries
    from grappe.search.models import SearchDocument

    publisher = OrganisationFactory(name="Institut exemple")
    software = m.Software.objects.bulk_create(
        m.Software(slug=f"logiciel-{i}", name=f"Logiciel {i}") for i in range(1_100)
    )
    m.SoftwareRelation.objects.bulk_create(
        m.SoftwareRelation(organisation=publisher, software=s, role=m.SoftwareRole.PUBLISHER)
        for s in software
    )
    index_entries("organisation", [publisher.pk])
    assert SearchDocument.objects.filter(kind="organisation", object_id=publisher.pk).exists()
