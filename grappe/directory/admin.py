"""The back office: curators keep the index true here.

Every model keeps its full history through django-reversion; django-reversion-compare shows what
changed between two versions, and any version can be restored from the history page.
"""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from reversion_compare.admin import CompareVersionAdmin

from grappe.directory import models as m
from grappe.directory.merging import MergeError, merge, merge_preview
from grappe.directory.places import departement_label

admin.site.site_header = _("Grappe back office")
admin.site.site_title = _("Grappe")
admin.site.index_title = _("Curate the index")

TIMESTAMPS = (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)})


class DepartementFilter(admin.SimpleListFilter):
    title = _("département")
    parameter_name = "departement"
    field = "departement"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .exclude(**{self.field: ""})
            .values_list(self.field, flat=True)
            .distinct()
            .order_by(self.field)
        )
        return [(code, departement_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class OrganisationDepartementFilter(DepartementFilter):
    field = "organisation__departement"


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("valid today")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        today = date.today()
        valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
        if self.value() == "valid":
            return queryset.filter(valid)
        if self.value() == "expired":
            return queryset.filter(valid_until__lt=today)
        return queryset


class LocationFilter(admin.SimpleListFilter):
    """Curators' list of entries that say where they are but could not be placed on a map."""

    title = _("location")
    parameter_name = "location"

    def lookups(self, request, model_admin):
        return [
            ("placed", _("placed on the map")),
            ("unplaced", _("place given, not placed")),
            ("none", _("no place given")),
        ]

    def queryset(self, request, queryset):
        given = ~Q(commune_insee="") | ~Q(postcode="") | ~Q(commune_name="")
        if self.value() == "placed":
            return queryset.filter(latitude__isnull=False)
        if self.value() == "unplaced":
            return queryset.filter(given, latitude__isnull=True)
        if self.value() == "none":
            return queryset.filter(
                latitude__isnull=True, commune_insee="", postcode="", commune_name=""
            )
        return queryset


@admin.action(description=_("Put the two selected entries on the duplicates review list"))
def mark_as_duplicates(modeladmin, request, queryset):
    entries = list(queryset[:3])
    if len(entries) != 2:
        modeladmin.message_user(request, _("Select exactly two entries."), messages.WARNING)
        return None
    first, second = entries
    pair = (
        {"organisation": first, "other_organisation": second}
        if isinstance(first, m.Organisation)
        else {"software": first, "other_software": second}
    )
    m.DuplicateCandidate.objects.get_or_create(
        **pair, defaults={"reason": _("marked by a curator"), "source": request.user.get_username()}
    )
    return redirect("admin:directory_duplicatecandidate_changelist")


class OfferingInline(admin.TabularInline):
    model = m.Offering
    fields = ("title", "kind", "price_indication", "is_example")
    extra = 0
    show_change_link = True
    verbose_name_plural = _("offerings (open one to edit its details)")


class CertificationForm(forms.ModelForm):
    """Checks that the offerings a certification covers belong to its organisation."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):  # the inline has no organisation field: already set
            self.instance.organisation = cleaned["organisation"]
        if cleaned.get("offerings") and self.instance.organisation_id:
            self.instance.check_offerings(cleaned["offerings"])
        return cleaned


class CertificationInline(admin.TabularInline):
    model = m.Certification
    form = CertificationForm
    fields = ("scheme", "scope", "valid_from", "valid_until", "offerings", "evidence_url")
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "offerings":  # only this organisation's offerings to choose from
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = m.Offering.objects.filter(organisation_id=object_id or None)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OrganisationSoftwareInline(admin.TabularInline):
    model = m.SoftwareRelation
    fk_name = "organisation"
    fields = ("software", "role", "since_year", "testimony_fr", "testimony_en")
    autocomplete_fields = ("software",)
    extra = 0


class SoftwareOrganisationInline(OrganisationSoftwareInline):
    fk_name = "software"
    fields = ("organisation", "role", "since_year", "testimony_fr", "testimony_en")
    autocomplete_fields = ("organisation",)


class ReferenceInline(admin.TabularInline):
    model = m.Reference
    fk_name = "organisation"
    fields = ("title", "client_name", "year", "amount", "role", "is_public")
    extra = 0
    show_change_link = True


class PersonInline(admin.TabularInline):
    model = m.Person
    fields = ("name", "role", "job_title", "contact_consent")
    extra = 0
    show_change_link = True


@admin.register(m.Organisation)
class OrganisationAdmin(CompareVersionAdmin):
    actions = [mark_as_duplicates]
    list_display = (
        "name",
        "kind",
        "departement_name",
        "membership_status",
        "offering_count",
        "is_example",
        "updated_at",
    )
    list_filter = (
        "kind",
        "membership_status",
        DepartementFilter,
        LocationFilter,
        "is_example",
        "headcount_band",
        ("certifications__scheme", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "legal_name", "siren", "siret", "commune_name", "postcode", "slug")
    readonly_fields = ("departement", "created_at", "updated_at")
    inlines = (
        OfferingInline,
        CertificationInline,
        OrganisationSoftwareInline,
        ReferenceInline,
        PersonInline,
    )
    fieldsets = (
        (None, {"fields": ("kind", "name", "legal_name", "slug", "is_example", "tags")}),
        (_("Identifiers"), {"fields": ("siren", "siret", "naf_code", "wikidata_id")}),
        (_("Description"), {"fields": ("description_fr", "description_en", "logo_url")}),
        (_("Public contact"), {"fields": ("website", "email", "phone")}),
        (
            _("Location"),
            {
                "fields": (
                    "address",
                    ("postcode", "commune_name"),
                    "commune_insee",
                    "departement",
                    ("latitude", "longitude"),
                )
            },
        ),
        (
            _("Figures for tenders"),
            {"fields": ("headcount_band", "founded_year", ("turnover_year", "turnover_amount"))},
        ),
        (_("Cluster membership"), {"fields": ("membership_status", "member_since")}),
        TIMESTAMPS,
    )
    date_hierarchy = "updated_at"

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).annotate(offering_total=Count("offerings"))

    @admin.display(description=_("département"), ordering="departement")
    def departement_name(self, obj: m.Organisation) -> str:
        return departement_label(obj.departement)

    @admin.display(description=_("offerings"), ordering="offering_total")
    def offering_count(self, obj) -> int:
        return obj.offering_total


@admin.register(m.Software)
class SoftwareAdmin(CompareVersionAdmin):
    actions = [mark_as_duplicates]
    list_display = (
        "name",
        "licence",
        "development_status",
        "software_type",
        "sill_id",
        "is_example",
    )
    list_filter = ("categories", "development_status", "software_type", "is_example")
    search_fields = ("name", "description_fr", "description_en", "licence", "slug")
    autocomplete_fields = ("similar",)
    filter_horizontal = ("categories",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (SoftwareOrganisationInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_example", "categories", "tags", "alternative_to")}),
        (_("Description"), {"fields": ("description_fr", "description_en", "logo_url")}),
        (_("Licence"), {"fields": ("licence_raw", "licence")}),
        (
            _("Links"),
            {"fields": ("website", "repository_url", "wikidata_id", "sill_id", "comptoir_id")},
        ),
        (
            _("publiccode.yml"),
            {
                "fields": (
                    "software_type",
                    "development_status",
                    "maintenance_type",
                    "platforms",
                    ("latest_version", "release_date"),
                )
            },
        ),
        (_("Related"), {"fields": ("similar",)}),
        TIMESTAMPS,
    )


@admin.register(m.Offering)
class OfferingAdmin(CompareVersionAdmin):
    list_display = ("title", "organisation", "kind", "detail", "is_example", "updated_at")
    list_filter = (
        "kind",
        "service_kind",
        "hosting_kind",
        "operator_eu_owned",
        "extraterritorial_exposure",
        "machine_type",
        "machine_access",
        OrganisationDepartementFilter,
        "is_example",
    )
    search_fields = ("title", "description_fr", "description_en", "organisation__name", "slug")
    autocomplete_fields = ("organisation", "software")
    list_select_related = ("organisation",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("organisation", "kind", "title", "slug", "is_example", "tags")}),
        (_("Description"), {"fields": ("description_fr", "description_en", "url", "software")}),
        (_("Procurement and price"), {"fields": ("cpv_codes", "price_indication", "price_from")}),
        (
            _("Service or training"),
            {
                "fields": ("service_kind", "delivery_mode", "duration_hours"),
                "description": _("Only for offerings of kind “Service”."),
            },
        ),
        (
            _("Hosting"),
            {
                "fields": (
                    "hosting_kind",
                    ("datacenter_country", "datacenter_region", "datacenter_city"),
                    ("operator_eu_owned", "extraterritorial_exposure"),
                    "reversibility_formats",
                    ("sla_availability", "pricing_model"),
                ),
                "description": _("Only for offerings of kind “Hosting offer”."),
            },
        ),
        (
            _("Machine"),
            {
                "fields": (
                    "machine_type",
                    "materials",
                    ("work_x_mm", "work_y_mm", "work_z_mm"),
                    "machine_access",
                ),
                "description": _("Only for offerings of kind “Machine”."),
            },
        ),
        TIMESTAMPS,
    )

    @admin.display(description=_("detail"))
    def detail(self, obj: m.Offering) -> str:
        for field in ("service_kind", "hosting_kind", "machine_type"):
            if getattr(obj, field):
                return getattr(obj, f"get_{field}_display")()
        return ""


@admin.register(m.Category)
class CategoryAdmin(CompareVersionAdmin):
    list_display = ("name_fr", "name_en", "parent", "software_count")
    search_fields = ("name_fr", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).annotate(software_total=Count("software"))

    @admin.display(description=pgettext_lazy("plural", "software"), ordering="software_total")
    def software_count(self, obj) -> int:
        return obj.software_total


@admin.register(m.CertificationScheme)
class CertificationSchemeAdmin(CompareVersionAdmin):
    list_display = ("name", "issuer", "sovereign_qualification", "holder_count")
    search_fields = ("name", "issuer", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).annotate(holder_total=Count("certifications"))

    @admin.display(description=_("holders"), ordering="holder_total")
    def holder_count(self, obj) -> int:
        return obj.holder_total


@admin.register(m.Certification)
class CertificationAdmin(CompareVersionAdmin):
    form = CertificationForm
    list_display = ("scheme", "organisation", "valid_from", "valid_until")
    list_filter = ("scheme", ValidityFilter)
    search_fields = ("organisation__name", "scheme__name", "scope")
    autocomplete_fields = ("organisation", "offerings")
    list_select_related = ("scheme", "organisation")


@admin.register(m.SoftwareRelation)
class SoftwareRelationAdmin(CompareVersionAdmin):
    list_display = ("organisation", "role", "software", "since_year")
    list_filter = ("role",)
    search_fields = ("organisation__name", "software__name")
    autocomplete_fields = ("organisation", "software")
    list_select_related = ("organisation", "software")


@admin.register(m.Reference)
class ReferenceAdmin(CompareVersionAdmin):
    list_display = ("title", "organisation", "client_name", "year", "amount", "role", "is_public")
    list_filter = ("role", "year", "is_public", "is_example")
    search_fields = ("title", "client_name", "organisation__name", "description_fr")
    autocomplete_fields = ("organisation", "client", "software", "partners")
    list_select_related = ("organisation",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(m.Person)
class PersonAdmin(CompareVersionAdmin):
    list_display = (
        "name",
        "role",
        "organisation",
        "territory_list",
        "contact_consent",
        "is_example",
    )
    list_filter = ("role", "contact_consent", "is_example")
    search_fields = ("name", "job_title", "organisation__name", "slug")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("territory"))
    def territory_list(self, obj: m.Person) -> str:
        return ", ".join(obj.territory)


@admin.register(m.Event)
class EventAdmin(CompareVersionAdmin):
    list_display = ("title", "starts_on", "ends_on", "commune_name", "organiser", "is_example")
    list_filter = ("is_online", "is_example")
    search_fields = ("title", "place", "commune_name", "organiser__name", "organiser_name")
    autocomplete_fields = ("organiser",)
    list_select_related = ("organiser",)
    date_hierarchy = "starts_on"
    readonly_fields = ("created_at", "updated_at")


@admin.register(m.DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    """The curators' review list: pairs an importer (or a curator) was not sure of. Merging
    moves everything to the kept entry (grappe.directory.merging) after a confirmation page."""

    list_display = ("first", "second", "reason", "source", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("organisation__name", "other_organisation__name", "software__name")
    readonly_fields = [f.name for f in m.DuplicateCandidate._meta.fields]
    actions = ["merge_into_first", "merge_into_second", "dismiss"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("entry"))
    def first(self, obj: m.DuplicateCandidate):
        return obj.pair[0]

    @admin.display(description=_("may be the same as"))
    def second(self, obj: m.DuplicateCandidate):
        return obj.pair[1]

    @admin.action(description=_("Merge: keep the first entry"))
    def merge_into_first(self, request, queryset):
        return self._merge(request, queryset, keep_first=True)

    @admin.action(description=_("Merge: keep the second entry"))
    def merge_into_second(self, request, queryset):
        return self._merge(request, queryset, keep_first=False)

    @admin.action(description=_("Not duplicates: take off the list"))
    def dismiss(self, request, queryset):
        count = queryset.filter(status=m.DuplicateStatus.OPEN).update(
            status=m.DuplicateStatus.DISMISSED, decided_by=request.user, decided_at=timezone.now()
        )
        self.message_user(request, _("%(count)s pairs dismissed.") % {"count": count})

    def _merge(self, request, queryset, *, keep_first: bool):
        pairs = [c for c in queryset if c.status == m.DuplicateStatus.OPEN]
        plans = [(c.pair if keep_first else c.pair[::-1]) for c in pairs]
        if request.POST.get("confirmed") != "yes":  # show what will happen, ask to confirm
            return TemplateResponse(
                request,
                "admin/directory/merge_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Merge these entries?"),
                    "plans": [
                        (kept, absorbed, merge_preview(kept, absorbed)) for kept, absorbed in plans
                    ],
                    "queryset": queryset,
                    "action": request.POST.get("action"),
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for kept, absorbed in plans:
            try:
                merge(kept, absorbed, user=request.user)
            except (MergeError, ValidationError) as error:
                self.message_user(
                    request,
                    _("“%(absorbed)s” was not merged: %(error)s")
                    % {"absorbed": absorbed, "error": error},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("“%(absorbed)s” was merged into “%(kept)s”.")
                    % {"absorbed": absorbed, "kept": kept},
                )
        return None
