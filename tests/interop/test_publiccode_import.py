"""`grappe import publiccode` and `grappe validate publiccode`: real files into the directory,
all or nothing per file, idempotent, completing what a curator wrote without overwriting it."""

import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grappe.directory import models as m
from grappe.interop.formats import get_importer
from grappe.interop.importers.publiccode import normalised_repository, publiccode_files
from tests.conftest import shared_data
from tests.factories import SoftwareFactory

pytestmark = pytest.mark.django_db

LYNIS = "CISOfy__lynis@fcd9b760.publiccode.yml"


def run(path: Path, **options):
    return get_importer("publiccode").run(path, **options)


def count(report, outcome: str) -> int:
    return report.counts[(str(m.Software._meta.verbose_name_plural), outcome)]


@pytest.fixture
def repositories(tmp_path: Path) -> Path:
    """The four real-world files, each in a folder as in its repository, plus a file that is
    not a publiccode.yml (not looked at)."""
    real_world = shared_data("publiccode/real-world")
    for path in real_world.glob("*.publiccode.yml"):
        folder = tmp_path / path.name.split("@")[0]
        folder.mkdir()
        shutil.copy(path, folder / "publiccode.yml")
    (tmp_path / "CISOfy__lynis" / ".gitlab-ci.yml").write_text("stages: [test]\n")
    return tmp_path


@pytest.fixture
def medusa() -> Path:
    """The reference parser's fullest valid file."""
    return shared_data("publiccode/parser-testdata/v0/valid/valid.yml")


def test_a_folder_is_searched_for_publiccode_files(repositories):
    found = [p.relative_to(repositories).as_posix() for p in publiccode_files(repositories)]
    assert found == [
        "CISOfy__lynis/publiccode.yml",
        "CatalaLang__catala/publiccode.yml",
        "InseeFrLab__onyxia/publiccode.yml",
        "codegouvfr__codegouvfr-sources/publiccode.yml",
    ]


def test_one_invalid_file_among_good_ones_saves_nothing_and_says_why(repositories):
    report = run(repositories)
    assert not report.committed
    assert m.Software.objects.count() == 0
    rejected = {r.location: r.reason for r in report.rejections}
    assert set(rejected) == {
        "CatalaLang__catala/publiccode.yml",
        "InseeFrLab__onyxia/publiccode.yml",
        "codegouvfr__codegouvfr-sources/publiccode.yml",
    }
    assert rejected["InseeFrLab__onyxia/publiccode.yml"] == (
        "not a valid publiccode.yml: line 88, metadataFiles: unknown key “metadataFiles”"
    )
    text = report.as_text()
    assert "Nothing was saved: fix the rejected entries, or use --partial." in text


def test_partial_saves_the_valid_files(repositories):
    report = run(repositories, partial=True)
    assert report.committed and len(report.rejections) == 3
    assert count(report, "created") == 1
    lynis = m.Software.objects.get()
    assert (lynis.slug, lynis.name) == ("lynis", "Lynis")
    assert lynis.repository_url == lynis.website == "https://github.com/CISOfy/lynis"
    assert lynis.licence == "AGPL-3.0-only"
    assert lynis.description_en.startswith(
        "Security auditing tool for Linux, macOS, and UNIX-based systems\n\nLynis is a security"
    )
    assert lynis.description_fr == ""
    assert (lynis.software_type, lynis.development_status) == ("standalone/other", "stable")
    assert (lynis.maintenance_type, lynis.platforms) == ("community", ["linux", "mac"])
    assert lynis.release_date == date(2025, 1, 28)


def test_importing_twice_changes_nothing(medusa):
    first = run(medusa)
    assert count(first, "created") == 1
    again = run(medusa)
    assert again.ok
    assert (count(again, "created"), count(again, "updated"), count(again, "unchanged")) == (
        0,
        0,
        1,
    )
    assert m.Software.objects.count() == 1


def test_an_entry_with_the_same_repository_is_completed_not_overwritten(medusa):
    curated = SoftwareFactory(
        name="Médusa (nom éditorial)",
        description_en="Written by a curator.",
        repository_url="HTTPS://GitHub.com/italia/developers.italia.it/",
        tags=["portail"],
    )
    report = run(medusa)
    assert count(report, "updated") == 1 and count(report, "created") == 0
    curated.refresh_from_db()
    assert curated.name == "Médusa (nom éditorial)"
    assert curated.description_en == "Written by a curator."  # never overwritten
    assert curated.repository_url == "HTTPS://GitHub.com/italia/developers.italia.it/"
    assert curated.website == "https://developers.italia.it"  # was empty: filled
    assert curated.development_status == "development"


