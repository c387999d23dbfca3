"""Amounts: validated wherever they come in, and shown to each viewer only as the pledge's
visibility allows; merging moves pledges, one per organisation."""

from decimal import Decimal

import pytest
from django.utils import translation

from grappe.needs import services
from grappe.needs.models import AnswerStatus, NeedStatus, Pledge, Visibility
from grappe.needs.services import HIDDEN_NAME, Invalid, parse_amount
from tests.accounts.conftest import member_of
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REFUSED = [0, "0", -5, "-0.01", "10000001", 10_000_001, "abc", "NaN", "Infinity", "1.001", True]


@pytest.mark.parametrize("value", REFUSED)
def test_refused_amounts_name_the_amount(value):
    with translation.override("en"), pytest.raises(Invalid) as refused:
        parse_amount(value)
    assert refused.value.field == "amount"
    assert "amount" in refused.value.message.lower()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15000", Decimal("15000")),
        ("15 000,50", Decimal("15000.50")),
        ("15\u202f000 €", Decimal("15000")),
        (12.5, Decimal("12.50")),
        ("10000000", Decimal("10000000")),
        ("0.01", Decimal("0.01")),
        ("", None),
        (None, None),
    ],
)
def test_accepted_amounts(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize("value", [0, -1, "10000001", "abc"])
def test_every_write_path_refuses_bad_amounts(
    value, town_agent, town, need, other_agent, other_town, developer, company
):
    with translation.override("en"):
        with pytest.raises(Invalid) as refused:
            services.post_need(
                town_agent,
                organisation=town,
                title="T",
                description="D",
                kind="other",
                amount=value,
            )
        assert refused.value.field == "amount" and "amount" in refused.value.message.lower()
        with pytest.raises(Invalid) as refused:
            services.join(other_agent, need, other_town, amount=value)
        assert refused.value.field == "amount"
        with pytest.raises(Invalid) as refused:
            services.answer(developer, need, company, scope="S", price=value, duration_days=5)
        assert refused.value.field == "price" and "price" in refused.value.message.lower()
    assert need.pledges.count() == 1 and need.answers.count() == 0


def test_a_price_is_required_and_a_duration_bounded(need, developer, company):
    with pytest.raises(Invalid) as refused:
        services.answer(developer, need, company, scope="S", price="", duration_days=5)
    assert refused.value.field == "price"
    for days in (0, 3651, "abc", -1):
        with pytest.raises(Invalid) as refused:
            services.answer(developer, need, company, scope="S", price="10", duration_days=days)
        assert refused.value.field == "duration_days"


def test_required_texts_and_choices_are_named(town_agent, town):
    cases = [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"kind": "spaceship"}, "kind"),
        ({"departement": "99"}, "departement"),
        ({"amount_visibility": "friends"}, "amount_visibility"),
        ({"title": "x" * 201}, "title"),
    ]
    for values, field in cases:
        arguments = {"title": "T", "description": "D", "kind": "other", **values}
        with pytest.raises(Invalid) as refused:
            services.post_need(town_agent, organisation=town, **arguments)
        assert refused.value.field == field


# Who sees which amount.


@pytest.fixture
def coalition(need, town, other_town, other_agent, company):
    """Pessac (poster, 20,000 for the coalition), Mérignac (5,000 public), a hospital
    (7,000 for curators only), a school (1,000 for the coalition, name hidden)."""
    services.join(other_agent, need, other_town, amount="5000", amount_visibility="public")
    hospital = OrganisationFactory(name="CHU")
    services.join(
        member_of(hospital, "dsi@chu.example"),
        need,
        hospital,
        amount="7000",
        amount_visibility=Visibility.CURATORS,
    )
    school = OrganisationFactory(name="Lycée discret")
    services.join(
        member_of(school, "dsi@lycee.example"),
        need,
        school,
        amount="1000",
        amount_visibility=Visibility.COALITION,
        show_name=False,
        constraints="Secret",
    )
    return {"hospital": hospital, "school": school}


def shown(user, need):
    return {
        item.pledge.organisation.name: (item.amount, item.name, item.constraints)
        for item in services.visible_pledges(user, need)
    }


