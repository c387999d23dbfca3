"""Notices pasted as text (from a buyer's platform, a PDF, an e-mail), French or English.

A heuristic reader: lot headers ("Lot n° 1 : Hébergement"), CPV codes, NUTS codes, the buyer,
the deadline written the French way ("date limite de remise des offres : 15 janvier 2027 à
12h00"), values, durations, award criteria with their weights, and the requirements found
sentence by sentence (phrases.findings_in). Every requirement keeps the sentence it came from
and the line it starts on; nothing is guessed: what the text does not say stays empty.

A sentence under a lot header belongs to that lot; a sentence elsewhere that names lots
("pour le lot n° 2 : ...") goes to those lots; any other goes to every lot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from grappe.tenders.notices import phrases
from grappe.tenders.notices.model import (
    AwardCriterion,
    CriterionKind,
    Duration,
    Lot,
    Notice,
    NoticeKind,
    Organisation,
    Requirement,
    RequirementKind,
)
from grappe.tenders.notices.reading import (
    NoticeError,
    check_content,
    clean,
    decode_text,
    normalise_cpv,
    read_company_identifier,
    unique,
)

TITLE_LENGTH = 300
DESCRIPTION_LENGTH = 4000
_PARIS = ZoneInfo("Europe/Paris")
_FRENCH_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
_ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTHS = {**_FRENCH_MONTHS, **_ENGLISH_MONTHS}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:\s*(?:à|a|at|,|-|–)?\s*(?P<hour>[01]?\d|2[0-3])\s*(?:h|H|:)\s*(?P<minute>[0-5]\d)?)?"
_DATES = [
    re.compile(
        rf"(?P<day>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<month_name>{_MONTH_NAMES})\s+"
        rf"(?P<year>\d{{4}}){_TIME}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<month_name>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        rf"(?P<year>\d{{4}}){_TIME}",
        re.IGNORECASE,
    ),
    re.compile(rf"(?P<day>\d{{1,2}})[/.](?P<month>\d{{1,2}})[/.](?P<year>\d{{4}}){_TIME}"),
    re.compile(
        r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?"
    ),
]
_PARIS_TIME = re.compile(r"heure\s+de\s+paris|paris\s+time|\bCET\b|\bCEST\b", re.IGNORECASE)
# Ordered: the tender deadline first, the one for applications only when no other is given.
_DEADLINES = [
    re.compile(
        r"date\s+(?:et\s+heure\s+)?limites?\s+de\s+(?:remise|r[ée]ception|d[ée]p[ôo]t)\s+des\s+"
        r"(?:offres|plis|propositions)|remise\s+des\s+(?:offres|plis)\s+(?:avant|au\s+plus\s+"
        r"tard)|date\s+limite\s+de\s+r[ée]ponse|(?:time\s+limit|deadline)\s+for\s+(?:the\s+)?"
        r"(?:receipt|submission)\s+of\s+(?:tenders|bids|offers)|(?:tender|submission|closing)"
        r"\s+deadline|closing\s+date",
        re.IGNORECASE,
    ),
    re.compile(
        r"date\s+(?:et\s+heure\s+)?limites?\s+de\s+(?:remise|r[ée]ception|d[ée]p[ôo]t)\s+des\s+"
        r"(?:candidatures|dossiers|demandes)|(?:time\s+limit|deadline)\s+for\s+(?:the\s+)?"
        r"receipt\s+of\s+(?:requests|applications)",
        re.IGNORECASE,
    ),
]
_PUBLICATION = re.compile(
    r"date\s+de\s+(?:publication|parution)|date\s+d['’]envoi\s+(?:du\s+pr[ée]sent\s+avis|"
    r"à\s+la\s+publication)|date\s+of\s+(?:publication|dispatch)",
    re.IGNORECASE,
)
_LOT_HEADER = re.compile(
    r"^\s*(?:[-•*]\s*)?lot\s*(?:n[°ºo]\s*\.?\s*|no\.?\s*|num[ée]ro\s*|number\s*)?"
    r"(?P<number>\d{1,3})\b\s*(?:[:\-–—.)]\s*)?(?P<title>.*)$",
    re.IGNORECASE,
)
_SECTION = re.compile(
    r"^\s*(?:(?:section\s+)?[IVX]+(?:\.\d+)*[.)]?\s+|\d+(?:\.\d+)*[.)]?\s+)?"
    r"(?P<name>conditions?\s+de\s+participation|crit[èe]res?\s+d['’]attribution"
    r"|crit[èe]res?\s+de\s+(?:s[ée]lection|jugement)|capacit[ée]s?\b|proc[ée]dure\b"
    r"|renseignements|informations?\s+compl[ée]mentaires|date\s+limite|justificatifs"
    r"|documents?\s+[àa]\s+(?:produire|fournir)|pi[èe]ces\s+[àa]\s+(?:produire|fournir)"
    r"|conditions\s+for\s+participation|selection\s+criteria|award\s+criteria|procedure\b"
    r"|deadline|additional\s+information|modalit[ée]s)",
    re.IGNORECASE,
)
_CRITERIA_SECTION = re.compile(
    r"crit[èe]res?\s+d['’]attribution|crit[èe]res?\s+de\s+jugement\s+des\s+offres"
    r"|award\s+criteria",
    re.IGNORECASE,
)
_CRITERION = re.compile(
    r"(?P<name>[A-Za-zÀ-ÿ][^:;,\n%()]{1,80}?)\s*(?::|-|–|=|\(|pour)?\s*"
    r"(?P<weight>\d{1,3}(?:[.,]\d+)?)\s*(?P<unit>%|pour\s*cent|points?|pts)"
)
_CRITERIA_LEAD = re.compile(
    r"^.*?(?:crit[èe]res?\s+d['’]attribution|award\s+criteria)[^:]*:\s*", re.IGNORECASE
)
_CPV_CODE = re.compile(r"(?<![\d.,])(\d{8})(?:\s*-\s*(\d))?(?![\d.,]\d)")
_NUTS = re.compile(
    r"\bNUTS\b[^A-Z\n]{0,20}(?P<codes>[A-Z]{2}[A-Z0-9]{0,3}(?:\s*(?:,|et|and|/)"
    r"\s*[A-Z]{2}[A-Z0-9]{0,3})*)"
)
_BUYER = re.compile(
    r"^\s*(?:acheteur|pouvoir\s+adjudicateur|entit[ée]\s+adjudicatrice|organisme\s+acheteur"
    r"|nom\s+(?:et\s+adresse\s+)?officiels?(?:\s+de\s+l['’]acheteur)?|buyer"
    r"|contracting\s+(?:authority|entity))\s*:\s*(?P<name>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_SIRET = re.compile(r"\bSIRE[TN]\b\s*(?:n[°º]\s*)?:?\s*(?P<number>\d(?:[\s.]?\d){8,13})")
# A notice pasted from a buyer's page often starts with the buyer's name alone on its line.
_BUYER_FIRST_LINE = re.compile(
    r"(?P<name>(?:commune|ville|d[ée]partement|r[ée]gion|communaut[ée]|m[ée]tropole|syndicat"
    r"|centre\s+hospitalier|chu\b|groupement\s+hospitalier|universit[ée]|conseil"
    r"|[ée]tablissement|office|agglom[ée]ration|city|county|region|university|hospital)"
    r"[^\n:]{0,150})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_TITLE = re.compile(
    r"^\s*(?:objet(?:\s+du\s+march[ée]|\s+de\s+la\s+consultation|\s+de\s+l['’]accord-cadre)?"
    r"|intitul[ée](?:\s+du\s+march[ée])?|titre|title|subject(?:\s+matter)?"
    r"|object\s+of\s+the\s+contract)\s*:\s*(?P<title>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_REFERENCE = re.compile(
    r"^\s*(?:r[ée]f[ée]rence(?:\s+du\s+march[ée]|\s+de\s+la\s+consultation)?|reference\s+number"
    r"|num[ée]ro\s+de\s+(?:la\s+)?consultation)\s*:\s*(?P<reference>\S.{0,60}?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_PROCEDURES = [
    (
        re.compile(r"appel\s+d['’]offres\s+ouvert|proc[ée]dure\s+ouverte|open\s+procedure", re.I),
        "open",
    ),
    (
        re.compile(
            r"appel\s+d['’]offres\s+restreint|proc[ée]dure\s+restreinte|restricted\s+"
            r"procedure",
            re.I,
        ),
        "restricted",
    ),
    (re.compile(r"proc[ée]dure\s+adapt[ée]e|\bMAPA\b", re.I), "adapted"),
    (re.compile(r"dialogue\s+comp[ée]titif|competitive\s+dialogue", re.I), "comp-dial"),
    (
        re.compile(
            r"proc[ée]dure\s+(?:concurrentielle\s+)?avec\s+n[ée]gociation|competitive\s+"
            r"procedure\s+with\s+negotiation",
            re.I,
        ),
        "neg-w-call",
    ),
]
_AWARD = re.compile(
    r"avis\s+d['’]attribution|avis\s+de\s+r[ée]sultat|contract\s+award\s+notice", re.I
)
_PRIOR = re.compile(r"pr[ée]-?information|prior\s+information\s+notice", re.IGNORECASE)
_VALUE = re.compile(
    r"(?:valeur|montant|budget)\s+(?:totale?\s+|global\s+|globale\s+)?(?:estim[ée]e?|"
    r"pr[ée]visionnel(?:le)?|maximum|maximal)|estimated\s+(?:total\s+)?value",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"(?:dur[ée]e(?:\s+(?:du\s+march[ée]|de\s+l['’]accord-cadre|du\s+contrat|d['’]ex[ée]cution"
    r"|initiale))?|duration(?:\s+of\s+the\s+(?:contract|framework\s+agreement))?)\s*:?\s*"
    r"(?:de\s+|of\s+)?(?P<value>\d{1,3})\s*(?P<unit>mois|ans?|ann[ée]es?|jours?|semaines?"
    r"|months?|years?|days?|weeks?)\b",
    re.IGNORECASE,
)
_DURATION_UNITS = {
    "mois": "month",
    "an": "year",
    "ans": "year",
    "année": "year",
    "années": "year",
    "annee": "year",
    "annees": "year",
    "jour": "day",
    "jours": "day",
    "semaine": "week",
    "semaines": "week",
}
_PRICE = re.compile(r"\bprix\b|\bprice\b", re.IGNORECASE)
_COST = re.compile(r"\bco[uû]ts?\b|\bcost\b", re.IGNORECASE)
_STARTS_LOWER = re.compile(r"^\s*[a-zà-ÿ0-9(]")
_GROUP_FORM = re.compile(
    r"(?:en\s+cas\s+de\s+groupement|forme\s+(?:juridique\s+)?(?:du|que\s+devra\s+rev[êe]tir\s+le)"
    r"\s+groupement|legal\s+form\s+(?:to\s+be\s+)?taken\s+by\s+(?:the\s+)?group)[^.\n]*\.?",
    re.IGNORECASE,
)


@dataclass
class _Paragraph:
    lot: str | None  # the lot header it stands under
    line: int
    text: str
    criteria: bool = False  # inside an award-criteria section
    title: bool = False  # a lot's header line: its title, not a requirement


@dataclass
class _LotDraft:
    number: str
    title: str | None
    paragraphs: list[_Paragraph] = field(default_factory=list)


def parse(content: bytes, source: str) -> Notice:
    """A notice from pasted text."""
    check_content(content, source)
    text = decode_text(content)
    if "\x00" in text:
        raise NoticeError(
            "the file is binary (it holds NUL characters): paste the notice's text, or give "
            "its XML or JSON file",
            code="binary",
            source=source,
        )
    return parse_text(text, source)


def parse_text(text: str, source: str = "text") -> Notice:
    if not text.strip():
        raise NoticeError("the text is empty", code="empty", source=source)
    drafts, paragraphs = _paragraphs(text)
    notice = Notice(source_format="text", source=source, kind=_kind(text))
    notice.title = _title(paragraphs)
    reference = _REFERENCE.search(text)
    notice.reference = clean(reference.group("reference")) if reference else None
    notice.buyer = _buyer(text)
    notice.procedure = next((code for pattern, code in _PROCEDURES if pattern.search(text)), None)
    notice.submission_deadline = _deadline(text)
    publication = _PUBLICATION.search(text)
    if publication:
        found = find_date(text[publication.end() : publication.end() + 120])
        notice.publication_date = found.date() if isinstance(found, datetime) else found
    general = [p for p in paragraphs if p.lot is None]
    notice.cpv_main, notice.cpv_additional = _cpv_codes(general)
    notice.nuts = _nuts(general)
    general_value = _value(general)
    general_duration = _duration(general, source)
    general_criteria = _criteria(general, source)
    group_form = _GROUP_FORM.search(text)
    has_lots = bool(drafts)
    if not drafts:
        drafts = {"1": _LotDraft("1", notice.title)}
    notice.description = _description(
        [p for p in general if clean(p.text) and clean(p.text) != notice.title]
    )
    for draft in drafts.values():
        lot = Lot(id=draft.number, title=draft.title)
        lot.description = _description([p for p in draft.paragraphs if not p.title]) or (
            notice.description if not has_lots else None
        )
        lot.cpv_main, lot.cpv_additional = _cpv_codes(draft.paragraphs)
        if lot.cpv_main is None:
            lot.cpv_main, lot.cpv_additional = notice.cpv_main, list(notice.cpv_additional)
        lot.nuts = _nuts(draft.paragraphs) or list(notice.nuts)
        value = _value(draft.paragraphs) or (general_value if len(drafts) == 1 else None)
        if value:
            lot.estimated_value, lot.currency = value
        lot.duration = _duration(draft.paragraphs, source) or general_duration
        lot.award_criteria = _criteria(draft.paragraphs, source) or list(general_criteria)
        lot.submission_deadline = notice.submission_deadline
        lot.tenderer_legal_form = clean(group_form.group(0)) if group_form else None
        notice.lots.append(lot)
    if general_value and len(drafts) > 1:
        notice.warnings.append(
            f"an estimated value of {general_value[0]} {general_value[1]} is given for the "
            "whole notice, not for one lot: it was not assigned"
        )
    _requirements(paragraphs, notice, source)
    notice.nuts = unique(notice.nuts + [code for lot in notice.lots for code in lot.nuts])
    stated = [
        requirement
        for lot in notice.lots
        for requirement in lot.requirements
        if requirement.threshold is not None or requirement.subject
    ]
    if not (has_lots or notice.cpv_main or notice.submission_deadline or notice.nuts or stated):
        raise NoticeError(
            "the text does not read as a call for tenders: no CPV code, lot, deadline, NUTS "
            "code or requirement was found in it",
            code="not_a_notice",
            source=source,
        )
    return notice


# -- structure --------------------------------------------------------------------------------


def _paragraphs(text: str) -> tuple[dict[str, _LotDraft], list[_Paragraph]]:
    """Lines joined back into paragraphs, each under the lot header it follows (if any)."""
    drafts: dict[str, _LotDraft] = {}
    paragraphs: list[_Paragraph] = []
    current: str | None = None
    criteria = False
    previous: _Paragraph | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            previous = None
            continue
        header = _LOT_HEADER.match(line)
        if header:
            lot_number = str(int(header.group("number")))
            rest = clean(header.group("title"))
            current, criteria = lot_number, False
            first = lot_number not in drafts
            if first:
                drafts[lot_number] = _LotDraft(lot_number, _lot_title(rest))
            paragraph = _Paragraph(lot_number, number, rest or "", criteria, title=first)
        elif _SECTION.match(line) and len(line.strip()) <= 90:
            current = None
            criteria = bool(_CRITERIA_SECTION.search(line))
            paragraph = _Paragraph(None, number, line.strip(), criteria)
        elif (
            previous is not None
            and not re.search(r"[.;:!?]\s*$", previous.text)
            and _STARTS_LOWER.match(line)
        ):  # a line wrapped in the middle of a sentence
            previous.text = f"{previous.text} {line.strip()}"
            continue
        else:
            paragraph = _Paragraph(current, number, line.strip(), criteria)
        paragraphs.append(paragraph)
        if paragraph.lot is not None:
            drafts[paragraph.lot].paragraphs.append(paragraph)
        previous = paragraph
    return drafts, paragraphs


def _lot_title(rest: str | None) -> str | None:
    """'Hébergement (CPV 72415000)' gives 'Hébergement'."""
    if not rest:
        return None
    title = re.sub(r"\s*[(\[–-]?\s*(?:code\s+)?CPV\b.*$", "", rest, flags=re.IGNORECASE)
    return clean(title)[:TITLE_LENGTH] if clean(title) else None


def _kind(text: str) -> NoticeKind:
    head = text[:2000]
    if _AWARD.search(head):
        return NoticeKind.AWARD
    if _PRIOR.search(head):
        return NoticeKind.PRIOR_INFORMATION
    return NoticeKind.CONTRACT


def _title(paragraphs: list[_Paragraph]) -> str | None:
    """'Objet du marché : ...' (with its wrapped lines), else the first line."""
    for paragraph in paragraphs:
        match = _TITLE.match(paragraph.text)
        if match:
            return clean(match.group("title"))[:TITLE_LENGTH]
    for paragraph in paragraphs:
        if paragraph.lot is None and clean(paragraph.text):
            return clean(paragraph.text)[:TITLE_LENGTH]
    return None


def _description(paragraphs: list[_Paragraph]) -> str | None:
    """The paragraphs as written, joined: what the lot is about, in the buyer's words (the
    words members' offers are matched on)."""
    text = "\n".join(clean(p.text) for p in paragraphs if clean(p.text))
    return text[:DESCRIPTION_LENGTH] or None


