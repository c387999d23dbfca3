"""`grappe export dump` / `grappe import dump`: the whole index out and back into an empty
instance, identical to the byte; refused into an instance that holds entries."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from grappe.directory import models as m
from grappe.geo.models import Commune, CommunePostcode, Departement, Epci
from grappe.interop.exporters.dump import dumped_models
from grappe.interop.formats import get_importer
from grappe.search import service
from grappe.search.models import SearchDocument
from grappe.search.query import SearchParams
from tests.conftest import shared_data
from tests.factories import OrganisationFactory, curator

pytestmark = pytest.mark.django_db

COMMUNES = "geo/communes-nouvelle-aquitaine-centroides.csv"
EPCI = "geo/decoupage-administratif-6.0.0/epci-nouvelle-aquitaine.json"
DEPARTEMENTS = "geo/france-geojson-na/departements-nouvelle-aquitaine.geojson"


def export_dump(path) -> bytes:
    call_command("export", "dump", str(path), stderr=StringIO())
    return path.read_bytes()


def import_dump(path, *options) -> str:
    out = StringIO()
    call_command("import", "dump", str(path), *options, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in dumped_models()}


def empty_the_instance() -> None:
    """What a new instance is: every table emptied (accounts too), the search index with them.

    Inside a test's transaction PostgreSQL refuses to TRUNCATE tables with foreign-key checks
    still deferred: they are run first, then deferred again as Django creates them."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not any(counts().values())


@pytest.fixture
def decided_duplicate(demo):
    """The demo data and a possible duplicate a curator dismissed."""
    first, second = m.Organisation.objects.order_by("pk")[:2]
    return m.DuplicateCandidate.objects.create(
        organisation=first,
        other_organisation=second,
        reason="same SIREN prefix",
        source="test",
        status=m.DuplicateStatus.DISMISSED,
        decided_by=curator(username="camille"),
        decided_at=timezone.now(),
    )


@pytest.fixture
def full_instance(decided_duplicate):
    """With the real gazetteer of Nouvelle-Aquitaine: communes, EPCI, département outlines."""
    for name, relative in (("communes", COMMUNES), ("epci", EPCI), ("departements", DEPARTEMENTS)):
        report = get_importer(name).run(shared_data(relative))
        assert report.ok, report.as_text()


def test_every_model_of_the_directory_and_the_gazetteer_is_dumped():
    labels = {model._meta.label for model in dumped_models()}
    assert {
        "directory.Organisation",
        "directory.Software",
        "directory.Offering",
        "directory.Category",
        "directory.CertificationScheme",
        "directory.Certification",
        "directory.SoftwareRelation",
        "directory.Reference",
        "directory.Person",
        "directory.Event",
        "directory.DuplicateCandidate",
        "geo.Commune",
        "geo.CommunePostcode",
        "geo.Epci",
        "geo.Departement",
    } <= labels
    order = [model._meta.label for model in dumped_models()]
    assert order.index("geo.Epci") < order.index("geo.Commune")
    assert order.index("directory.Organisation") < order.index("directory.Offering")
    assert order.index("directory.Offering") < order.index("directory.Certification")


def test_a_dump_restores_into_an_empty_instance_identically(full_instance, tmp_path):
    before = counts()
    assert before["geo.Commune"] > 4000 and before["geo.Epci"] > 100
    naos = m.Organisation.objects.get(slug="naos")
    certification = m.Certification.objects.filter(offerings__isnull=False).order_by("pk").first()
    covered = sorted(certification.offerings.values_list("slug", flat=True))
    machine = m.Offering.objects.filter(kind=m.OfferingKind.MACHINE).order_by("pk").first()
    gironde_outline = Departement.objects.get(code="33").outline
    first = export_dump(tmp_path / "first.json")
    rows = json.loads(first)
    assert len(rows) == sum(before.values())

    empty_the_instance()
    assert not SearchDocument.objects.exists()
    curator(username="camille")  # accounts are not in a dump; the curator has one here too
    report = import_dump(tmp_path / "first.json")
    assert "0 rejected" in report

    second = export_dump(tmp_path / "second.json")
    assert second == first
    assert counts() == before
    restored = m.Organisation.objects.get(slug="naos")
    assert (restored.pk, restored.latitude, restored.longitude) == (
        naos.pk,
        naos.latitude,
        naos.longitude,
    )
    assert (restored.created_at, restored.updated_at) == (naos.created_at, naos.updated_at)
    assert (
        sorted(
            m.Certification.objects.get(pk=certification.pk).offerings.values_list(
                "slug", flat=True
            )
        )
        == covered
    )
    assert m.Offering.objects.get(pk=machine.pk).materials == machine.materials
    assert machine.materials
    assert Commune.objects.get(insee_code="33063").epci.name == "Bordeaux Métropole"
    assert CommunePostcode.objects.filter(commune_id="64102").exists()
    assert Departement.objects.get(code="33").outline == gironde_outline
    assert json.loads(gironde_outline)["type"] == "MultiPolygon"
    duplicate = m.DuplicateCandidate.objects.get()
    assert duplicate.decided_by.username == "camille"
    # The search index was rebuilt from the restored entries.
    results = service.search(SearchParams(q="nextcloud", kind="software"))
    assert results.hits[0].slug == "nextcloud"
    # New entries get new ids after the restored ones.
    last = m.Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert OrganisationFactory().pk > last


