"""code.gouv.fr's open data on public bodies' source code: the forge accounts of public bodies
(`organizations.csv` or `.json`, Etalab's data-codes-sources-fr), their repositories
(`repositories.csv`), and the list of accounts with the public bodies they serve
(`comptes-organismes-publics.yml`). Pure parsers; see docs/formats/codegouv.md.

A forge account is known by its key, the account's address without scheme, "www." or GitLab's
"/groups/", in lower case: "github.com/etalab", "gitlab.inria.fr/morefem", or a whole forge of
the public sector, "forgemia.inra.fr". The directory keeps it as the tag "forge:KEY" of the
organisation that owns the account (the models have no field for it), which is how a repository
finds its publisher.

A cell that cannot be used (a web address or e-mail that is not one, a text longer than the
field) is dropped with a warning; only what identifies an entry rejects it.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from grappe.directory.models import DevelopmentStatus, OrganisationKind
from grappe.geo.models import name_key
from grappe.interop.formats.csv_tables import decode, read_table, where
from grappe.interop.formats.trees import unread, yaml_tree

FORGE_TAG = "forge:"
ORGANISATION_REQUIRED = ("login", "organization_url")
REPOSITORY_REQUIRED = ("name", "organization_name", "repository_url")
# Cells longer than the model allows are left out (with a warning), not truncated.
LIMITS = {"name": 200, "website": 300, "repository_url": 300, "logo_url": 500, "email": 254}
# GitHub's and GitLab's licence names (the `license` column) to SPDX ids; "Other" means the
# forge found a licence file it could not name, which says nothing.
FORGE_LICENCES = {
    "MIT License": "MIT",
    "GNU General Public License v3.0": "GPL-3.0-only",
    "GNU General Public License v2.0": "GPL-2.0-only",
    "GNU Affero General Public License v3.0": "AGPL-3.0-only",
    "GNU Lesser General Public License v2.1": "LGPL-2.1-only",
    "GNU Lesser General Public License v3.0": "LGPL-3.0-only",
    "Apache License 2.0": "Apache-2.0",
    'BSD 3-Clause "New" or "Revised" License': "BSD-3-Clause",
    'BSD 2-Clause "Simplified" License': "BSD-2-Clause",
    "BSD Zero Clause License": "0BSD",
    "BSD 3-Clause Clear License": "BSD-3-Clause-Clear",
    "Eclipse Public License 2.0": "EPL-2.0",
    "Eclipse Public License 1.0": "EPL-1.0",
    "Mozilla Public License 2.0": "MPL-2.0",
    "European Union Public License 1.2": "EUPL-1.2",
    "European Union Public License 1.1": "EUPL-1.1",
    "ISC License": "ISC",
    "The Unlicense": "Unlicense",
    "Creative Commons Zero v1.0 Universal": "CC0-1.0",
    "Creative Commons Attribution 4.0 International": "CC-BY-4.0",
    "Creative Commons Attribution Share Alike 4.0 International": "CC-BY-SA-4.0",
    "Do What The Fuck You Want To Public License": "WTFPL",
    "CeCILL Free Software License Agreement v2.1": "CECILL-2.1",
    "PostgreSQL License": "PostgreSQL",
    "Boost Software License 1.0": "BSL-1.0",
    "Artistic License 2.0": "Artistic-2.0",
    "zlib License": "Zlib",
    "Open Software License 3.0": "OSL-3.0",
    "University of Illinois/NCSA Open Source License": "NCSA",
}
# Names in `service_of` that are sectors of the public service, not bodies: kept as tags.
SECTORS = {
    "fonction publique territoriale",
    "fonction publique hospitaliere",
    "fonction hospitaliere",
    "fonction publique d etat",
    "mission d interet general",
}
NO_ID = "00000000-0000-0000-0000-000000000000"  # code.gouv.fr's "no directory id"

_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


@dataclass
class ForgeAccount:
    """One row of organizations.csv: a public body's account on a forge."""

    location: str
    account: str  # the account key: "github.com/etalab"
    organisation: dict[str, Any]  # organisation fields, only those with a value


@dataclass
class Repository:
    location: str
    url: str  # https://host/path, no trailing "/" or ".git"
    key: str  # the URL in lower case: what identifies the repository
    account: str  # key of the account that publishes it: "github.com/etalab"
    forge: str  # the forge's host: "github.com", for public-sector forges' own accounts
    is_fork: bool
    software: dict[str, Any]


@dataclass
class PublicBody:
    """A public body of comptes-organismes-publics.yml with every account it is the first
    `service_of` of; the other bodies and sectors named beside it become tags."""

    location: str
    name: str
    accounts: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # supervising or partner bodies, sectors
    directory_ids: list[str] = field(default_factory=list)  # lannuaire.service-public.fr ids
    floss_policies: list[str] = field(default_factory=list)