def _buyer(text: str) -> Organisation | None:
    match = _BUYER.search(text) or _BUYER_FIRST_LINE.match(text.lstrip())
    siret = _SIRET.search(text)
    if not match and not siret:
        return None
    name = None
    if match:
        name = clean(re.split(r",|\s[-–]\s", match.group("name"), maxsplit=1)[0])
    identifier, siren, siret_number = read_company_identifier(
        siret.group("number") if siret else None
    )
    return Organisation(name=name, identifier=identifier, siren=siren, siret=siret_number)


# -- dates ------------------------------------------------------------------------------------


def find_date(text: str) -> datetime | date | None:
    """The first date written in the text, with its time when one follows it.

    Times have no zone unless the text says "heure de Paris" (or CET/CEST): then the date is
    made aware in Europe/Paris. A date without a time stays a date.
    """
    matches = [m for pattern in _DATES if (m := pattern.search(text))]
    if not matches:
        return None
    match = min(matches, key=lambda m: m.start())
    parts = match.groupdict()
    month = (
        _MONTHS.get(parts["month_name"].lower()) if parts.get("month_name") else int(parts["month"])
    )
    try:
        day = date(int(parts["year"]), month, int(parts["day"]))
    except (TypeError, ValueError):
        return None
    if parts.get("hour") is None:
        return day
    zone = _PARIS if _PARIS_TIME.search(text[match.end() : match.end() + 40]) else None
    return datetime(
        day.year,
        day.month,
        day.day,
        int(parts["hour"]),
        int(parts.get("minute") or 0),
        tzinfo=zone,
    )


