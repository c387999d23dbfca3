"""The observatory: its figures on the demo data, grouping beyond twelve bars, the SVG charts,
the tables, the CSV downloads, in French and in English."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from grappe.directory import models as m
from grappe.federation.models import Peer, Provenance
from grappe.web import charts, observatory
from grappe.web.observatory import MAX_BARS, Chart, Row
from tests.factories import (
    CategoryFactory,
    CertificationFactory,
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
    SoftwareRelationFactory,
)
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)  # the demo's certificates have fixed dates
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def empty_index(db):
    """No directory entry, even when a test of this module loaded the demo before (the demo
    stays for the whole module, each test undoing only its own changes)."""
    m.Organisation.objects.all().delete()  # with their offerings, relations, certificates
    for model in (m.Software, m.Category, m.CertificationScheme, Peer):
        model.objects.all().delete()


def rows(chart: Chart) -> dict[str, tuple[int, ...]]:
    return {row.key: row.values for row in chart.rows}


# -- The figures, on the demo data ----------------------------------------------------------


def test_organisations_by_departement_the_twelve_then_elsewhere_then_unknown(demo):
    chart = observatory.organisations_by_departement(today=TODAY)
    keys = [row.key for row in chart.rows]
    assert set(keys[:12]) == {
        "16",
        "17",
        "19",
        "23",
        "24",
        "33",
        "40",
        "47",
        "64",
        "79",
        "86",
        "87",
    }
    assert keys[12:] == ["other", "unknown"]
    # Organisations, of which members, of which examples.
    assert rows(chart)["33"] == (6, 3, 4)
    assert rows(chart)["64"] == (6, 4, 4)
    assert rows(chart)["other"] == (7, 0, 0)  # Paris, Nantes, Toulouse, Lille, Lyon...
    assert rows(chart)["unknown"] == (20, 4, 0)
    assert chart.totals == (68, 31, 33)
    gironde = chart.rows[0]
    assert (gironde.label, gironde.drawn) == ("33 – Gironde", (3, 3))  # members, others
    assert gironde.url == "/en/search/?kind=organisation&departement=33"
    assert [row.values[0] for row in chart.rows[:12]] == sorted(
        (row.values[0] for row in chart.rows[:12]), reverse=True
    )


def test_organisations_by_kind_with_members_and_examples(demo):
    chart = observatory.organisations_by_kind(today=TODAY)
    assert chart.rows[0].key == "company"
    assert rows(chart)["company"] == (26, 14, 9)
    assert rows(chart)["public_body"] == (8, 0, 3)
    assert rows(chart)["fablab"] == (14, 12, 14)
    assert len(chart.rows) == len(m.OrganisationKind.values)
    assert chart.totals == (68, 31, 33)


def test_offerings_by_kind_every_kind_even_without_any(demo):
    chart = observatory.offerings_by_kind(today=TODAY)
    assert [row.key for row in chart.rows] == [
        "machine",
        "service",
        "hosting",
        "software",
        "hardware",
    ]
    assert rows(chart)["machine"] == (31, 26, 31)
    assert rows(chart)["hardware"] == (0, 0, 0)
    assert chart.totals == (80, 67, 73)


def test_offerings_by_category_families_on_the_chart_sub_categories_in_the_table(demo):
    chart = observatory.offerings_by_category(today=TODAY)
    families = [(row.key, row.values[0]) for row in chart.drawn_rows]
    assert families == [
        ("gestion-metier", 21),
        ("infrastructure", 15),
        ("collaboration", 14),
        ("communication", 7),
        ("web-et-contenus", 2),
        ("none", 29),
    ]
    details = {row.key: (row.parent, row.values[0]) for row in chart.rows if row.parent}
    assert details["conception-fabrication"] == ("gestion-metier", 8)
    assert details["partage-de-fichiers"] == ("collaboration", 9)
    assert "navigateur-web" not in rows(chart)  # a family without any offering
    # A family's sub-categories follow it, largest first.
    keys = [row.key for row in chart.rows]
    assert keys[: keys.index("infrastructure")] == [
        "gestion-metier",
        "conception-fabrication",
        "formation-en-ligne",  # "E-learning", ties in label order
        "erp-gestion",  # "Enterprise resource planning (ERP)"
        "sig-cartographie",
        "participation-citoyenne",
        "agriculture",
    ]
    # The search finds a sub-category's offerings; a family's, only in its own name.
    conception = next(row for row in chart.rows if row.key == "conception-fabrication")
    assert conception.url == "/en/search/?kind=offering&category=conception-fabrication"
    assert chart.drawn_rows[0].url == ""


def test_software_by_licence_counts_each_choice_and_groups_the_rare_ones(demo):
    chart = observatory.software_by_licence(today=TODAY)
    # 10 alone, one "AGPL-3.0-only AND Apache-2.0", one "AGPL-3.0-only OR GPL-3.0-only".
    assert chart.rows[0].key == "AGPL-3.0-only"
    assert rows(chart)["AGPL-3.0-only"] == (12,)
    assert rows(chart)["none"] == (5,)
    assert rows(chart)["other"] == (7,)
    assert len(chart.rows) == MAX_BARS
    assert chart.rows[0].url == "/en/search/?kind=software&licence=AGPL-3.0-only"


def test_certifications_valid_on_the_day(demo):
    chart = observatory.certifications_by_scheme(today=TODAY)
    assert rows(chart) == {
        "iso-27001": (3, 3),
        "qualiopi": (3, 3),  # one of them only valid from 2026-09-15
        "hds": (2, 2),
        "territoire-numerique-libre": (1, 0),
        "secnumcloud": (1, 1),
        "iso-9001": (0, 0),  # expired on 2026-05-31
    }
    earlier = observatory.certifications_by_scheme(today=date(2026, 1, 1))
    assert rows(earlier)["iso-9001"] == (1, 1)
    assert rows(earlier)["qualiopi"] == (3, 3)


def test_members_software_used_by_public_bodies_ranked(demo):
    chart = observatory.members_software_used_by_public_bodies(today=TODAY)
    assert [(row.key, row.values) for row in chart.rows[:3]] == [
        ("libreoffice", (2, 1)),
        ("thunderbird", (2, 1)),
        ("nextcloud", (1, 6)),
    ]
    assert all(row.values[0] >= 1 and row.values[1] >= 1 for row in chart.rows)
    assert chart.rows[0].url == "/en/software/libreoffice/"


def test_members_over_the_years_added_up_from_member_since(demo):
    chart = observatory.members_by_year(today=TODAY)
    assert len(chart.rows) == MAX_BARS
    first, last = chart.rows[0], chart.rows[-1]
    assert (first.key, first.label, first.tick, first.values) == (
        "2015",
        "2015 or before",
        "≤ 2015",
        (4, 4),
    )
    assert (last.key, last.values) == ("2026", (26, 0))
    assert rows(chart)["2019"] == (12, 4)
    assert "left out: 5." in chart.note  # the members without a joining date
    assert (
        chart.rows[-1].values[0] + 5
        == m.Organisation.objects.filter(membership_status="member").count()
    )


def test_entries_added_each_month_from_their_recording_date(demo):
    today = timezone.localdate()
    chart = observatory.entries_by_month(today=today)
    assert len(chart.rows) == MAX_BARS
    assert chart.rows[-1].key == today.strftime("%Y-%m")
    assert chart.rows[-1].values == (201, 68, 53, 80)
    assert all(row.values == (0, 0, 0, 0) for row in chart.rows[:-1])
    assert chart.totals == (201, 68, 53, 80)
    assert chart.note == ""
    later = observatory.entries_by_month(today=today + timedelta(days=400))
    assert later.totals == (0, 0, 0, 0)
    assert "201" in later.note


def test_the_overview_says_how_much_is_example_data(demo):
    overview = observatory.overview()
    assert (overview.organisations, overview.members) == (68, 31)
    assert (overview.partners, overview.former_members) == (2, 1)
    assert (overview.example_organisations, overview.example_offerings) == (33, 73)
    assert overview.has_examples
    assert overview.pulled == 0


def test_no_chart_draws_more_than_twelve_bars_but_the_departements(demo):
    for chart in observatory.all_charts(today=TODAY):
        limit = 14 if chart.slug == "departements" else MAX_BARS
        assert len(chart.drawn_rows) <= limit, chart.slug


# -- Grouping and counting rules, on entries made for them -----------------------------------


def test_rare_licences_are_grouped_counting_each_software_once(empty_index):
    for n in range(11):  # eleven licences of three software each are kept
        for _n in range(3):
            SoftwareFactory(licence=f"LicenseRef-common-{n:02}")
    for n in range(4):
        SoftwareFactory(licence=f"LicenseRef-rare-{n}")
    SoftwareFactory(licence="LicenseRef-rare-0 OR LicenseRef-rare-1")
    SoftwareFactory(licence="")
    chart = observatory.software_by_licence(today=TODAY)
    assert len(chart.rows) == MAX_BARS
    assert [row.key for row in chart.rows[-2:]] == ["other", "none"]
    assert len(chart.rows) - 2 == 10  # room for ten ids beside "other" and "none"
    assert rows(chart)["LicenseRef-common-00"] == (3,)
    # The eleventh common licence and the four rare ones: 3 + 4 + 1 software, the one under
    # a choice of two rare licences counted once.
    assert rows(chart)["other"] == (8,)
    assert rows(chart)["none"] == (1,)


def test_a_family_counts_an_offering_once_whatever_the_depth(empty_index):
    family = CategoryFactory(slug="famille")
    child = CategoryFactory(slug="enfant", parent=family)
    grandchild = CategoryFactory(slug="petit-enfant", parent=child)
    other_child = CategoryFactory(slug="autre-enfant", parent=family)
    software = SoftwareFactory()
    software.categories.add(grandchild, other_child)
    offering = OfferingFactory()
    offering.software.add(software)
    OfferingFactory()  # about no software at all
    chart = observatory.offerings_by_category(today=TODAY)
    assert [(row.key, row.values[0]) for row in chart.drawn_rows] == [
        ("famille", 1),
        ("none", 1),
    ]
    details = {row.key: row.values[0] for row in chart.rows if row.parent == "famille"}
    assert details == {"petit-enfant": 1, "autre-enfant": 1}


def test_more_than_twelve_families_end_with_other_families(empty_index):
    for n in range(14):
        family = CategoryFactory(slug=f"famille-{n:02}")
        software = SoftwareFactory()
        software.categories.add(family)
        for _n in range(n + 1):
            OfferingFactory().software.add(software)
    chart = observatory.offerings_by_category(today=TODAY)
    assert len(chart.drawn_rows) == MAX_BARS
    assert chart.drawn_rows[0].key == "famille-13"
    # famille-00, -01 and -02 are grouped: 1 + 2 + 3 offerings.
    assert chart.drawn_rows[-1].key == "other"
    assert chart.drawn_rows[-1].values == (6,)


def test_certificates_expired_or_to_come_are_not_counted(empty_index):
    scheme = CertificationSchemeFactory(slug="hds", name="HDS")
    member = OrganisationFactory(membership_status="member")
    CertificationFactory(organisation=member, scheme=scheme, valid_from=date(2025, 1, 1))
    CertificationFactory(scheme=scheme, valid_until=date(2026, 1, 1))  # expired
    CertificationFactory(scheme=scheme, valid_from=date(2027, 1, 1))  # to come
    CertificationFactory(scheme=scheme)  # open-ended
    chart = observatory.certifications_by_scheme(today=TODAY)
    assert rows(chart) == {"hds": (2, 1)}


def test_public_use_needs_a_member_supplier_and_a_public_body_user(empty_index):
    member = OrganisationFactory(membership_status="member")
    public_body = OrganisationFactory(kind="public_body")
    company = OrganisationFactory()
    both, only_used, by_non_member = SoftwareFactory(), SoftwareFactory(), SoftwareFactory()
    for role in ("publisher", "services"):  # one member, however many roles
        SoftwareRelationFactory(organisation=member, software=both, role=role)
    SoftwareRelationFactory(organisation=public_body, software=both, role="user")
    SoftwareRelationFactory(organisation=public_body, software=only_used, role="user")
    SoftwareRelationFactory(organisation=company, software=by_non_member, role="publisher")
    SoftwareRelationFactory(organisation=public_body, software=by_non_member, role="user")
    SoftwareRelationFactory(organisation=company, software=both, role="user")  # not public
    chart = observatory.members_software_used_by_public_bodies(today=TODAY)
    assert rows(chart) == {both.slug: (1, 1)}


def test_pulled_entries_are_counted_and_said(empty_index, client):
    peer = Peer.objects.create(name="Grappe Bretagne", slug="bzh", base_url="https://bzh.example")
    pulled = OrganisationFactory()
    OfferingFactory(organisation=pulled)
    Provenance.objects.create(
        peer=peer,
        kind="organisation",
        remote_slug="x",
        entry_id=pulled.pk,
        remote_updated_at=timezone.now(),
    )
    assert observatory.overview().pulled == 2  # the organisation and its offering
    html = client.get("/en/observatory/").text
    assert "entries pulled from other clusters' indexes: 2." in html


# -- The page --------------------------------------------------------------------------------


@pytest.fixture
def page_en(client, demo):
    return client.get("/en/observatory/")


def test_the_page_in_english_and_in_french(client, demo):
    english = client.get("/en/observatory/")
    french = client.get("/observatory/")
    assert english.status_code == french.status_code == 200
    assert '<html lang="en">' in english.text and '<html lang="fr">' in french.text
    assert "<h1>Observatory of the ecosystem</h1>" in english.text
    # Labels follow the language: choices, category names.
    assert ">Company</a>" in english.text and ">Entreprise</a>" in french.text
    assert "Business and line-of-business software" in english.text
    assert "Gestion et métiers" in french.text
    assert 'href="/en/observatory/licences.csv"' in english.text
    assert 'href="/observatory/licences.csv"' in french.text


def test_the_page_says_the_figures_include_example_data(page_en):
    assert (
        '<p class="example-notice">These figures include example entries, which are fictional'
        in page_en.text
    )
    assert "organisations: 33, software: 0, offerings: 73." in page_en.text


def test_every_chart_is_an_accessible_svg_with_its_table_and_csv(page_en):
    html = page_en.text
    sections = re.findall(r'<section class="chart".*?</section>', html, re.S)
    assert len(sections) == len(observatory.CHARTS)
    for slug, section in zip(observatory.CHARTS, sections, strict=True):
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", section, re.S).group(0))
        assert svg.tag == f"{SVG}svg"
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert svg.get("aria-labelledby") == title.get("id") == f"chart-{slug}-title"
        assert svg.get("aria-describedby") == svg.find(f"{SVG}desc").get("id")
        heading = re.search(r"<h2 [^>]*>(.*?)</h2>", section).group(1)
        assert title.text == heading.replace("&#x27;", "'")
        table = re.search(r"<table.*?</table>", section, re.S).group(0)
        assert f'<caption id="chart-{slug}-caption">' in table
        assert '<th scope="col">' in table and '<th scope="row">' in table
        assert f'href="/en/observatory/{slug}.csv" type="text/csv" download>' in section


def test_the_page_needs_no_script_and_is_well_outlined(page_en):
    assert "<script" not in page_en.text
    assert_well_outlined(page_en.text)


def test_the_table_links_to_the_entries_counted(page_en):
    assert (
        '<th scope="row"><a href="/en/search/?kind=organisation&amp;departement=33">'
        "33 – Gironde</a></th>" in page_en.text
    )
    assert '<a href="/en/software/nextcloud/">Nextcloud</a>' in page_en.text


def test_the_page_costs_the_same_queries_whatever_the_data(client, demo, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/en/observatory/")
    for n in range(30):
        organisation = OrganisationFactory(membership_status="member", postcode="33000")
        software = SoftwareFactory(licence=f"LicenseRef-n{n}")
        OfferingFactory(organisation=organisation).software.add(software)
        CertificationFactory(organisation=organisation, valid_from=date(2025, 1, 1))
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/en/observatory/")


def test_an_empty_index_still_has_every_chart_and_table(empty_index, client):
    html = client.get("/en/observatory/").text
    assert html.count('role="img"') == len(observatory.CHARTS)
    assert html.count("<table") == len(observatory.CHARTS)
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        ET.fromstring(svg)
    assert "example-notice" not in html


def test_the_home_page_links_to_the_observatory(client):
    assert 'href="/en/observatory/"' in client.get("/en/").text
    assert 'href="/observatory/"' in client.get("/").text


# -- The CSV downloads ----------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_chart_as_csv(client, demo):
    response = client.get("/en/observatory/departements.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="grappe-observatory-departements-'
    )
    table = read_csv(response)
    assert table[0] == [
        "code",
        "Département",
        "Organisations",
        "Cluster members",
        "Example entries",
    ]
    assert table[1] == ["33", "33 – Gironde", "6", "3", "4"]
    assert table[-1] == ["unknown", "Place unknown", "20", "4", "0"]
    assert len(table) == 1 + 14
    assert b"\r\n" in response.content


def test_csv_headers_in_the_page_language(client, demo):
    english = read_csv(client.get("/en/observatory/categories.csv"))
    french = read_csv(client.get("/observatory/categories.csv"))
    assert english[0] == ["code", "Category", "within", "Offerings"]
    assert french[0][1:2] == ["Catégorie"] and french[0][-1] == "Offres"
    assert [
        "conception-fabrication",
        "3D design and digital fabrication",
        "gestion-metier",
        "8",
    ] in (english)
    assert [
        "conception-fabrication",
        "Conception 3D et fabrication numérique",
        "gestion-metier",
        "8",
    ] in french


def test_every_chart_has_its_csv_and_an_unknown_one_is_not_found(client, demo):
    for slug in observatory.CHARTS:
        response = client.get(f"/en/observatory/{slug}.csv")
        assert response.status_code == 200, slug
        assert len(read_csv(response)) >= 2, slug
    assert client.get("/en/observatory/nothing.csv").status_code == 404


def test_a_csv_cell_a_spreadsheet_would_run_is_quoted():
    chart = Chart(
        slug="x",
        title="X",
        description="",
        shape="bars",
        key_header="code",
        label_header="Name",
        columns=("N",),
        rows=(Row("a", "=HYPERLINK(1)", (1,)),),
    )
    assert list(chart.csv_rows())[1] == ["a", "'=HYPERLINK(1)", 1]


# -- The drawing -----------------------------------------------------------------------------


def bars(*values: int, stacked: bool = False) -> Chart:
    return Chart(
        slug="test",
        title="Test <chart> & co",
        description="",
        shape="bars",
        key_header="code",
        label_header="Name",
        columns=("N", "M"),
        rows=tuple(
            Row(str(n), f"Row “{n}” & <more>", (v, v // 2), segments=(v // 2, v - v // 2))
            if stacked
            else Row(str(n), f"Row “{n}” & <more>", (v, 0))
            for n, v in enumerate(values)
        ),
        legend=("Members", "Others") if stacked else (),
    )


def test_numbers_on_the_chart_are_grouped_per_language():
    chart = bars(12345, 678)
    with translation.override("fr"):
        french = charts.render(chart)
    with translation.override("en"):
        english = charts.render(chart)
    assert ">12\xa0345</text>" in french
    assert ">12,345</text>" in english
    with translation.override("fr"):
        table = render_to_string("web/_chart.html", {"chart": chart, "svg": "", "csv_url": "/x"})
    assert '<td class="num">12\xa0345</td>' in table


def test_the_svg_escapes_labels_and_stays_well_formed():
    svg = ET.fromstring(str(charts.render(bars(3, 1, 0, stacked=True))))
    assert svg.find(f"{SVG}title").text == "Test <chart> & co"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Row “0” & <more>" in texts
    # The second series is hatched (a pattern), not told by colour alone; a legend names both.
    assert svg.find(f"{SVG}defs/{SVG}pattern") is not None
    assert "Members" in texts and "Others" in texts
    hatched = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") == "url(#chart-test-hatch)"]
    assert len(hatched) == 1 + 2  # the legend's swatch, rows 0 and 1 (row 2 is zero)


def test_bars_are_proportional_and_zero_draws_nothing():
    svg = ET.fromstring(str(charts.render(bars(100, 50, 0))))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert len(widths) == 2
    assert widths[0] == pytest.approx(2 * widths[1])


def test_columns_chart_over_time():
    chart = Chart(
        slug="growth",
        title="Growth",
        description="",
        shape="columns",
        key_header="year",
        label_header="Year",
        columns=("Members",),
        rows=(Row("2024", "2024", (4,)), Row("2025", "2025", (8,), tick="Jan\n2025")),
    )
    svg = ET.fromstring(str(charts.render(chart)))
    heights = [float(r.get("height")) for r in svg.iter(f"{SVG}rect")]
    assert heights[1] == pytest.approx(2 * heights[0])
    spans = [s.text for s in svg.iter(f"{SVG}tspan")]
    assert spans == ["2024", "Jan", "2025"]
    assert "from 2024 (4) to 2025 (8)" in svg.find(f"{SVG}desc").text


def test_a_chart_without_figures_says_so():
    svg = ET.fromstring(str(charts.render(bars())))
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["No figures yet."]
