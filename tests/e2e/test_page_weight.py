"""Every public page stays under 100 KB transferred and 10 requests (a light site is a rule)."""

import pytest

MAX_BYTES = 100 * 1024
MAX_REQUESTS = 10
PAGES = {
    "home": "/",
    "search": "/search/?q=nextcloud",
    "search, everything": "/search/",
    "organisation": "/organisations/gironde-logiciels-libres-exemple/",
    "software": "/software/nextcloud/",
    "offering": "/offerings/gironde-ll-maintenance-glpi/",
    "person": None,
    "event": None,
    "404": "/organisations/nobody-here/",
}


@pytest.fixture
def pages(site):
    from grappe.directory.models import Event, Offering, Person

    paths = dict(PAGES)
    paths["person"] = Person.objects.order_by("pk").first().get_absolute_url()
    paths["event"] = Event.objects.order_by("pk").first().get_absolute_url()
    offering = Offering.objects.filter(slug=PAGES["offering"].split("/")[2]).first()
    paths["offering"] = (offering or Offering.objects.order_by("pk").first()).get_absolute_url()
    return site, paths


def test_public_pages_stay_light(pages, browser, capsys):
    site, paths = pages
    context = browser.new_context()
    page = context.new_page()
    rows = []
    for name, path in paths.items():
        responses = []

        def record(response, responses=responses):
            responses.append(response)

        page.on("response", record)
        page.goto(site + path)
        page.wait_for_load_state("load")
        page.remove_listener("response", record)
        size = sum(len(response.body()) for response in responses)
        rows.append((name, path, len(responses), size))
    context.close()
    with capsys.disabled():
        print("\npage | requests | bytes")
        for name, path, requests, size in rows:
            print(f"{name} ({path}) | {requests} | {size}")
    for name, path, requests, size in rows:
        assert requests <= MAX_REQUESTS, (name, path, requests)
        assert size <= MAX_BYTES, (name, path, size)
