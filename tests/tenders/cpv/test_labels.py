"""The label list shipped with Grappe: well formed, complete along every branch, and read right."""

import csv
import re
from pathlib import Path

import pytest

from grappe.tenders.cpv import labels as labels_module
from grappe.tenders.cpv.hierarchy import ancestors, level
from grappe.tenders.cpv.labels import all_codes, describe, label

LABELS_CSV = Path(labels_module.__file__).resolve().parent / "labels.csv"
# Codes whose structural ancestor is not itself a CPV code (CPV 2008 skips a level in a few
# branches, e.g. 60112000 sits directly under 60100000). None in the list today.
KNOWN_GAPS: set[str] = set()
# Codes the brief names and the trades rely on: each must be in the list.
MUST_HAVE = {
    "30200000", "30232100", "32400000", "32420000", "48000000", "48780000", "48810000",
    "48900000", "50312000", "50320000", "50324000", "64200000", "64216000", "72000000",
    "72212000", "72250000", "72253000", "72260000", "72262000", "72267000", "72415000",
    "73000000", "73100000", "73200000", "73220000", "79342000", "79400000", "79411000",
    "79530000", "79620000", "79950000", "79995100", "79999100", "80000000", "80420000",
    "80500000", "80510000", "80511000", "80533000", "80533100",
}  # fmt: skip


def rows() -> list[dict[str, str]]:
    with LABELS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_file_has_three_named_columns_in_utf8():
    with LABELS_CSV.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["code", "label_fr", "label_en"]
    assert "é" in LABELS_CSV.read_text(encoding="utf-8")


def test_every_row_is_eight_digits_and_two_clean_labels():
    for row in rows():
        assert re.fullmatch(r"\d{8}", row["code"]), row
        for column in ("label_fr", "label_en"):
            text = row[column]
            assert text and text == text.strip() and "  " not in text, row


def test_codes_are_unique_and_in_order():
    codes = [row["code"] for row in rows()]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_every_ancestor_of_a_code_is_in_the_list():
    codes = {row["code"] for row in rows()}
    missing = {(code, above) for code in codes for above in ancestors(code) if above not in codes}
    assert {code for code, _ in missing} == KNOWN_GAPS


def test_the_list_covers_the_trades():
    codes = {row["code"] for row in rows()}
    assert codes >= MUST_HAVE
    assert {code[:2] for code in codes} == {"30", "32", "48", "50", "64", "72", "73", "79", "80"}
    assert 550 <= len(codes) <= 700
    # Division 72 down to its finest codes: 72212xxx goes to 8 significant digits.
    assert max(level(code) for code in codes if code.startswith("72")) == 8


def test_label_in_each_language():
    assert label("72212000") == "Services de programmation de logiciels d'application"
    assert label("72212000", "en") == "Programming services of application software"
    assert label("72212000-4", "fr") == "Services de programmation de logiciels d'application"
    assert label("80533100", "en") == "Computer training services"


def test_label_takes_a_locale_and_falls_back_to_french():
    assert label("80533100", "en-GB") == "Computer training services"
    assert label("80533100", "de") == "Services de formation informatique"
    assert label("80533100", None) == "Services de formation informatique"


def test_label_is_none_for_a_code_the_list_does_not_hold():
    assert label("45000000") is None
    assert label("72212999", "en") is None


def test_label_refuses_what_is_not_a_code():
    with pytest.raises(ValueError, match="not a CPV code"):
        label("7221")


def test_describe_names_the_code_or_its_nearest_known_ancestor():
    assert describe("72415000") == (
        "72415000 – Services d'hébergement pour l'exploitatuion de sites WWW"
    )
    assert describe("72415000", "en") == (
        "72415000 – World wide web (www) site operation host services"
    )
    assert describe("72212999", "en") == (
        "72212999 (in 72212990 – Spreadsheets and enhancement software development services)"
    )
    assert describe("80533900") == (
        "80533900 (dans 80533000 – Services de formation et de familiarisation dans le domaine "
        "de l'informatique)"
    )
    assert describe("45210000-2") == "45210000"


def test_all_codes_are_the_file_s_codes_in_order():
    assert all_codes() == [row["code"] for row in rows()]