def _deadline(text: str) -> datetime | date | None:
    for pattern in _DEADLINES:
        for match in pattern.finditer(text):
            found = find_date(text[match.end() : match.end() + 160])
            if found is not None:
                return found
    return None


# -- what each lot says -----------------------------------------------------------------------


def _cpv_codes(paragraphs: list[_Paragraph]) -> tuple[str | None, list[str]]:
    """8-digit codes on a line that says CPV, or written with their check digit anywhere."""
    codes: list[str] = []
    for paragraph in paragraphs:
        says_cpv = "cpv" in paragraph.text.lower()
        for match in _CPV_CODE.finditer(paragraph.text):
            if says_cpv or match.group(2):
                codes.append(normalise_cpv(match.group(1)) or "")
    codes = unique(codes)
    return (codes[0], codes[1:]) if codes else (None, [])


def _nuts(paragraphs: list[_Paragraph]) -> list[str]:
    codes: list[str] = []
    for paragraph in paragraphs:
        for match in _NUTS.finditer(paragraph.text):
            codes.extend(re.findall(r"[A-Z]{2}[A-Z0-9]{0,3}", match.group("codes")))
    return unique(codes)


def _value(paragraphs: list[_Paragraph]) -> tuple[Decimal, str] | None:
    for paragraph in paragraphs:
        match = _VALUE.search(paragraph.text)
        if match:
            amount = phrases.find_amount(paragraph.text[match.end() : match.end() + 120])
            if amount:
                return amount
    return None


