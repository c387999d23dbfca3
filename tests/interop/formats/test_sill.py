"""The SILL parser alone, on the real 2022 export and on small broken files: no database."""

import json

import pytest

from grappe.interop.formats.sill import SillDocument, parse
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def sill() -> SillDocument:
    return parse(shared_data("sill/sill.json").read_bytes(), "sill.json")


def entry(document: SillDocument, sill_id: str) -> dict:
    [found] = [r.data for r in document.software if r.data["sill_id"] == sill_id]
    return found


def one(**keys) -> bytes:
    """A file of one entry: a name, an id and the keys a test is about."""
    return json.dumps([{"i": "Logiciel", "id": "1", "l": "MIT", **keys}]).encode()


def test_every_entry_of_the_real_file_is_read(sill):
    assert len(sill.software) == 240
    assert sill.errors == []
    assert len(sill.categories) == 50


def test_7zip_is_read_exactly(sill):
    [record] = [r for r in sill.software if r.data["name"] == "7zip"]
    assert record.location == "sill.json: entry 1 (“7zip”)"
    assert record.data == {
        "name": "7zip",
        "sill_id": "1",
        "description_fr": "Logiciel facilitant l'archivage des données",
        "description_en": "Open-source file archiver and extractor",
        "licence_raw": "LGPL-2.0-only",
        "licence": "LGPL-2.0-only",
        "website": "https://www.7-zip.org/",
        "repository_url": "https://sourceforge.net/projects/sevenzip/",
        "logo_url": "https://upload.wikimedia.org/wikipedia/commons/thumb/f/f2/7ziplogo.svg/"
        "1200px-7ziplogo.svg.png",
        "comptoir_id": "72",
        "categories": ["compression-decompression"],
        "tags": ["Données et contenu"],
    }


@pytest.mark.parametrize(
    ("sill_id", "raw", "spdx"),
    [
        ("71", "GPL V2.0", "GPL-2.0-only"),  # KeeFox
        ("59", "MPL 2.0 et EPL 1.0", "MPL-2.0 AND EPL-1.0"),  # H2
        ("84", "LGPL-2.1, LGPL-2.0,  LGPL-3.0", "LGPL-2.1-only OR LGPL-2.0-only OR LGPL-3.0-only"),
        ("150", "BSD-3.0", "BSD-3-Clause"),  # uMap
        ("81", "LGPL-v2.1", "LGPL-2.1-only"),  # LireCouleur
        ("213", "MIT, LGPL-3, AGPL-3", "MIT OR LGPL-3.0-only OR AGPL-3.0-only"),  # Tracim
    ],
)
def test_messy_licences_become_spdx_and_keep_their_spelling(sill, sill_id, raw, spdx):
    data = entry(sill, sill_id)
    assert (data["licence_raw"], data["licence"]) == (raw, spdx)


def test_licences_without_spdx_are_kept_as_written_and_warned(sill):
    unnormalised = {
        r.data["name"]: r.data["licence_raw"] for r in sill.software if "licence" not in r.data
    }
    assert unnormalised == {
        "CentOS": "N/A",
        "Debian": "N/A",
        "EOLE (Ubuntu)": "N/A",
        "MongoDB": "N/A",
        "ProjectLibre": "CPA",
        "Topaze": "MPL-2.0, GPL-2.0, LGPL-2.0, CeCILL-2.2",
    }
    licence_warnings = [(loc, msg) for loc, msg in sill.warnings if msg.startswith("l: ")]
    assert len(licence_warnings) == 6
    assert (
        "sill.json: entry 117 (“ProjectLibre”)",
        "l: licence “CPA” is not an SPDX expression (Unknown license key(s): CPA); "
        "kept as written, SPDX licence left empty",
    ) in licence_warnings


def test_the_real_file_warns_only_about_licences_sources_and_similar_ids(sill):
    fields = sorted({message.split(":")[0] for _location, message in sill.warnings})
    assert fields == ["l", "si", "sources"]
    assert len(sill.warnings) == 25


def test_sources_become_a_repository_only_when_they_look_like_one(sill):
    assert entry(sill, "5")["repository_url"] == "https://github.com/ansible/ansible.git"
    # A release page is cut back to its repository.
    assert entry(sill, "54")["repository_url"] == "https://github.com/glpi-project/glpi"
    assert (
        entry(sill, "118")["repository_url"]
        == "https://git.postgresql.org/gitweb/?p=postgresql.git"
    )
    assert "repository_url" not in entry(sill, "80")  # github.com/LimeSurvey: an account
    assert "repository_url" not in entry(sill, "9")  # git://: not a web address
    assert "repository_url" not in entry(sill, "32")  # sources.debian.org: a code browser
    assert (
        "sill.json: entry 79 (“Limesurvey”)",
        "sources: “https://github.com/LimeSurvey” is an account, not a repository; ignored",
    ) in sill.warnings