def test_a_dump_is_refused_by_an_instance_that_holds_entries(full_instance, tmp_path):
    path = tmp_path / "dump.json"
    export_dump(path)
    before = counts()
    with pytest.raises(CommandError, match="1 entries rejected"):
        call_command("import", "dump", str(path), stdout=(out := StringIO()))
    assert "rejected database: this instance is not empty (it holds " in out.getvalue()
    assert "organisations" in out.getvalue()
    assert "create a new database, run `grappe migrate`, then import" in out.getvalue()
    assert counts() == before


def test_a_dry_run_restores_nothing_and_an_unknown_curator_is_left_out(decided_duplicate, tmp_path):
    path = tmp_path / "dump.json"
    export_dump(path)
    empty_the_instance()
    dry = get_importer("dump").run(path, dry_run=True)
    assert dry.ok and not dry.committed and dry.total("created") > 300
    assert not any(counts().values())
    report = get_importer("dump").run(path)
    assert report.ok and report.committed
    assert [w.message for w in report.warnings] == [
        "curator “camille” has no account here: the decision is kept unsigned"
    ]
    duplicate = m.DuplicateCandidate.objects.get()
    assert duplicate.decided_by is None and duplicate.status == m.DuplicateStatus.DISMISSED


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"organisations:\n  - slug: x\n", "not a JSON file"),
        (b'{"model": "directory.organisation"}', "a dump is a JSON list of rows"),
        (b'[{"model": "auth.user", "pk": 1, "fields": {}}]', "row 1: “auth.user” is not part"),
        (b"[3]", "row 1 is not a {model, pk, fields} object"),
    ],
)
def test_what_is_not_a_dump_is_rejected_with_the_reason(db, tmp_path, content, reason):
    empty_the_instance()  # (the demo data may be there: it is loaded once per module)
    path = tmp_path / "dump.json"
    path.write_bytes(content)
    report = get_importer("dump").run(path)
    assert not report.ok and not report.committed
    assert reason in report.rejections[0].reason
    assert not any(counts().values())


def test_a_broken_row_saves_nothing(db, tmp_path):
    empty_the_instance()
    path = tmp_path / "dump.json"
    when = "2026-01-02T03:04:05.123456+00:00"
    software = {"name": "X", "slug": "x", "created_at": when, "updated_at": when}
    rows = [
        {"model": "directory.category", "pk": 1, "fields": {"slug": "a", "name_fr": "A"}},
        {"model": "directory.software", "pk": 1, "fields": {**software, "categories": [1]}},
        {"model": "directory.software", "pk": 2, "fields": {**software, "slug": "y"}},
    ]
    path.write_text(json.dumps(rows))
    report = get_importer("dump").run(path)
    assert report.ok, report.as_text()
    assert m.Software.objects.get(slug="x").updated_at.microsecond == 123456
    empty_the_instance()
    rows[2]["fields"]["categories"] = [99]  # a category the dump does not hold
    path.write_text(json.dumps(rows))
    report = get_importer("dump").run(path)
    assert not report.ok and report.total("created") == 0
    assert "the dump could not be restored, nothing was saved" in report.rejections[0].reason
    assert not m.Category.objects.exists()


def test_export_takes_the_file_as_an_argument_or_with_o(db, tmp_path):
    empty_the_instance()
    call_command("export", "dump", "-o", str(tmp_path / "a.json"), stderr=StringIO())
    call_command("export", "dump", str(tmp_path / "b.json"), stderr=StringIO())
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes() == b"[\n\n]\n"
    with pytest.raises(CommandError, match="once"):
        call_command("export", "dump", str(tmp_path / "c.json"), "-o", str(tmp_path / "d.json"))
    Epci.objects.create(code="200067106", name="CA du Pays Basque", kind="CA")
    assert b'"model": "geo.epci"' in export_dump(tmp_path / "e.json")
