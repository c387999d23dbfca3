"""The back office as curators use it: every page renders, edits are validated and historied."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from grappe.directory import models as m
from tests.factories import (
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY_MODELS = [model for model in admin.site._registry if model._meta.app_label == "directory"]


@pytest.fixture
def one_of_each(db):
    organisation = OrganisationFactory(name="Hébergeur exemple", postcode="33000")
    software = SoftwareFactory(name="Nextcloud")
    offering = OfferingFactory(organisation=organisation)
    offering.software.add(software)
    scheme = CertificationSchemeFactory()
    category = m.Category.objects.create(slug="stockage", name_fr="Stockage", name_en="Storage")
    software.categories.add(category)
    m.Certification.objects.create(organisation=organisation, scheme=scheme)
    m.SoftwareRelation.objects.create(
        organisation=organisation, software=software, role=m.SoftwareRole.HOST
    )
    m.Reference.objects.create(
        organisation=organisation, title="Cloud", client_name="Ville", year=2024
    )
    m.Person.objects.create(name="Camille", role=m.PersonRole.AMBASSADOR, organisation=organisation)
    m.Event.objects.create(title="Rencontres", starts_on=date(2025, 6, 1), organiser=organisation)
    m.DuplicateCandidate.objects.create(
        organisation=organisation,
        other_organisation=OrganisationFactory(name="Hébergeur exemple SAS"),
        reason="similar name",
    )
    return organisation


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_directory_model_is_in_the_back_office():
    assert set(DIRECTORY_MODELS) == {
        m.Organisation, m.Software, m.Offering, m.Category, m.CertificationScheme,
        m.Certification, m.SoftwareRelation, m.Reference, m.Person, m.Event,
        m.DuplicateCandidate,
    }  # fmt: skip


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_curator_sees_list_add_change_and_history_pages(curator_client, one_of_each, model):
    instance = model._default_manager.first()
    addable = model is not m.DuplicateCandidate  # pairs come from importers and curators' marks
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?q=e",
        admin_url(model, "add") if addable else None,
        admin_url(model, "change", instance.pk),
        admin_url(model, "history", instance.pk),
    ):
        if url:
            response = curator_client.get(url)
            assert response.status_code == 200, url


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_every_list_filter_works(curator_client, one_of_each, model):
    """Each filter of the list page, applied with its first choice, still renders the list."""
    response = curator_client.get(admin_url(model, "changelist"))
    for spec in response.context["cl"].filter_specs:
        for choice in list(spec.choices(response.context["cl"]))[1:2]:
            filtered = curator_client.get(admin_url(model, "changelist") + choice["query_string"])
            assert filtered.status_code == 200, choice["query_string"]


def test_the_admin_speaks_french_by_default_and_english_on_request(curator_client, one_of_each):
    french = curator_client.get("/admin/directory/organisation/")
    english = curator_client.get("/en/admin/directory/organisation/")
    assert "Sélectionnez" in french.text
    assert "Select organisation to change" in english.text


def test_visitors_are_sent_to_the_login_page(client, one_of_each):
    response = client.get(admin_url(m.Organisation, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def change_form_data(response) -> dict:
    """The POST a browser would send back for this change form, untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            value = management[name].value()
            data[management.add_prefix(name)] = "" if value is None else value
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple) and not hasattr(field, "queryset"):
                value = field.prepare_value(value)  # comma-separated lists (tags, CPV codes)
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            data[form.add_prefix(name)] = value
    return data


def test_a_change_is_recorded_with_who_and_what_and_can_be_restored(curator_client, one_of_each):
    organisation = one_of_each
    url = admin_url(m.Organisation, "change", organisation.pk)
    data = change_form_data(curator_client.get(url))
    data["name"] = "Hébergeur renommé"
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.name == "Hébergeur renommé"

    versions = Version.objects.get_for_object(organisation)
    assert versions.count() == 1
    latest = versions.first()
    assert latest.revision.user.username == "curator"
    assert "Name" in latest.revision.get_comment() or "Nom" in latest.revision.get_comment()

    history = curator_client.get(admin_url(m.Organisation, "history", organisation.pk))
    assert "curator" in history.text

    # A second change, then restore the first version from the history page.
    data["name"] = "Nom fautif"
    curator_client.post(url, data)
    first = Version.objects.get_for_object(organisation).last()
    restore_url = admin_url(m.Organisation, "revision", organisation.pk, first.pk)
    restore_form = change_form_data(curator_client.get(restore_url))
    assert curator_client.post(restore_url, restore_form).status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Hébergeur renommé"


