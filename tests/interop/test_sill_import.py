"""`grappe import sill`: the real SILL into the directory, idempotent, completing what exists."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from grappe.directory import models as m
from grappe.interop.formats import get_importer
from grappe.interop.importers import load_demo
from tests.conftest import shared_data
from tests.factories import SoftwareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sill_json():
    return shared_data("sill/sill.json")


def run(path, **options):
    return get_importer("sill").run(path, **options)


def count(report, model, outcome: str) -> int:
    """The report's count for a model, whatever the language of its label."""
    return report.counts[(str(model._meta.verbose_name_plural), outcome)]


def test_the_real_sill_loads_every_entry(sill_json):
    report = run(sill_json)
    assert report.ok and report.committed
    assert count(report, m.Software, "created") == 240
    assert count(report, m.Category, "created") == 50
    assert len(report.warnings) == 25
    seven_zip = m.Software.objects.get(sill_id="1")
    assert (seven_zip.slug, seven_zip.name) == ("7zip", "7zip")
    assert seven_zip.licence == "LGPL-2.0-only"
    assert seven_zip.website == "https://www.7-zip.org/"
    assert seven_zip.comptoir_id == "72"
    assert seven_zip.tags == ["Données et contenu"]
    assert list(seven_zip.categories.values_list("name_fr", "name_en")) == [
        ("Compression décompression", "")
    ]
    projectlibre = m.Software.objects.get(sill_id="119")
    assert (projectlibre.licence_raw, projectlibre.licence) == ("CPA", "")


def test_importing_twice_changes_nothing(sill_json):
    run(sill_json)
    again = run(sill_json)
    assert again.ok
    assert again.total("created") == 0
    assert again.total("updated") == 0
    assert again.total("unchanged") == 290
    assert m.Software.objects.count() == 240


def test_an_entry_of_the_directory_with_the_same_name_is_completed_not_duplicated(sill_json):
    curated = SoftwareFactory(
        name="Ansible", description_fr="Automatisation écrite à la main.", tags=["automatisation"]
    )
    report = run(sill_json)
    assert count(report, m.Software, "created") == 239
    assert count(report, m.Software, "updated") == 1
    [ansible] = m.Software.objects.filter(name="Ansible")
    assert ansible.pk == curated.pk
    assert ansible.sill_id == "5"
    assert ansible.description_fr == "Automatisation écrite à la main."  # never overwritten
    assert ansible.licence == "AGPL-3.0-or-later"  # the curated licence stays
    assert ansible.website == "https://www.ansible.com/"  # was empty: filled
    assert ansible.tags == ["automatisation", "Opérations"]
    assert list(ansible.categories.values_list("slug", flat=True)) == [
        "outils-systeme-virtualisation"
    ]
    assert run(sill_json).total("updated") == 0


def test_the_demo_data_is_matched_and_keeps_its_words(sill_json):
    assert load_demo().ok  # here, not the module-wide `demo` fixture: other tests need it empty
    glpi_before = m.Software.objects.get(slug="glpi")
    authentication = m.Category.objects.get(slug="authentification")
    software_before = m.Software.objects.count()
    report = run(sill_json)
    assert report.ok
    assert count(report, m.Software, "created") + count(report, m.Software, "updated") == 240
    assert m.Software.objects.count() == software_before + count(report, m.Software, "created")
    # Every SILL entry is in the directory exactly once.
    assert m.Software.objects.exclude(sill_id="").count() == 240
    assert m.Software.objects.values("sill_id").distinct().exclude(sill_id="").count() == 240
    [glpi] = m.Software.objects.filter(sill_id="54")
    assert glpi.pk == glpi_before.pk
    assert glpi.description_fr == glpi_before.description_fr
    assert glpi.website == glpi_before.website
    assert "Opérations" in glpi.tags
    assert m.Category.objects.get(slug="authentification").name_fr == authentication.name_fr
    again = run(sill_json)
    assert (again.total("created"), again.total("updated")) == (0, 0)


def test_same_names_get_distinct_slugs_and_similar_software_goes_both_ways(sill_json):
    run(sill_json)
    grammalecte = m.Software.objects.filter(name="Grammalecte").order_by("sill_id")
    assert list(grammalecte.values_list("slug", "sill_id")) == [
        ("grammalecte", "56"),
        ("grammalecte-firefox", "57"),
    ]
    moodle = m.Software.objects.get(sill_id="208")
    assert sorted(moodle.similar.values_list("slug", flat=True)) == ["chamilo", "open-edx"]
    chamilo = m.Software.objects.get(sill_id="216")
    assert "moodle" in chamilo.similar.values_list("slug", flat=True)


def test_dry_run_saves_nothing_but_reports_everything(sill_json):
    report = run(sill_json, dry_run=True)
    assert count(report, m.Software, "created") == 240
    assert not report.committed
    assert m.Software.objects.count() == 0
    assert m.Category.objects.count() == 0


def test_one_rejected_entry_means_nothing_is_saved_unless_partial(tmp_path):
    path = tmp_path / "sill.json"
    path.write_text(
        json.dumps([{"i": "Logiciel A", "id": "1", "l": "MIT"}, {"id": "2", "l": "GPL-3.0"}])
    )
    report = run(path)
    assert [(r.location, r.reason) for r in report.rejections] == [
        ("sill.json: entry 2", "no name (key “i”)")
    ]
    assert not report.committed and m.Software.objects.count() == 0
    partial = run(path, partial=True)
    assert partial.committed
    assert list(m.Software.objects.values_list("name", "licence")) == [("Logiciel A", "MIT")]


def test_the_grappe_import_sill_command(sill_json):
    out = StringIO()
    call_command("import", "sill", str(sill_json), stdout=out)
    text = out.getvalue()
    assert "total: 290 created, 0 updated, 0 unchanged, 0 rejected, 25 warnings" in text
    assert (
        "warning sill.json: entry 117 (“ProjectLibre”): l: licence “CPA” is not an SPDX "
        "expression" in text
    )
    again = StringIO()
    call_command("import", "sill", str(sill_json), stdout=again)
    assert "total: 0 created, 0 updated, 290 unchanged" in again.getvalue()


def test_the_command_on_a_broken_file_names_the_line_and_saves_nothing(tmp_path):
    path = tmp_path / "sill.json"
    path.write_text('[{"i": "7zip", "id": "1"')
    out = StringIO()
    with pytest.raises(CommandError, match="1 entries rejected"):
        call_command("import", "sill", str(path), stdout=out)
    assert "rejected sill.json: line 1, column 25: not valid JSON" in out.getvalue()
    assert m.Software.objects.count() == 0


def test_a_folder_is_a_clear_rejection(tmp_path):
    report = run(tmp_path)
    assert [r.reason for r in report.rejections] == ["expected the sill.json file, not a folder"]
