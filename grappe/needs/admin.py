from django.contrib import admin

from grappe.needs.models import Answer, Follow, Need, Pledge


class PledgeInline(admin.TabularInline):
    model = Pledge
    extra = 0
    fields = ["organisation", "user", "amount", "amount_visibility", "show_name", "constraints"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["user"]


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = ["organisation", "partners", "author", "scope", "price", "duration_days", "team"]
    autocomplete_fields = ["organisation", "partners"]
    readonly_fields = ["author"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    """Read and correct needs; choosing, delivering and merging go through the pages, which
    apply the rules and tell the coalition."""

    list_display = ["title", "kind", "status", "organisation", "departement", "last_activity_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "description", "organisation__name", "software__name"]
    autocomplete_fields = ["software", "organisation"]
    readonly_fields = [
        "public_id",
        "created_by",
        "merged_into",
        "chosen_answer",
        "delivered_at",
        "created_at",
        "updated_at",
        "last_activity_at",
    ]
    inlines = [PledgeInline, AnswerInline]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "software", "category", "departement", "created_at"]
    search_fields = ["user__email", "software__name", "category__name_fr", "departement"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["software"]