def test_placeholder_descriptions_give_way_to_the_sill_function(sill):
    glpi = entry(sill, "54")
    assert glpi["description_fr"] == "Gestion de parc et suivi d'incidents"  # not "Logiciel ..."
    assert glpi["description_en"] == (
        "Free it asset management, issue tracking system and service desk system"
    )
    plugin = entry(sill, "3")  # Additional Alerts, no Wikidata description
    assert plugin["description_fr"] == "Notifications supplémentaires à celles incluses dans GLPI"
    assert "description_en" not in plugin


def test_add_ons_name_their_parent(sill):
    assert entry(sill, "3")["software_type"] == "addon"
    assert entry(sill, "3")["parent"] == "GLPI"
    assert "software_type" not in entry(sill, "5")


def test_categories_come_from_the_component_once_per_slug(sill):
    by_slug = {r.data["slug"]: r.data for r in sill.categories}
    assert by_slug["serveur-web-reverse-proxy"] == {
        "slug": "serveur-web-reverse-proxy",
        "name_fr": "Serveur Web & Reverse Proxy",
    }
    assert entry(sill, "6")["categories"] == ["serveur-web-reverse-proxy"]


def test_sectors_become_tags_with_one_spelling(sill):
    tags = {tag for r in sill.software for tag in r.data.get("tags", [])}
    assert "Conception & développement" in tags
    assert "Conception & Développement" not in tags  # the same sector, capitalised
    assert len(tags) == 13


def test_similar_ids_are_kept_when_they_name_an_entry(sill):
    assert entry(sill, "208")["similar_sill_ids"] == ["209", "216"]  # "209, 216"
    assert "similar_sill_ids" not in entry(sill, "233")  # Onyxia: "AWS, Google Cloud ..."
    assert ("sill.json: entry 231 (“Onyxia”)", "si: “AWS” is not a SILL id; ignored") in (
        sill.warnings
    )


def test_grammalecte_twice_is_two_entries(sill):
    assert [r.location for r in sill.software if r.data["name"] == "Grammalecte"] == [
        "sill.json: entry 55 (“Grammalecte”)",
        "sill.json: entry 56 (“Grammalecte”)",
    ]


def test_malformed_json_is_one_error_with_line_and_column():
    document = parse(b'[\n  {"i": "7zip", "id": "1",}\n]\n', "broken.json")
    assert document.errors == [
        (
            "broken.json: line 2, column 27",
            "not valid JSON: Expecting property name enclosed in double quotes",
        )
    ]
    assert document.software == []


def test_not_a_list_is_a_clear_error():
    document = parse(b'{"softwares": []}', "catalogi.json")
    [(location, reason)] = document.errors
    assert location == "catalogi.json"
    assert reason.startswith("expected a list of SILL entries at the top, found an object")
    assert "2022 export" in reason


def test_bytes_that_are_not_text_are_a_clear_error():
    [(location, reason)] = parse(b'["\xff\xfe\xfa"]', "binary.json").errors
    assert location == "binary.json"
    assert reason.startswith("not UTF-8 text")


def test_entries_without_name_or_id_or_with_a_taken_id_are_rejected():
    content = json.dumps(
        [{"i": "A", "id": "1"}, {"id": "2"}, {"i": "C"}, {"i": "D", "id": "1"}, "E"]
    ).encode()
    document = parse(content, "x.json")
    assert [r.data["name"] for r in document.software] == ["A"]
    assert document.errors == [
        ("x.json: entry 2", "no name (key “i”)"),
        ("x.json: entry 3 (“C”)", "no SILL id (key “id”)"),
        ("x.json: entry 4 (“D”)", "SILL id 1 already used by x.json: entry 1 (“A”)"),
        ("x.json: entry 5", "expected an object with SILL keys"),
    ]


def test_a_bad_url_drops_the_field_not_the_entry():
    document = parse(one(website="www.example.org", logo="javascript:alert(1)", sources="n/a"))
    [record] = document.software
    assert record.data["name"] == "Logiciel"
    assert not {"website", "logo_url", "repository_url"} & set(record.data)
    assert [message for _location, message in document.warnings] == [
        "website: “www.example.org” is not a web address (http or https); ignored",
        "sources: “n/a” is not a web address (http or https); ignored",
        "logo: “javascript:alert(1)” is not a web address (http or https); ignored",
    ]
    assert document.errors == []


def test_odd_values_are_dropped_with_a_warning():
    document = parse(one(id=7, co="abc", se=["x"], l=None))
    [record] = document.software
    assert record.data == {"name": "Logiciel", "sill_id": "7"}
    assert [message for _location, message in document.warnings] == [
        "l: no licence given",
        "co: “abc” is not a Comptoir du Libre id (a number); ignored",
        "se: expected text, found a list; ignored",
    ]


def test_unknown_keys_are_reported_once():
    document = parse(one(colour="blue", z=1))
    assert document.warnings == [("sill.json", "keys not read (unknown to this reader): colour, z")]
