from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from grappe.serving import health

# French at the root, English under /en/: every page has one stable address per language.
urlpatterns = [
    # Probes: no language prefix, no session, no cookie, never cached (grappe/serving/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz_live"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("grappe.api.urls")),
    path("federation/", include("grappe.federation.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/imports/", include("grappe.interop.urls")),
    path("admin/", admin.site.urls),
    path("", include("grappe.web.urls")),
    prefix_default_language=False,
)
