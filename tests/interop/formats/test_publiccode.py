"""The publiccode.yml validator alone: the reference parser's own test cases, real files from
public repositories, and small files for each rule. No database, no network."""

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from grappe.interop.formats.publiccode import validate
from tests.conftest import SHARED_DATA, shared_data

TESTDATA = SHARED_DATA / "publiccode" / "parser-testdata" / "v0"
CASES = (
    sorted(p.relative_to(TESTDATA).as_posix() for p in TESTDATA.rglob("*.yml"))
    if TESTDATA.exists()
    else ["(the reference test cases are not here)"]
)
# The reference cases this offline validator cannot classify as their folder says, and why.
OFFLINE_LIMITS = {
    "invalid/logo_missing_url.yml": (
        "valid",
        "the logo is a web address that does not answer: only fetching it can tell",
    ),
    "invalid/description_en_videos_invalid_oembed.yml": (
        "valid_with_warnings",
        "https://google.com is no video page, but only the site can say it has no oEmbed",
    ),
    "invalid/organisation_uri_wrong_italian_pa2.yml": (
        "valid",
        "urn:x-italian-pa:no_such_pa is well formed; the code is unknown to IndicePA, a "
        "registry Grappe does not ship",
    ),
    "invalid/fundedBy_uri_wrong_italian_pa2.yml": ("valid", "the same unknown iPA code"),
    "invalid/it_riuso_codiceIPA_invalid.yml": (
        "valid_with_warnings",
        "NO_SUCH_IPA_CODE is well formed but not in IndicePA; the deprecated key is warned about",
    ),
}


def classify(case: str) -> tuple[str, object]:
    path = shared_data("publiccode/parser-testdata/v0") / case
    result = validate(path.read_bytes(), source=path.name, base_dir=path.parent)
    kind = "invalid" if result.errors else "valid_with_warnings" if result.warnings else "valid"
    return kind, result


@pytest.fixture(scope="module")
def expected_findings() -> dict[str, list[dict]]:
    path = shared_data("publiccode/parser-testdata/expected-findings.json")
    return json.loads(path.read_text())["files"]


def related(ours: set[str], theirs: set[str]) -> bool:
    """Key paths naming the same place: `description[en-US].features` is our
    `description.en-US.features`, and a wrong `organisation[0]` is our wrong `organisation`."""
    normalise = lambda key: re.sub(r"\[([A-Za-z][^\]]*)\]", r".\1", key)  # noqa: E731
    ours, theirs = {normalise(k) for k in ours}, {normalise(k) for k in theirs}
    return any(a == b or a.startswith(b) or b.startswith(a) for a in ours for b in theirs)


@pytest.mark.parametrize("case", CASES)
def test_every_reference_case_is_classified_as_its_folder_says(case, expected_findings):
    kind, result = classify(case)
    folder = case.split("/")[0]
    if case in OFFLINE_LIMITS:
        offline, _why = OFFLINE_LIMITS[case]
        assert kind == offline, result.findings
        return
    assert kind == folder, result.findings
    # And for the reason the reference parser gives, offline: the same key, or one inside it.
    reference = [f for f in expected_findings.get(case, []) if not f["needs_network"]]
    if folder != "valid":
        severity, found = (
            ("error", result.errors) if kind == "invalid" else ("warning", result.warnings)
        )
        theirs = {f["key"] for f in reference if f["severity"] == severity}
        assert related({f.key for f in found}, theirs), (found, theirs)


def test_the_reference_cases_are_all_there_and_few_need_more_than_this_validator_has():
    shared_data("publiccode/parser-testdata/v0")
    folders = [case.split("/")[0] for case in CASES]
    assert (folders.count("valid"), folders.count("valid_with_warnings")) == (22, 8)
    assert folders.count("invalid") == 96
    assert set(OFFLINE_LIMITS) <= set(CASES)


def test_an_error_names_the_key_path_and_the_line():
    _kind, result = classify("invalid/legal_license_invalid.yml")
    [error] = result.errors
    assert (error.key, error.line) == ("legal.license", 42)
    assert error.message == "“Invalid License” is not an SPDX licence expression"
    assert str(error) == (
        "error line 42, legal.license: “Invalid License” is not an SPDX licence expression"
    )


def test_missing_keys_of_a_mostly_empty_file_are_each_named():
    _kind, result = classify("invalid/mostly_empty.yml")
    assert [(e.key, e.line) for e in result.errors] == [
        ("name", 1),
        ("url", 1),
        ("platforms", 1),
        ("developmentStatus", 1),
        ("softwareType", 1),
        ("description.en-US.shortDescription", 3),
        ("description.en-US.longDescription", 3),
        ("description.en-US.features", 3),
        ("localisation.localisationReady", 4),
        ("localisation.availableLanguages", 4),
        ("legal.license", 5),
        ("maintenance.type", 6),
    ]


def test_real_files_from_public_repositories():
    folder = shared_data("publiccode/real-world")
    results = {
        path.name.split("@")[0]: validate(path.read_bytes(), base_dir=path.parent)
        for path in folder.glob("*.publiccode.yml")
    }
    assert results["CISOfy__lynis"].valid
    assert [w.key for w in results["CISOfy__lynis"].warnings] == ["publiccodeYmlVersion"]
    assert [e.key for e in results["InseeFrLab__onyxia"].errors] == ["metadataFiles"]
    codegouv = {e.key: e.message for e in results["codegouvfr__codegouvfr-sources"].errors}
    assert set(codegouv) == {
        "categories[0]",
        "description.en.longDescription",
        "maintenance.type",
        "localisation.localisationReady",
    }
    assert "YAML 1.1" in codegouv["localisation.localisationReady"]  # `yes` is not a boolean
    catala = results["CatalaLang__catala"]
    assert {"creationDate", "fundedBy[0].url", "platforms"} <= {e.key for e in catala.errors}
    assert "“apache-2.0” is written “Apache-2.0” in SPDX" in {w.message for w in catala.warnings}


