"""The tenders benchmark's labelled set is sound: enough cases, every notice reads into the lots
its labels name, every labelled member is a member of the demo, and the synthetic members for
scale are the same for the same seed and load into the database.

A wrong label would silently skew Hit@5 in docs/benchmarks.md; these checks catch a renamed
demo slug, a notice the parser now reads differently, or a lot id that no longer exists.
"""

from datetime import date, datetime

import pytest

from bench.tenders_cases import (
    SHARED_DATA,
    Case,
    LabelError,
    load_cases,
    read_case_notice,
)
from bench.tenders_members import generate_members, load_members
from grappe.directory import models as m
from grappe.tenders.notices import Notice
from tests.conftest import shared_data

CASES = load_cases()
WRITTEN = [case for case in CASES if not case.is_shared]


def notice_of(case: Case) -> Notice:
    if case.is_shared:
        shared_data(str(case.notice_path.relative_to(SHARED_DATA)))  # skips on a user's clone
    notice = read_case_notice(case)
    assert isinstance(notice, Notice), f"{case.name}: not a call for tenders"
    return notice


def test_the_set_is_large_and_mixed_enough():
    assert len(CASES) >= 20
    assert len(WRITTEN) >= 20
    assert sum(not case.coverable for case in CASES) >= 4  # negative cases, real ones among them
    assert any(not case.coverable for case in CASES if case.is_shared)
    assert sum(bool(label.expected_team) for case in CASES for label in case.lots.values()) >= 3
    assert sum(len(case.lots) > 1 for case in WRITTEN) >= 5
    english = [case for case in WRITTEN if case.name.endswith("-en")]
    assert len(english) >= 2


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_notice_reads_into_the_lots_its_labels_name(case):
    notice = notice_of(case)
    assert [lot.id for lot in notice.lots] == list(case.lots)


@pytest.mark.parametrize("case", WRITTEN, ids=lambda case: case.name)
def test_each_written_notice_says_what_matching_needs(case):
    """CPV codes, a NUTS code and a 2027 deadline were read, as the text was written to give."""
    notice = notice_of(case)
    assert notice.nuts and all(code.startswith("FRI") for code in notice.nuts)
    deadline = notice.submission_deadline
    assert isinstance(deadline, datetime | date) and deadline.year == 2027
    for lot in notice.lots:
        assert lot.cpv_main and len(lot.cpv_main) == 8, f"lot {lot.id} has no CPV code"
    if case.coverable:
        assert any(lot.requirements for lot in notice.lots)


@pytest.mark.django_db
def test_every_labelled_member_is_a_member_of_the_demo(demo):
    named = {
        slug
        for case in CASES
        for label in case.lots.values()
        for slug in [*label.expected_members, *label.expected_team]
    }
    statuses = dict(
        m.Organisation.objects.filter(slug__in=named).values_list("slug", "membership_status")
    )
    assert sorted(named - set(statuses)) == []
    assert {slug for slug, status in statuses.items() if status != "member"} == set()


def test_inconsistent_labels_are_refused_with_the_case_named(tmp_path):
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "cases:\n"
        "  - name: cleaning\n"
        "    notice: 17-nettoyage-locaux.txt\n"
        "    why: nobody\n"
        "    lots:\n"
        '      "1": {coverable: false, expected_members: [nuage-girondin-exemple]}\n',
        encoding="utf-8",
    )
    with pytest.raises(LabelError, match=r"cases\[0\] \(cleaning\): lot 1: a lot nobody"):
        load_cases(labels)


def test_synthetic_members_are_the_same_for_the_same_seed():
    first = generate_members(50, seed=20261123)
    assert first == generate_members(50, seed=20261123)
    assert first != generate_members(50, seed=1)
    assert len({member["slug"] for member in first}) == 50
    assert all(member["offerings"] for member in first)
    assert all(member["membership_status"] == "member" for member in first)


@pytest.mark.django_db
def test_synthetic_members_load_and_pass_the_models_checks(demo):
    members = generate_members(50, seed=20261123)
    counts = load_members(members)
    expected = {
        "organisations": 50,
        "offerings": sum(len(member["offerings"]) for member in members),
        "certifications": sum(len(member["certifications"]) for member in members),
        "references": sum(len(member["references"]) for member in members),
    }
    assert counts == expected
    loaded = m.Organisation.objects.filter(slug__startswith="synthetique-20261123-")
    assert loaded.count() == 50
    assert m.Offering.objects.filter(organisation__in=loaded).count() == expected["offerings"]
    assert m.Reference.objects.filter(organisation__in=loaded).count() == expected["references"]
    for organisation in loaded.prefetch_related("offerings", "certifications", "references"):
        organisation.full_clean()
        assert organisation.departement
        for child in [
            *organisation.offerings.all(),
            *organisation.certifications.all(),
            *organisation.references.all(),
        ]:
            child.full_clean()
    first = members[0]
    offering = m.Offering.objects.get(slug=first["offerings"][0]["slug"])
    assert sorted(offering.software.values_list("slug", flat=True)) == sorted(
        first["offerings"][0]["software"]
    )
