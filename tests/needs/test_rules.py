"""Who may do what with a need, on every write path (grappe.needs.rules through the services)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from grappe.needs import rules, services
from grappe.needs.models import AnswerStatus, Need, NeedKind, NeedStatus, Pledge
from grappe.needs.services import Invalid

pytestmark = pytest.mark.django_db


def post(user, organisation=None, **values):
    defaults = {"title": "Un besoin", "description": "Ce qu'il faut.", "kind": NeedKind.FEATURE}
    return services.post_need(user, organisation=organisation, **{**defaults, **values})


# Posting.


def test_a_confirmed_member_posts_for_their_organisation_with_its_pledge(town_agent, town):
    need = post(town_agent, town, amount="5000")

    assert need.organisation == town and need.created_by == town_agent
    assert need.departement == "33"  # the organisation's, by default
    assert list(need.pledges.values_list("organisation", "amount")) == [(town.pk, 5000)]


def test_a_confirmed_person_posts_for_themselves_without_a_pledge(outsider):
    need = post(outsider)

    assert need.organisation is None and need.pledges.count() == 0
    assert rules.is_decider(outsider, need)


def test_nobody_posts_for_an_organisation_they_are_not_a_member_of(outsider, town):
    with pytest.raises(PermissionDenied):
        post(outsider, town)
    assert Need.objects.count() == 0


def test_an_unconfirmed_address_or_a_visitor_cannot_post(unconfirmed, visitor):
    for user in (unconfirmed, visitor):
        with pytest.raises(PermissionDenied):
            post(user)
    assert Need.objects.count() == 0


def test_a_curator_posts_for_any_organisation(moderator, town):
    assert post(moderator, town).organisation == town


def test_a_budget_needs_an_organisation(outsider):
    with pytest.raises(Invalid) as refused:
        post(outsider, amount="1000")
    assert refused.value.field == "amount"


# Joining.


def test_a_member_joins_for_their_organisation_and_a_second_join_edits_the_pledge(
    need, other_agent, other_town
):
    first = services.join(other_agent, need, other_town, amount="3000")
    again = services.join(other_agent, need, other_town, amount="4000", show_name=False)

    assert first.pk == again.pk
    pledge = Pledge.objects.get(need=need, organisation=other_town)
    assert pledge.amount == 4000 and pledge.show_name is False
    assert need.pledges.count() == 2


def test_nobody_pledges_for_an_organisation_they_do_not_belong_to(need, outsider, other_town):
    with pytest.raises(PermissionDenied):
        services.join(outsider, need, other_town, amount="3000")
    assert not Pledge.objects.filter(organisation=other_town).exists()


def test_a_visitor_cannot_join(need, visitor, other_town):
    with pytest.raises(PermissionDenied):
        services.join(visitor, need, other_town)


def test_nobody_joins_a_need_that_is_no_longer_open(need, answered, town_agent, other_agent):
    services.choose(town_agent, need, answered)
    with pytest.raises(Invalid):
        services.join(other_agent, need, other_agent.memberships.get().organisation)


def test_leaving_a_need(need, other_agent, other_town, outsider, town_agent, town):
    pledge = services.join(other_agent, need, other_town)
    with pytest.raises(PermissionDenied):
        services.leave(outsider, pledge)
    with pytest.raises(Invalid):  # the poster's organisation stays in the coalition
        services.leave(town_agent, need.pledges.get(organisation=town))

    services.leave(other_agent, pledge)
    assert list(need.pledges.values_list("organisation", flat=True)) == [town.pk]


# Answering.


def test_a_company_member_answers_with_partners(need, developer, company, partner_company):
    created = services.answer(
        developer,
        need,
        company,
        scope="Tout",
        price="15000",
        duration_days="30",
        partners=["partenaire-libre", company],
    )

    assert list(created.partners.all()) == [partner_company]  # the lead is not its own partner
    assert created.status == AnswerStatus.SUBMITTED


def test_partners_must_exist(need, developer, company):
    with pytest.raises(Invalid) as refused:
        services.answer(
            developer,
            need,
            company,
            scope="Tout",
            price="1",
            duration_days=1,
            partners=["personne"],
        )
    assert refused.value.field == "partners"


def test_nobody_answers_for_a_company_they_do_not_belong_to(need, outsider, visitor, company):
    for user in (outsider, visitor):
        with pytest.raises(PermissionDenied):
            services.answer(user, need, company, scope="Tout", price="1", duration_days=1)
    assert need.answers.count() == 0


def test_one_standing_answer_per_organisation(answered, need, developer, company):
    with pytest.raises(Invalid):
        services.answer(developer, need, company, scope="Encore", price="1", duration_days=1)
    services.withdraw_answer(developer, answered)
    services.answer(developer, need, company, scope="Encore", price="1", duration_days=1)


def test_only_the_answering_organisation_withdraws_its_answer(answered, outsider, town_agent):
    for user in (outsider, town_agent):
        with pytest.raises(PermissionDenied):
            services.withdraw_answer(user, answered)


# Deciding.


def test_only_the_decider_chooses(
    need, answered, outsider, developer, other_agent, other_town, visitor
):
    services.join(other_agent, need, other_town)  # in the coalition, yet not the decider
    for user in (outsider, developer, other_agent, visitor):
        with pytest.raises(PermissionDenied):
            services.choose(user, need, answered)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.chosen_answer is None


def test_choosing_funds_the_need_and_declines_the_other_answers(
    need, answered, town_agent, other_agent, other_town
):
    rival = services.answer(other_agent, need, other_town, scope="Moi", price="9", duration_days=9)

    services.choose(town_agent, need, answered)

    need.refresh_from_db()
    answered.refresh_from_db()
    rival.refresh_from_db()
    assert need.status == NeedStatus.FUNDED and need.chosen_answer == answered
    assert (answered.status, rival.status) == (AnswerStatus.CHOSEN, AnswerStatus.DECLINED)


def test_the_poster_decides_a_need_posted_for_themselves(outsider, developer, company, town_agent):
    need = post(outsider)
    answered = services.answer(developer, need, company, scope="Ça", price="10", duration_days=2)
    with pytest.raises(PermissionDenied):
        services.choose(town_agent, need, answered)
    assert services.choose(outsider, need, answered).status == NeedStatus.FUNDED


def test_a_curator_may_choose(need, answered, moderator):
    assert services.choose(moderator, need, answered).status == NeedStatus.FUNDED


def test_only_the_decider_delivers_a_funded_need_with_its_code(
    need, answered, town_agent, outsider, developer, visitor
):
    with pytest.raises(Invalid):  # not funded yet
        services.deliver(town_agent, need, "https://git.example/module", "")
    services.choose(town_agent, need, answered)
    for user in (outsider, developer, visitor):
        with pytest.raises(PermissionDenied):
            services.deliver(user, need, "https://git.example/module", "")
    for url in ("", "http://git.example/module", "https://", "javascript:alert(1)"):
        with pytest.raises(Invalid) as refused:
            services.deliver(town_agent, need, url, "")
        assert refused.value.field == "released_code_url"

    delivered = services.deliver(town_agent, need, "https://git.example/module", "Merci !")

    assert delivered.status == NeedStatus.DELIVERED and delivered.delivered_at is not None
    assert delivered.released_code_url == "https://git.example/module"


def test_training_is_delivered_without_code(town_agent, town, developer, company):
    need = post(town_agent, town, kind=NeedKind.TRAINING)
    answered = services.answer(
        developer, need, company, scope="Cours", price="900", duration_days=3
    )
    services.choose(town_agent, need, answered)
    assert services.deliver(town_agent, need, "", "Formation faite").status == NeedStatus.DELIVERED


def test_only_curators_merge(need, town_agent, outsider, visitor, moderator, town):
    twin = post(town_agent, town, title="Prêt de matériel dans GLPI")
    for user in (town_agent, outsider, visitor):
        with pytest.raises(PermissionDenied):
            services.merge(user, need, twin)
    assert services.merge(moderator, need, twin) == need


def test_only_the_decider_reopens_an_archived_need(need, town_agent, other_agent, visitor):
    Need.objects.filter(pk=need.pk).update(last_activity_at=timezone.now() - timedelta(days=200))
    services.archive_inactive()
    need.refresh_from_db()
    for user in (other_agent, visitor):
        with pytest.raises(PermissionDenied):
            services.reopen(user, need)
    assert services.reopen(town_agent, need).status == NeedStatus.OPEN


def test_a_visitor_cannot_follow(visitor, software):
    with pytest.raises(PermissionDenied):
        services.follow(visitor, software=software)


def test_a_follow_has_exactly_one_target(outsider, software):
    with pytest.raises(Invalid):
        services.follow(outsider, software=software, departement="33")
    with pytest.raises(Invalid):
        services.follow(outsider)
    first = services.follow(outsider, software=software)
    assert services.follow(outsider, software=software) == first  # once
    assert services.follow(outsider, departement="2a").departement == "2A"
