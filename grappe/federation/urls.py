from django.urls import path

from grappe.federation import views

app_name = "federation"
urlpatterns = [path("feed", views.feed, name="feed")]
