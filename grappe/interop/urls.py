from django.contrib import admin
from django.urls import path

from grappe.interop import views

app_name = "interop"
urlpatterns = [
    path("", admin.site.admin_view(views.upload), name="upload"),
    path("report.txt", admin.site.admin_view(views.last_report), name="report"),
]