MINIMAL = """\
publiccodeYmlVersion: "0"
name: Medusa
url: "https://github.com/italia/medusa.git"
softwareVersion: 1.0
releaseDate: 2017-04-15
platforms: [web]
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: A short description.
    longDescription: {long}
    features: [One feature]
legal:
  license: AGPL-3.0-or-later
maintenance:
  type: community
  contacts:
    - name: Francesco Rossi
localisation:
  localisationReady: true
  availableLanguages: [en]
"""


def minimal(extra: str = "", **replacements: str) -> bytes:
    text = MINIMAL.format(long="A long description. " * 10)
    for old, new in replacements.items():
        text = text.replace(old, new)
    return (text + extra).encode()


def test_a_minimal_file_is_valid_and_its_values_stay_as_written():
    result = validate(minimal())
    assert result.findings == []
    assert result.data["softwareVersion"] == "1.0"  # not the number 1.0
    assert result.data["releaseDate"] == "2017-04-15"  # not a date: YAML 1.2 reads text
    assert result.data["localisation"]["localisationReady"] is True


def test_yaml_problems_are_located():
    broken = validate(b"name: Medusa\n  url: [\n")
    [error] = broken.errors
    assert error.line == 2 and error.message.startswith("not valid YAML")
    twice = validate(minimal("name: Medusa again\n"))
    assert [(e.key, e.message) for e in twice.errors] == [("name", "“name” is given twice")]
    documents = validate(minimal("---\nname: other\n"))
    assert documents.errors[0].message == "several YAML documents in one file: keep only one"
    assert validate(b"").errors[0].key == "publiccodeYmlVersion"
    latin1 = validate("name: Médusa\n".encode("latin-1"))
    assert latin1.errors[0].message.startswith("not UTF-8 text")


def test_an_unquoted_version_number_is_the_wrong_type():
    result = validate(minimal(**{'"0"': "0.4"}))
    [error] = result.errors
    assert error.key == "publiccodeYmlVersion" and "quote it" in error.message


def test_an_old_version_is_read_with_the_latest_rules_and_a_warning():
    result = validate(minimal(**{'"0"': '"0.2"'}))
    assert result.valid
    assert [w.key for w in result.warnings] == ["publiccodeYmlVersion"]


def test_descriptions_count_characters_as_readers_do():
    """A family emoji of seven code points is one character; 150 of them are enough."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    enough = validate(minimal(**{"A long description. " * 10: family * 150}))
    assert enough.valid, enough.errors
    short = validate(minimal(**{"A long description. " * 10: family * 149}))
    assert short.errors[0].message == "149 characters; it must have between 150 and 10000"


def test_maintenance_rules_between_keys():
    contract = validate(minimal(**{"type: community": "type: contract"}))
    assert {e.key for e in contract.errors} == {"maintenance.contractors"}
    internal_with_contractor = validate(
        minimal(
            **{
                "type: community": (
                    "type: internal\n  contractors:\n    - name: ACME\n      until: 2030-01-01"
                )
            }
        )
    )
    assert [e.message for e in internal_with_contractor.errors] == [
        'contractors must not be given when type is "internal" (only for "contract")'
    ]


def test_files_of_the_repository_are_checked_only_when_it_is_known(tmp_path: Path):
    logo = minimal('logo: "img/logo.png"\n')
    assert validate(logo).valid  # bytes alone: the repository is unknown, nothing is looked at
    missing = validate(logo, base_dir=tmp_path)
    assert missing.errors[0].message == "no such file in the repository: img/logo.png"
    (tmp_path / "img").mkdir()
    Image.new("RGBA", (64, 64)).save(tmp_path / "img" / "logo.png")
    narrow = validate(logo, base_dir=tmp_path)
    assert narrow.errors[0].message == (
        "img/logo.png is 64 pixels wide; a PNG logo needs at least 120"
    )
    Image.new("RGBA", (300, 64)).save(tmp_path / "img" / "logo.png")
    assert validate(logo, base_dir=tmp_path).valid
    outside = validate(minimal('logo: "../secret.png"\n'), base_dir=tmp_path)
    assert outside.errors[0].message == "“../secret.png” points outside the repository"


def test_a_remote_logo_is_not_fetched():
    result = validate(minimal('logo: "https://example.org/no/such/logo.png"\n'))
    assert result.findings == []


def test_languages_countries_and_licences():
    posix = validate(minimal(**{"availableLanguages: [en]": "availableLanguages: [en_GB, eng]"}))
    assert [e.key for e in posix.errors] == [
        "localisation.availableLanguages[0]",
        "localisation.availableLanguages[1]",
    ]
    countries = validate(minimal("intendedAudience:\n  countries: [FR, fr, Fr, XX]\n"))
    assert [(f.severity, f.key) for f in countries.findings] == [
        ("warning", "intendedAudience.countries[1]"),
        ("error", "intendedAudience.countries[2]"),
        ("error", "intendedAudience.countries[3]"),
    ]
    either = validate(minimal(**{"AGPL-3.0-or-later": "EUPL-1.2 OR AGPL-3.0-or-later"}))
    assert either.findings == []
    everyday = validate(minimal(**{"AGPL-3.0-or-later": "GPLv3"}))
    assert everyday.errors[0].message == (
        "“GPLv3” is not an SPDX licence expression (did you mean “GPL-3.0-only”?)"
    )
