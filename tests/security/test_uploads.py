"""Uploads are size-limited and parsed safely: the notice form and POST /api/tenders, and the
curators' import page (admin/imports/). What these add to the tests already there:

- tests/tenders/notices/test_refusals.py: the notice reader refuses billion laughs and an
  external entity (defusedxml, any DTD refused), oversized, empty and binary files;
- tests/web/test_tenders.py (test_what_cannot_be_read_is_said_and_nothing_stored): the form
  refuses a file over 20 MB with the limit named;
- tests/api/test_tenders.py: a file over the limit is a 413, a body announced too large is
  refused before it is read, a pasted text over the server's limit is a 413, a DTD is a 400;
- tests/interop/test_upload_page.py: a file over the import limit, and a zip naming a path
  outside itself, are refused; tests/interop/test_bad_input.py: each importer's size limit.

Added here: the XML attacks through the form and the API, a form body over the server's
limit, zip bombs and YAML alias bombs on the import page. Imports read no XML (CSV, JSON,
GeoJSON, YAML), so the XML attacks concern notices only.
"""

import io
import os
import resource
import subprocess
import sys
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grappe.directory import models as m
from grappe.interop import uploads
from grappe.tenders.models import Tender
from tests.serving.conftest import ROOT

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ANNONCE><DONNEES><OBJET><TITRE_MARCHE>&lol9;</TITRE_MARCHE></OBJET></DONNEES></ANNONCE>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ANNONCE [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ANNONCE><DONNEES><OBJET><TITRE_MARCHE>&secret;</TITRE_MARCHE></OBJET></DONNEES></ANNONCE>
"""
# The same in eForms, the EU's format, with an external DTD and a parameter entity.
EFORMS_EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE ContractNotice [
 <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
 %remote;
]>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"/>
"""
XML_ATTACKS = pytest.mark.parametrize(
    "content",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EFORMS_EXTERNAL],
    ids=["billion-laughs", "xxe-etc-passwd", "eforms-external-dtd"],
)
PASSWD_LINE = "root:x:0:0"


# Notices: the form --------------------------------------------------------------------------


@XML_ATTACKS
def test_the_notice_form_refuses_xml_attacks_with_a_clear_message(curator_client, content):
    upload = SimpleUploadedFile("avis.xml", content, content_type="application/xml")
    response = curator_client.post("/en/tenders/", {"notice_file": upload})
    assert response.status_code == 400
    assert "The XML file is refused for safety." in response.text
    assert "DTD" in response.text  # the reason, beside the field
    assert PASSWD_LINE not in response.text
    assert not Tender.objects.exists()


def test_a_pasted_notice_over_the_forms_limit_is_refused_naming_it(curator_client):
    response = curator_client.post("/en/tenders/", {"notice_text": "Lot 1 " * 40_000})
    assert response.status_code == 400
    assert "200000" in response.text.replace("\u202f", "").replace(",", "").replace(" ", "")
    assert not Tender.objects.exists()


