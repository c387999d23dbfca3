"""code.gouv.fr's list of free-software training organisations
(`formations-logiciels-libres.yml`): a YAML list of {organisme, description, formations,
site_web, courriel, adresse}. A pure parser; see docs/formats/trainings.md.

The file is hand-written, so the parser is forgiving: the website key is spelled three ways,
a course title with " : " in it reads as a one-key mapping in YAML, an organisation may appear
twice (its courses are merged), an address is one free line. A duration written in a title,
"(4 jours)", becomes hours (a day is 7 hours); the delivery (on site, remote) is read from the
organisation's description, which is where the file says it.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from grappe.directory.models import DeliveryMode, OrganisationKind
from grappe.directory.validators import validate_postcode
from grappe.geo.models import name_key
from grappe.interop.formats.csv_tables import decode, where
from grappe.interop.formats.trees import unread, yaml_tree

HOURS_PER_DAY = 7
TITLE_LENGTH = 200
_WEBSITE_KEYS = {"site_web", "siteweb", "site", "website", "url"}
_DURATION = re.compile(r"\s*\((\d+)\s*(jours?|j|heures?|h)\)", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_ADDRESS = re.compile(
    r"^(?P<street>.*?)[\s,;–-]*\b(?P<postcode>\d{5})\s+(?P<commune>[^,;]+?)"
    r"(?:\s+[-–]\s+France)?\s*$",
    re.IGNORECASE,
)
_REMOTE = re.compile(r"à distance|distanciel|en visio", re.IGNORECASE)
_ON_SITE = re.compile(r"sur site|présentiel|dans vos locaux|\bintra\b|en entreprise", re.I)
_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


@dataclass
class Course:
    location: str
    title: str
    description: str = ""  # the whole title when it is longer than a title may be
    duration_hours: int | None = None


@dataclass
class TrainingOrganisation:
    location: str
    organisation: dict[str, Any]  # organisation fields with a value
    courses: list[Course] = field(default_factory=list)
    delivery_mode: str = ""


@dataclass
class TrainingsDocument:
    organisations: list[TrainingOrganisation] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def parse(content: bytes, source: str = "formations-logiciels-libres.yml") -> TrainingsDocument:
    document = TrainingsDocument()
    text = decode(content, source, document.errors, document.warnings, excel_fallback=False)
    if text is None:
        return document
    tree = yaml_tree(text, source, document.errors)
    if unread(tree):
        return document
    if not isinstance(tree, list):
        document.errors.append((where(source, "file"), "expected a list of organisations"))
        return document
    by_name: dict[str, TrainingOrganisation] = {}
    for number, entry in enumerate(tree, start=1):
        location = where(source, f"entry {number}")
        if not isinstance(entry, dict):
            document.errors.append((location, "expected organisme, description, formations…"))
            continue
        entry = {_key(k): v for k, v in entry.items()}
        name = _one_line(entry.get("organisme"))
        if not name:
            document.errors.append((location, "no organisation name (organisme)"))
            continue
        location = where(source, f"entry {number} (“{name}”)")
        parsed = _organisation(location, name, entry, document)
        known = by_name.get(name_key(name))
        if known is None:
            by_name[name_key(name)] = parsed
            document.organisations.append(parsed)
            continue
        document.warnings.append((location, f"the same organisation as {known.location}: merged"))
        for key, value in parsed.organisation.items():
            known.organisation.setdefault(key, value)
        titles = {course.title.casefold() for course in known.courses}
        known.courses += [c for c in parsed.courses if c.title.casefold() not in titles]
        known.delivery_mode = known.delivery_mode or parsed.delivery_mode
    return document


def _organisation(location: str, name: str, entry: dict, document) -> TrainingOrganisation:
    def warn(message: str) -> None:
        document.warnings.append((location, message))

    description = _text(entry.get("description"))
    data: dict[str, Any] = {
        "kind": _kind(name, description, _text(entry.get("courriel"))),
        "name": name[:200],
        "description_fr": description,
        "website": _website(entry, warn),
        "email": _email(_text(entry.get("courriel")), warn),
        "tags": ["formation"],
    }
    data.update(_address(_one_line(entry.get("adresse")), warn))
    courses = []
    for index, item in enumerate(_as_list(entry.get("formations")), start=1):
        course = _course(f"{location}, course {index}", item, warn)
        if course is not None and course.title.casefold() not in {
            c.title.casefold() for c in courses
        }:
            courses.append(course)
    return TrainingOrganisation(
        location=location,
        organisation={k: v for k, v in data.items() if v},
        courses=courses,
        delivery_mode=delivery_mode(description),
    )


def delivery_mode(text: str) -> str:
    """on_site, remote or both when a text says how courses are given, else ""."""
    remote, on_site = bool(_REMOTE.search(text)), bool(_ON_SITE.search(text))
    if remote and on_site:
        return DeliveryMode.BOTH.value
    if remote:
        return DeliveryMode.REMOTE.value
    return DeliveryMode.ON_SITE.value if on_site else ""


def _course(location: str, item: Any, warn) -> Course | None:
    if isinstance(item, dict) and len(item) == 1:  # "Nagios : supervision" read as a mapping
        [(head, tail)] = item.items()
        head, tail = _MARKDOWN_LINK.sub(r"\1", _one_line(head)), _one_line(tail)
        text = f"{head} : {tail}"
        if len(text) > TITLE_LENGTH and len(head) <= TITLE_LENGTH:  # a title, then what it is
            return Course(location, head, description=tail)
    elif isinstance(item, str | int | float):
        text = _one_line(item)
    else:
        warn(f"{location}: not a course title, left out")
        return None
    text = _MARKDOWN_LINK.sub(r"\1", text)
    hours = None
    duration = _DURATION.search(text)
    if duration:
        number, unit = int(duration.group(1)), duration.group(2).lower()
        hours = number * HOURS_PER_DAY if unit.startswith("j") else number
        text = _DURATION.sub("", text).strip()
    if not text:
        return None
    if len(text) <= TITLE_LENGTH:
        return Course(location, text, duration_hours=hours)
    short = text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–") + "…"
    return Course(location, short, description=text, duration_hours=hours)


def _address(text: str, warn) -> dict[str, str]:
    """Street, postcode and commune of a French address on one line; a foreign address stays
    as written, a bare town is the commune."""
    if not text:
        return {}
    match = _ADDRESS.match(text)
    if match:
        commune = match.group("commune").strip(" -–")
        commune = commune.title() if commune.isupper() else commune
        try:
            validate_postcode(match.group("postcode"))
        except ValidationError:
            return {"address": text[:300]}
        return {
            "address": match.group("street").strip(" ,;-–")[:300],
            "postcode": match.group("postcode"),
            "commune_name": commune[:100],
        }
    if not re.search(r"\d", text) and len(text) <= 100:
        return {"commune_name": text}
    warn(f"adresse: “{text}” has no French postcode; kept as the street address")
    return {"address": text[:300]}


def _website(entry: dict, warn) -> str:
    value = next((_text(entry[k]) for k in _WEBSITE_KEYS if _text(entry.get(k))), "")
    if not value:
        return ""
    url = value if re.match(r"^https?://", value, re.IGNORECASE) else f"https://{value}"
    try:
        _url_validator(url)
    except ValidationError:
        warn(f"site_web: “{value}” is not a web address, left out")
        return ""
    return url


def _email(value: str, warn) -> str:
    """The first valid address of the cell ("a@x.fr, b@y.fr" keeps a@x.fr, with a warning)."""
    candidates = [part.strip() for part in re.split(r"[,;\s]+", value) if part.strip()]
    for candidate in candidates:
        try:
            _email_validator(candidate)
        except ValidationError:
            continue
        if len(candidates) > 1:
            warn(f"courriel: several addresses, {candidate} kept")
        return candidate
    if value:
        warn(f"courriel: “{value}” is not an e-mail address, left out")
    return ""


def _kind(name: str, description: str, email: str) -> str:
    text = f"{name} {description}".lower()
    if "association" in text or ".asso." in email.lower():
        return OrganisationKind.ASSOCIATION.value
    return OrganisationKind.COMPANY.value


def _key(key: Any) -> str:
    """ "site Web", "site_Web", "site_web" -> "site_web"."""
    return re.sub(r"[\s-]+", "_", str(key).strip().lower())


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


def _one_line(value: Any) -> str:
    return " ".join(_text(value).split())
