"""`grappe export publiccode`: every software the directory can describe becomes a publiccode.yml
the validator accepts; what Grappe does not know is named in the file, never passed off as fact."""

import io
import zipfile
from collections import Counter
from datetime import date

import pytest
import yaml

from grappe.directory import models as m
from grappe.interop.exporters.publiccode import (
    UNKNOWN_CONTACT,
    NotExportable,
    publiccode_draft,
    software_publiccode,
)
from grappe.interop.formats import get_exporter, get_importer
from grappe.interop.formats.publiccode import validate
from tests.conftest import shared_data
from tests.factories import SoftwareFactory

pytestmark = pytest.mark.django_db


def export_all() -> tuple[dict[str, list], Counter]:
    """Every software of the directory: its findings once exported, or why it was not."""
    findings, skipped = {}, Counter()
    for software in m.Software.objects.prefetch_related("categories__parent"):
        try:
            content = software_publiccode(software)
        except NotExportable as reason:
            skipped[str(reason)] += 1
            continue
        findings[software.slug] = validate(content, source=f"{software.slug}/publiccode.yml")
    return findings, skipped


def test_every_software_of_the_real_sill_exports_or_says_why_not():
    """First in this module: the demo data, loaded once for the module, is not there yet."""
    report = get_importer("sill").run(shared_data("sill/sill.json"))
    assert report.ok
    findings, skipped = export_all()
    invalid = {slug: result.errors for slug, result in findings.items() if not result.valid}
    assert invalid == {}
    assert len(findings) + sum(skipped.values()) == 240
    # The standard requires a licence and a URL; Grappe invents neither. The SILL has no usable
    # web address for 70 entries and no SPDX licence for 6 (“CPA”, “Licence propriétaire”...).
    assert skipped == {
        "no repository URL nor website: url is required": 70,
        "no SPDX licence: legal.license is required": 6,
    }
    assert len(findings) == 164


def test_every_demo_software_exports_to_a_valid_file_unless_its_licence_is_unknown(demo):
    findings, skipped = export_all()
    invalid = {slug: result.errors for slug, result in findings.items() if not result.valid}
    assert invalid == {}
    without_licence = m.Software.objects.filter(licence="").count()
    assert skipped == {"no SPDX licence: legal.license is required": without_licence}
    assert len(findings) == m.Software.objects.count() - without_licence >= 40


def test_a_file_names_the_defaults_it_had_to_take():
    software = SoftwareFactory(
        name="Rien",
        description_fr="Un outil de dessin vectoriel.",
        licence="MIT",
        repository_url="https://forge.example.org/rien",
        website="https://rien.example.org",
    )
    content = software_publiccode(software).decode()
    header = content.split("\n\n")[0]
    assert "written by Grappe" in header
    assert "maintenance.type: community (maintenance unknown)" in header
    assert "platforms: unknown (platforms not recorded)" in header
    assert "description.fr.longDescription: completed with facts" in header
    tree = yaml.safe_load(content)
    assert tree["maintenance"] == {"type": "community", "contacts": [{"name": UNKNOWN_CONTACT}]}
    long = tree["description"]["fr"]["longDescription"]
    assert long == (
        "Un outil de dessin vectoriel.\n\nRien est un logiciel libre sous licence MIT. "
        "Code source : https://forge.example.org/rien. Site web : https://rien.example.org."
    )
    assert tree["description"]["fr"]["features"] == ["Un outil de dessin vectoriel."]
    assert validate(content.encode()).errors == []


