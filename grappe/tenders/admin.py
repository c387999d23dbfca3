from django.contrib import admin

from grappe.tenders.models import Lot, Requirement, TeamConflict, Tender, Watch


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ["position", "lot_id", "title", "cpv_main", "cpv_additional", "estimated_value"]


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer_name", "deadline", "source_format", "created_at"]
    list_filter = ["source_format"]
    search_fields = ["title", "buyer_name", "reference", "notice_id"]
    readonly_fields = ["public_id", "notice", "warnings", "created_by", "created_at"]
    inlines = [LotInline]


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0
    fields = ["position", "kind", "label", "cpv_codes", "scheme", "threshold", "mandatory"]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tender", "cpv_main"]
    search_fields = ["title", "tender__title"]
    inlines = [RequirementInline]


@admin.register(TeamConflict)
class TeamConflictAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "reason", "created_at"]
    autocomplete_fields = ["first", "second"]
    search_fields = ["first__name", "second__name"]


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "updated_at"]
    autocomplete_fields = ["organisation"]
    search_fields = ["name", "organisation__name"]
    fieldsets = [(None, {"fields": ["organisation", "name", "cpv_codes", "keywords"]})]