def test_a_visitor_and_an_outsider_see_public_amounts_and_shown_names_only(
    coalition, need, visitor, outsider
):
    for user in (visitor, outsider):
        seen = shown(user, need)
        assert seen["Ville de Pessac"] == (None, "Ville de Pessac", "")
        assert seen["Ville de Mérignac"] == (Decimal("5000"), "Ville de Mérignac", "")
        assert seen["CHU"] == (None, "CHU", "")
        assert seen["Lycée discret"] == (None, None, "")  # “an organisation”
        assert services.pooled_budget(user, need) == (Decimal("5000"), 3)
    hidden = next(item for item in services.visible_pledges(visitor, need) if item.name is None)
    assert hidden.label == str(HIDDEN_NAME)


def test_the_coalition_sees_coalition_amounts_and_names_but_not_curators_only_ones(
    coalition, need, other_agent, town_agent
):
    for user in (other_agent, town_agent):
        seen = shown(user, need)
        assert seen["Ville de Pessac"][0] == Decimal("20000")
        assert seen["CHU"][0] is None
        assert seen["Lycée discret"] == (Decimal("1000"), "Lycée discret", "Secret")
        assert services.pooled_budget(user, need) == (Decimal("26000"), 1)


def test_the_pledging_organisation_sees_its_own_curators_only_amount(coalition, need):
    chu_member = coalition["hospital"].memberships.get().user
    assert shown(chu_member, need)["CHU"][0] == Decimal("7000")
    assert services.pooled_budget(chu_member, need) == (Decimal("33000"), 0)


def test_curators_see_everything(coalition, need, moderator):
    assert services.pooled_budget(moderator, need) == (Decimal("33000"), 0)
    assert shown(moderator, need)["Lycée discret"][1] == "Lycée discret"


def test_a_pledge_without_amount_is_not_counted_as_hidden(need, other_agent, other_town, visitor):
    services.join(other_agent, need, other_town)
    assert services.pooled_budget(visitor, need) == (Decimal("0"), 1)  # Pessac's only


def test_budget_filters_on_what_the_viewer_sees(coalition, need, visitor, moderator):
    assert [found.need for found in services.budget_between(visitor, [need], Decimal("5000"))] == [
        need
    ]
    assert services.budget_between(visitor, [need], Decimal("5001")) == []
    assert len(services.budget_between(moderator, [need], Decimal("30000"))) == 1


# Merging.


def test_merging_moves_pledges_one_per_organisation(
    need, town_agent, town, other_agent, other_town, moderator, developer, company
):
    twin = services.post_need(
        other_agent,
        organisation=other_town,
        title="Prêt d'ordinateurs dans GLPI",
        description="Pareil.",
        kind="module",
        amount="3000",
        constraints="Avant juin",
    )
    services.join(town_agent, twin, town, amount="999")  # Pessac is in both
    services.join(other_agent, need, other_town)  # Mérignac too, without an amount on `need`
    answer = services.answer(developer, twin, company, scope="S", price="10", duration_days=1)

    kept = services.merge(moderator, need, twin)

    twin.refresh_from_db()
    assert twin.status == NeedStatus.MERGED and twin.merged_into == kept
    assert twin.pledges.count() == 0
    pledges = {p.organisation_id: p for p in Pledge.objects.filter(need=kept)}
    assert set(pledges) == {town.pk, other_town.pk}
    assert pledges[town.pk].amount == Decimal("20000")  # the kept need's pledge stays
    assert pledges[other_town.pk].amount == Decimal("3000")  # it had none: the absorbed one's
    assert "Avant juin" in pledges[other_town.pk].constraints
    answer.refresh_from_db()
    assert answer.need == kept and answer.status == AnswerStatus.SUBMITTED


def test_a_need_is_not_merged_into_itself_nor_twice(need, moderator, town_agent, town):
    with pytest.raises(Invalid):
        services.merge(moderator, need, need)
    twin = services.post_need(
        town_agent, organisation=town, title="T", description="D", kind="other"
    )
    services.merge(moderator, need, twin)
    with pytest.raises(Invalid):
        services.merge(moderator, need, twin)


def test_followed_needs(outsider, software, need, town_agent, town):
    services.follow(outsider, software=software)
    other = services.post_need(
        town_agent, organisation=town, title="Autre", description="D", kind="other"
    )
    assert list(services.followed_needs(outsider)) == [need]
    services.follow(outsider, departement="33")
    assert set(services.followed_needs(outsider)) == {need, other}
    assert services.unfollow(outsider, departement="33") == 1
