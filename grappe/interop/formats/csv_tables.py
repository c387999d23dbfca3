"""Grappe's own CSV tables (organisations, offerings, references), and the reading of any CSV
table: the encoding (UTF-8 with or without BOM; Windows-1252, what French Excel writes, read
with a warning), the separator (comma or semicolon), the header, rows located by line.

Header names are the model's field names in English; a multi-valued cell separates its values
with "|" (or "," when it has no "|"). `csv_template(kind)` writes the header and one example row
of each table. See docs/formats/csv.md.

This module only parses: bytes in, records, located errors and warnings out, no database.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from grappe.interop.formats.grappe_yaml import Record

MAX_BYTES = 50 * 1024 * 1024  # above this a file is refused whole, before it is read
csv.field_size_limit(MAX_BYTES)  # a cell may be long (descriptions), never longer than a file


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str
    multi: bool = False  # several values in one cell, separated by "|" (or ",")
    kind: str = "text"  # text, integer, decimal, date, boolean: how a cell is read


ORGANISATION_COLUMNS = (
    Column("name", True, "the name people know it by", "Logilab"),
    Column(
        "kind",
        True,
        "company, public_body, association, fablab, research, network, incubator or hosting",
        "company",
    ),
    Column("slug", False, "stable identifier in addresses; made from the name when empty", ""),
    Column("legal_name", False, "name in the SIRENE register", "LOGILAB"),
    Column("siren", False, "9 digits (spaces allowed)", "418 914 461"),
    Column("siret", False, "14 digits of the establishment", ""),
    Column("naf_code", False, "main activity (NAF/APE)", "62.01Z"),
    Column("wikidata_id", False, "Wikidata item", ""),
    Column("description_fr", False, "description in French", "Logiciels libres et formation."),
    Column("description_en", False, "description in English", ""),
    Column("website", False, "web address", "https://www.logilab.fr"),
    Column("email", False, "public contact e-mail", "contact@logilab.fr"),
    Column("phone", False, "phone number", "01 45 32 03 12"),
    Column("address", False, "street address", "104 boulevard Auguste Blanqui"),
    Column("postcode", False, "French postcode", "75013"),
    Column("commune_insee", False, "INSEE code of the commune", ""),
    Column("commune_name", False, "commune", "Paris"),
    Column("latitude", False, "decimal degrees (a decimal comma is read too)", "", kind="decimal"),
    Column("longitude", False, "decimal degrees", "", kind="decimal"),
    Column("headcount_band", False, "INSEE staff band: 0, 1-2, 3-5, 6-9, 10-19…", "20-49"),
    Column("founded_year", False, "year", "2000", kind="integer"),
    Column("turnover_year", False, "year of the turnover below", "", kind="integer"),
    Column("turnover_amount", False, "turnover in euros", "", kind="decimal"),
    Column("membership_status", False, "none, member, former or partner", "member"),
    Column("member_since", False, "date (2024-01-31 or 31/01/2024)", "", kind="date"),
    Column("logo_url", False, "address of the logo", ""),
    Column("tags", False, "keywords", "Python|formation", multi=True),
)

OFFERING_COLUMNS = (
    Column("organisation", True, "the organisation's slug or SIREN", "logilab"),
    Column("kind", True, "software, service, hosting, hardware or machine", "service"),
    Column("title", True, "what it is called", "Formation Python"),
    Column("slug", False, "stable identifier; made from the title when empty", ""),
    Column("description_fr", False, "description in French", "Trois jours pour débuter."),
    Column("description_en", False, "description in English", ""),
    Column("software", False, "related software: slugs or names", "python", multi=True),
    Column("cpv_codes", False, "CPV codes", "80533100-0", multi=True),
    Column("price_indication", False, "free text", "sur devis"),
    Column("price_from", False, "price from, in euros", "", kind="decimal"),
    Column("url", False, "web page", "https://www.logilab.fr/formations"),
    Column("tags", False, "keywords", "", multi=True),
    Column("service_kind", False, "services: integration, support, development, training…", ""),
    Column("delivery_mode", False, "services: on_site, remote or both", "both"),
    Column("duration_hours", False, "training: duration in hours", "21", kind="integer"),
    Column("hosting_kind", False, "hosting: saas, managed, paas, iaas, dedicated, colocation", ""),
    Column("datacenter_country", False, "hosting: ISO country code", ""),
    Column("datacenter_region", False, "hosting: region", ""),
    Column("datacenter_city", False, "hosting: city", ""),
    Column("operator_eu_owned", False, "hosting: yes or no", ""),
    Column("extraterritorial_exposure", False, "hosting: none or exposed", ""),
    Column("reversibility_formats", False, "hosting: export formats", "", multi=True),
    Column("sla_availability", False, "hosting: guaranteed availability (%)", "", kind="decimal"),
    Column("pricing_model", False, "hosting: per_user, per_resource, usage, flat, quote", ""),
    Column("machine_type", False, "machines: 3d_fdm, 3d_sla, laser, cnc…", ""),
    Column("materials", False, "machines: materials", "", multi=True),
    Column("work_x_mm", False, "machines: work area X (mm)", "", kind="integer"),
    Column("work_y_mm", False, "machines: work area Y (mm)", "", kind="integer"),
    Column("work_z_mm", False, "machines: work area Z (mm)", "", kind="integer"),
    Column("machine_access", False, "machines: open_days, members or on_order", ""),
)

REFERENCE_COLUMNS = (
    Column("organisation", True, "the organisation's slug or SIREN", "logilab"),
    Column("title", True, "the contract or project", "Refonte du portail"),
    Column("year", True, "year", "2023", kind="integer"),
    Column("client_name", True, "the client, as written", "Ville de Bordeaux"),
    Column("role", False, "sole, lead, co_contractor or subcontractor (sole when empty)", "lead"),
    Column("client", False, "the client's slug or SIREN when it is in the index", ""),
    Column("amount", False, "amount in euros", "45000", kind="decimal"),
    Column("description_fr", False, "description in French", ""),
    Column("description_en", False, "description in English", ""),
    Column("cpv_codes", False, "CPV codes", "72212000-4", multi=True),
    Column("software", False, "software used: slugs or names", "", multi=True),
    Column("partners", False, "partner organisations: slugs or SIRENs", "", multi=True),
    Column("is_public", False, "yes or no (yes when empty)", "yes", kind="boolean"),
    Column("source_url", False, "where the reference is published", ""),
)

TABLES = {
    "organisations": ORGANISATION_COLUMNS,
    "offerings": OFFERING_COLUMNS,
    "references": REFERENCE_COLUMNS,
}


@dataclass
class Table:
    """The rows of a CSV file, each with its line number and its cells by column name."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TableDocument:
    """Records in model field names (only cells with a value), for one of Grappe's tables."""

    kind: str
    records: list[Record] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def where(source: str, what: str) -> str:
    return f"{source}: {what}" if source else what


