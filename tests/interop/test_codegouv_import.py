"""`grappe import codegouv-organisations|codegouv-accounts|codegouv-repositories` on the real
files: what they create, that a second run changes nothing, that a curator's edit survives."""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from reversion.models import Version

from grappe.directory import models as m
from grappe.interop.formats import get_importer
from tests.conftest import shared_data
from tests.factories import OrganisationFactory, SoftwareFactory

ORGANISATIONS = "codes-sources-fr/organizations.csv"
ACCOUNTS = "codegouvfr/comptes-organismes-publics.yml"
REPOSITORIES = "codes-sources-fr/repositories.csv"


def run(name, relative, **options):
    return get_importer(name).run(shared_data(relative), **options)


def count(report, model, outcome: str) -> int:
    return report.counts[(str(model._meta.verbose_name_plural), outcome)]


# Tests on an empty directory come first: the module's import fixture is kept until the end.


@pytest.mark.django_db
def test_an_existing_entry_with_the_repository_gains_only_its_empty_fields(tmp_path):
    curated = SoftwareFactory(
        name="Pipelines",
        description_fr="À la main.",
        licence="",
        repository_url="https://github.com/opendatateam/datapackage-pipelines-udata/",
    )
    publisher = OrganisationFactory(name="Open Data Team", tags=["forge:github.com/opendatateam"])
    path = tmp_path / "repositories.csv"
    lines = shared_data(REPOSITORIES).read_text().splitlines()
    path.write_text("\n".join(lines[:2]) + "\n")
    report = get_importer("codegouv-repositories").run(path)
    assert report.ok, report.as_text()
    assert count(report, m.Software, "updated") == 1, report.as_text()
    curated.refresh_from_db()
    assert (curated.name, curated.description_fr, curated.licence) == (
        "Pipelines",
        "À la main.",
        "MIT",
    )
    assert list(curated.relations.values_list("organisation", "role")) == [
        (publisher.pk, "publisher")
    ]


@pytest.mark.django_db
def test_a_dry_run_saves_nothing_and_says_so():
    report = run("codegouv-organisations", ORGANISATIONS, dry_run=True)
    assert report.ok and not report.committed
    assert count(report, m.Organisation, "created") == 1257
    assert "dry run: nothing saved" in report.as_text()
    assert m.Organisation.objects.count() == 0
    assert m.DuplicateCandidate.objects.count() == 0


