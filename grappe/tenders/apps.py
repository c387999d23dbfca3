from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "grappe.tenders"
    label = "tenders"
    verbose_name = _("Calls for tenders")

    def ready(self):
        from grappe.interop.importers.demo import register_demo_extra
        from grappe.tenders.demo import load_example_tenders

        register_demo_extra(load_example_tenders)
