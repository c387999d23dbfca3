"""Grappe's labels against the Publications Office's own: where both hold a code, the French and
English labels are the same. Real data of ../shared/data (eForms SDK code lists), skipped on a
clone without it, never in CI."""

import csv
import re
import unicodedata

from defusedxml import ElementTree

from grappe.tenders.cpv.labels import all_codes, label
from tests.conftest import shared_data

FLAT_TABLE = "procurement/eforms-sdk/cpv_social-service_fr_en.csv"
GENERICODE = "procurement/eforms-sdk/codelists/cpv_social-service-cpv.gc"
# The training and education codes of the official table, which the trades need and the list
# took from it: the comparison must at least cover them.
TAKEN_FROM_THE_TABLE = {
    "80110000", "80300000", "80420000", "80430000", "80511000", "80520000", "80590000",
}  # fmt: skip


def normalised(text: str) -> str:
    """Same label up to typography: Unicode form, apostrophes, runs of spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def official_flat() -> dict[str, tuple[str, str]]:
    with shared_data(FLAT_TABLE).open(encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["fr"], row["en"]) for row in csv.DictReader(handle)}


def official_genericode() -> dict[str, tuple[str, str]]:
    tree = ElementTree.parse(shared_data(GENERICODE))
    table = {}
    for row in tree.getroot().iter("Row"):
        values = {
            value.get("ColumnRef"): value.findtext("SimpleValue") or ""
            for value in row.iter("Value")
        }
        table[values["code"]] = (values["fra_label"], values["eng_label"])
    return table


def disagreements(official: dict[str, tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    found = []
    for code in sorted(set(official) & set(all_codes())):
        for language, theirs in zip(("fr", "en"), official[code], strict=True):
            ours = label(code, language) or ""
            if normalised(ours) != normalised(theirs):
                found.append((code, language, ours, theirs))
    return found


def test_the_flat_table_is_the_official_subset():
    table = official_flat()
    assert len(table) == 115
    assert table["80420000"] == (
        "Services d'enseignement par voie électronique",
        "E-learning services",
    )


def test_labels_agree_with_the_official_flat_table():
    table = official_flat()
    assert set(table) & set(all_codes()) >= TAKEN_FROM_THE_TABLE
    assert disagreements(table) == []


def test_labels_agree_with_the_official_genericode_list():
    table = official_genericode()
    assert len(table) == 115
    assert set(table) & set(all_codes()) >= TAKEN_FROM_THE_TABLE
    assert disagreements(table) == []


def test_the_flat_table_and_the_genericode_list_say_the_same():
    flat, genericode = official_flat(), official_genericode()
    assert set(flat) == set(genericode)
    assert all(
        normalised(a) == normalised(b)
        for code in flat
        for a, b in zip(flat[code], genericode[code], strict=True)
    )
