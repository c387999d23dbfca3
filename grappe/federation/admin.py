"""The back office's view of federation: peers editable, the bookkeeping read-only."""

from django.contrib import admin

from grappe.federation.models import Peer, Provenance, Tombstone


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "base_url", "last_pull_at", "last_error")
    search_fields = ("name", "base_url")
    readonly_fields = ("cursor", "pending", "last_pull_at", "last_error", "created_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Provenance)
class ProvenanceAdmin(ReadOnlyAdmin):
    list_display = ("peer", "kind", "remote_slug", "entry_id", "linked", "remote_updated_at")
    list_filter = ("peer", "kind", "linked")
    search_fields = ("remote_slug",)


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ("kind", "slug", "deleted_at")
    list_filter = ("kind",)
    search_fields = ("slug",)
