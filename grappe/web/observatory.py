"""The observatory: the ecosystem's figures, one function per chart, as plain data.

Each figure is one or a few aggregate queries (values().annotate(Count(...))): the database
counts, Python only loops over the groups (départements, kinds, licences, months), never over
entries, so the page costs the same few queries at 100 entries or 100,000. Example (fictional)
entries and entries pulled from other clusters are counted like the others; the page says how
many there are (see `overview`).

A chart has at most MAX_BARS bars: the rest is grouped into one "other" bar. Its rows are also
its table and its CSV file, so what the chart draws, what the table says and what a download
holds never disagree. The pages at the end of this module only deliver (like `tenders.py`).
"""

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Case, Count, IntegerField, Q, When
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grappe.directory.models import (
    Category,
    CertificationScheme,
    MembershipStatus,
    Offering,
    OfferingKind,
    Organisation,
    OrganisationKind,
    Software,
    SoftwareRelation,
    SoftwareRole,
)
from grappe.directory.places import NOUVELLE_AQUITAINE, departement_label
from grappe.federation.provenance import pulled_ids
from grappe.search.documents import licence_ids
from grappe.search.exports import UTF8_BOM, content_disposition
from grappe.web import charts
from grappe.web.searching import search_url

MAX_BARS = 12
# What a member does with a software that makes it "members' software".
SUPPLIER_ROLES = (SoftwareRole.PUBLISHER, SoftwareRole.SERVICE_PROVIDER, SoftwareRole.HOST)
_MEMBER = Q(membership_status=MembershipStatus.MEMBER)
_EXAMPLE = Q(is_example=True)


@dataclass(frozen=True)
class Row:
    """One line of a chart's table and CSV; the chart draws it unless it details another row."""

    key: str  # stable code for the CSV: "33", "company", "MIT", "2025-03", "other"...
    label: str  # in the page's language
    values: tuple[int, ...]  # one per column of the chart
    url: str = ""  # where to see the entries counted (a search, a software page)
    segments: tuple[int, ...] = ()  # stacked parts the chart draws; empty: the first value
    grouped: bool = False  # a remainder ("other", "unknown") rather than one value
    parent: str = ""  # key of the row this one details (a category within its family)
    parent_label: str = ""
    tick: str = ""  # short label under a column; the label when empty

    @property
    def drawn(self) -> tuple[int, ...]:
        return self.segments or self.values[:1]


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str  # what is counted, and how
    shape: str  # "bars" (horizontal, ranked) or "columns" (over time)
    key_header: str
    label_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    legend: tuple[str, ...] = ()  # names of the stacked segments, when there are two
    totals: tuple[int, ...] | None = None  # None when an entry may count in several rows
    note: str = ""

    @property
    def drawn_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.parent]

    @property
    def has_parents(self) -> bool:
        return any(row.parent for row in self.rows)

    def csv_rows(self) -> Iterable[list[str | int]]:
        """The table as CSV rows: a header row, then one row per table row."""
        parent = [pgettext("observatory CSV column", "within")] if self.has_parents else []
        yield [self.key_header, self.label_header, *parent, *self.columns]
        for row in self.rows:
            within = [row.parent] if self.has_parents else []
            yield [row.key, _cell(row.label), *within, *row.values]


