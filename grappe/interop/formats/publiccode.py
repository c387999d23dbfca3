"""publiccode.yml: the metadata file public software keeps at the root of its repository.

`validate()` checks one file against the standard, as the reference parser
(italia/publiccode-parser-go) reads it today: publiccodeYmlVersion "0" (the latest 0.x) down to
"0.2", every key the standard knows, its types, enumerations, dates, URL syntax, SPDX licence,
BCP 47 languages, ISO countries and the rules between keys (maintenance contacts, contractors).
Every problem is a Finding with its key path (`description.it.shortDescription`) and line; nothing
is raised and nothing is fetched.

Offline, the checks that need the network are not made: whether a URL answers, whether a remote
logo or screenshot is an image, whether `url` is a real repository. A video page that is not on a
video site known to support oEmbed is a warning, since only the site can say. Files given as
paths inside the repository (logo, screenshots, authors file) are checked when the caller says
where the repository is (`base_dir`). Italian public administration (iPA) codes are checked for
their shape only: Grappe does not ship the IndicePA registry. See docs/formats/publiccode.md.

This module only parses: bytes in, findings and plain values out, no database.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import langcodes
import micawber
import pycountry
import regex
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from PIL import Image, UnidentifiedImageError

from grappe.directory.licences import is_valid_spdx, normalise_licence
from grappe.interop.formats.trees import NoAliasSafeLoader

# The latest version of the standard, and every value of publiccodeYmlVersion it accepts. "0"
# means "the latest 0.x"; an older number is read with the latest rules, with a warning.
LATEST_VERSION = "0.7"
SUPPORTED_VERSIONS = (
    "0",
    "0.2",
    "0.2.0",
    "0.2.1",
    "0.2.2",
    "0.3",
    "0.3.0",
    "0.4",
    "0.4.0",
    "0.5",
    "0.5.0",
    "0.6",
    "0.6.0",
    "0.7",
    "0.7.0",
)
CURRENT_VERSIONS = {"0", "0.7", "0.7.0"}
DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES = ("internal", "contract", "community", "none")
PREDEFINED_PLATFORMS = ("web", "windows", "mac", "linux", "ios", "android")
# The standard's controlled vocabularies (categories-list.rst and scope-list.rst).
CATEGORIES = frozenset(
    """
    accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration
    communications compliance-management contact-management content-management crm
    customer-service-and-support data-analytics data-collection data-visualization design
    design-system digital-asset-management digital-citizenship document-management
    donor-management e-commerce e-signature educational-content email-management email-marketing
    employee-management enterprise-project-management enterprise-social-networking erp
    event-management facility-management feedback-and-reviews-management financial-reporting
    fleet-management fundraising gamification geographic-information-systems grant-management
    graphic-design help-desk hr ide identity-management instant-messaging
    integrated-library-system inventory-management it-asset-management it-development
    it-management it-security it-service-management knowledge-management
    learning-management-system marketing mind-mapping mobile-marketing mobile-payment
    network-management office online-booking online-community payment-gateway payroll
    predictive-analysis procurement productivity-suite project-collaboration project-management
    property-management real-estate-management regulations-and-directives remote-support
    resource-management sales-management seo service-desk social-media-management survey
    talent-management task-management taxes-management test-management time-management
    time-tracking translation video-conferencing video-editing visitor-management voip
    warehouse-management web-collaboration web-conferencing website-builder whistleblowing
    workflow-management other
    """.split()  # noqa: SIM905 (the list as the standard prints it)
)
SCOPES = frozenset(
    """
    agriculture culture defence education emergency-services employment energy environment
    finance-and-economic-development foreign-affairs government healthcare infrastructures
    justice local-authorities manufacturing research science-and-technology security society
    sport tourism transportation welfare
    """.split()  # noqa: SIM905
)
# `supports` ids written `alias:NAME` (the standard's aliases-list).
SUPPORT_ALIASES = frozenset({"gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io"})
# Categories of the standard and the category of Grappe's demo data that means the same, used
# when the directory has a category with that slug (a category of the standard with the very
# same slug as a Grappe category needs no line here). The first line for a Grappe slug is the one
# an export writes.
GRAPPE_CATEGORIES = {
    "office": "suite-bureautique",
    "productivity-suite": "suite-bureautique",
    "web-collaboration": "edition-collaborative",
    "communications": "communication",
    "video-conferencing": "visioconference",
    "web-conferencing": "visioconference",
    "email-management": "messagerie-electronique",
    "instant-messaging": "messagerie-instantanee",
    "knowledge-management": "wiki-connaissances",
    "project-management": "gestion-de-projet",
    "project-collaboration": "gestion-de-projet",
    "survey": "sondages-planification",
    "it-asset-management": "gestion-de-parc",
    "help-desk": "assistance-helpdesk",
    "service-desk": "assistance-helpdesk",
    "identity-management": "authentification",
    "cloud-management": "virtualisation",
    "erp": "erp-gestion",
    "learning-management-system": "formation-en-ligne",
    "geographic-information-systems": "sig-cartographie",
    "digital-citizenship": "participation-citoyenne",
    "content-management": "gestion-de-contenu-web",
    "website-builder": "gestion-de-contenu-web",
    "cad": "conception-fabrication",
}
COUNTRY_EXTENSION_VERSIONS = ("0.2", "1.0")
LOGO_EXTENSIONS = (".svg", ".svgz", ".png")
SCREENSHOT_EXTENSIONS = (".png", ".jpg", ".jpeg")
MIN_LOGO_WIDTH = 120  # pixels, for a PNG logo (the reference parser's current floor)
SHORT_DESCRIPTION_MAX = 150
LONG_DESCRIPTION_MIN = 150
LONG_DESCRIPTION_MAX = 10_000
GENERIC_NAME_MAX = 35
# What this validator leaves unchecked offline; `grappe validate` prints it once.
NOT_CHECKED_OFFLINE = (
    "Not checked offline: whether URLs answer, whether remote logos and screenshots are images, "
    "whether url is a real code repository, whether iPA codes exist in IndicePA"
)

DEPRECATED_DROP = "this key is deprecated and will be removed from the standard; it can be dropped"
# RFC 6838 media types: type/subtype made of restricted-name characters.
_MIME_TYPE = re.compile(
    r"^ *[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} *$"
)
# RFC 2141 URNs: urn:<namespace id>:<namespace-specific string>.
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$", re.I)
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_IPA_CODE = re.compile(r"^[A-Za-z0-9_]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem: what is wrong, at which key and line (0 when the file has no line for it)."""

    severity: Severity
    key: str  # "description.en.shortDescription", "maintenance.contacts[0].email"; "" for the file
    message: str
    line: int = 0

    @property
    def where(self) -> str:
        parts = [f"line {self.line}"] if self.line else []
        if self.key:
            parts.append(self.key)
        return ", ".join(parts) or "file"

    def __str__(self) -> str:
        return f"{self.severity} {self.where}: {self.message}"


