"""Turn the licence strings people write ("GPLv3", "Apache 2.0", "LGPL-2.1, LGPL-3.0") into SPDX
expressions.

license-expression parses and validates SPDX; it does not know the everyday spellings found in
catalogues such as the SILL, so a thin alias layer rewrites each licence name before parsing.
"""

import re
from dataclasses import dataclass
from functools import cache

from license_expression import ExpressionError, get_spdx_licensing

# Spellings seen in real catalogues (SILL, Comptoir du Libre, publiccode.yml files), keyed by a
# squashed form: lower case, without spaces, dashes, dots or a leading "v" before the version.
_ALIASES = {
    "apache2": "Apache-2.0",
    "apache20": "Apache-2.0",
    "apachelicense20": "Apache-2.0",
    "asl2": "Apache-2.0",
    "bsd": "BSD-3-Clause",
    "bsd2": "BSD-2-Clause",
    "bsd3": "BSD-3-Clause",
    "bsd30": "BSD-3-Clause",
    "newbsd": "BSD-3-Clause",
    "simplifiedbsd": "BSD-2-Clause",
    "cecill": "CECILL-2.1",
    "cecill21": "CECILL-2.1",
    "cecill2": "CECILL-2.0",
    "cecillb": "CECILL-B",
    "cecillc": "CECILL-C",
    "eupl": "EUPL-1.2",
    "eupl11": "EUPL-1.1",
    "eupl12": "EUPL-1.2",
    "mpl": "MPL-2.0",
    "mpl2": "MPL-2.0",
    "mpl11": "MPL-1.1",
    "epl1": "EPL-1.0",
    "epl2": "EPL-2.0",
    "x11": "X11",
    "expat": "MIT",
    "postgresql": "PostgreSQL",
    "publicdomain": "CC0-1.0",
    "cc0": "CC0-1.0",
    "wtfpl": "WTFPL",
}
_FAMILY = re.compile(
    r"^(a|l)?gpl(\d)(?:0)?(\d)?(\+|orlater|orgreater|orsuperior|ouultérieure|only)?$"
)
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|/|\bor\b|\bou\b|\|)\s*", re.IGNORECASE)
_AND_SEPARATOR = re.compile(r"\s+(?:and|et|&)\s+", re.IGNORECASE)
_OR_LATER = re.compile(
    r"\s+(?:or|ou)\s+(?:any\s+)?(?:later|ultérieure|supérieure)(?:\s+version)?", re.I
)
_NOT_A_LICENCE = {"", "n/a", "na", "none", "unknown", "inconnue", "?", "-"}


@dataclass(frozen=True)
class NormalisedLicence:
    raw: str
    spdx: str | None
    problem: str = ""


@cache
def _licensing():
    return get_spdx_licensing()


def _squash(name: str) -> str:
    squashed = re.sub(r"[\s\-_.]", "", name.lower())
    return re.sub(r"(?<=[a-z])v(?=\d)", "", squashed)


def _spdx_name(name: str) -> str:
    """Rewrite one licence name to its SPDX id when an everyday spelling is recognised."""
    if re.search(r"\bWITH\b", name):
        return name
    squashed = _squash(name)
    if squashed in _ALIASES:
        return _ALIASES[squashed]
    if squashed in _spdx_keys_by_squashed_name():
        return _spdx_keys_by_squashed_name()[squashed]
    family = _FAMILY.match(squashed)
    if family:
        prefix, major, minor, suffix = family.groups()
        base = f"{(prefix or '').upper()}GPL-{major}.{minor or '0'}"
        if suffix == "only":
            return f"{base}-only"
        return f"{base}-or-later" if suffix else base
    return name.strip()


@cache
def _spdx_keys_by_squashed_name() -> dict[str, str]:
    """Every SPDX id under its squashed form, so that "MPL 2.0" finds "MPL-2.0"."""
    return {_squash(key): key for key in _licensing().known_symbols}


def _rewrite(raw: str) -> str:
    alternatives = []
    raw = _OR_LATER.sub("+", raw)
    for alternative in _LIST_SEPARATOR.split(raw):
        parts = [_spdx_name(part) for part in _AND_SEPARATOR.split(alternative) if part.strip()]
        if parts:
            alternatives.append(" AND ".join(parts))
    if len(alternatives) > 1:
        return " OR ".join(f"({a})" if " AND " in a else a for a in alternatives)
    return alternatives[0] if alternatives else ""


def _validate(expression: str) -> tuple[str | None, str]:
    """(normalised expression, problem); the library raises on some malformed input."""
    try:
        info = _licensing().validate(expression)
    except (ExpressionError, AttributeError) as error:
        return None, str(error) or "malformed licence expression"
    if info.errors:
        return None, "; ".join(info.errors)
    return info.normalized_expression, ""


def normalise_licence(raw: str | None) -> NormalisedLicence:
    """Return the SPDX expression for a licence string, or None with the reason it has none.

    A list of licences ("LGPL-2.1, LGPL-3.0") is read as a choice between them (OR), which is what
    catalogues mean by it; "X and Y" is read as both (AND).
    """
    raw = (raw or "").strip()
    if raw.lower() in _NOT_A_LICENCE:
        return NormalisedLicence(raw=raw, spdx=None, problem="no licence given")
    if not re.search(r"[,;/|]", raw):
        spdx, _problem = _validate(raw)
        if spdx:
            return NormalisedLicence(raw=raw, spdx=spdx)
    spdx, problem = _validate(_rewrite(raw))
    return NormalisedLicence(raw=raw, spdx=spdx, problem=problem)


def is_valid_spdx(expression: str) -> bool:
    """True for an SPDX expression made only of licence ids SPDX knows."""
    return _validate(expression)[0] is not None
