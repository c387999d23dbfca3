"""The public site's forms: adding a call for tenders, editing a lot before matching, watches.

Forms only check what a person typed and say which field is wrong; reading notices, matching and
building teams stay in grappe.tenders.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from grappe.directory.models import CertificationScheme
from grappe.directory.validators import normalise_cpv, validate_cpv
from grappe.tenders.models import Lot, Requirement, RequirementKind, Watch
from grappe.tenders.models.tenders import SUMMED
from grappe.tenders.notices import MAX_NOTICE_BYTES

# A pasted notice is a page or two of text; the request body limit (DATA_UPLOAD_MAX_MEMORY_SIZE,
# 5 MB) must never be what refuses it, so the form refuses first with a message.
MAX_PASTED_CHARACTERS = 200_000
NOTICE_EXTENSIONS = (".xml", ".json", ".txt", ".text")
# NUTS codes: the country, then up to three characters (FR, FRI, FRI1, FRI12).
NUTS_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")


class NoticeForm(forms.Form):
    """A notice as a file (eForms or BOAMP XML, BOAMP JSON, text) or as pasted text: one of
    the two, never both, so that what is read is never a guess between them."""

    notice_file = forms.FileField(
        label=_("Notice file"),
        required=False,
        help_text=_("eForms or BOAMP XML, BOAMP JSON, or text; %(size)s at most.")
        % {"size": filesizeformat(MAX_NOTICE_BYTES)},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xml,.json,.txt,application/xml,text/xml,application/json,text/plain"}
        ),
    )
    notice_text = forms.CharField(
        label=_("Or paste the notice’s text"),
        required=False,
        max_length=MAX_PASTED_CHARACTERS,
        strip=True,
        help_text=_("French or English, as published: lots, CPV codes, requirements, deadline."),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
    )

    def clean_notice_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("notice_file")
        if upload is None:
            return None
        if upload.size > MAX_NOTICE_BYTES:
            raise ValidationError(
                _("The file is %(size)s; notices larger than %(limit)s are refused."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_NOTICE_BYTES),
                },
            )
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        upload, text = cleaned.get("notice_file"), cleaned.get("notice_text")
        if self.errors:
            return cleaned
        if upload and text:
            raise ValidationError(_("Choose a file or paste a text, not both."), code="both_given")
        if not upload and not text:
            raise ValidationError(
                _("Choose a notice file or paste the notice’s text."), code="nothing_given"
            )
        return cleaned

    def content(self) -> tuple[bytes, str | None]:
        """The bytes to read and the file name that helps tell the format (None for text)."""
        upload = self.cleaned_data.get("notice_file")
        if upload:
            return upload.read(), upload.name
        # Browsers send text areas with CRLF line ends; the text reader counts lines.
        text = self.cleaned_data["notice_text"].replace("\r\n", "\n").replace("\r", "\n")
        return text.encode("utf-8"), None


class CpvCodeField(forms.CharField):
    """One CPV code as people copy it, with or without its check digit: "72212000-4"."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value: str) -> str:
        value = super().clean(value)
        if not value:
            return ""
        code = normalise_cpv(value)
        validate_cpv(code)
        return code


class LotForm(forms.ModelForm):
    """What the lot is about: its title, its CPV codes and where the work is."""

    cpv_main = CpvCodeField(label=_("Main CPV code"), required=False)

    class Meta:
        model = Lot
        fields = ["title", "cpv_main", "cpv_additional", "nuts"]
        help_texts = {
            "cpv_additional": _("Separate codes with commas, such as 72212000-4, 80533100."),
            "nuts": _("NUTS codes separated by commas, such as FRI12 (Gironde)."),
        }

    def clean_nuts(self) -> list[str]:
        codes = [code.strip().upper() for code in self.cleaned_data.get("nuts") or []]
        wrong = [code for code in codes if not NUTS_CODE.fullmatch(code)]
        if wrong:
            raise ValidationError(
                _(
                    "“%(value)s” is not a NUTS code: expected a country and up to three more "
                    "letters or digits, such as FRI12."
                ),
                code="invalid_nuts",
                params={"value": wrong[0]},
            )
        return list(dict.fromkeys(codes))


class RequirementForm(forms.ModelForm):
    """One requirement; each kind says what it needs, so that matching can score it."""

    scheme = forms.ModelChoiceField(
        label=_("Certification"),
        queryset=CertificationScheme.objects.order_by("name"),
        required=False,
        help_text=_("For a certification requirement."),
    )

    class Meta:
        model = Requirement
        fields = ["kind", "label", "cpv_codes", "keywords", "scheme", "threshold", "mandatory"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 2, "cols": 60})}
        help_texts = {
            "cpv_codes": _("For a capability: the CPV codes of the work, separated by commas."),
            "threshold": _("For a minimum turnover (euros), staff or number of references."),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        if kind == RequirementKind.CERTIFICATION and not cleaned.get("scheme"):
            self.add_error("scheme", _("Choose the certification this requirement asks for."))
        if kind != RequirementKind.CERTIFICATION and cleaned.get("scheme"):
            self.add_error("scheme", _("Only a certification requirement names a certification."))
        threshold: Decimal | None = cleaned.get("threshold")
        if kind in SUMMED and threshold is None:
            self.add_error("threshold", _("Give the minimum the team must reach."))
        if kind not in SUMMED and threshold is not None:
            self.add_error(
                "threshold",
                _("Only a minimum turnover, staff or number of references has a threshold."),
            )
        if kind != RequirementKind.CAPABILITY and cleaned.get("cpv_codes"):
            self.add_error("cpv_codes", _("Only a capability is matched on CPV codes."))
        worded = (
            (kind == RequirementKind.CAPABILITY and cleaned.get("cpv_codes"))
            or (kind == RequirementKind.CERTIFICATION and cleaned.get("scheme"))
            or (kind in SUMMED and threshold is not None)
        )
        if not cleaned.get("label") and not worded:
            # Only a code, a certification or a threshold can be put into words for the reader.
            self.add_error("label", _("Say what this requirement asks for."))
        return cleaned


class BaseRequirementFormSet(forms.BaseInlineFormSet):
    def save_new(self, form: RequirementForm, commit: bool = True) -> Requirement:
        """New requirements come after the lot's existing ones."""
        requirement = super().save_new(form, commit=False)
        last = max((r.position for r in self.instance.requirements.all()), default=-1)
        requirement.position = last + 1 + len(self.new_objects)
        if commit:
            requirement.save()
        return requirement


RequirementFormSet = forms.inlineformset_factory(
    Lot,
    Requirement,
    form=RequirementForm,
    formset=BaseRequirementFormSet,
    extra=2,
    can_delete=True,
    max_num=100,
    validate_max=True,
)


class WatchForm(forms.ModelForm):
    """A standing search: CPV branches and words that bring a member the notices it answers."""

    class Meta:
        model = Watch
        fields = ["name", "cpv_codes", "keywords"]
        help_texts = {
            "cpv_codes": _(
                "Separate codes with commas; a code also catches every narrower code of its "
                "branch, such as 72000000 for all IT services."
            ),
            "keywords": _(
                "Separate keywords with commas; any of them in a notice’s title or description."
            ),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("cpv_codes") and not cleaned.get("keywords"):
            raise ValidationError(
                _("Give at least one CPV code or one keyword."), code="empty_watch"
            )
        return cleaned