def test_an_entry_with_the_same_name_and_no_repository_is_completed(medusa):
    curated = SoftwareFactory(name="Medusa", licence="MIT")
    run(medusa)
    curated.refresh_from_db()
    assert curated.repository_url == "https://github.com/italia/developers.italia.it.git"
    assert curated.licence == "MIT"  # the curator's licence stays
    assert m.Software.objects.count() == 1


def test_a_namesake_with_another_repository_is_another_software(medusa):
    SoftwareFactory(name="Medusa", repository_url="https://gitlab.com/other/medusa")
    run(medusa)
    assert sorted(m.Software.objects.values_list("slug", flat=True)) == ["medusa", "medusa-2"]


def test_repository_urls_are_compared_without_their_spelling():
    assert normalised_repository("https://GitHub.com/Org/App.git/") == "github.com/Org/App"
    assert normalised_repository("http://github.com/Org/App") == "github.com/Org/App"


def test_two_files_describing_one_software_import_it_once(tmp_path, medusa):
    for name in ("a.publiccode.yml", "b.publiccode.yml"):
        shutil.copy(medusa, tmp_path / name)
    report = run(tmp_path, partial=True)
    assert count(report, "created") == 1
    assert [(r.location, r.reason) for r in report.rejections] == [
        ("b.publiccode.yml", "describes the same software as a.publiccode.yml")
    ]


def test_a_dry_run_saves_nothing(medusa):
    report = run(medusa, dry_run=True)
    assert report.ok and not report.committed
    assert count(report, "created") == 1
    assert not m.Software.objects.exists()


def test_a_folder_without_publiccode_files_is_one_clear_rejection(tmp_path):
    report = run(tmp_path)
    [rejection] = report.rejections
    assert "no publiccode.yml here" in rejection.reason


def test_the_import_command_prints_the_report(repositories):
    out = StringIO()
    with pytest.raises(CommandError, match="3 entries rejected"):
        call_command("import", "publiccode", str(repositories), "--partial", stdout=out)
    text = out.getvalue()
    assert "rejected CatalaLang__catala/publiccode.yml: not a valid publiccode.yml:" in text
    assert "warning CISOfy__lynis/publiccode.yml: line 1, publiccodeYmlVersion:" in text


def test_the_validate_command_exits_0_for_valid_files_and_prints_warnings():
    out = StringIO()
    call_command(
        "validate", "publiccode", str(shared_data(f"publiccode/real-world/{LYNIS}")), stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(f"{LYNIS}: valid, 1 warning")
    assert lines[1].startswith("  warning line 1, publiccodeYmlVersion: version 0.4 is not the")
    assert lines[2].startswith("Not checked offline:")


def test_the_validate_command_exits_1_and_names_each_error(repositories):
    out = StringIO()
    with pytest.raises(CommandError, match="3 of 4 files are not valid") as raised:
        call_command("validate", "publiccode", str(repositories), stdout=out)
    assert raised.value.returncode == 1
    text = out.getvalue()
    assert "codegouvfr__codegouvfr-sources/publiccode.yml: invalid, 4 errors, 2 warnings" in text
    assert "  error line 32, maintenance.type: “individual” is not allowed" in text


def test_the_validate_command_knows_its_formats(tmp_path):
    with pytest.raises(
        CommandError, match=r"No validator for “sill”\. Known formats: publiccode\."
    ):
        call_command("validate", "sill", str(tmp_path))


def test_a_full_file_fills_every_field_grappe_has(demo, medusa):
    """Last in this module: the demo data, loaded once for the module, stays until its end."""
    report = run(medusa)
    assert report.ok and report.committed
    software = m.Software.objects.get(slug="medusa")
    assert software.website == "https://developers.italia.it"  # landingURL, for people
    assert software.repository_url == "https://github.com/italia/developers.italia.it.git"
    assert (software.latest_version, software.release_date) == ("1.0", date(2017, 4, 15))
    assert (software.licence, software.maintenance_type) == ("AGPL-3.0-or-later", "contract")
    assert software.platforms == ["android", "ios"]
    assert software.description_en.startswith("A really interesting software.\n\nVery long")
    categories = set(software.categories.values_list("slug", flat=True))
    assert {
        "suite-bureautique",
        "visioconference",
        "gestion-de-parc",
        "collaboration",
    } <= categories
    warnings = {(w.location, w.message) for w in report.warnings}
    assert (
        "valid.yml: platforms",
        "“custom_platform” is not a platform Grappe knows "
        "(web, linux, windows, mac, android, ios); not imported",
    ) in warnings
    assert ("valid.yml: categories", "“accounting” has no category in the directory; skipped") in (
        warnings
    )
