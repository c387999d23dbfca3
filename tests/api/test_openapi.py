"""The OpenAPI document: served, complete, and true to what the endpoints answer."""

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/search",
    "/api/search.geojson",
    "/api/search.csv",
    "/api/search.json",
    "/api/organisations",
    "/api/organisations/{slug}",
    "/api/software",
    "/api/software/{slug}",
    "/api/offerings",
    "/api/offerings/{slug}",
    "/api/people",
    "/api/people/{slug}",
    "/api/events",
    "/api/events/{slug}",
    "/api/tenders",
    "/api/tenders/{tender_id}",
    "/api/tenders/{tender_id}/matches",
    "/api/tenders/{tender_id}/consortia",
    "/api/me",
    "/api/organisations/{slug}/editable",
    "/api/organisations/{slug}/{kind}",
    "/api/organisations/{slug}/{kind}/{entry_id}",
    "/api/proposals",
    "/api/proposals/{proposal_id}",
    "/api/proposals/{proposal_id}/withdraw",
    "/api/needs",
    "/api/needs/{need_id}",
    "/api/needs/{need_id}/pledges",
    "/api/needs/{need_id}/pledges/{organisation_slug}",
    "/api/needs/{need_id}/answers",
    "/api/needs/{need_id}/answers/{answer_id}/choose",
    "/api/needs/{need_id}/delivered",
}
# The writes, each with an account: adding a call for tenders (tests/api/test_tenders.py),
# changing profiles (tests/api/test_profiles_write.py) and needs (tests/api/test_needs.py).
WRITES = {
    ("/api/tenders", "post"),
    ("/api/organisations/{slug}", "patch"),
    ("/api/organisations/{slug}/{kind}", "post"),
    ("/api/organisations/{slug}/{kind}/{entry_id}", "patch"),
    ("/api/organisations/{slug}/{kind}/{entry_id}", "delete"),
    ("/api/proposals/{proposal_id}/withdraw", "post"),
    ("/api/needs", "post"),
    ("/api/needs/{need_id}/pledges", "post"),
    ("/api/needs/{need_id}/pledges/{organisation_slug}", "delete"),
    ("/api/needs/{need_id}/answers", "post"),
    ("/api/needs/{need_id}/answers/{answer_id}/choose", "post"),
    ("/api/needs/{need_id}/delivered", "post"),
}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_it_lists_every_path_and_its_writes(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Grappe API"
    assert set(document["paths"]) == PATHS
    operations = {
        (address, method) for address, path in document["paths"].items() for method in path
    }
    assert {operation for operation in operations if operation[1] != "get"} == WRITES


def test_every_operation_documents_its_400_and_entries_their_404(document):
    for address, operations in document["paths"].items():
        if "get" not in operations:
            continue
        responses = operations["get"]["responses"]
        assert {"200", "400"} <= set(responses), address
        if "{slug}" in address or "{tender_id}" in address:
            assert "404" in responses, address
        error = responses["400"]["content"]["application/json"]["schema"]["$ref"]
        assert error == "#/components/schemas/ErrorOut"


def test_parameters_are_described_with_their_limits(document):
    def parameters(address: str) -> dict[str, dict]:
        return {p["name"]: p for p in document["paths"][address]["get"]["parameters"]}

    search = parameters("/api/search")
    assert set(search) == {
        "q",
        "kind",
        "organisation_kind",
        "offering_kind",
        "departement",
        "category",
        "licence",
        "certification",
        "member",
        "sovereign",
        "machine_type",
        "material",
        "epci",
        "origin",
        "min_x_mm",
        "min_y_mm",
        "min_z_mm",
        "near",
        "radius_km",
        "sort",
        "page",
        "page_size",
        "lang",
    }
    assert search["page_size"]["schema"]["maximum"] == 100
    assert search["sort"]["schema"]["enum"] == ["relevance", "name", "newest", "distance"]
    assert search["min_z_mm"]["schema"]["anyOf"][0]["maximum"] == 100_000
    assert set(parameters("/api/search.geojson")) == set(search)
    assert set(parameters("/api/events")) == {"from", "page", "page_size", "lang"}
    assert set(parameters("/api/offerings")) == {
        "kind",
        "organisation",
        "software",
        "page",
        "page_size",
        "lang",
    }
    assert set(parameters("/api/organisations/{slug}")) == {"slug", "lang"}


def test_operation_ids_are_short_names(document):
    ids = sorted(
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    )
    assert ids == [
        "add_entry",
        "add_tender",
        "answer_need",
        "change_entry",
        "change_organisation",
        "choose_answer",
        "deliver_need",
        "editable_organisation",
        "get_event",
        "get_need",
        "get_offering",
        "get_organisation",
        "get_person",
        "get_proposal",
        "get_software",
        "get_tender",
        "join_need",
        "leave_need",
        "list_events",
        "list_needs",
        "list_offerings",
        "list_organisations",
        "list_people",
        "list_proposals",
        "list_software",
        "me",
        "post_need",
        "remove_entry",
        "search",
        "search_csv",
        "search_geojson",
        "search_json",
        "tender_consortia",
        "tender_matches",
        "withdraw_proposal",
    ]