@dataclass
class CodeGouvDocument:
    accounts: list[ForgeAccount] = field(default_factory=list)
    repositories: list[Repository] = field(default_factory=list)
    bodies: list[PublicBody] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (location, why): not errors
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def account_key(url: str) -> str:
    """ "https://gitlab.inria.fr/groups/MoReFEM/" -> "gitlab.inria.fr/morefem"; "" if no URL."""
    text = (url or "").strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text if "//" in text else f"//{text}")
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""
    path = [p for p in parts.path.lower().split("/") if p]
    if path[:1] == ["groups"]:
        path = path[1:]
    return "/".join([host, *path]) if host else ""


def forge_tag(key: str) -> str:
    return f"{FORGE_TAG}{key}"


def repository_url(url: str) -> str:
    """The repository's address as stored: https, lower-case host, no ".git" or final "/"."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/").removesuffix(".git")
    return f"https://{(parts.hostname or '').lower()}{path}"


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


def _one_line(value: Any) -> str:
    return " ".join(_text(value).split())


def _checked_url(value: str, column: str, warn) -> str:
    if not value:
        return ""
    url = value if re.match(r"^https?://", value, re.IGNORECASE) else f"https://{value}"
    try:
        _url_validator(url)
    except ValidationError:
        warn(f"{column}: “{value}” is not a web address, left out")
        return ""
    if len(url) > LIMITS["website"]:
        warn(f"{column}: longer than {LIMITS['website']} characters, left out")
        return ""
    return url


def _checked_email(value: str, warn) -> str:
    if not value:
        return ""
    try:
        _email_validator(value)
    except ValidationError:
        warn(f"email: “{value}” is not an e-mail address, left out")
        return ""
    return value


# organizations.csv / organizations.json -------------------------------------------------------


def parse_organisations(content: bytes, source: str = "organizations.csv") -> CodeGouvDocument:
    """Forge accounts, from the CSV or the JSON export (a list of objects with the same keys)."""
    document = CodeGouvDocument()
    if source.lower().endswith(".json"):
        rows = _json_rows(content, source, document)
    else:
        table = read_table(content, source, required=ORGANISATION_REQUIRED, excel_fallback=False)
        document.errors.extend(table.errors)
        document.warnings.extend(table.warnings)
        rows = [(where(source, f"line {line}"), cells) for line, cells in table.rows]
    seen: dict[str, str] = {}
    for location, cells in rows:
        account = _account(location, cells, document)
        if account is None:
            continue
        if account.account in seen:
            document.skipped.append((location, f"the same account as {seen[account.account]}"))
            continue
        seen[account.account] = location
        document.accounts.append(account)
    return document


def _json_rows(content: bytes, source: str, document: CodeGouvDocument) -> list:
    text = decode(content, source, document.errors, document.warnings, excel_fallback=False)
    if text is None:
        return []
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as error:
        document.errors.append(
            (
                where(source, f"line {error.lineno}, column {error.colno}"),
                f"not valid JSON: {error.msg}",
            )
        )
        return []
    if not isinstance(tree, list):
        document.errors.append((where(source, "file"), "expected a list of organisations"))
        return []
    rows = []
    for number, item in enumerate(tree, start=1):
        location = where(source, f"entry {number}")
        if not isinstance(item, dict):
            document.errors.append((location, "expected an object"))
            continue
        missing = [k for k in ORGANISATION_REQUIRED if k not in item]
        if missing:
            document.errors.append((location, f"missing key(s): {', '.join(missing)}"))
            continue
        rows.append((location, {k: _text(v) for k, v in item.items()}))
    return rows


def _account(location: str, cells: dict[str, str], document: CodeGouvDocument):
    def warn(message: str) -> None:
        document.warnings.append((location, message))

    login = _text(cells.get("login"))
    key = account_key(_text(cells.get("organization_url")))
    if not login or not key or "/" not in key:
        document.errors.append(
            (location, "no account: login and organization_url (https://forge/account) needed")
        )
        return None
    name = _one_line(cells.get("name")) or login
    if len(name) > LIMITS["name"]:
        warn(f"name: longer than {LIMITS['name']} characters, the login is used")
        name = login
    data: dict[str, Any] = {
        "kind": OrganisationKind.PUBLIC_BODY.value,
        "name": name,
        "description_fr": _text(cells.get("description")),
        "website": _checked_url(_text(cells.get("website")), "website", warn),
        "email": _checked_email(_text(cells.get("email")), warn),
        "logo_url": _checked_url(_text(cells.get("avatar_url")), "avatar_url", warn),
        "tags": [forge_tag(key)],
    }
    return ForgeAccount(location, key, {k: v for k, v in data.items() if v})


# repositories.csv ----------------------------------------------------------------------------


def parse_repositories(content: bytes, source: str = "repositories.csv") -> CodeGouvDocument:
    """Repositories as software records; forks are skipped (a copy, not a product)."""
    document = CodeGouvDocument()
    table = read_table(content, source, required=REPOSITORY_REQUIRED, excel_fallback=False)
    document.errors.extend(table.errors)
    document.warnings.extend(table.warnings)
    seen: dict[str, Repository] = {}
    for line, cells in table.rows:
        location = where(source, f"line {line}")
        repository = _repository(location, cells, document)
        if repository is None:
            continue
        if repository.is_fork:
            document.skipped.append((location, "a fork"))
            continue
        first = seen.get(repository.key)
        if first is not None:  # listed once per group it sits in: one more publisher
            document.skipped.append((location, f"listed again (first at {first.location})"))
        else:
            seen[repository.key] = repository
        document.repositories.append(repository)
    return document


def _repository(location: str, cells: dict[str, str], document: CodeGouvDocument):
    def warn(message: str) -> None:
        document.warnings.append((location, message))

    raw_url = _text(cells.get("repository_url"))
    name = _one_line(cells.get("name"))
    try:
        _url_validator(raw_url)
        url = repository_url(raw_url)
    except (ValidationError, ValueError):
        document.errors.append((location, f"repository_url: “{raw_url}” is not a web address"))
        return None
    if len(url) > LIMITS["repository_url"]:
        document.errors.append((location, "repository_url: longer than 300 characters"))
        return None
    if not name:
        document.errors.append((location, "name: empty"))
        return None
    if len(name) > LIMITS["name"]:
        document.errors.append((location, f"name: longer than {LIMITS['name']} characters"))
        return None
    host = urlsplit(url).hostname or ""
    owner = _text(cells.get("organization_name")).lower()
    software: dict[str, Any] = {
        "name": name,
        "repository_url": url,
        "description_fr": _text(cells.get("description")),
        "website": _checked_url(_text(cells.get("homepage")), "homepage", warn),
        "tags": _topics(_text(cells.get("topics"))),
    }
    software.update(_licence(_text(cells.get("license")), warn))
    if _text(cells.get("is_archived")).lower() == "true":
        software["development_status"] = DevelopmentStatus.OBSOLETE.value
    return Repository(
        location=location,
        url=url,
        key=url.lower(),
        account=f"{host}/{owner}" if owner else host,
        forge=host,
        is_fork=_text(cells.get("is_fork")).lower() == "true",
        software={k: v for k, v in software.items() if v},
    )


def _topics(cell: str) -> list[str]:
    topics: list[str] = []
    for topic in cell.split(","):
        topic = topic.strip()
        if topic and topic not in topics:
            topics.append(topic)
    return topics


def _licence(name: str, warn) -> dict[str, str]:
    if not name or name == "Other":
        return {}
    if name in FORGE_LICENCES:
        return {"licence_raw": name, "licence": FORGE_LICENCES[name]}
    warn(f"license: “{name}” is not a licence name this importer knows; kept as written")
    return {"licence_raw": name[:200]}


# comptes-organismes-publics.yml --------------------------------------------------------------


def parse_accounts(content: bytes, source: str = "comptes-organismes-publics.yml"):
    """Public bodies with their forge accounts, one body per distinct name."""
    document = CodeGouvDocument()
    text = decode(content, source, document.errors, document.warnings, excel_fallback=False)
    if text is None:
        return document
    tree = yaml_tree(text, source, document.errors)
    if unread(tree):
        return document
    if not isinstance(tree, dict):
        document.errors.append(
            (where(source, "file"), "expected a mapping of account addresses to their bodies")
        )
        return document
    bodies: dict[str, PublicBody] = {}
    for number, (url, entry) in enumerate(tree.items(), start=1):
        location = where(source, f"entry {number} ({url})")
        key = account_key(_text(url))
        if not key:
            document.errors.append((location, "the key is not a forge or account address"))
            continue
        if not isinstance(entry, dict):
            document.errors.append((location, "expected service_of, pso_id… under the address"))
            continue
        names = [_one_line(n) for n in _as_list(entry.get("service_of")) if _one_line(n)]
        ids = [_text(i) for i in _as_list(entry.get("pso_id"))]
        owners = [n for n in names if _fold(n) not in SECTORS]
        if not owners:
            document.skipped.append(
                (
                    location,
                    "no public body named (service_of), only a sector"
                    if names
                    else "no public body named (service_of)",
                )
            )
            continue
        owner = owners[0]
        if len(owner) > LIMITS["name"]:
            document.errors.append((location, f"service_of: longer than {LIMITS['name']}"))
            continue
        body = bodies.setdefault(_fold(owner), PublicBody(location, owner))
        if key not in body.accounts:
            body.accounts.append(key)
        for other in names:
            if other != owner and other not in body.related:
                body.related.append(other)
        if len(ids) == len(names) and ids[0] != NO_ID and ids[0] not in body.directory_ids:
            body.directory_ids.append(ids[0])
        for policy in _as_list(entry.get("floss_policy")):
            if _text(policy) and _text(policy) not in body.floss_policies:
                body.floss_policies.append(_text(policy))
        if isinstance(entry.get("ignored_since"), date | str):
            document.warnings.append(
                (
                    location,
                    f"code.gouv.fr ignores this account since {entry['ignored_since']}; "
                    "kept with its body",
                )
            )
    document.bodies = list(bodies.values())
    return document


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _fold(name: str) -> str:
    """Lower case, no accents or punctuation: how two spellings of a body's name meet."""
    return name_key(name)
