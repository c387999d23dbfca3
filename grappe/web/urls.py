from django.urls import path

from grappe.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/results.geojson", views.search_geojson, name="search_geojson"),
    path("map/", views.map_page, name="map"),
    path("map/departements.geojson", views.departement_outlines, name="outlines"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("software/<slug:slug>/", views.software, name="software"),
    path("offerings/<slug:slug>/", views.offering, name="offering"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("events/<slug:slug>/", views.event, name="event"),
]
