"""Model fields shared by the directory's models."""

import re
from collections.abc import Callable, Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.validators import compact_identifier, normalise_phone


class CommaSeparatedListFormField(forms.CharField):
    """Edit a list of short strings as one line: "PLA, PETG, ABS"."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value)
        return [item.strip() for item in re.split(r"[,;\n]", text) if item.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data or "")


class StringListField(models.JSONField):
    """A list of strings stored as JSON, validated item by item and kept free of duplicates.

    Plain JSON rather than a join table: these lists (tags, materials, platforms, CPV codes) are
    read with their row and indexed by the search backends, never joined on.
    """

    def __init__(
        self,
        *args,
        item_validators: Iterable[Callable[[str], None]] = (),
        normalise: Callable[[str], str] | None = None,
        **kwargs,
    ):
        self.item_validators = list(item_validators)
        self.normalise = normalise
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [item for item in re.split(r"[,;\n]", value)]
        if not isinstance(value, list | tuple):
            raise ValidationError(_("Enter a list of values separated by commas."), code="invalid")
        items: list[str] = []
        for item in value:
            text = str(item).strip()
            if self.normalise:
                text = self.normalise(text)
            if text and text not in items:
                items.append(text)
        return items

    def clean(self, value, model_instance):
        value = self.to_python(value)
        errors = []
        for item in value:
            for validator in self.item_validators:
                try:
                    validator(item)
                except ValidationError as error:
                    errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": CommaSeparatedListFormField,
            "required": not self.blank,
            "help_text": self.help_text or _("Separate values with commas."),
        }
        defaults.update(kwargs)
        defaults.pop("encoder", None)
        defaults.pop("decoder", None)
        return models.Field.formfield(self, **defaults)


class CompactIdentifierField(models.CharField):
    """SIREN and SIRET as typed by people ("356 000 000") stored in their compact digits."""

    def to_python(self, value):
        value = super().to_python(value)
        return compact_identifier(value) if value else value


class PhoneField(models.CharField):
    """A phone number stored in E.164 (+33556...), so that one number has one spelling."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_phone(value.strip()) if value else value
