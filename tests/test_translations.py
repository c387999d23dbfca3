"""Every user-visible string exists in French: the catalogue is complete, compiled and current."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "grappe"
PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_french_entry_is_translated_and_keeps_its_placeholders():
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    for entry in catalogue:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


def test_the_compiled_catalogue_matches_the_source():
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if not e.msgid_plural}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(MO)) if not e.msgid_plural}
    assert compiled == source, "run `make messages` to compile the French catalogue"


def test_no_string_of_the_code_is_missing_from_the_catalogue(tmp_path):
    """makemessages on a copy of the package finds no msgid the catalogue lacks."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI") == "true":
            pytest.fail("gettext is missing in CI")
        pytest.skip("gettext (xgettext) is not installed")
    copy = tmp_path / "grappe"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    # Settings without LOCALE_PATHS, so that makemessages writes into the copy, not the source.
    (tmp_path / "copy_settings.py").write_text("from grappe.settings import *\nLOCALE_PATHS = []\n")
    environment = {
        **os.environ,
        "DEBUG": "true",
        "GRAPPE_DATA_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "copy_settings",
        "PYTHONPATH": str(tmp_path),
    }
    subprocess.run(
        [
            str(Path(sys.executable).with_name("grappe")),
            "makemessages",
            "--locale",
            "fr",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(PO))}
    assert sorted(fresh - known) == [], "run `make messages` and translate the new strings"
