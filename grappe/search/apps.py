from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "grappe.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from grappe.search.indexing import connect_signals

        connect_signals()
