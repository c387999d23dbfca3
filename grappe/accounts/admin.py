"""Accounts in the back office: administrators name ambassadors (a territory on the profile);
curators see memberships, proposals and tokens. Deciding happens on the curators' pages, where
the rules of grappe/accounts/permissions.py apply; here proposals are read-only records."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.models import ApiToken, Membership, Profile, Proposal

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("email_confirmed_at", "language", "territory")
    verbose_name_plural = _("profile")


class GrappeUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, ProfileInline]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, GrappeUserAdmin)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "status", "method", "created_at", "decided_at")
    list_filter = ("status", "method")
    search_fields = ("user__email", "organisation__name")
    raw_id_fields = ("user", "organisation")
    readonly_fields = ("decided_by", "decided_at", "reminded_at", "created_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation_name", "author", "status", "created_at")
    list_filter = ("status", "action", "content_type")
    search_fields = ("organisation_name", "object_label", "author__email")
    exclude = ("data",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    search_fields = ("name", "user__email", "prefix")
    exclude = ("digest",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
