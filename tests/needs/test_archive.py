"""`grappe archive-needs`: open needs with no activity for 180 days are archived, never
deleted; any join, answer or decision counts as activity."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from grappe.needs import services
from grappe.needs.models import Need, NeedStatus

pytestmark = pytest.mark.django_db


def idle_for(need, days: int) -> None:
    Need.objects.filter(pk=need.pk).update(last_activity_at=timezone.now() - timedelta(days=days))


def test_a_need_idle_for_180_days_is_archived_not_deleted(need):
    idle_for(need, 181)

    assert services.archive_inactive() == 1

    need.refresh_from_db()
    assert need.status == NeedStatus.ARCHIVED
    assert need.pledges.count() == 1  # kept whole


def test_a_need_idle_for_less_is_kept_open(need):
    idle_for(need, 179)
    assert services.archive_inactive() == 0
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_the_limit_counts_from_now_given(need):
    now = timezone.now()
    assert services.archive_inactive(now=now + timedelta(days=179)) == 0
    assert services.archive_inactive(now=now + timedelta(days=181)) == 1


def test_a_join_or_an_answer_is_activity(need, other_agent, other_town, developer, company):
    idle_for(need, 179)
    services.join(other_agent, need, other_town)
    later = timezone.now() + timedelta(days=100)
    assert services.archive_inactive(now=later) == 0

    idle_for(need, 179)
    services.answer(developer, need, company, scope="S", price="5", duration_days=5)
    assert services.archive_inactive(now=later) == 0


def test_only_open_needs_are_archived(need, answered, town_agent):
    services.choose(town_agent, need, answered)
    idle_for(need, 400)
    assert services.archive_inactive() == 0
    need.refresh_from_db()
    assert need.status == NeedStatus.FUNDED


def test_an_archived_need_takes_no_pledges_until_reopened(
    need, town_agent, other_agent, other_town
):
    idle_for(need, 200)
    services.archive_inactive()
    need.refresh_from_db()
    with pytest.raises(services.Invalid):
        services.join(other_agent, need, other_town)

    services.reopen(town_agent, need)

    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert need.last_activity_at > timezone.now() - timedelta(minutes=1)
    services.join(other_agent, need, other_town)


def test_the_command_says_how_many(need):
    idle_for(need, 181)
    out = StringIO()
    with translation.override("en"):
        call_command("archive-needs", stdout=out)
    assert "1 need archived" in out.getvalue()
    assert Need.objects.filter(status=NeedStatus.ARCHIVED).count() == 1
