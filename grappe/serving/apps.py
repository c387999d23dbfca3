from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServingConfig(AppConfig):
    name = "grappe.serving"
    label = "serving"
    verbose_name = _("Serving")

    def ready(self):
        from grappe.serving import caching, deploy

        caching.connect_signals()
        deploy.register_checks()
