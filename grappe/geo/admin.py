"""The gazetteer in the back office: to look things up. Its content comes from the official
files (`grappe import communes|departements|epci`), so it is read-only here; a wrong entry is
fixed by importing a corrected file."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grappe.geo.models import Commune, Departement, Epci


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ("name", "insee_code", "departement", "epci", "population")
    list_filter = ("departement", "epci__kind")
    search_fields = ("name", "insee_code", "postcodes", "epci__name")
    list_select_related = ("epci",)
    exclude = ("name_key",)


class MemberInline(admin.TabularInline):
    model = Commune
    fields = ("insee_code", "name", "population")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("member communes")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "population")
    list_filter = ("kind",)
    search_fields = ("name", "code", "communes__name")
    inlines = [MemberInline]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    exclude = ("outline",)  # a long JSON text: see it on the map
