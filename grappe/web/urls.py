from django.urls import path
from django.views.decorators.http import require_safe

from grappe.web import accounts, curation, editing, needs, observatory, tenders, views
from grappe.web.feeds import EntriesFeed
from grappe.web.needs_feeds import NeedsFeed

feed = require_safe(EntriesFeed())  # read-only pages answer 405 to every write
needs_feed = require_safe(NeedsFeed())

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/results.geojson", views.search_geojson, name="search_geojson"),
    path("search/results.csv", views.search_csv, name="search_csv"),
    path("search/results.json", views.search_json, name="search_json"),
    path("feeds/", feed, name="feed"),
    path("feeds/kind/<str:kind>/", feed, name="kind_feed"),
    path("feeds/departement/<str:departement>/", feed, name="departement_feed"),
    path("feeds/category/<slug:category>/", feed, name="category_feed"),
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
    # Needs (grappe/web/needs.py): the board, posting, a need's page and its writes, feeds.
    path("needs/", needs.board, name="needs"),
    path("needs/new/", needs.new_need, name="need_new"),
    path("needs/follow/", needs.follow, name="needs_follow"),
    path("needs/unfollow/", needs.unfollow, name="needs_unfollow"),
    path("needs/feed/", needs_feed, name="needs_feed"),
    path("needs/feed/software/<slug:software>/", needs_feed, name="needs_software_feed"),
    path("needs/feed/category/<slug:category>/", needs_feed, name="needs_category_feed"),
    path("needs/feed/departement/<str:departement>/", needs_feed, name="needs_departement_feed"),
    path("needs/<uuid:public_id>/", needs.need, name="need"),
    path("needs/<uuid:public_id>/join/", needs.join, name="need_join"),
    path(
        "needs/<uuid:public_id>/pledges/<slug:organisation>/leave/",
        needs.leave,
        name="need_leave",
    ),
    path("needs/<uuid:public_id>/answer/", needs.answer, name="need_answer"),
    path(
        "needs/<uuid:public_id>/answers/<int:answer_id>/choose/",
        needs.choose,
        name="need_choose",
    ),
    path(
        "needs/<uuid:public_id>/answers/<int:answer_id>/withdraw/",
        needs.withdraw_answer,
        name="need_withdraw_answer",
    ),
    path("needs/<uuid:public_id>/deliver/", needs.deliver, name="need_deliver"),
    path("needs/<uuid:public_id>/reopen/", needs.reopen, name="need_reopen"),
    path("needs/<uuid:public_id>/merge/", needs.merge, name="need_merge"),
    path("needs/<uuid:public_id>/team/", needs.team, name="need_team"),
    # Accounts (grappe/web/accounts.py): sign-up, login, the member's dashboard, tokens, data.
    path("account/", accounts.dashboard, name="dashboard"),
    path("account/signup/", accounts.signup, name="signup"),
    path("account/signup/sent/", accounts.signup_sent, name="signup_sent"),
    path("account/confirm/<uidb64>/<token>/", accounts.confirm_email, name="confirm_email"),
    path("account/confirm/resend/", accounts.resend_confirmation, name="resend_confirmation"),
    path("account/login/", accounts.LoginView.as_view(), name="login"),
    path("account/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/claim/", accounts.claim, name="claim"),
    path("account/memberships/<int:pk>/leave/", accounts.leave_membership, name="leave_membership"),
    path("account/tokens/", accounts.api_tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", accounts.revoke_api_token, name="revoke_api_token"),
    path("account/data/", accounts.my_data, name="my_data"),
    path(
        "account/data/grappe-personal-data.json", accounts.my_data_download, name="my_data_download"
    ),
    path("account/delete/", accounts.delete_account, name="delete_account"),
    # Editing a profile (grappe/web/editing.py): proposals for members, at once for curators.
    path("account/proposals/<int:pk>/", editing.proposal, name="proposal"),
    path("account/proposals/<int:pk>/withdraw/", editing.withdraw, name="proposal_withdraw"),
    path("organisations/<slug:slug>/manage/", editing.manage, name="manage_organisation"),
    path("organisations/<slug:slug>/confirm/", editing.confirm, name="confirm_profile"),
    path("organisations/<slug:slug>/edit/", editing.edit_organisation, name="edit_organisation"),
    path("organisations/<slug:slug>/<str:kind>/new/", editing.new_entry, name="new_entry"),
    path(
        "organisations/<slug:slug>/<str:kind>/<int:pk>/edit/",
        editing.edit_entry,
        name="edit_entry",
    ),
    path(
        "organisations/<slug:slug>/<str:kind>/<int:pk>/remove/",
        editing.remove_entry,
        name="remove_entry",
    ),
    # Curators' queue (grappe/web/curation.py).
    path("curation/", curation.queue, name="curation"),
    path("curation/proposals/<int:pk>/", curation.proposal, name="curation_proposal"),
    path("curation/claims/<int:pk>/", curation.claim, name="curation_claim"),
    path("curation/stale/", curation.stale, name="curation_stale"),
]