@dataclass(frozen=True)
class Overview:
    """The headline figures, and what the charts include that a reader should know."""

    organisations: int
    members: int
    partners: int
    former_members: int
    example_organisations: int
    software: int
    example_software: int
    offerings: int
    example_offerings: int
    pulled: int  # organisations, software and offerings pulled from other clusters

    @property
    def has_examples(self) -> bool:
        return bool(self.example_organisations or self.example_software or self.example_offerings)


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run (OWASP's advice against CSV injection)."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _ranked(rows: list[Row]) -> list[Row]:
    """Largest first; ties in label order, so that the page is the same at every visit."""
    return sorted(rows, key=lambda row: (-row.values[0], row.label.casefold()))


def overview() -> Overview:
    organisations = Organisation.objects.aggregate(
        total=Count("id"),
        members=Count("id", filter=_MEMBER),
        partners=Count("id", filter=Q(membership_status=MembershipStatus.PARTNER)),
        former=Count("id", filter=Q(membership_status=MembershipStatus.FORMER)),
        examples=Count("id", filter=_EXAMPLE),
    )
    software = Software.objects.aggregate(total=Count("id"), examples=Count("id", filter=_EXAMPLE))
    offerings = Offering.objects.aggregate(
        total=Count("id"), examples=Count("id", filter=_EXAMPLE | Q(organisation__is_example=True))
    )
    pulled = (
        sum(
            model.objects.filter(pk__in=pulled_ids(kind)).count()
            for kind, model in (("organisation", Organisation), ("software", Software))
        )
        + Offering.objects.filter(organisation__in=pulled_ids("organisation")).count()
    )
    return Overview(
        organisations=organisations["total"],
        members=organisations["members"],
        partners=organisations["partners"],
        former_members=organisations["former"],
        example_organisations=organisations["examples"],
        software=software["total"],
        example_software=software["examples"],
        offerings=offerings["total"],
        example_offerings=offerings["examples"],
        pulled=pulled,
    )


# -- Organisations -----------------------------------------------------------------------------


def _organisation_counts(group_by: str) -> dict[str, tuple[int, int, int]]:
    """value -> (organisations, of which members, of which examples), in one query."""
    rows = (
        Organisation.objects.values(group_by)
        .annotate(
            total=Count("id"),
            members=Count("id", filter=_MEMBER),
            examples=Count("id", filter=_EXAMPLE),
        )
        .order_by()
    )
    return {row[group_by]: (row["total"], row["members"], row["examples"]) for row in rows}


def _organisation_row(key: str, label: str, counts: tuple[int, int, int], **extra) -> Row:
    total, members, _examples = counts
    return Row(key, label, counts, segments=(members, total - members), **extra)


def _organisation_chart(slug: str, title: str, description: str, label_header: str, rows):
    return Chart(
        slug=slug,
        title=title,
        description=description,
        shape="bars",
        key_header=_("code"),
        label_header=label_header,
        columns=(_("Organisations"), _("Cluster members"), _("Example entries")),
        rows=tuple(rows),
        legend=(_("Cluster members"), _("Other organisations")),
        totals=tuple(sum(column) for column in zip(*(row.values for row in rows), strict=True))
        if rows
        else None,
    )


def organisations_by_departement(*, today: date) -> Chart:
    """The 12 départements of Nouvelle-Aquitaine by name, then the rest of France and abroad
    as one bar, and the organisations whose place is unknown as another."""
    counts = _organisation_counts("departement")
    regional = [
        _organisation_row(
            code,
            departement_label(code),
            counts.get(code, (0, 0, 0)),
            url=search_url({"kind": "organisation", "departement": code}),
        )
        for code in NOUVELLE_AQUITAINE
    ]
    elsewhere = [c for code, c in counts.items() if code and code not in NOUVELLE_AQUITAINE]
    other = tuple(sum(column) for column in zip(*elsewhere, strict=True)) or (0, 0, 0)
    unknown = counts.get("", (0, 0, 0))
    rows = [
        *_ranked(regional),
        _organisation_row("other", _("Other départements"), other, grouped=True),
        _organisation_row("unknown", _("Place unknown"), unknown, grouped=True),
    ]
    return _organisation_chart(
        "departements",
        _("Organisations by département"),
        _(
            "Organisations of the index by the département of their address (from the commune "
            "code, else the postcode): the twelve of Nouvelle-Aquitaine, then all others "
            "together, then those without an address."
        ),
        _("Département"),
        rows,
    )


def organisations_by_kind(*, today: date) -> Chart:
    counts = _organisation_counts("kind")
    labels = dict(OrganisationKind.choices)
    rows = [
        _organisation_row(
            kind,
            str(labels.get(kind, kind)),
            counts.get(kind, (0, 0, 0)),
            url=search_url({"kind": "organisation", "organisation_kind": kind}),
        )
        for kind in dict.fromkeys([*OrganisationKind.values, *counts])
    ]
    return _organisation_chart(
        "kinds",
        _("Organisations by kind"),
        _("Organisations of the index by kind, cluster members and others."),
        _("Kind"),
        _ranked(rows),
    )


# -- Offerings ---------------------------------------------------------------------------------


def offerings_by_kind(*, today: date) -> Chart:
    by_member = Q(organisation__membership_status=MembershipStatus.MEMBER)
    counts = {
        row["kind"]: (row["total"], row["members"], row["examples"])
        for row in Offering.objects.values("kind")
        .annotate(
            total=Count("id"),
            members=Count("id", filter=by_member),
            examples=Count("id", filter=_EXAMPLE | Q(organisation__is_example=True)),
        )
        .order_by()
    }
    labels = dict(OfferingKind.choices)
    rows = []
    for kind in dict.fromkeys([*OfferingKind.values, *counts]):
        total, members, examples = counts.get(kind, (0, 0, 0))
        rows.append(
            Row(
                kind,
                str(labels.get(kind, kind)),
                (total, members, examples),
                url=search_url({"kind": "offering", "offering_kind": kind}),
                segments=(members, total - members),
            )
        )
    rows = _ranked(rows)
    return Chart(
        slug="offerings",
        title=_("Offerings by kind"),
        description=_(
            "Products, services, hosting offers, hardware and fab lab machines in the index, "
            "those of cluster members and those of others."
        ),
        shape="bars",
        key_header=_("code"),
        label_header=_("Kind"),
        columns=(_("Offerings"), _("Offered by members"), _("Example entries")),
        rows=tuple(rows),
        legend=(_("Offered by members"), _("Offered by others")),
        totals=tuple(sum(column) for column in zip(*(row.values for row in rows), strict=True)),
    )


def _families(categories: list[dict]) -> dict[int, int]:
    """Category id -> id of its top-level family (itself for a family), whatever the depth."""
    parents = {c["id"]: c["parent_id"] for c in categories}
    family = {}
    for category_id in parents:
        top, seen = category_id, set()
        while parents.get(top) and top not in seen:
            seen.add(top)
            top = parents[top]
        family[category_id] = top
    return family


def _category_name(category: dict) -> str:
    language = (get_language() or "fr")[:2]
    other = "en" if language == "fr" else "fr"
    return category[f"name_{language}"] or category[f"name_{other}"]


def offerings_by_category(*, today: date) -> Chart:
    """Offerings by the family of the software they are about (a top-level category and all
    its sub-categories); the table details each family by sub-category. An offering about
    software of two categories counts in both."""
    categories = {
        c["id"]: c for c in Category.objects.values("id", "slug", "name_fr", "name_en", "parent_id")
    }
    in_family: dict[int, list[int]] = defaultdict(list)
    for category_id, family_id in _families(list(categories.values())).items():
        in_family[family_id].append(category_id)
    # One pass over the (offering, software) pairs with their categories, each category read
    # as its family; from the relation tables, without reading the offerings themselves.
    family = Case(
        *[When(software__categories__in=ids, then=fid) for fid, ids in in_family.items()],
        output_field=IntegerField(),
    )
    about = Offering.software.through.objects.filter(software__categories__isnull=False)
    per_family = (
        dict(
            about.annotate(family=family)
            .values_list("family")
            .annotate(n=Count("offering", distinct=True))
            .order_by()
        )
        if in_family
        else {}
    )
    per_category = dict(
        Software.categories.through.objects.values_list("category")
        .annotate(n=Count("software__offerings", distinct=True))
        .order_by()
    )
    totals = {
        "total": Offering.objects.count(),
        "categorised": about.aggregate(n=Count("offering", distinct=True))["n"],
    }
    uncategorised = totals["total"] - totals["categorised"]

    def row(category_id: int, count: int, **extra) -> Row:
        slug = categories[category_id]["slug"]
        return Row(slug, _category_name(categories[category_id]), (count,), **extra)

    families = _ranked(
        [
            # The search's category filter is exact: it finds a family's own offerings only.
            row(fid, count, url="" if len(ids) > 1 else _offerings_in(categories[fid]["slug"]))
            for fid, ids in in_family.items()
            if (count := per_family.get(fid, 0))
        ]
    )
    id_of = {c["slug"]: c["id"] for c in categories.values()}
    room = MAX_BARS - (1 if uncategorised else 0)
    rest = families[room - 1 :] if len(families) > room else []
    rows: list[Row] = []
    for family_row in families[: len(families) - len(rest)]:
        rows.append(family_row)
        children = [
            row(
                cid,
                per_category[cid],
                url=_offerings_in(categories[cid]["slug"]),
                parent=family_row.key,
                parent_label=family_row.label,
            )
            for cid in in_family[id_of[family_row.key]]
            if cid != id_of[family_row.key] and per_category.get(cid)
        ]
        rows.extend(_ranked(children))
    if rest:
        rest_ids = [cid for r in rest for cid in in_family[id_of[r.key]]]
        other = about.filter(software__categories__in=rest_ids).aggregate(
            n=Count("offering", distinct=True)
        )["n"]
        rows.append(Row("other", _("Other families"), (other,), grouped=True))
    if uncategorised:
        rows.append(Row("none", _("No software category"), (uncategorised,), grouped=True))
    return Chart(
        slug="categories",
        title=_("Offerings by software category"),
        description=_(
            "Offerings by the category of the software they are about: the chart shows each "
            "family of categories, the table also details it by sub-category; categories "
            "without any offering are left out. An offering about software of several "
            "categories counts in each of them."
        ),
        shape="bars",
        key_header=_("code"),
        label_header=_("Category"),
        columns=(_("Offerings"),),
        rows=tuple(rows),
    )


def _offerings_in(category_slug: str) -> str:
    return search_url({"kind": "offering", "category": category_slug})


# -- Software ----------------------------------------------------------------------------------


def software_by_licence(*, today: date) -> Chart:
    """Software by SPDX licence id. "MIT OR Apache-2.0" counts under both ids (as the search's
    licence filter does); the least used ids are grouped, each software counted once there."""
    expressions = dict(Software.objects.values_list("licence").annotate(n=Count("id")).order_by())
    per_id: Counter[str] = Counter()
    for expression, count in expressions.items():
        for licence in licence_ids(expression):
            per_id[licence] += count
    unstated = expressions.get("", 0)
    rows = _ranked(
        [
            Row(
                licence, licence, (count,), url=search_url({"kind": "software", "licence": licence})
            )
            for licence, count in per_id.items()
        ]
    )
    room = MAX_BARS - (1 if unstated else 0)
    if len(rows) > room:
        rows, rest = rows[: room - 1], {row.key for row in rows[room - 1 :]}
        other = sum(
            count
            for expression, count in expressions.items()
            if rest.intersection(licence_ids(expression))
        )
        rows.append(Row("other", _("Other licences"), (other,), grouped=True))
    if unstated:
        rows.append(Row("none", _("No licence stated or recognised"), (unstated,), grouped=True))
    return Chart(
        slug="licences",
        title=_("Software by licence"),
        description=_(
            "Software of the catalogue by licence (SPDX identifier). A software offered under a "
            "choice of licences, or several, counts under each of them."
        ),
        shape="bars",
        key_header=_("SPDX identifier"),
        label_header=_("Licence"),
        columns=(_("Software"),),
        rows=tuple(rows),
    )


def members_software_used_by_public_bodies(*, today: date) -> Chart:
    """Software a cluster member publishes, provides services for or hosts, and that a public
    body says it uses, ranked by the number of public bodies using it."""
    used = Q(role=SoftwareRole.USER, organisation__kind=OrganisationKind.PUBLIC_BODY)
    supplied = Q(role__in=SUPPLIER_ROLES, organisation__membership_status=MembershipStatus.MEMBER)
    # From the relations alone, only those of public bodies using and members supplying.
    ranked = (
        SoftwareRelation.objects.filter(used | supplied)
        .values("software__slug", "software__name")
        .annotate(
            public_bodies=Count("organisation", distinct=True, filter=used),
            members=Count("organisation", distinct=True, filter=supplied),
        )
        .filter(public_bodies__gt=0, members__gt=0)
        .order_by("-public_bodies", "-members", "software__name")
    )
    shown = list(ranked[:MAX_BARS])
    count = ranked.count() if len(shown) == MAX_BARS else len(shown)
    rows = tuple(
        Row(
            s["software__slug"],
            s["software__name"],
            (s["public_bodies"], s["members"]),
            url=reverse("web:software", kwargs={"slug": s["software__slug"]}),
        )
        for s in shown
    )
    note = ""
    if count > len(shown):
        note = _("The %(shown)s most used of %(count)s such software.") % {
            "shown": len(shown),
            "count": count,
        }
    return Chart(
        slug="public-use",
        title=_("Members' software used by public bodies"),
        description=_(
            "Software that a cluster member publishes, provides services for or hosts, and "
            "that public bodies of the index say they use, by the number of those public bodies."
        ),
        shape="bars",
        key_header=_("slug"),
        label_header=_("Software"),
        columns=(_("Public bodies using it"), _("Members supplying it")),
        rows=rows,
        note=note,
    )


# -- Certifications ----------------------------------------------------------------------------


def certifications_by_scheme(*, today: date) -> Chart:
    """Organisations holding a certification valid today, by scheme (ISO 27001, HDS...)."""
    valid = _valid_on(today, "certifications__")
    member = Q(certifications__organisation__membership_status=MembershipStatus.MEMBER)
    schemes = (
        CertificationScheme.objects.values("slug", "name")
        .annotate(
            holders=Count("certifications__organisation", distinct=True, filter=valid),
            members=Count("certifications__organisation", distinct=True, filter=valid & member),
        )
        .order_by()
    )
    rows = _ranked(
        [
            Row(
                s["slug"],
                s["name"],
                (s["holders"], s["members"]),
                url=search_url({"kind": "organisation", "certification": s["slug"]}),
                segments=(s["members"], s["holders"] - s["members"]),
            )
            for s in schemes
        ]
    )
    if len(rows) > MAX_BARS:
        rows, rest = rows[: MAX_BARS - 1], [row.key for row in rows[MAX_BARS - 1 :]]
        held = (
            Organisation.objects.filter(certifications__scheme__slug__in=rest)
            .filter(_valid_on(today, "certifications__"))
            .aggregate(
                n=Count("id", distinct=True), members=Count("id", distinct=True, filter=_MEMBER)
            )
        )
        rows.append(
            Row(
                "other",
                _("Other certifications"),
                (held["n"], held["members"]),
                segments=(held["members"], held["n"] - held["members"]),
                grouped=True,
            )
        )
    return Chart(
        slug="certifications",
        title=_("Certifications held"),
        description=_(
            "Organisations holding a certification or label valid today, by scheme; a "
            "certificate that has expired or has not started yet is not counted."
        ),
        shape="bars",
        key_header=_("code"),
        label_header=_("Certification"),
        columns=(_("Organisations holding it"), _("Cluster members")),
        rows=tuple(rows),
        legend=(_("Cluster members"), _("Other organisations")),
    )


def _valid_on(today: date, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today})
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today}))


