from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "grappe.interop"
    label = "interop"
    verbose_name = _("Imports and exports")

    def ready(self):
        from grappe.interop import exporters, importers  # noqa: F401  (they register formats)