def test_compare_view_shows_what_changed(curator_client, one_of_each):
    organisation = one_of_each
    url = admin_url(m.Organisation, "change", organisation.pk)
    data = change_form_data(curator_client.get(url))
    for name in ("Premier nom", "Second nom"):
        data["name"] = name
        curator_client.post(url, data)
    newer, older = Version.objects.get_for_object(organisation)[:2]
    compare = curator_client.get(
        admin_url(m.Organisation, "compare", organisation.pk),
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    assert compare.status_code == 200
    assert "Premier nom" in compare.text and "Second nom" in compare.text


def test_invalid_data_is_never_saved_half(curator_client, one_of_each):
    """A valid organisation with an invalid certification inline: nothing is saved."""
    organisation = one_of_each
    url = admin_url(m.Organisation, "change", organisation.pk)
    data = change_form_data(curator_client.get(url))
    data["name"] = "Nom qui ne doit pas être enregistré"
    data["certifications-0-valid_from"] = "2025-01-01"
    data["certifications-0-valid_until"] = "2024-01-01"
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "valid_until" in response.context["inline_admin_formsets"][1].formset.errors[0]
    organisation.refresh_from_db()
    assert organisation.name == "Hébergeur exemple"
    assert not Version.objects.get_for_object(organisation).exists()


def test_a_bad_siren_in_the_back_office_names_the_field(curator_client, one_of_each):
    url = admin_url(m.Organisation, "change", one_of_each.pk)
    data = change_form_data(curator_client.get(url))
    data["siren"] = "732829321"
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "siren" in response.context["adminform"].form.errors


def test_curators_see_which_organisations_could_not_be_placed(curator_client, db):
    placed = OrganisationFactory(name="Placée", postcode="33000", latitude=44.8, longitude=-0.57)
    unplaced = OrganisationFactory(name="Égarée", postcode="64250")
    nowhere = OrganisationFactory(name="Sans adresse")
    url = admin_url(m.Organisation, "changelist")
    for value, expected in (("placed", placed), ("unplaced", unplaced), ("none", nowhere)):
        listed = curator_client.get(url, {"location": value}).context["cl"].result_list
        assert list(listed) == [expected], value


def test_a_certification_can_only_cover_its_own_organisations_offerings(curator_client, db):
    from tests.factories import CertificationFactory, OfferingFactory

    certification = CertificationFactory()
    mine = OfferingFactory(organisation=certification.organisation, title="Mon offre")
    theirs = OfferingFactory(title="Leur offre")
    url = admin_url(m.Certification, "change", certification.pk)
    data = change_form_data(curator_client.get(url))
    data["offerings"] = [str(mine.pk), str(theirs.pk)]
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "Leur offre" in str(response.context["adminform"].form.errors["offerings"])
    data["offerings"] = [str(mine.pk)]
    assert curator_client.post(url, data).status_code == 302
    assert list(certification.offerings.all()) == [mine]
    # In the organisation's page, a certification's offerings are chosen among its own only.
    page = curator_client.get(admin_url(m.Organisation, "change", certification.organisation_id))
    inline = next(
        admin.formset
        for admin in page.context["inline_admin_formsets"]
        if admin.formset.model is m.Certification
    )
    assert list(inline.forms[0].fields["offerings"].queryset) == [mine]


def test_curators_review_possible_duplicates_and_merge_after_confirming(curator_client, db):
    from tests.factories import OfferingFactory

    kept = OrganisationFactory(name="Nuage Girondin", slug="nuage-girondin")
    absorbed = OrganisationFactory(name="Nuage Girondin SAS", siren="732829320")
    offering = OfferingFactory(organisation=absorbed)
    changelist = admin_url(m.Organisation, "changelist")
    response = curator_client.post(
        changelist,
        {"action": "mark_as_duplicates", "_selected_action": [kept.pk, absorbed.pk]},
    )
    assert response.status_code == 302
    candidate = m.DuplicateCandidate.objects.get()
    assert {candidate.organisation, candidate.other_organisation} == {kept, absorbed}

    review = admin_url(m.DuplicateCandidate, "changelist")
    assert "Nuage Girondin SAS" in curator_client.get(review).text
    keep_first = "merge_into_first" if candidate.organisation == kept else "merge_into_second"
    confirmation = curator_client.post(
        review, {"action": keep_first, "_selected_action": [candidate.pk]}
    )
    assert confirmation.status_code == 200  # a page to confirm, nothing merged yet
    assert "732829320" in confirmation.text  # the differing fields, side by side
    assert m.Organisation.objects.filter(pk=absorbed.pk).exists()

    done = curator_client.post(
        review, {"action": keep_first, "_selected_action": [candidate.pk], "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert not m.Organisation.objects.filter(pk=absorbed.pk).exists()
    offering.refresh_from_db()
    kept.refresh_from_db()
    assert offering.organisation == kept and kept.siren == "732829320"


def test_a_pair_that_is_not_one_is_dismissed(curator_client, db):
    first, second = OrganisationFactory(), OrganisationFactory()
    candidate = m.DuplicateCandidate.objects.create(
        organisation=first, other_organisation=second, reason="same name"
    )
    review = admin_url(m.DuplicateCandidate, "changelist")
    curator_client.post(review, {"action": "dismiss", "_selected_action": [candidate.pk]})
    candidate.refresh_from_db()
    assert candidate.status == m.DuplicateStatus.DISMISSED
    assert candidate.decided_by == curator_client.user
    assert m.Organisation.objects.count() == 2