def _duration(paragraphs: list[_Paragraph], source: str) -> Duration | None:
    for paragraph in paragraphs:
        match = _DURATION.search(paragraph.text)
        if match:
            unit_word = match.group("unit").lower()
            unit = _DURATION_UNITS.get(unit_word, unit_word.rstrip("s"))
            return Duration(
                value=phrases.read_number(match.group("value")),
                unit=unit,
                source=f"{source}:line {paragraph.line}",
            )
    return None


def _criteria(paragraphs: list[_Paragraph], source: str) -> list[AwardCriterion]:
    """Weighted criteria under an award-criteria heading, or listed after its colon."""
    criteria: list[AwardCriterion] = []
    for paragraph in paragraphs:
        text = paragraph.text
        if not paragraph.criteria:
            lead = _CRITERIA_LEAD.match(text)
            if not lead:
                continue
            text = text[lead.end() :]
        for match in _CRITERION.finditer(text):
            name = clean(re.sub(r"^(?:[-•*]|et|and|crit[èe]re)\s+", "", match.group("name")))
            if not name or _CRITERIA_SECTION.search(name):
                continue
            unit = match.group("unit").lower()
            criteria.append(
                AwardCriterion(
                    name=name,
                    kind=_criterion_kind(name),
                    weight=phrases.read_number(match.group("weight")),
                    weight_unit="%" if unit.startswith(("%", "pour")) else "points",
                    source=f"{source}:line {paragraph.line}",
                )
            )
    return criteria


