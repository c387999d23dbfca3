"""A search's results as CSV and JSON downloads, beside geojson.py: pure functions, no database.

The CSV is for people opening it in a spreadsheet: a header in the request's language, choices
as words ("Organisation", "yes"), UTF-8 with a byte order mark so that Excel reads the accents.
The JSON is for programs: the fields of the API's search hits, values as the API gives them.
Both give each entry's page as an absolute URL, since a downloaded file has no site around it.
"""

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext_lazy, pgettext_lazy

from grappe.search.query import Hit, SearchResults

Absolute = Callable[[str], str]  # a page's path -> its absolute URL (request.build_absolute_uri)

CSV_COLUMNS = (
    "kind",
    "name",
    "url",
    "subtitle",
    "departement",
    "latitude",
    "longitude",
    "distance_km",
    "is_member",
    "is_example",
    "sovereign",
)
CSV_HEADERS = {
    "kind": gettext_lazy("Type of entry"),
    "name": gettext_lazy("Name"),
    "url": gettext_lazy("Page"),
    "subtitle": gettext_lazy("Details"),
    "departement": gettext_lazy("Département"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "distance_km": gettext_lazy("Distance (km)"),
    "is_member": gettext_lazy("Cluster member"),
    "is_example": gettext_lazy("Example"),
    "sovereign": gettext_lazy("Sovereign hosting"),
}
KIND_NAMES = {
    "organisation": gettext_lazy("Organisation"),
    "software": gettext_lazy("Software"),
    "offering": gettext_lazy("Offering"),
    "person": gettext_lazy("Person"),
    "event": gettext_lazy("Event"),
}
_YES = pgettext_lazy("answer", "yes")
_NO = pgettext_lazy("answer", "no")
UTF8_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return str(_YES if value else _NO)


def _text(value: str) -> str:
    """A text cell a spreadsheet will not run: one starting like a formula is quoted with an
    apostrophe, which spreadsheets hide (OWASP's advice against CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else str(round(value, digits))


def csv_row(hit: Hit, absolute: Absolute) -> list[str]:
    """One hit as the CSV's cells, in CSV_COLUMNS order, in the active language."""
    return [
        str(KIND_NAMES.get(hit.kind, hit.kind)),
        _text(hit.name),
        absolute(hit.url),
        _text(hit.subtitle),
        hit.departement,
        _number(hit.latitude, 6),
        _number(hit.longitude, 6),
        _number(hit.distance_km, 1),
        _yes_no(hit.is_member),
        _yes_no(hit.is_example),
        _yes_no(hit.sovereign),
    ]


def csv_rows(hits: Iterable[Hit], absolute: Absolute) -> Iterable[list[str]]:
    yield [str(CSV_HEADERS[column]) for column in CSV_COLUMNS]
    for hit in hits:
        yield csv_row(hit, absolute)


def results_csv(results: SearchResults, absolute: Absolute) -> bytes:
    """The whole CSV file: a BOM, a header row, one row per hit (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    csv.writer(buffer).writerows(csv_rows(results.hits, absolute))
    return buffer.getvalue().encode("utf-8")


def hit_record(hit: Hit, absolute: Absolute) -> dict[str, Any]:
    """One hit with the fields of the API's search hits (SearchHitOut), its URL absolute."""
    return {
        "id": hit.id,
        "kind": hit.kind,
        "slug": hit.slug,
        "name": hit.name,
        "url": absolute(hit.url),
        "score": hit.score,
        "snippet": hit.snippet,
        "subtitle": hit.subtitle,
        "is_example": hit.is_example,
        "is_member": hit.is_member,
        "departement": hit.departement,
        "distance_km": hit.distance_km,
        "latitude": hit.latitude,
        "longitude": hit.longitude,
        "sovereign": hit.sovereign,
        "reasons": [
            {"criterion": reason.criterion, "met": reason.met, "text": str(reason.text)}
            for reason in hit.reasons
        ],
    }


def results_json(results: SearchResults, absolute: Absolute) -> dict[str, Any]:
    """{"count": every match, "results": the hits exported (5,000 at most)}."""
    return {
        "count": results.count,
        "results": [hit_record(hit, absolute) for hit in results.hits],
    }


def export_filename(results: SearchResults, extension: str) -> str:
    """grappe-search.csv, or grappe-search-nextcloud.csv: the words searched, made file-safe."""
    words = "-".join("".join(c for c in word if c.isalnum()) for word in results.params.q.split())
    words = "-".join(part for part in words.split("-") if part)[:60]
    return f"grappe-search-{words}.{extension}" if words else f"grappe-search.{extension}"


def content_disposition(filename: str) -> str:
    """An attachment header every browser reads, accented names included (RFC 6266)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
