"""`grappe import trainings`: code.gouv.fr's training organisations over the demo data, their
courses as training offerings linked to the catalogue's software."""

from grappe.directory import models as m
from grappe.interop.formats import get_importer
from tests.conftest import shared_data

TRAININGS = "codegouvfr/formations-logiciels-libres.yml"


def run(**options):
    return get_importer("trainings").run(shared_data(TRAININGS), **options)


def count(report, model, outcome: str) -> int:
    return report.counts[(str(model._meta.verbose_name_plural), outcome)]


def test_training_organisations_and_their_courses_are_imported(demo):
    makina_before = m.Organisation.objects.get(slug="makina-corpus")
    report = run()
    assert report.ok and report.committed, report.as_text()
    assert count(report, m.Organisation, "created") == 17
    assert count(report, m.Organisation, "updated") == 1  # Makina Corpus, by its website
    assert count(report, m.Offering, "created") == 413
    makina = m.Organisation.objects.get(slug="makina-corpus")
    assert makina.description_fr == makina_before.description_fr  # the demo's text stays
    assert makina.offerings.filter(service_kind="training").count() == 47
    actilis = m.Organisation.objects.get(name="Actilis")
    assert (actilis.kind, actilis.postcode, actilis.commune_name) == (
        "company",
        "44800",
        "Saint-Herblain",
    )
    course = actilis.offerings.get(title="Linux Administration Système")
    assert (course.kind, course.service_kind, course.duration_hours) == ("service", "training", 35)
    dalibo = m.Organisation.objects.get(name="Dalibo")
    assert set(dalibo.offerings.values_list("delivery_mode", flat=True)) == {"both"}


def test_courses_are_linked_to_the_software_they_name(demo):
    run()
    calc = m.Offering.objects.get(
        title="Bureautique métier - Formation LibreOffice Calc - maîtriser le tableur pour des "
        "usages au quotidien"
    )
    assert list(calc.software.values_list("slug", flat=True)) == ["libreoffice"]
    assert m.Offering.objects.filter(software__slug="qgis").count() >= 10
    # A generic word is no software: "Python" names no catalogue entry on its own.
    assert not m.Offering.objects.filter(title="Python", software__isnull=False).exists()


def test_a_second_run_changes_nothing(demo):
    run()
    again = run()
    assert again.ok
    assert again.total("created") == again.total("updated") == 0
    assert again.total("unchanged") == 18 + 413


def test_a_curators_edit_of_a_course_survives(demo):
    run()
    course = m.Offering.objects.get(title="Linux Administration Système")
    course.duration_hours = 30
    course.description_fr = "Revue par la curatrice."
    course.save()
    report = run()
    assert report.total("updated") == 0
    course.refresh_from_db()
    assert (course.duration_hours, course.description_fr) == (30, "Revue par la curatrice.")


def test_a_dry_run_saves_nothing(demo):
    before = (m.Organisation.objects.count(), m.Offering.objects.count())
    report = run(dry_run=True)
    assert report.ok and not report.committed
    assert count(report, m.Offering, "created") == 413
    assert (m.Organisation.objects.count(), m.Offering.objects.count()) == before