def test_known_values_are_written_as_they_are():
    software = SoftwareFactory(
        name="Grist",
        description_en="Spreadsheet and relational database. " * 6,
        licence="Apache-2.0",
        website="https://www.getgrist.com",
        repository_url="https://github.com/gristlabs/grist-core",
        software_type="standalone/web",
        development_status="stable",
        maintenance_type="none",
        platforms=["web", "linux"],
        latest_version="1.2.3",
        release_date=date(2025, 1, 28),
        logo_url="https://raw.githubusercontent.com/gristlabs/grist-core/main/logo.svg",
    )
    draft = publiccode_draft(software)
    tree = draft.tree
    assert tree["publiccodeYmlVersion"] == "0.4"
    assert (tree["url"], tree["landingURL"]) == (software.repository_url, software.website)
    assert tree["platforms"] == ["web", "linux"]
    assert (tree["softwareVersion"], tree["releaseDate"]) == ("1.2.3", "2025-01-28")
    assert tree["logo"] == software.logo_url
    assert tree["maintenance"] == {"type": "none"}
    assert tree["legal"] == {"license": "Apache-2.0"}
    assert draft.defaults == [
        "localisation: the languages of the descriptions (the software's own are unknown)"
    ]
    assert len(tree["description"]["en"]["shortDescription"]) <= 150


def test_a_logo_outside_the_repository_is_left_out():
    """The standard wants the logo to be a file of the repository, not a Wikimedia image."""
    software = SoftwareFactory(
        licence="MIT",
        description_fr="Un outil. " * 20,
        repository_url="https://github.com/example/tool",
        logo_url="https://upload.wikimedia.org/wikipedia/commons/a/a0/Logo.svg",
    )
    assert "logo" not in publiccode_draft(software).tree


def test_software_the_standard_cannot_describe_honestly_is_not_exported():
    no_licence = SoftwareFactory(licence="", licence_raw="", website="https://example.org")
    with pytest.raises(NotExportable, match="no SPDX licence"):
        software_publiccode(no_licence)
    contract = SoftwareFactory(
        licence="MIT",
        website="https://example.org",
        description_en="A tool. " * 30,
        maintenance_type="contract",
    )
    with pytest.raises(NotExportable, match="contract"):
        software_publiccode(contract)
    # Two words and a licence make no description of 150 characters: nothing is padded further.
    terse = SoftwareFactory(licence="MIT", website="https://example.org", description_fr="Outil.")
    with pytest.raises(NotExportable, match="no description of at least 150 characters"):
        software_publiccode(terse)


def test_the_exporter_writes_a_zip_of_one_file_per_software_and_a_readme(demo):
    SoftwareFactory(name="Sans licence", licence="", licence_raw="", website="https://example.org")
    filename, mimetype, content = get_exporter("publiccode").render()
    assert (filename, mimetype) == ("grappe-publiccode.zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert "libreoffice/publiccode.yml" in names
    readme = archive.read("README.txt").decode()
    exported = [name for name in names if name.endswith("/publiccode.yml")]
    not_exported = m.Software.objects.filter(licence="").count()
    assert f"{len(exported)} software exported, {not_exported} not exported." in readme
    assert "sans-licence: no SPDX licence" in readme
    libreoffice = archive.read("libreoffice/publiccode.yml")
    checked = validate(libreoffice)
    assert checked.valid, checked.errors
    assert checked.data["url"] == "https://git.libreoffice.org/core"
    assert checked.data["categories"] == ["office"]


def test_an_imported_file_exports_back_to_a_valid_file_with_the_same_facts():
    lynis = shared_data("publiccode/real-world/CISOfy__lynis@fcd9b760.publiccode.yml")
    report = get_importer("publiccode").run(lynis)
    assert report.ok, report.as_text()
    exported = validate(software_publiccode(m.Software.objects.get(name="Lynis")))
    assert exported.valid, exported.errors
    original = validate(lynis.read_bytes()).data
    for key in ("name", "url", "platforms", "developmentStatus", "softwareType", "releaseDate"):
        assert exported.data[key] == original[key], key
    assert exported.data["legal"]["license"] == original["legal"]["license"]
    assert exported.data["maintenance"]["type"] == "community"
    english = exported.data["description"]["en"]
    assert english["shortDescription"] == original["description"]["en"]["shortDescription"]
    assert english["longDescription"].endswith(original["description"]["en"]["longDescription"])