# -- Growth ------------------------------------------------------------------------------------


def members_by_year(*, today: date) -> Chart:
    """Today's members by the year they joined (member_since), added up year after year: the
    number of today's members who had joined by the end of each of the last twelve years."""
    joined = dict(
        Organisation.objects.filter(_MEMBER)
        .annotate(year=ExtractYear("member_since"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    undated = joined.pop(None, 0)
    rows: list[Row] = []
    if joined:
        first = max(min(joined), today.year - MAX_BARS + 1)
        members = sum(n for year, n in joined.items() if year < first)
        for year in range(first, today.year + 1):
            earlier = members if year == first else 0
            members += joined.get(year, 0)
            merged = year == first and earlier
            rows.append(
                Row(
                    str(year),
                    _("%(year)s or before") % {"year": year} if merged else str(year),
                    (members, joined.get(year, 0) + earlier),
                    tick=f"≤ {year}" if merged else str(year),
                )
            )
    note = _("Former members are not counted: the index does not say when they left.")
    if undated:
        note += " " + _("Members without a joining date, left out: %(count)s.") % {
            "count": formats.localize(undated)
        }
    return Chart(
        slug="members",
        title=_("Cluster members over the years"),
        description=_(
            "Today's cluster members by the year they joined (“member since”), added up: how "
            "many of them had joined by the end of each year; the current year is counted to "
            "date."
        ),
        shape="columns",
        key_header=_("year"),
        label_header=_("Year"),
        columns=(_("Members at the end of the year"), _("Joined that year")),
        rows=tuple(rows),
        note=note,
    )


def _month_starts(today: date, count: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _n in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def entries_by_month(*, today: date) -> Chart:
    """Organisations, software and offerings added to the index (created_at) in each of the
    last twelve months, this month included."""
    months = _month_starts(today, MAX_BARS)
    bounds = [timezone.make_aware(datetime.combine(month, time())) for month in months]
    # Counts between bounds, not a truncation of each date: a comparison the database does
    # natively (SQLite would call back into Python for every row to truncate).
    windows = {
        f"m{n}": Q(created_at__gte=start, created_at__lt=end)
        for n, (start, end) in enumerate(zip(bounds, [*bounds[1:], None], strict=True))
    }
    windows[f"m{len(months) - 1}"] = Q(created_at__gte=bounds[-1])
    added: list[dict[date, int]] = []
    before = 0
    for model in (Organisation, Software, Offering):
        counts = model.objects.aggregate(
            before=Count("id", filter=Q(created_at__lt=bounds[0])),
            **{key: Count("id", filter=window) for key, window in windows.items()},
        )
        before += counts["before"]
        added.append({month: counts[f"m{n}"] for n, month in enumerate(months)})
    rows = []
    for month in months:
        per_model = tuple(counts.get(month, 0) for counts in added)
        rows.append(
            Row(
                month.strftime("%Y-%m"),
                formats.date_format(month, "YEAR_MONTH_FORMAT"),
                (sum(per_model), *per_model),
                tick=formats.date_format(month, "M")
                + ("\n" + str(month.year) if month.month == 1 or month == months[0] else ""),
            )
        )
    note = ""
    if before:
        note = _("Entries added before %(month)s: %(count)s.") % {
            "month": formats.date_format(months[0], "YEAR_MONTH_FORMAT"),
            "count": formats.localize(before),
        }
    return Chart(
        slug="entries",
        title=_("Entries added each month"),
        description=_(
            "Organisations, software and offerings added to the index in each of the last "
            "twelve months (by the date they were recorded), this month to date."
        ),
        shape="columns",
        key_header=_("month"),
        label_header=_("Month"),
        columns=(_("Entries"), _("Organisations"), _("Software"), _("Offerings")),
        rows=tuple(rows),
        totals=tuple(sum(column) for column in zip(*(row.values for row in rows), strict=True)),
        note=note,
    )


# The charts in the order the page shows them; the key is the chart's address (its CSV).
CHARTS: dict[str, Callable[..., Chart]] = {
    "departements": organisations_by_departement,
    "kinds": organisations_by_kind,
    "offerings": offerings_by_kind,
    "categories": offerings_by_category,
    "licences": software_by_licence,
    "certifications": certifications_by_scheme,
    "public-use": members_software_used_by_public_bodies,
    "members": members_by_year,
    "entries": entries_by_month,
}


def all_charts(*, today: date) -> list[Chart]:
    return [figure(today=today) for figure in CHARTS.values()]


def chart_csv(chart: Chart) -> bytes:
    """A chart's table as a CSV file: a BOM (Excel then reads the accents), headers in the
    page's language, raw numbers (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    csv.writer(buffer).writerows(chart.csv_rows())
    return buffer.getvalue().encode("utf-8")


# -- The pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBlock:
    chart: Chart
    svg: str
    csv_url: str


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    blocks = [
        ChartBlock(
            chart,
            charts.render(chart),
            reverse("web:observatory_csv", kwargs={"chart": chart.slug}),
        )
        for chart in all_charts(today=today)
    ]
    return render(
        request,
        "web/observatory.html",
        {"overview": overview(), "blocks": blocks, "today": today},
    )


@require_safe
def csv_download(request: HttpRequest, chart: str) -> HttpResponse:
    figure = CHARTS.get(chart)
    if figure is None:
        raise Http404("No such chart.")
    today = timezone.localdate()
    response = HttpResponse(chart_csv(figure(today=today)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"grappe-observatory-{chart}-{today.isoformat()}.csv"
    )
    return response