@dataclass
class PubliccodeFile:
    """A checked file: its findings, and its values as plain Python for whoever imports it."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # text stays text: "1.0", "2017-04-15"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


def validate(
    content: bytes, *, source: str = "publiccode.yml", base_dir: Path | None = None
) -> PubliccodeFile:
    """Check a publiccode.yml; `base_dir` is the repository folder its relative paths start from
    (without it, files named in the publiccode.yml are not looked at)."""
    result = PubliccodeFile(source=source)
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        result.findings.append(
            Finding(
                "error", "", f"not UTF-8 text (byte {error.start}): the standard requires UTF-8"
            )
        )
        return result
    try:
        documents = list(yaml.compose_all(text, Loader=_Yaml12Loader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable"
        result.findings.append(
            Finding("error", "", f"not valid YAML: {problem}", mark.line + 1 if mark else 0)
        )
        return result
    except yaml.YAMLError as error:
        result.findings.append(Finding("error", "", f"not valid YAML: {error}"))
        return result
    documents = [d for d in documents if d is not None]
    if not documents:
        result.findings.append(
            Finding(
                "error",
                "publiccodeYmlVersion",
                "the file is empty: publiccodeYmlVersion is required",
            )
        )
        return result
    if len(documents) > 1:
        line = documents[1].start_mark.line + 1
        result.findings.append(
            Finding("error", "", "several YAML documents in one file: keep only one", line)
        )
        return result
    top = documents[0]
    checker = _Checker(result.findings, base_dir)
    checker.document(top)
    if isinstance(top, yaml.MappingNode):
        result.data = _plain(top)
    result.findings.sort(key=lambda finding: finding.line)  # in file order, stable
    return result


class _Yaml12Loader(NoAliasSafeLoader):
    """YAML 1.2 core schema, as the standard asks: `yes`, `no`, `on`, `off` stay text, and so do
    dates (`2017-04-15`), which PyYAML's YAML 1.1 rules would turn into booleans and dates."""


_Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)

_STR, _BOOL, _NULL = (f"tag:yaml.org,2002:{name}" for name in ("str", "bool", "null"))