def decode(
    content: bytes, source: str, errors: list, warnings: list, *, excel_fallback: bool = True
) -> str | None:
    """The text of a file: UTF-8 (a BOM is dropped); otherwise, when allowed, Windows-1252 with
    a warning (French Excel's "CSV (séparateur : point-virgule)"); otherwise None and an error
    naming the line of the first byte that is not UTF-8."""
    if not content.strip():
        errors.append((where(source, "file"), "the file is empty: nothing to import"))
        return None
    if b"\x00" in content[:4096]:
        errors.append(
            (where(source, "file"), "not a text file (UTF-16 or binary?): save it as UTF-8")
        )
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        if excel_fallback:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError:
                pass
            else:
                warnings.append(
                    (
                        where(source, f"line {line}"),
                        "not UTF-8: read as Windows-1252 (Excel's French encoding); check the "
                        "accents, or save the file as “CSV UTF-8”",
                    )
                )
                return text
        errors.append(
            (
                where(source, f"line {line}"),
                f"not UTF-8 (byte 0x{content[error.start]:02x}): save the file as UTF-8",
            )
        )
        return None


def separator(header_line: str) -> str:
    """Comma or semicolon, whichever the header uses more (French Excel writes semicolons)."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_table(
    content: bytes,
    source: str,
    *,
    required: Iterable[str],
    known: Iterable[str] | None = None,
    excel_fallback: bool = True,
) -> Table:
    """Rows of a CSV file by column name. A missing required column, a file that is not text,
    or broken quoting is an error for the whole file; a row with more cells than the header is
    an error for that row; unknown columns are ignored with a warning."""
    table = Table()
    text = decode(content, source, table.errors, table.warnings, excel_fallback=excel_fallback)
    if text is None:
        return table
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(first_line), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as error:
        table.errors.append((where(source, "line 1"), f"cannot read the header: {error}"))
        return table
    table.header = [name.strip().lstrip("\ufeff") for name in header]
    missing = [name for name in required if name not in table.header]
    if missing:
        table.errors.append(
            (
                where(source, "line 1"),
                f"missing column(s): {', '.join(missing)} (the header has: "
                f"{', '.join(h for h in table.header if h) or 'nothing'})",
            )
        )
        return table
    if known is not None:
        unknown = [name for name in table.header if name and name not in set(known)]
        if unknown:
            table.warnings.append(
                (where(source, "line 1"), f"unknown column(s) ignored: {', '.join(unknown)}")
            )
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) > len(table.header):
                    table.errors.append(
                        (
                            where(source, f"line {line}"),
                            f"{len(cells)} cells, but the header has {len(table.header)} columns",
                        )
                    )
                else:
                    row = dict(zip(table.header, cells, strict=False))
                    table.rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        table.errors.append((where(source, f"line {line}"), f"not valid CSV: {error}"))
    return table


def split_values(cell: str) -> list[str]:
    """ "a|b" or "a, b" -> ["a", "b"]: "|" when the cell has one, so values may hold commas."""
    parts = cell.split("|") if "|" in cell else cell.split(",")
    return [part.strip() for part in parts if part.strip()]


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_TRUE = {"yes", "oui", "true", "vrai", "1", "y", "o", "x"}
_FALSE = {"no", "non", "false", "faux", "0", "n"}


def read_cell(column: Column, cell: str):
    """A cell as the model field takes it; ValueError with the reason when it cannot be read.
    Numbers keep their text (the model checks them and says what is wrong) once a decimal
    comma and the spaces of "45 000" are dealt with."""
    cell = cell.strip()
    if column.multi:
        return split_values(cell)
    if column.kind in ("integer", "decimal"):
        number = cell.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        return number.replace(",", ".") if _DECIMAL_COMMA.match(number) else number
    if column.kind == "boolean":
        if cell.lower() in _TRUE:
            return True
        if cell.lower() in _FALSE:
            return False
        raise ValueError(f"“{cell}” is not yes or no")
    if column.kind == "date":
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(cell, pattern).date()
            except ValueError:
                continue
        raise ValueError(f"“{cell}” is not a date (2024-01-31 or 31/01/2024)")
    return cell


def parse(content: bytes, kind: str, source: str = "") -> TableDocument:
    """One of Grappe's tables ("organisations", "offerings", "references") as records."""
    columns = TABLES[kind]
    by_name = {column.name: column for column in columns}
    table = read_table(
        content,
        source,
        required=[c.name for c in columns if c.required],
        known=list(by_name),
    )
    document = TableDocument(kind, errors=table.errors, warnings=table.warnings)
    for line, cells in table.rows:
        location = where(source, f"line {line}")
        data, problems = {}, []
        for name, cell in cells.items():
            column = by_name.get(name)
            if column is None or cell is None or not cell.strip():
                continue
            try:
                value = read_cell(column, cell)
            except ValueError as error:
                problems.append(f"{name}: {error}")
                continue
            if value not in ("", []):
                data[name] = value
        missing = [c.name for c in columns if c.required and c.name not in data]
        if missing:
            problems.insert(0, f"empty required cell(s): {', '.join(missing)}")
        if problems:
            document.errors.append((location, "; ".join(problems)))
            continue
        document.records.append(Record(location, data))
    if not table.errors and not table.rows:
        document.warnings.append((where(source, "file"), "no rows under the header"))
    return document


def csv_template(kind: str) -> bytes:
    """The header and one example row of a table, UTF-8 with a BOM so that Excel reads the
    accents right, comma-separated."""
    columns = TABLES[kind]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    writer.writerow([column.example for column in columns])
    return buffer.getvalue().encode("utf-8-sig")
