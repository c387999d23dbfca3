from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "grappe.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from grappe.directory.history import register_history

        register_history()
