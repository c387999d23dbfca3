"""Official French and English labels of the CPV codes Grappe's trades use.

`labels.csv` beside this module holds the CPV 2008 labels (Commission Regulation (EC)
No 213/2008) for divisions 48 and 72 whole and the codes of 30, 32, 50, 64, 73, 79 and 80 that
software, IT services, hosting, training and fab-lab members answer; docs/cpv.md gives the
source, the licence and what was left out. Labels are copied as published, typos included
("exploitatuion"), so that they read like the notices buyers publish.
"""

import csv
import io
from functools import cache
from importlib.resources import files

from grappe.tenders.cpv.hierarchy import ancestors, normalise

LANGUAGES = ("fr", "en")
# "72212000 (dans 72200000 – …)": the one word describe() writes, in both languages.
_INSIDE = {"fr": "dans", "en": "in"}


@cache
def _table() -> dict[str, tuple[str, str]]:
    """Code -> (French, English), read once from the CSV shipped with the package."""
    text = files(__package__).joinpath("labels.csv").read_text(encoding="utf-8")
    return {
        row["code"]: (row["label_fr"], row["label_en"]) for row in csv.DictReader(io.StringIO(text))
    }


def _language(language: str | None) -> str:
    """The label column for a language: "fr-FR" reads French, "en-gb" English; None or any other
    language gives French, Grappe's default, rather than failing a page."""
    short = (language or "fr")[:2].lower()
    return short if short in LANGUAGES else "fr"


def label(code: str, language: str | None = "fr") -> str | None:
    """The official label of `code`, or None when the list does not hold this code.

    Raises ValueError when `code` is not a CPV code at all.
    """
    found = _table().get(normalise(code))
    if found is None:
        return None
    return found[LANGUAGES.index(_language(language))]


def describe(code: str, language: str | None = "fr") -> str:
    """A code with the best label known for it, for a page or a report.

    "72212000 – Services de programmation de logiciels d'application" when the code is known,
    "72212517 (dans 72212000 – …)" with its nearest known ancestor otherwise, the bare code when
    not even its division is known.
    """
    digits = normalise(code)
    language = _language(language)
    own = label(digits, language)
    if own is not None:
        return f"{digits} – {own}"
    for ancestor in ancestors(digits):
        above = label(ancestor, language)
        if above is not None:
            return f"{digits} ({_INSIDE[language]} {ancestor} – {above})"
    return digits


def all_codes() -> list[str]:
    """Every code that has labels, in code order."""
    return sorted(_table())