@pytest.mark.django_db
def test_the_command_prints_the_report():
    out = StringIO()
    call_command("import", "codegouv-accounts", str(shared_data(ACCOUNTS)), stdout=out)
    assert "organisations: 165 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "skipped: 8 (8 no public body named)" in out.getvalue()


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """The three files imported in order, then once more; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        reports = {}
        for round_ in (1, 2):
            for name, relative in (
                ("codegouv-organisations", ORGANISATIONS),
                ("codegouv-accounts", ACCOUNTS),
                ("codegouv-repositories", REPOSITORIES),
            ):
                reports[(name, round_)] = run(name, relative)
        yield reports
        transaction.set_rollback(True)


@pytest.fixture
def reports(imported, db):
    return imported


def test_every_forge_account_becomes_a_public_body_with_its_account_as_tag(reports):
    report = reports[("codegouv-organisations", 1)]
    assert report.ok and report.committed
    assert count(report, m.Organisation, "created") == 1257
    stemjail = m.Organisation.objects.get(tags__icontains="forge:github.com/stemjail")
    assert (stemjail.name, stemjail.kind, stemjail.website) == (
        "StemJail",
        "public_body",
        "https://stemjail.github.io/",
    )
    # Two accounts with one website are not merged by this file: the curators decide.
    clip = m.Organisation.objects.get(tags=["forge:github.com/clipos-archive"])
    assert m.DuplicateCandidate.objects.filter(other_organisation=clip).exists()


def test_public_bodies_gather_their_accounts_and_meet_the_account_organisations(reports):
    report = reports[("codegouv-accounts", 1)]
    assert report.ok
    assert (
        count(report, m.Organisation, "created"),
        count(report, m.Organisation, "updated"),
        count(report, m.Organisation, "unchanged"),
    ) == (139, 14, 12)
    assert report.skipped == {"no public body named": 8}
    poitiers = m.Organisation.objects.get(name="Université de Poitiers")
    assert poitiers.kind == "public_body"
    assert poitiers.tags == ["forge:git.lias-lab.fr", "forge:github.com/lias-laboratory"]
    # An account organisation with the body's acronym is the body: completed, not duplicated.
    inria = m.Organisation.objects.filter(tags__icontains='"forge:gitlab.inria.fr"')
    assert [o.name for o in inria] == ["Inria"]
    # A similar name on the same account goes to the curators' review list.
    etalab = m.Organisation.objects.get(name="Département Etalab")
    looks_like = m.DuplicateCandidate.objects.filter(other_organisation=etalab)
    assert {pair.organisation.name for pair in looks_like} == {"Etalab", "etalab"}
    assert {pair.reason for pair in looks_like} == {"owns the same forge account"}


def test_repositories_become_software_published_by_their_account(reports):
    report = reports[("codegouv-repositories", 1)]
    assert report.ok and report.committed
    assert count(report, m.Software, "created") == 9157 - 641 - 91
    assert count(report, m.SoftwareRelation, "created") == 12677
    assert report.skipped == {"a fork": 641, "listed again": 91}
    assert "skipped: 732 (641 a fork, 91 listed again)" in report.as_text()
    udata = m.Software.objects.get(
        repository_url="https://github.com/opendatateam/datapackage-pipelines-udata"
    )
    assert (udata.licence, udata.licence_raw) == ("MIT", "MIT License")
    # Both owners of the account publish it: its own organisation and the body it serves.
    relations = udata.relations.order_by("organisation__name")
    assert [(r.organisation.name, r.role) for r in relations] == [
        ("Département Etalab", "publisher"),
        ("Open Data Team", "publisher"),
    ]
    assert {r.source_url for r in relations} == {udata.repository_url}
    # A repository of a public-sector forge without its group's account: the forge's owner.
    by_forge_owner = [
        relation
        for relation in m.SoftwareRelation.objects.select_related("organisation", "software")
        if f"forge:{urlsplit(relation.software.repository_url).hostname}"
        in relation.organisation.tags
    ]
    assert len(by_forge_owner) == 82
    assert not m.Software.objects.filter(repository_url__icontains="/forks-of-").exists()


def test_each_import_is_one_revision_with_a_version_of_each_entry(reports):
    udata = m.Software.objects.get(
        repository_url="https://github.com/opendatateam/datapackage-pipelines-udata"
    )
    [version] = Version.objects.get_for_object(udata)
    assert version.revision.comment == "Import codegouv-repositories: repositories.csv"
    assert version.field_dict["licence"] == "MIT"
    assert version.field_dict["categories"] == []
    assert version.revision.version_set.count() == 8425 + 12677


def test_archived_repositories_are_obsolete_and_forks_are_not_imported(reports):
    assert m.Software.objects.filter(development_status="obsolete").count() > 300
    assert (
        not m.Software.objects.filter(
            repository_url="https://github.com/etalab/udata"  # a fork in the file? never imported
        )
        .filter(development_status="x")
        .exists()
    )


def test_a_second_run_changes_nothing(reports):
    for name in ("codegouv-organisations", "codegouv-accounts", "codegouv-repositories"):
        again = reports[(name, 2)]
        assert again.ok and again.committed
        assert again.total("created") == again.total("updated") == 0, name
    assert reports[("codegouv-repositories", 2)].total("unchanged") == 8425 + 12677
    assert m.Software.objects.count() == 8425


def test_a_curators_edit_survives_a_reimport(reports):
    udata = m.Software.objects.get(
        repository_url="https://github.com/opendatateam/datapackage-pipelines-udata"
    )
    udata.description_fr = "Écrit par une curatrice."
    udata.website = ""
    udata.save()
    report = run("codegouv-repositories", REPOSITORIES)
    assert count(report, m.Software, "updated") == 0  # the file has no homepage to fill
    udata.refresh_from_db()
    assert udata.description_fr == "Écrit par une curatrice."
