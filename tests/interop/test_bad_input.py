"""Bad input for every importer of code.gouv.fr's data, training organisations and Grappe's
CSV tables: a clear report naming the problem, nothing half-imported, never a stack trace."""

import pytest
from django.core.management import CommandError, call_command

from grappe.directory import models as m
from grappe.interop.formats import get_importer
from grappe.interop.formats.csv_tables import MAX_BYTES

pytestmark = pytest.mark.django_db

# Each importer with a file name it expects and a valid first line (a header, or YAML).
IMPORTERS = {
    "codegouv-organisations": ("organizations.csv", "login,name,organization_url\n"),
    "codegouv-repositories": ("repositories.csv", "name,organization_name,repository_url\n"),
    "codegouv-accounts": ("comptes-organismes-publics.yml", "https://github.com/x:\n"),
    "trainings": ("formations-logiciels-libres.yml", "- organisme: Été\n"),
    "csv-organisations": ("organisations.csv", "name,kind\n"),
    "csv-offerings": ("offerings.csv", "organisation,kind,title\n"),
    "csv-references": ("references.csv", "organisation,title,year,client_name\n"),
}


def run(name, path, **options):
    return get_importer(name).run(path, **options)


def nothing_saved() -> bool:
    return not (m.Organisation.objects.exists() or m.Software.objects.exists())


def refused(name, path) -> tuple[str, str]:
    """The one rejection of an import, checked to have saved nothing, and the command's
    message for the same file (a CommandError, never another exception)."""
    report = run(name, path)
    assert not report.committed and nothing_saved()
    assert len(report.rejections) == 1, report.as_text()
    with pytest.raises(CommandError, match="1 entries rejected"):
        call_command("import", name, str(path))
    [rejection] = report.rejections
    return rejection.location, rejection.reason


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_an_empty_file_is_refused(name, tmp_path):
    path = tmp_path / IMPORTERS[name][0]
    path.write_bytes(b"")
    assert refused(name, path)[1] == "the file is empty: nothing to import"


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_a_file_above_the_size_limit_is_refused_before_it_is_read(name, tmp_path):
    path = tmp_path / IMPORTERS[name][0]
    with path.open("wb") as file:
        file.truncate(MAX_BYTES + 1024 * 1024)  # sparse: no disk used
    location, reason = refused(name, path)
    assert location == path.name
    assert reason == "the file is 51 MB, above the 50 MB limit: split it into smaller files"


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_a_folder_is_refused(name, tmp_path):
    assert "not a folder" in refused(name, tmp_path)[1]


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_a_binary_or_utf16_file_is_refused(name, tmp_path):
    filename, first_line = IMPORTERS[name]
    path = tmp_path / filename
    path.write_bytes(first_line.encode("utf-16"))
    assert refused(name, path)[1] == "not a text file (UTF-16 or binary?): save it as UTF-8"


@pytest.mark.parametrize(
    "name", ["codegouv-organisations", "codegouv-repositories", "codegouv-accounts", "trainings"]
)
def test_open_data_files_must_be_utf8(name, tmp_path):
    filename, first_line = IMPORTERS[name]
    path = tmp_path / filename
    path.write_bytes((first_line + "é\n").encode("latin-1"))
    location, reason = refused(name, path)
    first_bad_line = 1 if "Été" in first_line else 2
    assert location == f"{filename}: line {first_bad_line}"
    assert reason.startswith("not UTF-8 (byte 0x") and reason.endswith("save the file as UTF-8")


def test_grappe_csv_in_an_encoding_that_is_not_even_windows_1252_is_refused(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes(b"name,kind\nA\x81,company\n")
    assert refused("csv-organisations", path) == (
        "organisations.csv: line 2",
        "not UTF-8 (byte 0x81): save the file as UTF-8",
    )


@pytest.mark.parametrize(
    "name, header, missing",
    [
        ("codegouv-organisations", "login,name\n", "organization_url"),
        ("codegouv-repositories", "name,organization_name\n", "repository_url"),
        ("csv-organisations", "nom;kind\n", "name"),
        ("csv-offerings", "organisation,title\n", "kind"),
        ("csv-references", "organisation,title,client_name\n", "year"),
    ],
)
def test_a_missing_required_column_is_named(name, header, missing, tmp_path):
    path = tmp_path / IMPORTERS[name][0]
    path.write_text(header + "x,y\n")
    location, reason = refused(name, path)
    assert location == f"{path.name}: line 1"
    assert reason.startswith(f"missing column(s): {missing} (the header has: ")


@pytest.mark.parametrize(
    "name, content, where",
    [
        ("codegouv-accounts", "https://github.com/x:\n  service_of: [a\n", "line 3"),
        ("trainings", "- organisme: A\n  formations: [x\n", "line 3"),
        ("codegouv-repositories", 'name,organization_name,repository_url\n"a,b,c\n', "line 2"),
        ("csv-organisations", 'name,kind\n"A,company\n', "line 2"),
    ],
)
def test_malformed_yaml_or_csv_is_located(name, content, where, tmp_path):
    path = tmp_path / IMPORTERS[name][0]
    path.write_text(content)
    location, reason = refused(name, path)
    assert location.startswith(f"{path.name}: {where}")
    assert reason.startswith(("not valid YAML", "not valid CSV"))


def test_malformed_json_is_located(tmp_path):
    path = tmp_path / "organizations.json"
    path.write_text('[{"login": "a", "organization_url": "https://github.com/a"},\n{"login": ')
    assert refused("codegouv-organisations", path) == (
        "organizations.json: line 2, column 11",
        "not valid JSON: Expecting value",
    )


def test_a_yaml_list_where_a_mapping_is_expected_is_refused(tmp_path):
    path = tmp_path / "comptes-organismes-publics.yml"
    path.write_text("- https://github.com/x\n")
    assert refused("codegouv-accounts", path)[1] == (
        "expected a mapping of account addresses to their bodies"
    )


def test_one_bad_repository_row_saves_none_of_the_others(tmp_path):
    path = tmp_path / "repositories.csv"
    path.write_text(
        "name,organization_name,repository_url,is_fork\n"
        "good,etalab,https://github.com/etalab/good,False\n"
        "bad,etalab,ftp://nowhere,False\n"
    )
    report = run("codegouv-repositories", path)
    assert not report.committed and nothing_saved()
    assert [(r.location, r.reason) for r in report.rejections] == [
        ("repositories.csv: line 3", "repository_url: “ftp://nowhere” is not a web address")
    ]
    assert "Nothing was saved" in report.as_text()
    assert run("codegouv-repositories", path, partial=True).committed
    assert list(m.Software.objects.values_list("name", flat=True)) == ["good"]
