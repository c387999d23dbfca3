"""The CPV tree as arithmetic on codes: levels, parents, relations and the similarity table."""

import itertools

import pytest

from grappe.tenders.cpv.hierarchy import (
    BROADER_SIMILARITY,
    NARROWER_SIMILARITY,
    SIBLING_SIMILARITY,
    Match,
    Relation,
    RelationKind,
    ancestors,
    best_match,
    depth,
    level,
    normalise,
    parent,
    relation,
    significant,
    similarity,
)
from grappe.tenders.cpv.labels import all_codes


@pytest.mark.parametrize(
    ("code", "digits", "expected_level"),
    [
        ("72000000", "72", 2),
        ("03000000", "03", 2),
        ("72200000", "722", 3),
        ("72210000", "7221", 4),
        ("72212000", "72212", 5),
        ("72212100", "722121", 6),
        ("72212910", "7221291", 7),
        ("72212911", "72212911", 8),
        ("72212000-4", "72212", 5),
    ],
)
def test_significant_digits_give_the_level(code, digits, expected_level):
    assert significant(code) == digits
    assert level(code) == expected_level


@pytest.mark.parametrize(
    "bad", ["7221200", "722120001", "72212000-45", "CPV72212000", "", "7221 2000x"]
)
def test_what_is_not_a_code_is_refused_with_its_value(bad):
    with pytest.raises(ValueError, match="is not a CPV code"):
        significant(bad)


def test_normalise_drops_the_check_digit_and_spaces():
    assert normalise(" 72212000-4 ") == "72212000"
    assert normalise("7221 2000") == "72212000"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("72212911", "72212910"),
        ("72212910", "72212900"),
        ("72212100", "72212000"),
        ("72212000", "72210000"),
        ("72210000", "72200000"),
        ("72200000", "72000000"),
        ("72000000", None),
        ("80533100", "80533000"),
        ("79822500", "79822000"),
        ("72030000", "72000000"),  # a class directly under a division: no empty level between
    ],
)
def test_parent_is_one_step_up(code, expected):
    assert parent(code) == expected


def test_ancestors_nearest_first():
    assert ancestors("72212911") == [
        "72212910", "72212900", "72212000", "72210000", "72200000", "72000000",
    ]  # fmt: skip
    assert ancestors("72000000") == []
    assert depth("72212911") == 6
    # A new list each time: the cached chain stays intact.
    ancestors("72212100").append("00000000")
    assert ancestors("72212100") == ["72212000", "72210000", "72200000", "72000000"]


def test_every_listed_code_reaches_its_division():
    for code in all_codes():
        chain = ancestors(code)
        assert (chain[-1] if chain else code) == code[:2] + "000000"
        assert [level(above) for above in chain] == sorted(
            (level(above) for above in chain), reverse=True
        )


@pytest.mark.parametrize(
    ("required", "offered", "expected"),
    [
        ("72212000", "72212000-4", Relation(RelationKind.SAME, 5)),
        ("72200000", "72212000", Relation(RelationKind.NARROWER, 3, 2)),
        ("72000000", "72212911", Relation(RelationKind.NARROWER, 2, 6)),
        ("72212000", "72000000", Relation(RelationKind.BROADER, 2, 3)),
        ("72212100", "72212000", Relation(RelationKind.BROADER, 5, 1)),
        ("72212211", "72212214", Relation(RelationKind.SIBLINGS, 7)),
        ("72212100", "72212300", Relation(RelationKind.SIBLINGS, 5)),
        ("72253000", "72254000", Relation(RelationKind.SIBLINGS, 4)),
        ("72250000", "72310000", Relation(RelationKind.SIBLINGS, 2)),
        ("72250000", "72260000", Relation(RelationKind.SIBLINGS, 3)),
        ("72212000", "48000000", Relation(RelationKind.UNRELATED, 0)),
        ("72212000", "73000000", Relation(RelationKind.UNRELATED, 1)),
    ],
)
def test_relation_of_an_offered_code_to_a_required_one(required, offered, expected):
    assert relation(required, offered) == expected


@pytest.mark.parametrize(
    ("required", "offered", "expected"),
    [
        ("72212000", "72212000", 1.0),
        ("72200000", "72212000", 0.95),  # a member doing 72212000 answers a call for 72200000
        ("72212100", "72212000", 0.8),
        ("72212100", "72210000", 0.6),
        ("72212000", "72000000", 0.4),  # declaring only the division: weaker evidence
        ("72212100", "72000000", 0.25),
        ("72212911", "72000000", 0.15),
        ("72212211", "72212214", 0.65),
        ("72212211", "72212220", 0.55),
        ("72212100", "72212300", 0.45),
        ("72253000", "72254000", 0.3),
        ("72250000", "72260000", 0.15),  # only the group in common: a weak hint
        ("72250000", "72310000", 0.0),  # only the division in common
        ("72212000", "48000000", 0.0),
    ],
)
def test_the_similarity_table(required, offered, expected):
    assert similarity(required, offered) == pytest.approx(expected)


def test_similarity_falls_as_the_offered_code_climbs_the_tree():
    required = "72212911"
    climbing = [similarity(required, above) for above in ancestors(required)]
    assert similarity(required, required) >= NARROWER_SIMILARITY >= climbing[0]
    assert climbing == sorted(climbing, reverse=True)
    assert climbing[0] > climbing[-1] > 0.0


def test_the_tables_are_monotone():
    assert list(BROADER_SIMILARITY) == sorted(BROADER_SIMILARITY, reverse=True)
    assert BROADER_SIMILARITY[0] <= NARROWER_SIMILARITY
    shared = sorted(SIBLING_SIMILARITY)
    assert [SIBLING_SIMILARITY[n] for n in shared] == sorted(SIBLING_SIMILARITY.values())
    assert shared[0] == 3  # a shared division alone counts for nothing


def test_relations_mirror_each_other_over_the_division_72():
    codes = [code for code in all_codes() if code.startswith("72")]
    for a, b in itertools.product(codes, repeat=2):
        forward, backward = relation(a, b), relation(b, a)
        assert 0.0 <= similarity(a, b) <= 1.0
        assert forward.shared == backward.shared
        if forward.kind is RelationKind.NARROWER:
            assert backward == Relation(RelationKind.BROADER, forward.shared, forward.distance)
        elif forward.kind in (RelationKind.SAME, RelationKind.SIBLINGS):
            assert backward.kind is forward.kind
        if forward.kind is RelationKind.NARROWER:
            assert similarity(a, b) >= similarity(b, a)


def test_best_match_prefers_the_code_inside_the_required_branch():
    found = best_match("72200000", ["72000000", "72212000", "48000000"])
    assert found == Match("72212000", 0.95, Relation(RelationKind.NARROWER, 3, 2))
    code, score, found_relation = found  # a plain (code, similarity, relation) tuple too
    assert (code, score, found_relation.kind) == ("72212000", 0.95, RelationKind.NARROWER)


def test_best_match_takes_the_nearest_of_equally_similar_codes_whatever_the_order():
    offered = ["72212911", "72212100", "72262000-9"]
    assert best_match("72200000", offered).code == "72262000"  # one step down beats four
    assert best_match("72200000", list(reversed(offered))).code == "72262000"


def test_best_match_falls_back_on_a_broader_code_as_weaker_evidence():
    found = best_match("72212000", ["48000000", "72000000"])
    assert found == Match("72000000", 0.4, Relation(RelationKind.BROADER, 2, 3))


def test_best_match_is_none_when_nothing_is_related_enough():
    assert best_match("72212000", ["48000000", "72310000"]) is None
    assert best_match("72212000", []) is None
