"""The `grappe` command as a curator or operator types it, in a fresh data folder."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

GRAPPE = str(Path(sys.executable).with_name("grappe"))


def grappe(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "GRAPPE_DATA_DIR": str(data_dir),
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "grappe.settings",
        **env,
    }
    environment.pop("SECRET_KEY", None)
    if "DATABASE_URL" not in env:  # these tests are about the embedded default
        environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [GRAPPE, *args], capture_output=True, text=True, env=environment, timeout=300
    )


def test_help_lists_the_grappe_commands(tmp_path):
    result = grappe("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "demo", "import", "export", "createcurator"):
        assert command in result.stdout


def test_fresh_folder_migrate_demo_export_and_import_round_trip(tmp_path):
    data_dir = tmp_path / "var"
    assert grappe("migrate", "-v0", data_dir=data_dir).returncode == 0
    assert (data_dir / "grappe.sqlite3").exists()
    demo = grappe("demo", data_dir=data_dir)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "0 rejected" in demo.stdout
    again = grappe("demo", data_dir=data_dir)
    assert "total: 0 created, 0 updated" in again.stdout

    export = grappe("export", "grappe-yaml", "-o", str(tmp_path / "all.yaml"), data_dir=data_dir)
    assert export.returncode == 0, export.stderr
    reimport = grappe("import", "grappe-yaml", str(tmp_path / "all.yaml"), data_dir=data_dir)
    assert reimport.returncode == 0, reimport.stdout + reimport.stderr
    assert "total: 0 created, 0 updated" in reimport.stdout


def test_unknown_format_fails_with_the_known_ones(tmp_path):
    result = grappe("import", "excel", "file.xlsx", data_dir=tmp_path)
    assert result.returncode == 1
    assert "Unknown import format “excel”" in result.stderr
    assert "grappe-yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    result = grappe("import", "grappe-yaml", str(tmp_path / "nope.yaml"), data_dir=tmp_path)
    assert result.returncode == 1
    assert "No such file" in result.stderr


def test_bad_file_reports_its_line_and_saves_nothing(tmp_path):
    grappe("migrate", "-v0", data_dir=tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisations:\n  - {slug: x, kind: company, name: X, siren: '732829321'}\n")
    result = grappe("import", "grappe-yaml", str(bad), data_dir=tmp_path)
    assert result.returncode == 1
    assert "rejected bad.yaml: organisations[0]: siren:" in result.stdout
    assert "Nothing was saved" in result.stdout


def test_createcurator_makes_a_back_office_account(tmp_path):
    grappe("migrate", "-v0", data_dir=tmp_path)
    result = grappe(
        "createcurator",
        "camille",
        "--email",
        "camille@example.org",
        data_dir=tmp_path,
        GRAPPE_CURATOR_PASSWORD="a long and unusual passphrase",
    )
    assert result.returncode == 0, result.stderr
    weak = grappe("createcurator", "dominique", data_dir=tmp_path, GRAPPE_CURATOR_PASSWORD="1234")
    assert weak.returncode == 1
    assert "too short" in weak.stderr or "trop court" in weak.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = grappe("check", data_dir=tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("url", ["sqlite:///{dir}/other.sqlite3"])
def test_database_url_chooses_the_database(tmp_path, url):
    result = grappe("migrate", "-v0", data_dir=tmp_path, DATABASE_URL=url.format(dir=tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "other.sqlite3").exists()
