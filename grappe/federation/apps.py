from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "grappe.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from grappe.federation.searching import mark_origins, origin_labels
        from grappe.federation.signals import connect_signals
        from grappe.search.extensions import register_enricher, register_labeller

        connect_signals()
        register_enricher(mark_origins)
        register_labeller("origin", origin_labels)
