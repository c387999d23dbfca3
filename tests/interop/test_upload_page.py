"""The curators' upload page: any importer from the browser, the same report, downloadable;
uploads size-limited and zip archives unpacked safely; nobody else may use it."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grappe.directory import models as m
from grappe.interop import uploads

pytestmark = pytest.mark.django_db
URL = "/en/admin/imports/"

DOCUMENT = b"""
organisations:
  - {slug: fablab-exemple, kind: fablab, name: Fab lab exemple, postcode: '64100'}
  - {slug: broken, kind: spaceship, name: Broken}
"""


def upload(client, content: bytes, name: str = "directory.yaml", **options):
    data = {"format": "grappe-yaml", "file": SimpleUploadedFile(name, content), **options}
    return client.post(URL, data)


def test_a_curator_imports_a_file_and_downloads_the_report(curator_client):
    page = curator_client.get(URL)
    assert page.status_code == 200
    assert "grappe-yaml: Grappe" in page.text  # every importer is offered, described
    response = upload(curator_client, DOCUMENT)
    assert response.status_code == 200
    assert "Nothing was saved" in response.text  # all or nothing by default
    assert "rejected directory.yaml: organisations[1]: kind" in response.text
    assert "/tmp/" not in response.text  # the file's name, not where the server kept it
    assert not m.Organisation.objects.exists()
    report = curator_client.get(URL + "report.txt")
    assert report["Content-Type"] == "text/plain; charset=utf-8"
    assert b"rejected directory.yaml: organisations[1]: kind" in report.content

    partial = upload(curator_client, DOCUMENT, partial="on")
    assert "Imported" in partial.text
    assert m.Organisation.objects.get().slug == "fablab-exemple"


def test_a_dry_run_saves_nothing(curator_client):
    response = upload(curator_client, DOCUMENT.split(b"  - {slug: broken")[0], dry_run="on")
    assert "Dry run: nothing was saved" in response.text
    assert "1 created" in response.text
    assert not m.Organisation.objects.exists()


def test_a_zip_is_a_folder_and_may_not_point_outside_itself(curator_client, tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("one.yaml", DOCUMENT.split(b"  - {slug: broken")[0])
    response = upload(curator_client, archive.getvalue(), name="folder.zip")
    assert "Imported" in response.text, response.text
    assert m.Organisation.objects.count() == 1

    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zipped:
        zipped.writestr("../../escape.yaml", b"organisations: []")
    refused = upload(curator_client, evil.getvalue(), name="evil.zip")
    assert refused.status_code == 400
    assert "outside itself" in refused.text


def test_a_file_over_the_limit_is_refused_before_reading(curator_client, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    response = upload(curator_client, DOCUMENT)
    assert response.status_code == 400
    assert "the limit is" in response.text
    assert not m.Organisation.objects.exists()


def test_nobody_but_curators_may_import(client, django_user_model):
    assert client.get(URL).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert upload(client, DOCUMENT).status_code == 403
