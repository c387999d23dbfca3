from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "grappe.api"
    label = "api"
    verbose_name = "API"  # the same word in French and English; the API has no models to label
