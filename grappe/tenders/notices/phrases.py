"""Reading requirements out of free text, in French and English.

Notices state most of what a candidate must show in prose: "chiffre d'affaires global annuel
supérieur à 406 250 euros HT", "certification ISO 27001 exigée", "trois références de moins de
trois ans". This module cuts such prose into items (sentences, bullets) and says, for each,
what kind of requirement it is and what threshold it states. It never makes a threshold up: a
turnover sentence without an amount stays "other", with its words kept.

The BOAMP, eForms and pasted-text parsers all use it, so one sentence reads the same wherever
it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from grappe.tenders.notices.model import RequirementKind
from grappe.tenders.notices.reading import clean, parse_decimal

_CAPITAL = "A-ZÀ-ÖØ-Ý"
_ITEM_BREAKS = re.compile(
    r"\n+"
    # a bullet after a sentence end: ";- Liste", "suivants:-Qualifications"
    rf"|(?<=[.;:!?])\s*[-–•]\s*(?=[\w{_CAPITAL}])"
    # a sentence end, then a capital
    rf"|(?<=[.;!?])\s+(?=[{_CAPITAL}«\"(])"
    # a sentence end whose space was lost in the export: "euros HT.Pour le lot"
    rf"|(?<=[^\s.\d])\.(?=[{_CAPITAL}](?:[a-zà-ÿ]{{2,}}|['’][a-zà-ÿ]))"
)
# BOAMP's legacy exports lost their line breaks: "envisagée-Qualité", "candidatureEléments".
_LOST_BREAKS = re.compile(
    rf"(?<=[a-zà-ÿ])\s?-(?=[{_CAPITAL}][a-zà-ÿ])|(?<=[a-zà-ÿ]{{3}})(?=[{_CAPITAL}][a-zà-ÿ]{{3,}}\s)"
)
_LEADING_BULLET = re.compile(r"^\s*(?:[-–•*·]+|\d{1,2}\s*[-).]|[a-z]\))\s*")

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:[,.]\d{1,2})?|\d+(?:[,.]\d+)?"
_MULTIPLIER = r"k|K|M|Md|millions?|milliards?|milliers?|thousand|billion"
_CURRENCY = r"€|euros?|EUR|£|GBP|\$|USD|CHF"
_AMOUNT_AFTER = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?P<multiplier>{_MULTIPLIER})?\s*(?:d['’]\s*)?"
    rf"(?P<currency>{_CURRENCY})(?![A-Za-z])",
)
_AMOUNT_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?P<currency>{_CURRENCY})\s*(?P<number>{_NUMBER})"
    rf"(?:\s*(?P<multiplier>{_MULTIPLIER})(?![A-Za-z]))?",
)
_MULTIPLIERS = {
    "k": 1_000,
    "millier": 1_000,
    "milliers": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "md": 1_000_000_000,
    "milliard": 1_000_000_000,
    "milliards": 1_000_000_000,
    "billion": 1_000_000_000,
}
_CURRENCIES = {"€": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "$": "USD"}

_TURNOVER = re.compile(
    r"chiffres?\s+d['’]?\s*affaires|\bC\.?A\.?\s+(?:annuel|global|moyen|minimum|minimal|HT)"
    r"|turnover|annual revenue",
    re.IGNORECASE,
)
_NAMED_CERTIFICATIONS = [
    (re.compile(r"\bISO\s*/?\s*(?:IEC\s*)?(\d{4,5})(?:\s*[-:]\s*\d+)*", re.I), "ISO {0}"),
    (re.compile(r"\bHDS\b|h[ée]bergeurs?\s+de\s+donn[ée]es\s+de\s+sant[ée]", re.I), "HDS"),
    (re.compile(r"\bQualiopi\b", re.I), "Qualiopi"),
    (re.compile(r"\bSecNumCloud\b", re.I), "SecNumCloud"),
    (re.compile(r"\bPASSI\b"), "PASSI"),
    (re.compile(r"\bOHSAS\s*18001\b", re.I), "OHSAS 18001"),
    (re.compile(r"\bQualibat\b", re.I), "Qualibat"),
    (re.compile(r"\bOPQIBI\b", re.I), "OPQIBI"),
    (re.compile(r"\bRGE\b"), "RGE"),
]
_GENERIC_CERTIFICATION = re.compile(
    r"\bcertification|\bcertifi[ée]e?s?\b(?!\s+conforme)|certificats?\s+de\s+qualification"
    r"|qualification\s+professionnelle|\blabel(?:lis[ée]e?s?)?\b|\baccredit(?:ed|ation)\b"
    r"|\bcertified\b",
    re.IGNORECASE,
)
_REFERENCES = re.compile(
    r"\br[ée]f[ée]rences\b|\br[ée]f[ée]rences?\s+(?:similaires?|clients?)"
    r"|liste\s+des\s+principa(?:ux|les)\s+(?:services|travaux|fournitures|livraisons|"
    r"prestations)|attestations?\s+de\s+bonne\s+ex[ée]cution|\breferences\b"
    r"|similar\s+(?:contracts|projects|services|works)|relevant\s+experience",
    re.IGNORECASE,
)
_STAFF = re.compile(
    r"\beffectifs?\b|\bsalari[ée]s\b|personnel\s+d['’]encadrement|\bETP\b|\bstaff\b"
    r"|\bemployees\b|\bmanpower\b|\bheadcount\b|\bFTE\b|\bcollaborateurs\b",
    re.IGNORECASE,
)
_COUNT_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT = r"\d{1,4}|" + "|".join(_COUNT_WORDS)
_REFERENCE_COUNT = re.compile(
    rf"(?<![\w.,])(?P<count>{_COUNT})\s+(?:[\w’'-]+\s+){{0,2}}?"
    r"(?:r[ée]f[ée]rences|references|similar\s+contracts|examples)",
    re.IGNORECASE,
)
_STAFF_COUNT = re.compile(
    rf"(?<![\w.,])(?P<count>{_COUNT})\s+(?:[\w’'-]+\s+){{0,1}}?"
    r"(?P<unit>salari[ée]s|personnes|collaborateurs|ETP|employees|staff|FTE|ing[ée]nieurs"
    r"|consultants|développeurs|developers)\b",
    re.IGNORECASE,
)
_OPTIONAL = re.compile(
    # "sera apprécié" means "will be assessed" in French notices: only the conditional is a wish
    r"souhait[ée]|serai(?:t|ent)\s+appr[ée]ci[ée]|un atout|un plus|de pr[ée]f[ée]rence|facultati"
    r"|optionnel"
    r"|preferabl|desirable|an asset|nice to have|optional",
    re.IGNORECASE,
)
_OBLIGATION = re.compile(
    r"\bdoi(?:t|vent)\b|exig[ée]|requis|obligatoire|\bminimum\b|\bminimal|au moins|justifi"
    r"|\bmust\b|required|\bshall\b|at least|mandatory|\bshould\b|\bdevra|fourni(?:r|ra|ront)\b"
    r"|produire|joindre|\bprovide\b|\bsubmit\b|disposer|disposera",
    re.IGNORECASE,
)
_CANDIDATE = re.compile(
    r"candidat|soumissionnaire|titulaire|prestataire|entreprise|op[ée]rateur|groupement"
    r"|bidder|tenderer|supplier|contractor|applicant|economic operator",
    re.IGNORECASE,
)
_LOT_MENTION = re.compile(
    r"\blots?\s*(?:n[°ºo]\s*\.?\s*|num[ée]ro\s+)?(?P<numbers>\d+(?:\s*(?:,|et|and|&)\s*\d+)*)\b",
    re.IGNORECASE,
)


@dataclass
class Finding:
    """One requirement fact read in one sentence."""

    kind: RequirementKind
    sentence: str
    threshold: Decimal | None = None
    unit: str | None = None
    subject: str | None = None
    mandatory: bool = True


def split_items(text: str | None, *, lost_breaks: bool = False) -> list[str]:
    """Sentences and bullets, each cleaned.

    Pieces with no word and headings ending with a colon ("critères suivants :") are dropped.
    `lost_breaks` also cuts where an export glued two lines together (BOAMP legacy fields);
    it is off for pasted text, where "PrestaShop" must stay one word.
    """
    if not text:
        return []
    pieces = _ITEM_BREAKS.split(text)
    if lost_breaks:
        pieces = [part for piece in pieces for part in _LOST_BREAKS.split(piece or "")]
    items = []
    for piece in pieces:
        item = clean(_LEADING_BULLET.sub("", piece or ""))
        item = item.rstrip(" ;,") if item else item
        if item and re.search(r"[A-Za-zÀ-ÿ]{2}", item) and not item.endswith(":"):
            items.append(item)
    return items


def find_amount(text: str) -> tuple[Decimal, str] | None:
    """The first amount of money written in the text, as (value, ISO currency)."""
    candidates = [m for m in (_AMOUNT_AFTER.search(text), _AMOUNT_BEFORE.search(text)) if m]
    if not candidates:
        return None
    match = min(candidates, key=lambda m: m.start())
    value = read_number(match.group("number"))
    if value is None:
        return None
    multiplier = (match.group("multiplier") or "").lower()
    value *= _MULTIPLIERS.get(multiplier, 1)
    currency = match.group("currency")
    currency = _CURRENCIES.get(currency.lower(), _CURRENCIES.get(currency, currency.upper()))
    return (value.quantize(Decimal(1)) if value == value.to_integral() else value), currency


def read_number(text: str) -> Decimal | None:
    """'406 250', '2.375.000', '1,5' and '200 000.00' as numbers."""
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if "," in compact:
        compact = compact.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", compact):
        compact = compact.replace(".", "")
    number = parse_decimal(compact)
    if number is not None and number == number.to_integral():
        return number.quantize(Decimal(1))
    return number


def _count(text: str) -> Decimal | None:
    word = text.lower()
    if word.isdigit():
        return Decimal(word)
    return Decimal(_COUNT_WORDS[word]) if word in _COUNT_WORDS else None


def findings_in(sentence: str) -> list[Finding]:
    """Every requirement fact the sentence states; empty when it states none we know."""
    mandatory = not _OPTIONAL.search(sentence)
    findings: list[Finding] = []
    if _TURNOVER.search(sentence):
        amount = find_amount(sentence[_TURNOVER.search(sentence).start() :]) or find_amount(
            sentence
        )
        if amount:
            findings.append(
                Finding(
                    RequirementKind.MINIMUM_TURNOVER,
                    sentence,
                    amount[0],
                    amount[1],
                    mandatory=mandatory,
                )
            )
    subjects = named_certifications(sentence)
    for subject in subjects:
        findings.append(
            Finding(RequirementKind.CERTIFICATION, sentence, subject=subject, mandatory=mandatory)
        )
    if _REFERENCES.search(sentence):
        count = _REFERENCE_COUNT.search(sentence)
        findings.append(
            Finding(
                RequirementKind.REFERENCES,
                sentence,
                threshold=_count(count.group("count")) if count else None,
                unit="references" if count else None,
                mandatory=mandatory,
            )
        )
    if _STAFF.search(sentence):
        count = _STAFF_COUNT.search(sentence)
        unit = None
        if count:
            unit = "FTE" if count.group("unit").upper() in {"ETP", "FTE"} else "employees"
        findings.append(
            Finding(
                RequirementKind.STAFF,
                sentence,
                threshold=_count(count.group("count")) if count else None,
                unit=unit,
                mandatory=mandatory,
            )
        )
    if not subjects and _GENERIC_CERTIFICATION.search(sentence):
        findings.append(Finding(RequirementKind.CERTIFICATION, sentence, mandatory=mandatory))
    return findings


def named_certifications(sentence: str) -> list[str]:
    """'ISO 27001', 'HDS', 'Qualiopi', 'SecNumCloud'... in the order they are written, once."""
    found: list[tuple[int, str]] = []
    for pattern, template in _NAMED_CERTIFICATIONS:
        for match in pattern.finditer(sentence):
            name = template.format(*match.groups()) if match.groups() else template
            found.append((match.start(), name))
    names: list[str] = []
    for _position, name in sorted(found):
        if name not in names:
            names.append(name)
    return names


def findings_or_other(item: str) -> list[Finding]:
    """The item's findings, or one "other" finding keeping its words: nothing is lost."""
    findings = findings_in(item)
    if findings:
        return findings
    return [Finding(RequirementKind.OTHER, item, mandatory=not _OPTIONAL.search(item))]


def looks_like_requirement(sentence: str) -> bool:
    """In pasted text: an unclassified sentence counts only if it obliges a candidate."""
    return bool(_OBLIGATION.search(sentence) and _CANDIDATE.search(sentence))


def lots_mentioned(sentence: str) -> list[str]:
    """Lot numbers a sentence names: 'pour le lot no 1', 'lots 2 et 3'."""
    numbers: list[str] = []
    for match in _LOT_MENTION.finditer(sentence):
        for number in re.findall(r"\d+", match.group("numbers")):
            if number not in numbers:
                numbers.append(number)
    return numbers


def lot_matches(lot_id: str, numbers: list[str]) -> bool:
    """'1' names lot '1', 'LOT-0001' and 'Lot 1' alike."""
    digits = re.findall(r"\d+", lot_id)
    return bool(digits) and str(int(digits[-1])) in {str(int(n)) for n in numbers}
