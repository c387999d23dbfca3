from django.urls import path

from grappe.web import observatory, tenders, views
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
    path("observatory/", observatory.page, name="observatory"),
    path("observatory/<slug:chart>.csv", observatory.csv_download, name="observatory_csv"),
    path("map/", views.map_page, name="map"),
    path("map/departements.geojson", views.departement_outlines, name="outlines"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("software/<slug:slug>/", views.software, name="software"),
    path("offerings/<slug:slug>/", views.offering, name="offering"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("events/<slug:slug>/", views.event, name="event"),
    path("events/<slug:slug>.ics", views.event_calendar, name="event_calendar"),
    # Calls for tenders: a tender's address is its UUID; lot ids are the notice's ("LOT-0001").
    path("tenders/", tenders.tenders, name="tenders"),
    path("tenders/watch/<slug:slug>/", tenders.tender_watch, name="tender_watch"),
    path(
        "tenders/watch/<slug:slug>/<int:watch_id>/edit/",
        tenders.tender_watch_edit,
        name="tender_watch_edit",
    ),
    path(
        "tenders/watch/<slug:slug>/<int:watch_id>/delete/",
        tenders.tender_watch_delete,
        name="tender_watch_delete",
    ),
    path("tenders/<uuid:public_id>/", tenders.tender, name="tender"),
    path("tenders/<uuid:public_id>/teams.csv", tenders.tender_teams_csv, name="tender_teams_csv"),
    path(
        "tenders/<uuid:public_id>/teams.json", tenders.tender_teams_json, name="tender_teams_json"
    ),
    path("tenders/<uuid:public_id>/print/", tenders.tender_print, name="tender_print"),
    path("tenders/<uuid:public_id>/lots/<str:lot_id>/", tenders.tender_lot, name="tender_lot"),
    path(
        "tenders/<uuid:public_id>/lots/<str:lot_id>/edit/",
        tenders.tender_lot_edit,
        name="tender_lot_edit",
    ),
]
