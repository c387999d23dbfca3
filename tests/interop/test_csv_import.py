"""`grappe import csv-organisations|csv-offerings|csv-references` and the templates of
`grappe export csv-template-*`: Grappe's own CSV tables, as a member fills them in a
spreadsheet."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from reversion.models import Revision, Version

from grappe.directory import models as m
from grappe.interop.formats import get_importer
from grappe.interop.formats.csv_tables import csv_template
from tests.factories import OrganisationFactory, SoftwareFactory

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str, name="table.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(kind, path, **options):
    return get_importer(f"csv-{kind}").run(path, **options)


def count(report, model, outcome: str) -> int:
    return report.counts[(str(model._meta.verbose_name_plural), outcome)]


ORGANISATIONS = """name;kind;siren;website;postcode;commune_name;latitude;longitude;tags
Logilab;company;418 914 461;https://www.logilab.fr;75013;Paris;48,8266;2,3555;Python|formation
Ville de Bègles;public_body;;https://begles.example.fr;;;;;
"""


def test_organisations_are_created_from_a_french_excel_table(tmp_path):
    report = run("organisations", write(tmp_path, ORGANISATIONS, encoding="cp1252"))
    assert report.ok and report.committed, report.as_text()
    assert count(report, m.Organisation, "created") == 2
    assert [w.message.split(":")[0] for w in report.warnings] == ["not UTF-8"]
    logilab = m.Organisation.objects.get(siren="418914461")
    assert (logilab.slug, logilab.kind, logilab.tags) == (
        "logilab",
        "company",
        ["Python", "formation"],
    )
    assert (logilab.latitude, logilab.longitude) == (Decimal("48.8266"), Decimal("2.3555"))
    assert logilab.departement == "75"  # derived as a save would
    assert m.Organisation.objects.get(name="Ville de Bègles").kind == "public_body"


def test_an_import_is_one_revision_a_curator_can_restore(tmp_path):
    run("organisations", write(tmp_path, ORGANISATIONS))
    logilab = m.Organisation.objects.get(siren="418914461")
    [version] = Version.objects.get_for_object(logilab)
    assert version.revision.comment == "Import csv-organisations: table.csv"
    assert Revision.objects.count() == 1
    assert Version.objects.count() == 2
    logilab.name = "Renamed"
    logilab.save()
    version.revision.revert()
    logilab.refresh_from_db()
    assert (logilab.name, logilab.tags) == ("Logilab", ["Python", "formation"])


def test_reimporting_changes_nothing_and_only_fills_empty_fields(tmp_path):
    path = write(tmp_path, ORGANISATIONS)
    run("organisations", path)
    logilab = m.Organisation.objects.get(siren="418914461")
    logilab.website = "https://logilab.example"  # a curator's edit
    logilab.email = ""
    logilab.save()
    again = run("organisations", path)
    assert again.total("created") == again.total("updated") == 0
    assert again.total("unchanged") == 2
    filled = write(
        tmp_path, "name,kind,siren,email,website\nLOGILAB SA,company,418914461,a@logilab.fr,"
        "https://other.example\n", "more.csv"
    )  # fmt: skip
    report = run("organisations", filled)
    assert count(report, m.Organisation, "updated") == 1  # found by its SIREN, not its name
    logilab.refresh_from_db()
    assert (logilab.name, logilab.email, logilab.website) == (
        "Logilab",
        "a@logilab.fr",
        "https://logilab.example",
    )


def test_a_look_alike_is_created_and_put_on_the_review_list(tmp_path):
    OrganisationFactory(name="Logilab", kind="company", postcode="33000", website="")
    report = run("organisations", write(tmp_path, "name,kind,postcode\nLogilab,company,75013\n"))
    assert count(report, m.Organisation, "created") == 1
    [pair] = m.DuplicateCandidate.objects.all()
    assert (pair.organisation.postcode, pair.other_organisation.postcode) == ("33000", "75013")
    assert "curators' review list" in report.warnings[-1].message


def test_one_invalid_row_saves_nothing_unless_partial(tmp_path):
    path = write(tmp_path, "name,kind,siren\nGood,company,\nBad,company,123456789\nWorse,castle,\n")
    report = run("organisations", path)
    assert not report.committed
    assert [r.location for r in report.rejections] == ["table.csv: line 3", "table.csv: line 4"]
    assert report.rejections[0].reason.startswith("siren:")
    assert report.rejections[1].reason.startswith("kind:")
    assert "Nothing was saved" in report.as_text()
    assert not m.Organisation.objects.exists()
    partial = run("organisations", path, partial=True)
    assert partial.committed
    assert list(m.Organisation.objects.values_list("name", flat=True)) == ["Good"]


def test_a_second_row_with_the_same_siren_is_refused_and_named(tmp_path):
    path = write(tmp_path, "name,kind,siren\nA,company,418914461\nB,company,418 914 461\n")
    report = run("organisations", path)
    assert [(r.location, r.reason) for r in report.rejections] == [
        ("table.csv: line 3", "the same siren as table.csv: line 2")
    ]
    assert not m.Organisation.objects.exists()


OFFERINGS = """organisation,kind,title,software,service_kind,duration_hours,delivery_mode,url
logilab,service,Formation Python,python,training,21,both,https://www.logilab.fr/formations
418914461,hosting,Hébergement Nextcloud,nextcloud,,,,
logilab,machine,Imprimante,,,,,
"""


def test_offerings_are_attached_by_slug_or_siren_and_rejected_rows_are_located(tmp_path):
    OrganisationFactory(slug="logilab", name="Logilab", siren="418914461")
    SoftwareFactory(slug="python", name="Python")
    SoftwareFactory(slug="nextcloud", name="Nextcloud")
    path = write(tmp_path, OFFERINGS)
    report = run("offerings", path)
    assert not report.committed
    assert [(r.location, r.reason.split(":")[0]) for r in report.rejections] == [
        ("table.csv: line 3", "hosting_kind"),
        ("table.csv: line 4", "machine_type"),
    ]
    partial = run("offerings", path, partial=True)
    assert count(partial, m.Offering, "created") == 1
    assert (str(m.Organisation._meta.verbose_name_plural), "unchanged") not in partial.counts
    training = m.Offering.objects.get(title="Formation Python")
    assert (training.slug, training.duration_hours, training.delivery_mode) == (
        "logilab-formation-python",
        21,
        "both",
    )
    assert list(training.software.values_list("slug", flat=True)) == ["python"]
    again = run("offerings", write(tmp_path, OFFERINGS.split("\n")[0] + "\n"
                                   + OFFERINGS.split("\n")[1] + "\n", "one.csv"))  # fmt: skip
    assert again.total("created") == again.total("updated") == 0


def test_an_unknown_organisation_or_software_is_named(tmp_path):
    OrganisationFactory(slug="logilab")
    path = write(
        tmp_path, "organisation,kind,title,software\nnobody,service,X,\nlogilab,service,Y,zzz\n"
    )
    report = run("offerings", path)
    assert [(r.location, r.reason) for r in report.rejections] == [
        ("table.csv: line 2", "organisation: no organisation with slug or SIREN “nobody”"),
        ("table.csv: line 3", "software: no software has the slug or name “zzz”"),
    ]


def test_references_are_keyed_by_organisation_title_and_year(tmp_path):
    OrganisationFactory(slug="logilab", name="Logilab")
    OrganisationFactory(slug="bordeaux", name="Ville de Bordeaux", siren="213300635")
    path = write(
        tmp_path,
        "organisation,title,year,client_name,client,amount,role,is_public\n"
        'logilab,Portail,2023,Ville de Bordeaux,213300635,"45 000",lead,oui\n',
    )
    report = run("references", path)
    assert report.ok and count(report, m.Reference, "created") == 1, report.as_text()
    reference = m.Reference.objects.get()
    assert (reference.client.slug, reference.amount, reference.role, reference.is_public) == (
        "bordeaux",
        Decimal("45000"),
        "lead",
        True,
    )
    reference.description_fr = "Écrit à la main."
    reference.save()
    again = run("references", path)
    assert again.total("created") == again.total("updated") == 0
    reference.refresh_from_db()
    assert reference.description_fr == "Écrit à la main."


def test_each_template_imports_back(tmp_path):
    template = write(tmp_path, csv_template("organisations").decode("utf-8-sig"), "o.csv")
    assert run("organisations", template).ok
    out = StringIO()
    call_command("export", "csv-template-offerings", "-o", str(tmp_path / "t.csv"), stderr=out)
    header = (tmp_path / "t.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("organisation,kind,title,slug")