def _plain(node: yaml.Node) -> Any:
    """A node as plain Python: mappings, lists, booleans, None, and text for every other scalar
    (a version `1.0` stays "1.0", as the standard reads it)."""
    if isinstance(node, yaml.MappingNode):
        return {str(key.value): _plain(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    if node.tag == _NULL:
        return None
    if node.tag == _BOOL:
        return node.value.lower() == "true"
    return node.value


def _describe(node: yaml.Node | None) -> str:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
        return "nothing"
    if isinstance(node, yaml.MappingNode):
        return "a mapping of keys"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _BOOL:
        return "true or false"
    return f"“{node.value}”"


def _is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL)


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def graphemes(text: str) -> int:
    """Characters as a reader counts them: 👦 or é written as two code points count once."""
    return len(regex.findall(r"\X", text))


def is_url(value: str) -> bool:
    """Any URL with a scheme (git://, ssh://, https://): what `url` and `isBasedOn` accept."""
    value = value.strip()
    if not value or any(c.isspace() for c in value) or not _URL_SCHEME.match(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme.lower() == "file":
        return parts.path not in ("", "/")
    return bool(parts.netloc or parts.path or parts.fragment)


def is_http_url(value: str) -> bool:
    if not is_url(value):
        return False
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_language_tag(tag: str) -> bool:
    """A BCP 47 tag as written (`en`, `en-GB`, `sl-IT-nedis`): not POSIX `en_GB`, and with the
    shortest primary language (`en`, not `eng`)."""
    if not tag or "_" in tag or not langcodes.tag_is_valid(tag):
        return False
    primary = tag.split("-")[0].lower()
    standard = langcodes.standardize_tag(tag).split("-")[0].lower()
    return primary in ("i", "x") or standard == primary


def country_problem(code: str) -> str:
    """Why a country code is not ISO 3166-1 alpha-2 ("" when it is one)."""
    if code not in (code.lower(), code.upper()):
        return "mixes upper and lower case"
    if pycountry.countries.get(alpha_2=code.upper()) is None:
        return "is not an ISO 3166-1 alpha-2 country code"
    return ""


def organisation_uri_problem(value: str) -> str:
    """Why a value is not a URI naming an organisation ("" when it is one)."""
    if value.lower().startswith("urn:"):
        if not _URN.match(value):
            return "is not a valid URN (urn:namespace:identifier)"
        if value.lower().startswith("urn:x-italian-pa:"):
            code = value[len("urn:x-italian-pa:") :]
            if not _IPA_CODE.match(code):
                return "is not an Italian public administration code (urn:x-italian-pa:CODE)"
        return ""
    parts = urlsplit(value)
    if not _URL_SCHEME.match(value) or not parts.netloc or any(c.isspace() for c in value):
        return "is not a URI: write a web address (https://...) or a URN (urn:...)"
    return ""


@dataclass
class _Field:
    """A key of a mapping as written: its key node (for the line) and its value node."""

    key: yaml.Node
    value: yaml.Node


class _Checker:
    def __init__(self, findings: list[Finding], base_dir: Path | None):
        self.findings = findings
        self.base_dir = base_dir.resolve() if base_dir is not None else None
        self.top_line = 1

    # --- reporting -----------------------------------------------------------------------------
    def error(self, key: str, message: str, line: int) -> None:
        self.findings.append(Finding("error", key, message, line))

    def warn(self, key: str, message: str, line: int) -> None:
        self.findings.append(Finding("warning", key, message, line))

    # --- shapes --------------------------------------------------------------------------------
    def mapping(
        self, node: yaml.Node | None, path: str, known: set[str] | None, line: int
    ) -> dict[str, _Field] | None:
        """The keys of a mapping (nothing is an empty mapping); None if it is something else."""
        if _is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error(
                path, f"wrong type: expected a mapping of keys, found {_describe(node)}", line
            )
            return None
        fields: dict[str, _Field] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            key_path = _join(path, name)
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(path, "a key must be plain text", _line(key_node))
                continue
            if name in fields:
                self.error(key_path, f"“{name}” is given twice", _line(key_node))
                continue
            if known is not None and name not in known:
                self.error(key_path, f"unknown key “{name}”", _line(key_node))
                continue
            fields[name] = _Field(key_node, value_node)
        return fields

    def text(
        self, fields: dict[str, _Field], name: str, path: str, line: int, required: bool = False
    ) -> str | None:
        """The text of a key; numbers count as text (`softwareVersion: 1.0`)."""
        key = _join(path, name)
        found = fields.get(name)
        if found is None or _is_null(found.value):
            if required:
                self.error(key, f"{name} is required", _line(found.key) if found else line)
            return None
        return self.scalar_text(found.value, key, _line(found.key), required)

    def scalar_text(
        self, node: yaml.Node, key: str, line: int, required: bool = False
    ) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _BOOL:
            self.error(key, f"wrong type: expected text, found {_describe(node)}", line)
            return None
        if required and not str(node.value).strip():
            self.error(key, f"{key.rsplit('.', 1)[-1]} is required and cannot be empty", line)
            return None
        return str(node.value)

    def boolean(
        self, fields: dict[str, _Field], name: str, path: str, line: int, required: bool = False
    ) -> bool | None:
        key = _join(path, name)
        found = fields.get(name)
        if found is None or _is_null(found.value):
            if required:
                self.error(key, f"{name} is required", _line(found.key) if found else line)
            return None
        node = found.value
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return node.value.lower() == "true"
        hint = ""
        if isinstance(node, yaml.ScalarNode) and node.value.lower() in ("yes", "no", "on", "off"):
            hint = " (yes, no, on and off are YAML 1.1 spellings the standard does not accept)"
        self.error(
            key,
            f"wrong type: expected true or false, found {_describe(node)}{hint}",
            _line(found.key),
        )
        return None

    def sequence(
        self, fields: dict[str, _Field], name: str, path: str, line: int
    ) -> list[yaml.Node] | None:
        """The items of a list key; None when absent or of another type (reported)."""
        key = _join(path, name)
        found = fields.get(name)
        if found is None or _is_null(found.value):
            return None
        if not isinstance(found.value, yaml.SequenceNode):
            self.error(
                key,
                f"wrong type: expected a list, found {_describe(found.value)}",
                _line(found.key),
            )
            return None
        return list(found.value.value)

    def texts(
        self, fields: dict[str, _Field], name: str, path: str, line: int
    ) -> Iterator[tuple[str, str, int]]:
        """(key path, text, line) of each item of a list of texts."""
        items = self.sequence(fields, name, path, line)
        for index, item in enumerate(items or []):
            key = f"{_join(path, name)}[{index}]"
            value = self.scalar_text(item, key, _line(item))
            if value is not None:
                yield key, value, _line(item)

    def listed(
        self, fields: dict[str, _Field], name: str, path: str, line: int, item: str
    ) -> list[tuple[str, str, int]]:
        """A required list of texts with at least one item (a bare text is not a list)."""
        found = fields.get(name)
        items = list(self.texts(fields, name, path, line))
        empty = (
            found is None
            or _is_null(found.value)
            or (isinstance(found.value, yaml.SequenceNode) and not found.value.value)
        )
        if empty:
            where = _line(found.key) if found else line
            self.error(_join(path, name), f"{name} must list at least one {item}", where)
        return items

    def choice(
        self,
        fields: dict[str, _Field],
        name: str,
        path: str,
        line: int,
        choices: tuple[str, ...],
        required: bool = False,
    ) -> str | None:
        value = self.text(fields, name, path, line, required=required)
        if value is not None and value not in choices:
            allowed = ", ".join(f"“{c}”" for c in choices)
            self.error(
                _join(path, name),
                f"“{value}” is not allowed: use one of {allowed}",
                _line(fields[name].key),
            )
            return None
        return value

    def url(
        self,
        fields: dict[str, _Field],
        name: str,
        path: str,
        line: int,
        http: bool = True,
        required: bool = False,
    ) -> str | None:
        value = self.text(fields, name, path, line, required=required)
        if value is None:
            return None
        if http and not is_http_url(value):
            self.error(
                _join(path, name),
                f"“{value}” is not a web address (http:// or https://)",
                _line(fields[name].key),
            )
            return None
        if not http and not is_url(value):
            self.error(
                _join(path, name),
                f"“{value}” is not a URL (it needs a scheme such as https://)",
                _line(fields[name].key),
            )
            return None
        return value

    def date(
        self, fields: dict[str, _Field], name: str, path: str, line: int, required: bool = False
    ) -> None:
        value = self.text(fields, name, path, line, required=required)
        if value is None:
            return
        try:
            if not _DATE.match(value.strip()):
                raise ValueError
            date.fromisoformat(value.strip())
        except ValueError:
            self.error(
                _join(path, name),
                f"“{value}” is not a date written YYYY-MM-DD",
                _line(fields[name].key),
            )

    # --- the document --------------------------------------------------------------------------
    def document(self, top: yaml.Node) -> None:
        if not isinstance(top, yaml.MappingNode):
            self.error(
                "",
                f"expected a mapping of keys at the top of the file, found {_describe(top)}",
                _line(top),
            )
            return
        self.top_line = _line(top)
        fields = self.mapping(top, "", set(_TOP_LEVEL_KEYS), self.top_line) or {}
        line = self.top_line
        self.version(fields)
        self.text(fields, "name", "", line, required=True)
        self.text(fields, "applicationSuite", "", line)
        self.url(fields, "url", "", line, http=False, required=True)
        self.url(fields, "landingURL", "", line)
        self.is_based_on(fields)
        self.text(fields, "softwareVersion", "", line)
        self.date(fields, "releaseDate", "", line)
        self.file(fields, "logo", "", LOGO_EXTENSIONS, image=True)
        if "monochromeLogo" in fields:
            self.warn(
                "monochromeLogo",
                "this key is deprecated: use logo",
                _line(fields["monochromeLogo"].key),
            )
            self.file(fields, "monochromeLogo", "", LOGO_EXTENSIONS, image=True)
        self.organisation(fields)
        for name in ("inputTypes", "outputTypes"):
            if name in fields:
                self.warn(name, DEPRECATED_DROP, _line(fields[name].key))
            for key, value, item_line in self.texts(fields, name, "", line):
                if not _MIME_TYPE.match(value):
                    self.error(
                        key, f"“{value}” is not a media (MIME) type such as text/plain", item_line
                    )
        self.platforms(fields)
        for key, value, item_line in self.texts(fields, "categories", "", line):
            if value not in CATEGORIES:
                self.error(key, f"“{value}” is not a category of the standard's list", item_line)
        list(self.texts(fields, "usedBy", "", line))
        self.funded_by(fields)
        self.url(fields, "roadmap", "", line)
        self.choice(fields, "developmentStatus", "", line, DEVELOPMENT_STATUSES, required=True)
        self.choice(fields, "softwareType", "", line, SOFTWARE_TYPES, required=True)
        self.supports(fields)
        self.intended_audience(fields)
        self.description(fields)
        self.legal(fields)
        self.maintenance(fields)
        self.localisation(fields)
        self.depends_on(fields)
        self.country_sections(fields)

    def version(self, fields: dict[str, _Field]) -> None:
        found = fields.get("publiccodeYmlVersion")
        if found is None or _is_null(found.value):
            line = _line(found.key) if found else self.top_line
            self.error("publiccodeYmlVersion", "publiccodeYmlVersion is required", line)
            return
        node, line = found.value, _line(found.key)
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            hint = ' (quote it: "0.4")' if isinstance(node, yaml.ScalarNode) else ""
            self.error(
                "publiccodeYmlVersion",
                f"wrong type: expected text, found {_describe(node)}{hint}",
                line,
            )
            return
        version = node.value
        if version not in SUPPORTED_VERSIONS:
            supported = ", ".join(SUPPORTED_VERSIONS)
            self.error(
                "publiccodeYmlVersion",
                f"unsupported version “{version}”; supported: {supported}",
                line,
            )
        elif version not in CURRENT_VERSIONS:
            self.warn(
                "publiccodeYmlVersion",
                f"version {version} is not the latest ({LATEST_VERSION}): the file is checked with "
                f'the {LATEST_VERSION} rules; write "0" to follow the latest 0.x',
                line,
            )

    def is_based_on(self, fields: dict[str, _Field]) -> None:
        found = fields.get("isBasedOn")
        if found is None or _is_null(found.value):
            return
        if isinstance(found.value, yaml.ScalarNode):
            items = [(found.value, _line(found.key))]
        elif isinstance(found.value, yaml.SequenceNode):
            items = [(item, _line(item)) for item in found.value.value]
        else:
            self.error(
                "isBasedOn",
                f"wrong type: expected a URL or a list of URLs, found {_describe(found.value)}",
                _line(found.key),
            )
            return
        for index, (item, line) in enumerate(items):
            key = f"isBasedOn[{index}]"
            value = self.scalar_text(item, key, line)
            if value is not None and not is_url(value):
                self.error(
                    key, f"“{value}” is not a URL (it needs a scheme such as https://)", line
                )

    def platforms(self, fields: dict[str, _Field]) -> None:
        self.listed(fields, "platforms", "", self.top_line, "platform")

    def organisation(self, fields: dict[str, _Field]) -> None:
        if "organisation" not in fields:
            return
        line = _line(fields["organisation"].key)
        organisation = self.mapping(
            fields["organisation"].value, "organisation", {"name", "uri"}, line
        )
        if organisation is None:
            return
        self.text(organisation, "name", "organisation", line)
        uri = self.text(organisation, "uri", "organisation", line, required=True)
        if uri is not None and (problem := organisation_uri_problem(uri)):
            self.error("organisation.uri", f"“{uri}” {problem}", _line(organisation["uri"].key))

    def funded_by(self, fields: dict[str, _Field]) -> None:
        for index, item in enumerate(self.sequence(fields, "fundedBy", "", self.top_line) or []):
            path = f"fundedBy[{index}]"
            funder = self.mapping(item, path, {"name", "uri"}, _line(item))
            if funder is None:
                continue
            self.text(funder, "name", path, _line(item))
            uri = self.text(funder, "uri", path, _line(item))
            if uri is not None and (problem := organisation_uri_problem(uri)):
                self.error(f"{path}.uri", f"“{uri}” {problem}", _line(funder["uri"].key))

    def supports(self, fields: dict[str, _Field]) -> None:
        for index, item in enumerate(self.sequence(fields, "supports", "", self.top_line) or []):
            path = f"supports[{index}]"
            supported = self.mapping(item, path, {"id"}, _line(item))
            if supported is None:
                continue
            identifier = self.text(supported, "id", path, _line(item), required=True)
            if identifier is None:
                continue
            line = _line(supported["id"].key)
            if identifier.startswith("alias:"):
                if identifier.removeprefix("alias:") not in SUPPORT_ALIASES:
                    known = ", ".join(sorted(f"alias:{a}" for a in SUPPORT_ALIASES))
                    self.error(
                        f"{path}.id", f"unknown alias “{identifier}”; known aliases: {known}", line
                    )
            elif problem := organisation_uri_problem(identifier):
                self.error(f"{path}.id", f"“{identifier}” {problem}", line)

    def intended_audience(self, fields: dict[str, _Field]) -> None:
        if "intendedAudience" not in fields:
            return
        path, line = "intendedAudience", _line(fields["intendedAudience"].key)
        known = {"scope", "countries", "unsupportedCountries"}
        audience = self.mapping(fields["intendedAudience"].value, path, known, line)
        if audience is None:
            return
        for key, value, item_line in self.texts(audience, "scope", path, line):
            if value not in SCOPES:
                self.error(key, f"“{value}” is not a scope of the standard's list", item_line)
        for name in ("countries", "unsupportedCountries"):
            for key, value, item_line in self.texts(audience, name, path, line):
                if problem := country_problem(value):
                    self.error(key, f"“{value}” {problem}", item_line)
                elif value == value.lower():
                    self.warn(
                        key,
                        f"lower-case country codes are deprecated: write “{value.upper()}”",
                        item_line,
                    )

    def description(self, fields: dict[str, _Field]) -> None:
        found = fields.get("description")
        line = _line(found.key) if found else self.top_line
        languages = self.mapping(found.value if found else None, "description", None, line)
        if languages is None:
            return
        if not languages:
            self.error(
                "description", "description needs at least one language (such as en or fr)", line
            )
            return
        for language, entry in languages.items():
            path = f"description.{language}"
            entry_line = _line(entry.key)
            if not is_language_tag(language):
                self.error(
                    path,
                    f"“{language}” is not a BCP 47 language tag (such as en, fr, en-GB)",
                    entry_line,
                )
            texts = self.mapping(entry.value, path, set(_DESCRIPTION_KEYS), entry_line)
            if texts is None:
                continue
            self.text(texts, "localisedName", path, entry_line)
            generic = self.text(texts, "genericName", path, entry_line)
            if generic is not None:
                generic_line = _line(texts["genericName"].key)
                self.warn(f"{path}.genericName", DEPRECATED_DROP, generic_line)
                if graphemes(generic) > GENERIC_NAME_MAX:
                    self.error(
                        f"{path}.genericName",
                        f"longer than {GENERIC_NAME_MAX} characters",
                        generic_line,
                    )
            short = self.text(texts, "shortDescription", path, entry_line, required=True)
            if short is not None and graphemes(short) > SHORT_DESCRIPTION_MAX:
                self.error(
                    f"{path}.shortDescription",
                    f"{graphemes(short)} characters, more than the {SHORT_DESCRIPTION_MAX} allowed",
                    _line(texts["shortDescription"].key),
                )
            long = self.text(texts, "longDescription", path, entry_line, required=True)
            if long is not None:
                length = graphemes(long)
                if not LONG_DESCRIPTION_MIN <= length <= LONG_DESCRIPTION_MAX:
                    self.error(
                        f"{path}.longDescription",
                        f"{length} characters; it must have between {LONG_DESCRIPTION_MIN} and "
                        f"{LONG_DESCRIPTION_MAX}",
                        _line(texts["longDescription"].key),
                    )
            self.url(texts, "documentation", path, entry_line)
            self.url(texts, "apiDocumentation", path, entry_line)
            self.listed(texts, "features", path, entry_line, "feature")
            for key, value, item_line in self.texts(texts, "screenshots", path, entry_line):
                self.path_or_url(key, value, item_line, SCREENSHOT_EXTENSIONS, image=False)
            for key, value, item_line in self.texts(texts, "videos", path, entry_line):
                if not is_http_url(value):
                    self.error(
                        key, f"“{value}” is not a web address (http:// or https://)", item_line
                    )
                elif _oembed_providers().provider_for_url(value) is None:
                    self.warn(
                        key,
                        f"“{value}” is not on a video site known to support oEmbed (YouTube, "
                        "Vimeo, Dailymotion...); only the site itself can tell, online",
                        item_line,
                    )
            list(self.texts(texts, "awards", path, entry_line))

    def legal(self, fields: dict[str, _Field]) -> None:
        found = fields.get("legal")
        line = _line(found.key) if found else self.top_line
        known = {"license", "mainCopyrightOwner", "repoOwner", "authorsFile"}
        legal = self.mapping(found.value if found else None, "legal", known, line)
        if legal is None:
            return
        licence = self.text(legal, "license", "legal", line, required=True)
        if licence is not None:
            licence_line = _line(legal["license"].key)
            if not is_valid_spdx(licence):
                spdx = normalise_licence(licence).spdx
                hint = f" (did you mean “{spdx}”?)" if spdx else ""
                self.error(
                    "legal.license",
                    f"“{licence}” is not an SPDX licence expression{hint}",
                    licence_line,
                )
            else:
                spdx = normalise_licence(licence).spdx
                if spdx and spdx != licence.strip():
                    self.warn(
                        "legal.license", f"“{licence}” is written “{spdx}” in SPDX", licence_line
                    )
        self.text(legal, "mainCopyrightOwner", "legal", line)
        if self.text(legal, "repoOwner", "legal", line) is not None:
            self.warn(
                "legal.repoOwner",
                "this key is deprecated: use organisation.name",
                _line(legal["repoOwner"].key),
            )
        if "authorsFile" in legal:
            self.warn("legal.authorsFile", DEPRECATED_DROP, _line(legal["authorsFile"].key))
            self.file(legal, "authorsFile", "legal", None, image=False)

    def maintenance(self, fields: dict[str, _Field]) -> None:
        found = fields.get("maintenance")
        line = _line(found.key) if found else self.top_line
        maintenance = self.mapping(
            found.value if found else None, "maintenance", {"type", "contractors", "contacts"}, line
        )
        if maintenance is None:
            return
        kind = self.choice(
            maintenance, "type", "maintenance", line, MAINTENANCE_TYPES, required=True
        )
        contractors = self.sequence(maintenance, "contractors", "maintenance", line)
        contacts = self.sequence(maintenance, "contacts", "maintenance", line)
        type_line = _line(maintenance["type"].key) if "type" in maintenance else line
        given = {
            name: name in maintenance and not _is_null(maintenance[name].value)
            for name in ("contractors", "contacts")
        }
        if kind == "contract" and (not given["contractors"] or contractors == []):
            self.error(
                "maintenance.contractors",
                'contractors is required when type is "contract"',
                type_line,
            )
        if kind not in (None, "contract") and given["contractors"]:
            self.error(
                "maintenance.contractors",
                f'contractors must not be given when type is "{kind}" (only for "contract")',
                _line(maintenance["contractors"].key),
            )
        if kind in ("internal", "community") and (not given["contacts"] or contacts == []):
            self.error(
                "maintenance.contacts", f'contacts is required when type is "{kind}"', type_line
            )
        if kind in (None, "contract"):
            for index, item in enumerate(contractors or []):
                path = f"maintenance.contractors[{index}]"
                contractor = self.mapping(
                    item, path, {"name", "email", "website", "until"}, _line(item)
                )
                if contractor is None:
                    continue
                self.text(contractor, "name", path, _line(item), required=True)
                self.email(contractor, path, _line(item))
                self.url(contractor, "website", path, _line(item))
                self.date(contractor, "until", path, _line(item), required=True)
        for index, item in enumerate(contacts or []):
            path = f"maintenance.contacts[{index}]"
            contact = self.mapping(
                item, path, {"name", "email", "phone", "affiliation"}, _line(item)
            )
            if contact is None:
                continue
            self.text(contact, "name", path, _line(item), required=True)
            self.email(contact, path, _line(item))
            self.text(contact, "phone", path, _line(item))
            self.text(contact, "affiliation", path, _line(item))

    def email(self, fields: dict[str, _Field], path: str, line: int) -> None:
        value = self.text(fields, "email", path, line)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(
                    f"{path}.email",
                    f"“{value}” is not an e-mail address",
                    _line(fields["email"].key),
                )

    def localisation(self, fields: dict[str, _Field]) -> None:
        found = fields.get("localisation")
        line = _line(found.key) if found else self.top_line
        known = {"localisationReady", "availableLanguages"}
        localisation = self.mapping(found.value if found else None, "localisation", known, line)
        if localisation is None:
            return
        self.boolean(localisation, "localisationReady", "localisation", line, required=True)
        languages = self.listed(
            localisation, "availableLanguages", "localisation", line, "language"
        )
        for key, value, item_line in languages:
            if not is_language_tag(value):
                self.error(
                    key,
                    f"“{value}” is not a BCP 47 language tag (such as en, fr, en-GB)",
                    item_line,
                )

    def depends_on(self, fields: dict[str, _Field]) -> None:
        if "dependsOn" not in fields:
            return
        line = _line(fields["dependsOn"].key)
        depends = self.mapping(
            fields["dependsOn"].value, "dependsOn", {"open", "proprietary", "hardware"}, line
        )
        if depends is None:
            return
        for kind in ("open", "proprietary", "hardware"):
            for index, item in enumerate(self.sequence(depends, kind, "dependsOn", line) or []):
                path = f"dependsOn.{kind}[{index}]"
                known = {"name", "versionMin", "versionMax", "version", "optional"}
                dependency = self.mapping(item, path, known, _line(item))
                if dependency is None:
                    continue
                self.text(dependency, "name", path, _line(item), required=True)
                for name in ("versionMin", "versionMax", "version"):
                    self.text(dependency, name, path, _line(item))
                self.boolean(dependency, "optional", path, _line(item))

    def country_sections(self, fields: dict[str, _Field]) -> None:
        if "it" in fields:
            line = _line(fields["it"].key)
            if "IT" in fields:
                self.error("it", "“IT” is already given: remove the lower-case “it”", line)
            else:
                self.warn("it", "lower-case “it” is deprecated: write “IT”", line)
        for name in ("IT", "it"):
            if name in fields:
                self.italian_section(fields[name], name)

    def italian_section(self, section: _Field, path: str) -> None:
        line = _line(section.key)
        known = {"countryExtensionVersion", "conforme", "riuso", "piattaforme"}
        italian = self.mapping(section.value, path, known, line)
        if italian is None:
            return
        self.choice(italian, "countryExtensionVersion", path, line, COUNTRY_EXTENSION_VERSIONS)
        if "conforme" in italian:
            conforme_path = f"{path}.conforme"
            conforme_line = _line(italian["conforme"].key)
            self.warn(conforme_path, DEPRECATED_DROP, conforme_line)
            names = {"lineeGuidaDesign", "modelloInteroperabilita", "misureMinimeSicurezza", "gdpr"}
            conforme = self.mapping(italian["conforme"].value, conforme_path, names, conforme_line)
            for name in sorted(conforme or {}):
                self.boolean(conforme or {}, name, conforme_path, conforme_line)
        if "riuso" in italian:
            riuso_path = f"{path}.riuso"
            riuso_line = _line(italian["riuso"].key)
            riuso = (
                self.mapping(italian["riuso"].value, riuso_path, {"codiceIPA"}, riuso_line) or {}
            )
            code = self.text(riuso, "codiceIPA", riuso_path, riuso_line)
            if code is not None:
                code_line = _line(riuso["codiceIPA"].key)
                if not _IPA_CODE.match(code):
                    self.error(f"{riuso_path}.codiceIPA", f"“{code}” is not an iPA code", code_line)
                else:
                    self.warn(
                        f"{riuso_path}.codiceIPA",
                        f"this key is deprecated: use organisation.uri “urn:x-italian-pa:{code}”",
                        code_line,
                    )
        if "piattaforme" in italian:
            platforms_path = f"{path}.piattaforme"
            platforms_line = _line(italian["piattaforme"].key)
            names = {"spid", "pagopa", "cie", "anpr", "io"}
            platforms = self.mapping(
                italian["piattaforme"].value, platforms_path, names, platforms_line
            )
            for name in sorted(platforms or {}):
                self.boolean(platforms or {}, name, platforms_path, platforms_line)

    # --- files named in the publiccode.yml -----------------------------------------------------
    def file(
        self,
        fields: dict[str, _Field],
        name: str,
        path: str,
        extensions: tuple[str, ...] | None,
        image: bool,
    ) -> None:
        value = self.text(fields, name, path, self.top_line)
        if value:
            self.path_or_url(_join(path, name), value, _line(fields[name].key), extensions, image)

    def path_or_url(
        self, key: str, value: str, line: int, extensions: tuple[str, ...] | None, image: bool
    ) -> None:
        """A file of the repository, as a relative path or a web address; only relative paths
        are looked at, and only when the repository folder is known."""
        if value.startswith("/"):
            self.error(
                key,
                "is an absolute path: give a path from the repository root or an https:// address",
                line,
            )
            return
        if value.lower().startswith("file:"):
            self.error(
                key,
                "is a file: URL: give a path from the repository root or an https:// address",
                line,
            )
            return
        if _URL_SCHEME.match(value):
            if not is_http_url(value):
                self.error(key, f"“{value}” is neither a relative path nor a web address", line)
            return  # a remote file: fetching it needs the network
        if extensions is not None and Path(value).suffix.lower() not in extensions:
            allowed = ", ".join(e.lstrip(".").upper() for e in extensions)
            self.error(key, f"“{value}” is not an accepted file type ({allowed})", line)
            return
        if self.base_dir is None:
            return
        target = (self.base_dir / value).resolve()
        if not target.is_relative_to(self.base_dir):
            self.error(key, f"“{value}” points outside the repository", line)
        elif not target.is_file():
            self.error(key, f"no such file in the repository: {value}", line)
        elif image and target.suffix.lower() == ".png":
            self.png(key, value, target, line)

    def png(self, key: str, value: str, target: Path, line: int) -> None:
        try:
            with Image.open(target) as picture:
                if picture.format != "PNG":
                    raise UnidentifiedImageError
                width = picture.width
        except (UnidentifiedImageError, OSError):
            self.error(key, f"{value} is not a PNG image", line)
            return
        if width < MIN_LOGO_WIDTH:
            self.error(
                key,
                f"{value} is {width} pixels wide; a PNG logo needs at least {MIN_LOGO_WIDTH}",
                line,
            )


_TOP_LEVEL_KEYS = (
    "publiccodeYmlVersion",
    "name",
    "applicationSuite",
    "url",
    "landingURL",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "logo",
    "monochromeLogo",
    "organisation",
    "inputTypes",
    "outputTypes",
    "platforms",
    "categories",
    "usedBy",
    "fundedBy",
    "roadmap",
    "developmentStatus",
    "softwareType",
    "supports",
    "intendedAudience",
    "description",
    "legal",
    "maintenance",
    "localisation",
    "dependsOn",
    "IT",
    "it",
)
_DESCRIPTION_KEYS = (
    "localisedName",
    "genericName",
    "shortDescription",
    "longDescription",
    "documentation",
    "apiDocumentation",
    "features",
    "screenshots",
    "videos",
    "awards",
)

_providers = None


def _oembed_providers():
    """micawber's offline list of oEmbed video and media sites (built once; never fetched)."""
    global _providers
    if _providers is None:
        _providers = micawber.bootstrap_basic()
    return _providers
