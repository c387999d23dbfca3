from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "grappe.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.backends.signals import connection_created

        from grappe.search.indexing import connect_signals

        connect_signals()
        connection_created.connect(register_sqlite_functions, dispatch_uid="grappe-sqlite-fns")


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no trigonometry by default: distances come from Python (grappe.geo)."""
    if connection.vendor != "sqlite":
        return
    from grappe.geo.distance import distance_km

    def distance(lat1, lon1, lat2, lon2):
        if lat1 is None or lon1 is None:
            return None
        return distance_km(lat1, lon1, lat2, lon2)

    connection.connection.create_function("grappe_distance", 4, distance, deterministic=True)
