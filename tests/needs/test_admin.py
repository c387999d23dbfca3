"""The back office lists needs and follows, with their pledges and answers.

Administrators here: curators get the needs' permissions once "needs" is among
grappe.accounts.roles.CURATED_APPS.
"""

import pytest

from grappe.needs import services

pytestmark = pytest.mark.django_db


def test_the_back_office_shows_needs_with_their_pledges_and_answers(
    admin_client, need, answered, outsider, software
):
    services.follow(outsider, software=software)
    pages = [
        "/admin/needs/need/",
        "/admin/needs/need/?status__exact=open",
        f"/admin/needs/need/{need.pk}/change/",
        "/admin/needs/follow/",
        "/admin/needs/need/?q=GLPI",
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    change = admin_client.get(f"/admin/needs/need/{need.pk}/change/").content.decode()
    assert "Ville de Pessac" in change and "Acme Libre" in change


def test_visitors_and_members_are_kept_out(client, need, town_agent):
    assert client.get("/admin/needs/need/").status_code == 302
    client.force_login(town_agent)
    assert client.get("/admin/needs/need/").status_code in (302, 403)