def _criterion_kind(name: str) -> CriterionKind:
    if _PRICE.search(name):
        return CriterionKind.PRICE
    if _COST.search(name):
        return CriterionKind.COST
    return CriterionKind.QUALITY


def _requirements(paragraphs: list[_Paragraph], notice: Notice, source: str) -> None:
    """Sentence by sentence; under a lot header to that lot, else to the lots it names."""
    lots_by_number = {lot.id: lot for lot in notice.lots}
    for paragraph in paragraphs:
        # The object of the contract says what is bought, not what a candidate must show:
        # "hébergement certifié HDS" there is the subject, repeated by the criteria if required.
        if paragraph.criteria or paragraph.title or _TITLE.match(paragraph.text):
            continue
        for item in phrases.split_items(paragraph.text):
            if _DEADLINES[0].search(item):
                continue  # the deadline's sentence, not a requirement
            obliges = phrases.looks_like_requirement(item)
            # A bare mention ("références", "certification") counts only in a sentence that
            # obliges a candidate; a threshold or a named certification counts anywhere.
            findings = [
                finding
                for finding in phrases.findings_in(item)
                if obliges or finding.threshold is not None or finding.subject
            ]
            if not findings and obliges:
                findings = [phrases.Finding(RequirementKind.OTHER, item)]
            if not findings:
                continue
            if paragraph.lot is not None:
                targets = [lots_by_number[paragraph.lot]]
            else:
                named = phrases.lots_mentioned(item)
                targets = [
                    lot for lot in notice.lots if not named or phrases.lot_matches(lot.id, named)
                ] or notice.lots
            for finding in findings:
                for lot in targets:
                    lot.requirements.append(
                        Requirement(
                            kind=finding.kind,
                            text=finding.sentence,
                            source=f"{source}:line {paragraph.line}",
                            threshold=finding.threshold,
                            unit=finding.unit,
                            mandatory=finding.mandatory,
                            subject=finding.subject,
                        )
                    )
