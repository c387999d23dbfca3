from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "grappe.geo"
    label = "geo"
    verbose_name = _("Places")

    def ready(self):
        from grappe.geo.placing import connect_signals

        connect_signals()
