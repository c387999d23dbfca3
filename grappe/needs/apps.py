from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "grappe.needs"
    label = "needs"
    verbose_name = _("Needs")

    def ready(self):
        from grappe.interop.importers.demo import register_demo_extra
        from grappe.needs.demo import load_example_needs

        register_demo_extra(load_example_needs)
