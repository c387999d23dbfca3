"""E-mails about needs: to followers of a new need, to the decider on a join or an answer, to
the coalition and the answerers on a choice or a delivery; each in its reader's language."""

import pytest
from django.utils import timezone

from grappe.accounts.models import Profile
from grappe.needs import services
from grappe.needs.models import NeedKind
from tests.accounts.conftest import member_of
from tests.factories import CategoryFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def person(email: str, language: str):
    user = UserFactory(username=email, email=email)
    user.save()
    Profile.objects.create(user=user, email_confirmed_at=timezone.now(), language=language)
    return user


def sent_to(mailoutbox) -> dict[str, object]:
    return {message.to[0]: message for message in mailoutbox}


@pytest.fixture
def post(town_agent, town, django_capture_on_commit_callbacks):
    def posting(**values):
        with django_capture_on_commit_callbacks(execute=True):
            return services.post_need(
                town_agent,
                organisation=town,
                title="Module de prêt de matériel",
                description="Prêter des portables.",
                kind=NeedKind.MODULE,
                **values,
            )

    return posting


def test_followers_hear_of_a_new_need_once_each_in_their_language(
    post, software, mailoutbox, town_agent
):
    category = CategoryFactory(slug="parc")
    english = person("en@example.org", "en")
    french = person("fr@example.org", "fr")
    services.follow(english, software=software)
    services.follow(english, departement="33")  # follows it twice: one e-mail
    services.follow(french, category=category)
    services.follow(town_agent, software=software)  # the poster is not told of their own need
    services.follow(person("away@example.org", "fr"), departement="64")

    need = post(software=software, category=category)

    mails = sent_to(mailoutbox)
    assert set(mails) == {"en@example.org", "fr@example.org"}
    path = f"/needs/{need.public_id}/"
    assert f"/en{path}" in mails["en@example.org"].body
    assert "A new need" in mails["en@example.org"].subject
    assert "Module de prêt de matériel" in mails["en@example.org"].subject
    assert path in mails["fr@example.org"].body and "/en/" not in mails["fr@example.org"].body


def test_nobody_follows_nobody_is_told(post, mailoutbox):
    post()
    assert mailoutbox == []


def test_the_decider_hears_of_a_join_with_the_amount_they_may_see(
    need, other_agent, other_town, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = member_of(need.organisation, "dsi@pessac.fr")
    Profile.objects.filter(user=colleague).update(language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.join(other_agent, need, other_town, amount="4000", amount_visibility="curators")

    mails = sent_to(mailoutbox)
    assert set(mails) == {"agent@pessac.fr", "dsi@pessac.fr"}
    assert "Ville de Mérignac" in mails["dsi@pessac.fr"].subject
    assert f"/en/needs/{need.public_id}/" in mails["dsi@pessac.fr"].body
    assert "€" not in mails["dsi@pessac.fr"].body  # for curators only: not told
    assert "joined" in mails["dsi@pessac.fr"].body


def test_the_decider_is_told_the_amount_the_coalition_sees(
    need, other_agent, other_town, mailoutbox, django_capture_on_commit_callbacks
):
    Profile.objects.filter(user__email="agent@pessac.fr").update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.join(other_agent, need, other_town, amount="4000", amount_visibility="coalition")
    assert "4,000 €" in mailoutbox[0].body


def test_editing_a_pledge_or_joining_ones_own_need_tells_nobody(
    need, town_agent, town, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.join(town_agent, need, town, amount="25000")
    assert mailoutbox == []


def test_the_decider_hears_of_an_answer(
    need, developer, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(developer, need, company, scope="Tout", price="12000", duration_days=40)
    (mail,) = mailoutbox
    assert mail.to == ["agent@pessac.fr"] and "Acme Libre" in mail.subject


def test_a_personal_need_tells_its_poster(
    outsider, developer, company, mailoutbox, django_capture_on_commit_callbacks
):
    need = services.post_need(
        outsider, organisation=None, title="Besoin", description="D", kind="other"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(developer, need, company, scope="Tout", price="10", duration_days=4)
    assert [mail.to for mail in mailoutbox] == [["someone@autre.example"]]


def test_a_choice_and_a_delivery_tell_the_coalition_and_the_answerers(
    need,
    answered,
    town_agent,
    other_agent,
    other_town,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.join(other_agent, need, other_town)
    rival_company = OrganisationFactory(name="Rivale")
    rival = member_of(rival_company, "rival@rivale.example")
    Profile.objects.filter(user=rival).update(language="en")
    services.answer(rival, need, rival_company, scope="Moins", price="9000", duration_days=90)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.choose(town_agent, need, answered)

    mails = sent_to(mailoutbox)
    # Not the decider who chose, nor the outsider.
    assert set(mails) == {"agent@merignac.fr", "dev@acme-libre.fr", "rival@rivale.example"}
    assert "Acme Libre" in mails["rival@rivale.example"].body
    assert f"/en/needs/{need.public_id}/" in mails["rival@rivale.example"].body
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.deliver(town_agent, need, "https://git.example/pret", "Livré")

    mails = sent_to(mailoutbox)
    assert set(mails) == {"agent@merignac.fr", "dev@acme-libre.fr", "rival@rivale.example"}
    assert "https://git.example/pret" in mails["dev@acme-libre.fr"].body


def test_a_failing_mail_server_is_logged_not_raised(post, software, outsider, monkeypatch, caplog):
    services.follow(outsider, software=software)

    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("grappe.accounts.notifications.send_mail", broken)
    need = post(software=software)
    assert need.pk and "could not send the need_posted e-mail" in caplog.text
