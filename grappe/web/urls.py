from django.urls import path

from grappe.web import views
from grappe.web.feeds import EntriesFeed

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/results.geojson", views.search_geojson, name="search_geojson"),
    path("search/results.csv", views.search_csv, name="search_csv"),
    path("search/results.json", views.search_json, name="search_json"),
    path("feeds/", EntriesFeed(), name="feed"),
    path("feeds/kind/<str:kind>/", EntriesFeed(), name="kind_feed"),
    path("feeds/departement/<str:departement>/", EntriesFeed(), name="departement_feed"),
    path("feeds/category/<slug:category>/", EntriesFeed(), name="category_feed"),
    path("events.ics", views.events_calendar, name="events_calendar"),
    path("map/", views.map_page, name="map"),
    path("map/departements.geojson", views.departement_outlines, name="outlines"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("software/<slug:slug>/", views.software, name="software"),
    path("offerings/<slug:slug>/", views.offering, name="offering"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("events/<slug:slug>/", views.event, name="event"),
    path("events/<slug:slug>.ics", views.event_calendar, name="event_calendar"),
]
