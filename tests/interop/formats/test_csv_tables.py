"""Grappe's CSV tables, read the way spreadsheets write them: BOM or not, commas or French
Excel's semicolons and Windows-1252, decimal commas, French dates, multi-valued cells."""

import csv
import io
from datetime import date

import pytest

from grappe.interop.formats.csv_tables import TABLES, csv_template, parse, read_table


def test_a_utf8_file_with_a_bom_and_commas_is_read():
    content = "\ufeffname,kind,tags\nLogilab,company,Python|formation\n".encode()
    document = parse(content, "organisations", "orgs.csv")
    assert document.errors == document.warnings == []
    [record] = document.records
    assert record.location == "orgs.csv: line 2"
    assert record.data == {"name": "Logilab", "kind": "company", "tags": ["Python", "formation"]}


def test_french_excel_semicolons_cp1252_decimal_commas_and_dates_are_read_with_a_warning():
    content = (
        "name;kind;latitude;longitude;turnover_amount;membership_status;member_since;tags\n"
        "Société Générale du Libre;company;44,837789;-0,57918;45 000;member;31/01/2024;"
        "a, b\n"
    ).encode("cp1252")
    document = parse(content, "organisations", "excel.csv")
    assert document.errors == []
    assert document.warnings == [
        (
            "excel.csv: line 2",
            "not UTF-8: read as Windows-1252 (Excel's French encoding); check the accents, or "
            "save the file as “CSV UTF-8”",
        )
    ]
    assert document.records[0].data == {
        "name": "Société Générale du Libre",
        "kind": "company",
        "latitude": "44.837789",
        "longitude": "-0.57918",
        "turnover_amount": "45000",
        "membership_status": "member",
        "member_since": date(2024, 1, 31),
        "tags": ["a", "b"],
    }


def test_a_missing_required_column_refuses_the_file_and_names_it():
    document = parse(b"name,website\nA,https://a.fr\n", "organisations", "o.csv")
    assert document.records == []
    assert document.errors == [
        ("o.csv: line 1", "missing column(s): kind (the header has: name, website)")
    ]


def test_unknown_columns_are_ignored_with_a_warning_and_bad_rows_are_located():
    content = b"name,kind,colour,member_since\nA,company,red,\n,company,,\nB,company,,tomorrow\n"
    document = parse(content, "organisations", "o.csv")
    assert [r.data["name"] for r in document.records] == ["A"]
    assert document.warnings == [("o.csv: line 1", "unknown column(s) ignored: colour")]
    assert document.errors == [
        ("o.csv: line 3", "empty required cell(s): name"),
        ("o.csv: line 4", "member_since: “tomorrow” is not a date (2024-01-31 or 31/01/2024)"),
    ]


def test_a_row_longer_than_the_header_and_broken_quoting_are_errors():
    table = read_table(b"a,b\n1,2,3\n4,5\n", "t.csv", required=["a"])
    assert table.errors == [("t.csv: line 2", "3 cells, but the header has 2 columns")]
    assert [cells for _line, cells in table.rows] == [{"a": "4", "b": "5"}]
    broken = read_table(b'a,b\n1,"2\n', "t.csv", required=["a"])
    assert broken.errors and broken.errors[0][1].startswith("not valid CSV")


def test_multiline_cells_keep_the_line_where_the_row_starts():
    table = read_table(b'a,b\n1,"x\ny"\n2,z\n', "t.csv", required=["a"])
    assert [line for line, _cells in table.rows] == [2, 4]


def test_empty_and_binary_files_are_refused_clearly():
    assert parse(b"", "organisations", "e.csv").errors == [
        ("e.csv: file", "the file is empty: nothing to import")
    ]
    utf16 = "name,kind\nA,company\n".encode("utf-16")
    assert parse(utf16, "organisations", "u.csv").errors == [
        ("u.csv: file", "not a text file (UTF-16 or binary?): save it as UTF-8")
    ]
    header_only = parse(b"name,kind\n", "organisations", "h.csv")
    assert header_only.errors == [] and header_only.warnings == [
        ("h.csv: file", "no rows under the header")
    ]


@pytest.mark.parametrize("kind", list(TABLES))
def test_each_template_is_a_valid_table_of_its_kind(kind):
    content = csv_template(kind)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [column.name for column in TABLES[kind]]
    assert len(rows) == 2
    document = parse(content, kind, "template.csv")
    assert document.errors == [] and len(document.records) == 1
