"""The edit forms of a profile's entries, their snapshots and the diffs shown to people.

One form per editable model serves the member's page, the API and the replay of a proposal when a
curator approves it, so that a value is validated the same way wherever it comes from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.models import Certification, Offering, Organisation, Person, Reference

# What a member may change. Left to curators: membership of the cluster, the example flag, the
# slug, and links to other entries picked among thousands (software, partners), which need a
# search widget the back office has.
EDITABLE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Organisation: (
        "name",
        "kind",
        "legal_name",
        "siren",
        "siret",
        "naf_code",
        "description_fr",
        "description_en",
        "website",
        "email",
        "phone",
        "address",
        "postcode",
        "commune_insee",
        "commune_name",
        "headcount_band",
        "founded_year",
        "turnover_year",
        "turnover_amount",
        "logo_url",
        "tags",
    ),
    Offering: (
        "kind",
        "title",
        "description_fr",
        "description_en",
        "cpv_codes",
        "price_indication",
        "price_from",
        "url",
        "tags",
        "service_kind",
        "delivery_mode",
        "duration_hours",
        "hosting_kind",
        "datacenter_country",
        "datacenter_region",
        "datacenter_city",
        "operator_eu_owned",
        "extraterritorial_exposure",
        "reversibility_formats",
        "sla_availability",
        "pricing_model",
        "machine_type",
        "materials",
        "work_x_mm",
        "work_y_mm",
        "work_z_mm",
        "machine_access",
    ),
    Certification: (
        "scheme",
        "scope",
        "issuer",
        "valid_from",
        "valid_until",
        "evidence_url",
        "offerings",
    ),
    Reference: (
        "role",
        "title",
        "client_name",
        "year",
        "amount",
        "description_fr",
        "description_en",
        "cpv_codes",
        "is_public",
    ),
    Person: (
        "name",
        "role",
        "job_title",
        "bio_fr",
        "bio_en",
        "skills",
        "territory",
        "email",
        "phone",
        "contact_consent",
    ),
}

# The address segment of each kind of entry on the edit pages and in the API.
KINDS: dict[str, type[models.Model]] = {
    "organisation": Organisation,
    "offering": Offering,
    "certification": Certification,
    "reference": Reference,
    "person": Person,
}


def kind_of(model: type[models.Model]) -> str:
    return next(kind for kind, known in KINDS.items() if known is model)


class EntryForm(forms.ModelForm):
    """Ties a child entry to its organisation before the model's own validation runs."""

    def __init__(self, *args, organisation: Organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)
        if "offerings" in self.fields:
            self.fields["offerings"].queryset = organisation.offerings.order_by("title")
            self.fields["offerings"].widget = forms.CheckboxSelectMultiple()
            self.fields["offerings"].widget.choices = self.fields["offerings"].choices
        for name in ("valid_from", "valid_until"):
            if name in self.fields:
                self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 6)

    def _post_clean(self):
        if hasattr(self.instance, "organisation_id") and not isinstance(
            self.instance, Organisation
        ):
            self.instance.organisation = self.organisation
        super()._post_clean()

    def clean(self):
        cleaned = super().clean()
        if isinstance(self.instance, Certification) and cleaned.get("offerings"):
            self.instance.organisation = self.organisation
            try:
                self.instance.check_offerings(cleaned["offerings"])
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


def form_class(model: type[models.Model]) -> type[EntryForm]:
    return forms.modelform_factory(model, form=EntryForm, fields=EDITABLE_FIELDS[model])


def entry_form(
    model: type[models.Model],
    organisation: Organisation,
    instance: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
) -> EntryForm:
    return form_class(model)(data=data, instance=instance, organisation=organisation)


# Snapshots: the stored value of each field, as strings, to compare versions ----------------


def field_value(instance: models.Model, name: str) -> Any:
    """A JSON-able value of one field: ids for links, strings for the rest."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(getattr(instance, name).values_list("pk", flat=True))
    if field.is_relation:
        return getattr(instance, field.attname)
    value = field.value_from_object(instance)
    if isinstance(value, list):
        return list(value)
    return None if value is None else field.value_to_string(instance)


def snapshot(instance: models.Model, names: Iterable[str] | None = None) -> dict[str, Any]:
    names = EDITABLE_FIELDS[type(instance)] if names is None else names
    return {name: field_value(instance, name) for name in names}


def version_token(instance: models.Model | None) -> str:
    """Changes whenever any editable field of the live entry changes."""
    if instance is None or instance.pk is None:
        return ""
    payload = json.dumps(snapshot(instance), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


# Diffs in words ----------------------------------------------------------------------------


def display(form: forms.ModelForm, name: str, value: Any) -> str:
    """A value as a person reads it: the label of a choice, the names of linked entries."""
    field = form.fields[name]
    if value in (None, "", [], ()):
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        items = list(value)
        if items and not isinstance(items[0], models.Model):
            items = list(field.queryset.filter(pk__in=items))
        return ", ".join(sorted(str(item) for item in items))
    if isinstance(field, forms.ModelChoiceField):
        if not isinstance(value, models.Model):
            value = field.queryset.filter(pk=value).first()
        return str(value or "")
    if isinstance(field, forms.BooleanField):
        return str(_("yes") if value else _("no"))
    choices = dict(getattr(field, "choices", ()) or ())
    if choices and not isinstance(value, list | tuple):
        return str(choices.get(value, choices.get(str(value), value)))
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def changes_of(form: forms.ModelForm) -> list[dict[str, str]]:
    """The changed fields of a valid form: label, value before and after, in words."""
    rows = []
    instance_fields = {f.name for f in form.instance._meta.get_fields()}
    for name in form.fields:
        if name not in instance_fields:
            continue
        before = form.initial.get(name) if form.instance.pk else None
        after = form.cleaned_data.get(name)
        before_text, after_text = display(form, name, before), display(form, name, after)
        if before_text == after_text:
            continue
        rows.append(
            {
                "field": name,
                "label": str(form.fields[name].label or name),
                "before": before_text,
                "after": after_text,
            }
        )
    return rows


def removal_rows(instance: models.Model, organisation: Organisation) -> list[dict[str, str]]:
    """What a removal takes away, field by field, for the diff."""
    form = entry_form(type(instance), organisation, instance=instance)
    rows = []
    for name in form.fields:
        text = display(form, name, form.initial.get(name))
        if text:
            label = str(form.fields[name].label or name)
            rows.append({"field": name, "label": label, "before": text, "after": ""})
    return rows


def current_data(
    model: type[models.Model], organisation: Organisation, instance: models.Model | None
) -> dict[str, Any]:
    """The live entry's values as its edit form would post them, for partial updates: the API's
    PATCH and the replay of a proposal put only their changed fields on top."""
    if instance is None:
        return {}
    form = entry_form(model, organisation, instance=instance)
    values = {name: form[name].value() for name in form.fields}
    return {name: value for name, value in values.items() if value is not None}


def form_data(form: forms.ModelForm) -> dict[str, Any]:
    """What the form received, for its fields only, kept to replay it later."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        widget_value = field.widget.value_from_datadict(
            form.data, form.files, form.add_prefix(name)
        )
        if isinstance(widget_value, list | tuple):
            data[name] = [str(item) for item in widget_value]
        elif widget_value is not None:
            data[name] = widget_value if isinstance(widget_value, bool) else str(widget_value)
    return data