def test_a_form_body_over_the_servers_limit_is_a_400_page_not_a_500(curator_client, settings):
    """Only a crafted request gets there (the text area stops at 200,000 characters)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = curator_client.post("/en/tenders/", {"notice_text": "x" * 150_000})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text
    assert "Traceback" not in response.text and "RequestDataTooBig" not in response.text


# Notices: the API ---------------------------------------------------------------------------


@XML_ATTACKS
def test_the_api_refuses_xml_attacks_with_a_clear_error(curator_client, content):
    response = curator_client.post(
        "/api/tenders", {"file": SimpleUploadedFile("notice.xml", content)}
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["parameter"], body["code"]) == ("file", "unsafe_xml")
    assert "DTD" in body["detail"]
    assert PASSWD_LINE not in response.text
    assert not Tender.objects.exists()


@XML_ATTACKS
def test_the_api_refuses_xml_attacks_sent_as_text(curator_client, content):
    response = curator_client.post(
        "/api/tenders",
        {"text": content.decode(), "filename": "notice.xml"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unsafe_xml"
    assert PASSWD_LINE not in response.text


# The curators' import page ------------------------------------------------------------------

IMPORTS = "/en/admin/imports/"


def import_upload(client, content: bytes, name: str, importer: str = "grappe-yaml"):
    return client.post(IMPORTS, {"format": importer, "file": SimpleUploadedFile(name, content)})


def zipped(members: dict[str, bytes]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped_file:
        for name, content in members.items():
            zipped_file.writestr(name, content)
    return archive.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(curator_client, monkeypatch, tmp_path):
    """4 MB of zeros pack into a few kilobytes; with the limit set to 1 MB, the archive's own
    table of contents gets it refused without writing a byte of it."""
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = zipped({"directory.yaml": b"\0" * (4 * 1024 * 1024)})
    assert len(bomb) < 10_000
    response = import_upload(curator_client, bomb, "bomb.zip")
    assert response.status_code == 400
    assert "the archive unpacks to more than" in response.text
    assert not m.Organisation.objects.exists()


def test_a_zip_whose_table_of_contents_lies_is_refused(curator_client):
    """An archive may declare small sizes and hold more: the unpacking stops at the declared
    size and the checksum then fails, so the lie is caught instead of filling the disk."""
    archive = bytearray(zipped({"directory.yaml": b"organisations: []\n" + b"#" * 100_000}))
    # The uncompressed size, in the local header (offset 22) and the central directory (24).
    local = archive.find(b"PK\x03\x04")
    central = archive.find(b"PK\x01\x02")
    for offset in (local + 22, central + 24):
        archive[offset : offset + 4] = (100).to_bytes(4, "little")
    response = import_upload(curator_client, bytes(archive), "liar.zip")
    assert response.status_code == 400
    assert "not a readable zip archive" in response.text
    assert not m.Organisation.objects.exists()


def test_a_zip_with_too_many_files_is_refused(curator_client, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_MEMBERS", 3)
    archive = zipped({f"{n}.yaml": b"organisations: []\n" for n in range(5)})
    response = import_upload(curator_client, archive, "many.zip")
    assert response.status_code == 400
    assert "more than 3 files" in response.text


def test_a_file_that_is_not_a_zip_is_refused_with_the_reason(curator_client):
    response = import_upload(curator_client, b"PK\x03\x04 not really", "broken.zip")
    assert response.status_code == 400
    assert "not a readable zip archive" in response.text


# YAML's "billion laughs": each alias repeats the list before it nine times. The parser shares
# the lists (a few kilobytes in memory); whatever walks the tree as if it were data makes 9^9
# (387 million) strings of them. The import runs as `grappe import` in a process of its own,
# capped in memory and time, so that a failure of this test cannot take the machine down.
YAML_BOMB = b"""x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
BOMB_SECONDS = 30
BOMB_MEMORY = 1024 * 1024 * 1024  # 1 GB of address space, the interpreter and Django included


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> dict[str, str]:
    """The environment of a `grappe` command with a database of its own, migrated."""
    data_dir = tmp_path_factory.mktemp("bombs")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "grappe.settings",
        "DEBUG": "true",
        "GRAPPE_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-m", "grappe.cli", "migrate", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return env


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (BOMB_MEMORY, BOMB_MEMORY))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("importer", "name", "content"),
    [
        ("grappe-yaml", "directory.yaml", YAML_BOMB),
        (
            "grappe-yaml",
            "directory.yaml",
            YAML_BOMB + b"organisations:\n  - {slug: bomb, kind: company, name: Bomb, tags: *i}\n",
        ),
        ("publiccode", "publiccode.yml", YAML_BOMB + b"publiccodeYmlVersion: '0.4'\nname: Bomb\n"),
    ],
    ids=["unknown-sections", "in-a-list-field", "publiccode"],
)
def test_a_yaml_alias_bomb_is_refused_quickly(migrated, tmp_path, importer, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "grappe.cli", "import", importer, str(path), "--dry-run"],
            env=migrated,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BOMB_SECONDS,
            preexec_fn=_capped,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the import of a {len(content)}-byte file ran over {BOMB_SECONDS} s")
    assert "MemoryError" not in done.stderr, "the import ran out of memory"
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "aliases (*name) are not accepted" in done.stdout + done.stderr
