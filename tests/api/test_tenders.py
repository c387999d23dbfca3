"""The tenders API: a notice in (with an account), its lots, matches and consortia out (public).

The notice below is written on the demo members' trades: Héberge-Adour and Nuage Girondin host
Nextcloud and hold HDS certificates valid on its deadline, so they must come first for lot 1.
"""

import base64
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError
from django.test import Client

from grappe.tenders.exporting import matches_as_dict, tender_as_dict
from grappe.tenders.matching import match_lot
from grappe.tenders.models import Tender
from grappe.tenders.notices import MAX_NOTICE_BYTES, read_notice
from grappe.tenders.storing import store_notice
from tests.conftest import shared_data
from tests.factories import UserFactory, curator

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
HDS_HOSTS = {"heberge-adour-exemple", "nuage-girondin-exemple"}

NOTICE = """\
Communauté d'agglomération du Marsan (fictive)
Objet : hébergement d'un espace collaboratif Nextcloud et formation des agents
Code NUTS : FRI13
Date limite de remise des offres : 12 février 2027 à 12h00

Lot n° 1 : Hébergement Nextcloud pour les données de santé
Hébergement infogéré de Nextcloud dans un datacentre situé en France, sauvegardes et
supervision. CPV : 72415000-2
Le candidat doit être certifié HDS (hébergeur de données de santé).
Chiffre d'affaires annuel minimum : 300 000 €.

Lot n° 2 : Formation des agents
Formation des agents à l'usage de Nextcloud. CPV : 80533100-0
"""


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def post_text(client: Client, text: str = NOTICE, filename: str | None = None, **extra):
    body = {"text": text} if filename is None else {"text": text, "filename": filename}
    return client.post("/api/tenders", body, content_type="application/json", **extra)


def upload(client: Client, name: str, content: bytes, **extra):
    return client.post("/api/tenders", {"file": SimpleUploadedFile(name, content)}, **extra)


def requirements_of(lot: dict) -> list[tuple]:
    return [
        (r["kind"], r["cpv_codes"], r["certification"], r["threshold"], r["mandatory"])
        for r in lot["requirements"]
    ]


@pytest.fixture
def tender(demo) -> Tender:
    return store_notice(read_notice(NOTICE.encode(), "marsan.txt"))


# Adding a call for tenders.


def test_a_curator_pastes_a_notice_and_gets_its_lots_and_requirements(demo, curator_client):
    response = post_text(curator_client)

    assert response.status_code == 201
    body = response.json()
    tender = Tender.objects.get(public_id=body["id"])
    assert response["Location"] == f"/api/tenders/{tender.public_id}"
    assert tender.created_by == curator_client.user
    assert body["source_format"] == "text"
    assert body["deadline"] == "2027-02-12T12:00:00+01:00"
    assert body["nuts"] == ["FRI13"]
    hosting, training = body["lots"]
    assert (hosting["id"], hosting["cpv_main"]) == ("1", "72415000")
    assert hosting["title"] == "Hébergement Nextcloud pour les données de santé"
    assert requirements_of(hosting) == [
        ("capability", ["72415000"], None, None, True),
        ("certification", [], "hds", None, True),
        ("turnover", [], None, "300000", True),
    ]
    assert (training["id"], training["cpv_main"]) == ("2", "80533100")
    assert requirements_of(training) == [("capability", ["80533100"], None, None, True)]


def test_a_script_sends_a_text_field_with_http_basic(demo, client):
    curator(username="robot")

    response = client.post(
        "/api/tenders", {"text": NOTICE, "filename": "marsan.txt"}, **basic("robot")
    )

    assert response.status_code == 201, response.json()
    tender = Tender.objects.get(public_id=response.json()["id"])
    assert tender.created_by.username == "robot"
    assert tender.source_name == "marsan.txt"
    assert [lot["id"] for lot in response.json()["lots"]] == ["1", "2"]


def test_without_credentials_it_is_a_401_and_nothing_is_stored(demo, client):
    response = post_text(client, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert "needs an account" in response.json()["detail"]
    assert not Tender.objects.exists()


def test_a_wrong_password_is_a_401(demo, client):
    curator(username="robot")

    response = post_text(client, HTTP_ACCEPT_LANGUAGE="en", **basic("robot", "wrong"))

    assert response.status_code == 401
    assert response.json() == {"detail": "wrong username or password"}
    assert not Tender.objects.exists()


def test_an_account_without_the_permission_gets_a_403(demo, client):
    user = UserFactory()
    user.save()  # the password set after creation: the session checks it
    client.force_login(user)

    response = post_text(client)

    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
    assert not Tender.objects.exists()


def test_an_account_without_the_permission_gets_a_403_with_http_basic_too(demo, client):
    UserFactory(username="reader").save()

    response = post_text(client, **basic("reader"))

    assert response.status_code == 403
    assert not Tender.objects.exists()


def test_a_session_must_send_its_csrf_token(demo):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(curator(username="curator"))
    token = "abcdefghijklmnopqrstuvwxyzABCDEF"  # a CSRF secret, as the cookie holds it
    browser.cookies["csrftoken"] = token

    forged = post_text(browser)
    sent = post_text(browser, HTTP_X_CSRFTOKEN=token)

    assert forged.status_code == 403
    assert forged.json() == {"detail": "CSRF check Failed"}
    assert sent.status_code == 201
    assert Tender.objects.count() == 1


def test_an_eforms_notice_is_uploaded_as_a_file(demo, curator_client):
    path = shared_data("procurement/eforms-sdk/notices/cn_24_minimal.xml")

    response = upload(curator_client, path.name, path.read_bytes())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source_format"] == "eforms"
    assert [(lot["id"], lot["cpv_main"]) for lot in body["lots"]] == [("LOT-0000", "72230000")]
    capability = body["lots"][0]["requirements"][0]
    assert (capability["kind"], capability["cpv_codes"]) == ("capability", ["72230000"])
    assert Tender.objects.get().source_name == "cn_24_minimal.xml"


def test_an_award_notice_is_refused_with_the_way_to_import_it(demo, curator_client):
    path = shared_data("procurement/eforms-sdk/notices/can_24_minimal.xml")

    response = upload(curator_client, path.name, path.read_bytes())

    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "file"
    assert body["code"] == "award_notice"
    assert "award notice" in body["detail"]
    assert "grappe tender awards" in body["detail"]
    assert not Tender.objects.exists()


def test_a_decp_file_is_refused_with_the_way_to_import_it(demo, curator_client):
    path = shared_data("procurement/decp/marches_concessions.json")

    response = upload(curator_client, path.name, path.read_bytes())

    assert response.status_code == 400
    assert response.json()["code"] == "award_records"
    assert "grappe tender awards" in response.json()["detail"]
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"<ContractNotice><cbc:ID>1</ContractNotice>", "malformed_xml", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
            "unsafe_xml",
            "DTD",
        ),
        (b"<html><body>Appel</body></html>", "unknown_format", "<html>"),
        (b'{"marches": ', "malformed_json", "line 1"),
        (b"   \n", "empty", "empty"),
    ],
)
def test_an_unreadable_file_is_a_400_naming_the_problem(demo, curator_client, content, code, words):
    response = upload(curator_client, "notice", content)

    assert response.status_code == 400
    body = response.json()
    assert (body["parameter"], body["code"]) == ("file", code)
    assert body["detail"].startswith("file: ")
    assert words in body["detail"]
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("data", "content_type", "status", "parameter"),
    [
        ({}, "application/json", 400, "file"),
        ({"text": ""}, "application/json", 400, "file"),
        ({"text": 12}, "application/json", 400, "text"),
        ({"text": NOTICE, "filename": "x" * 301}, "application/json", 400, "filename"),
        ("[1, 2]", "application/json", 400, ""),
        ("{not json", "application/json", 400, ""),
        (NOTICE, "text/plain", 415, ""),
    ],
)
def test_a_body_without_a_notice_is_refused(
    demo, curator_client, data, content_type, status, parameter
):
    body = data if isinstance(data, str) else json.dumps(data)

    response = curator_client.post("/api/tenders", body, content_type=content_type)

    assert response.status_code == status
    assert response.json()["parameter"] == parameter
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("send", "parameter"),
    [
        (lambda client: post_text(client, NOTICE.replace("Objet", "Objet\x00")), "text"),
        (
            lambda client: upload(client, "rc.pdf", b"%PDF-1.7\n\x00\x01\x02 CPV : 72415000-2"),
            "file",
        ),
    ],
)
def test_nul_characters_are_refused_on_every_database(demo, curator_client, send, parameter):
    """PostgreSQL refuses NUL in text: the API says so on SQLite too, rather than store it."""
    response = send(curator_client)

    assert response.status_code == 400
    assert (response.json()["parameter"], response.json()["code"]) == (parameter, "binary")
    assert not Tender.objects.exists()


def test_a_file_name_with_control_characters_is_refused(demo, curator_client):
    response = post_text(curator_client, filename="a\x00b.txt")

    assert response.status_code == 400
    assert response.json()["parameter"] == "filename"


def test_a_value_the_database_refuses_is_a_400_not_a_500(demo, curator_client, monkeypatch):
    def refuse(notice, user=None):
        raise DataError("value too long for type character varying(3)\nCONTEXT: ...")

    monkeypatch.setattr("grappe.api.tenders.store_notice", refuse)

    response = post_text(curator_client)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "text: the notice could not be stored: value too long for type character "
        "varying(3)",
        "parameter": "text",
        "code": "unstorable",
    }


def test_a_file_and_a_text_together_are_refused(demo, curator_client):
    response = curator_client.post(
        "/api/tenders", {"file": SimpleUploadedFile("a.txt", NOTICE.encode()), "text": NOTICE}
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "file: send either a file or a text, not both"


def test_a_file_over_the_limit_is_a_413(demo, curator_client):
    response = upload(curator_client, "big.txt", b"a" * (MAX_NOTICE_BYTES + 1))

    assert response.status_code == 413
    assert response.json()["parameter"] == "file"
    assert "20 MB" in response.json()["detail"]
    assert not Tender.objects.exists()


def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(demo, curator_client):
    # The body is one byte: reading more than that would fail the test client's payload.
    response = curator_client.generic(
        "POST",
        "/api/tenders",
        b"a",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(MAX_NOTICE_BYTES * 2),
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_pasted_text_over_the_server_limit_is_a_413(demo, curator_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = post_text(curator_client, NOTICE * 20)

    assert response.status_code == 413
    assert "send a large notice as a file" in response.json()["detail"]


# Reading a call for tenders.


def test_what_was_added_reads_back_the_same(demo, curator_client, client):
    added = post_text(curator_client).json()

    response = client.get(f"/api/tenders/{added['id']}")

    assert response.status_code == 200
    assert response.json() == added


def test_a_tender_is_its_exported_shape_in_three_queries(tender, client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the tender, its lots, their requirements and schemes
        response = client.get(f"/api/tenders/{tender.public_id}")

    assert response.json() == json.loads(json.dumps(tender_as_dict(tender)))


@pytest.mark.parametrize("suffix", ["", "/matches", "/consortia"])
@pytest.mark.parametrize("tender_id", [str(uuid.uuid4()), "not-a-uuid", "%00"])
def test_an_unknown_tender_is_a_404(tender, client, suffix, tender_id):
    response = client.get(f"/api/tenders/{tender_id}{suffix}")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("No call for tenders with the id")


# Matches.


def test_the_hds_hosts_come_first_for_the_hosting_lot_with_their_evidence(tender, client):
    response = client.get(f"/api/tenders/{tender.public_id}/matches", {"lot": "1"})

    assert response.status_code == 200
    body = response.json()
    assert body["tender"] == str(tender.public_id)
    (lot,) = body["lots"]
    assert (lot["lot"], lot["deadline"], lot["gaps"]) == ("1", "2027-02-12", [])
    assert len(lot["members"]) <= 20
    best = lot["members"][:2]
    assert {member["organisation"] for member in best} == HDS_HOSTS
    requirements = tender.lots.get(lot_id="1").requirements.all()
    capability, certification, _turnover = (r.key for r in requirements)
    for member in best:
        assert member["can_lead"]
        scores = {score["requirement"]: score for score in member["requirements"]}
        assert set(scores) == {capability, certification}, "turnover adds up in teams"
        assert scores[capability]["covered"] and scores[certification]["covered"]
        assert {e["kind"] for e in scores[capability]["evidence"]} == {"cpv", "words"}
        (held,) = scores[certification]["evidence"]
        assert (held["kind"], held["deadline"]) == ("certification", "2027-02-12")
        assert held["valid_until"] > "2027-02-12"


def test_matches_are_the_exported_shape(tender, client):
    lot = tender.lots.get(lot_id="2")

    response = client.get(f"/api/tenders/{tender.public_id}/matches?lot=2&limit=5")

    expected = json.loads(json.dumps(matches_as_dict(match_lot(lot, limit=5))))
    assert response.json() == {"tender": str(tender.public_id), "lots": [expected]}


def test_every_lot_is_matched_without_a_lot_filter_and_limit_bounds_the_members(tender, client):
    response = client.get(f"/api/tenders/{tender.public_id}/matches?limit=1&lot=")

    lots = response.json()["lots"]
    assert [lot["lot"] for lot in lots] == ["1", "2"]
    assert [len(lot["members"]) for lot in lots] == [1, 1]


def test_evidence_follows_the_requested_language(tender, client):
    address = f"/api/tenders/{tender.public_id}/matches?lot=1&limit=2"

    english = client.get(address + "&lang=en")
    default = client.get(address)

    assert english["Content-Language"] == "en"
    assert default["Content-Language"] == "fr"
    member = english.json()["lots"][0]["members"][0]
    texts = [e["text"] for score in member["requirements"] for e in score["evidence"]]
    assert any("valid on the deadline" in text for text in texts)

    def structure(response) -> list:
        return [
            [(score["requirement"], [e["kind"] for e in score["evidence"]]) for score in m]
            for m in (member["requirements"] for member in response.json()["lots"][0]["members"])
        ]

    assert structure(english) == structure(default)


# Consortia.


def test_consortia_have_one_lead_roles_and_the_coverage_matrix(tender, client):
    response = client.get(
        f"/api/tenders/{tender.public_id}/consortia", {"lot": "1", "count": 2, "lang": "en"}
    )

    assert response.status_code == 200
    (lot,) = response.json()["lots"]
    assert lot["lot"] == "1" and lot["gaps"] == []
    assert 1 <= len(lot["teams"]) <= 2
    scored = [r.key for r in tender.lots.get(lot_id="1").requirements.all()][:2]
    for rank, team in enumerate(lot["teams"], 1):
        assert team["rank"] == rank
        assert team["missing"] == []
        assert team["thresholds_met"] == {"turnover": True}
        roles = [member["role"] for member in team["members"]]
        assert roles.count("lead") == 1
        assert set(roles) <= {"lead", "co_contractor", "subcontractor"}
        assert all(member["role_label"] for member in team["members"])
        assert [row["requirement"] for row in team["matrix"]] == scored
        organisations = [member["organisation"] for member in team["members"]]
        for row in team["matrix"]:
            assert [cell["organisation"] for cell in row["members"]] == organisations
            answering = [cell for cell in row["members"] if cell["answers"]]
            assert len(answering) == 1 and answering[0]["covered"]
            assert answering[0]["evidence"]
    lead = next(m for m in lot["teams"][0]["members"] if m["role"] == "lead")
    assert lead["organisation"] in HDS_HOSTS


def test_consortia_cover_every_lot_without_a_filter(tender, client):
    response = client.get(f"/api/tenders/{tender.public_id}/consortia?count=1&max_members=2")

    lots = response.json()["lots"]
    assert [lot["lot"] for lot in lots] == ["1", "2"]
    assert all(len(team["members"]) <= 2 for lot in lots for team in lot["teams"])


# Parameters.


@pytest.mark.parametrize("suffix", ["/matches", "/consortia"])
def test_an_unknown_lot_is_a_404(tender, client, suffix):
    response = client.get(f"/api/tenders/{tender.public_id}{suffix}?lot=9")

    assert response.status_code == 404
    assert response.json() == {"detail": "No lot “9” in this call for tenders (its lots: 1, 2)."}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/matches?limit=0", "limit"),
        ("/matches?limit=201", "limit"),
        ("/matches?limit=many", "limit"),
        ("/matches?lot=" + "1" * 51, "lot"),
        ("/matches?lot=%01", "lot"),
        ("/consortia?count=0", "count"),
        ("/consortia?count=11", "count"),
        ("/consortia?max_members=0", "max_members"),
        ("/consortia?max_members=9", "max_members"),
        ("?lang=de", "lang"),
    ],
)
def test_limits_are_validated(tender, client, query, parameter):
    response = client.get(f"/api/tenders/{tender.public_id}{query}")

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_the_openapi_document_describes_the_write_and_the_shapes(client):
    document = client.get("/api/openapi.json").json()

    add = document["paths"]["/api/tenders"]["post"]
    assert set(add["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert {"201", "400", "401", "403", "413"} <= set(add["responses"])
    assert add["security"] == [{"TokenAuth": []}, {"BasicAuth": []}, {"SessionAuth": []}]
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert document["components"]["securitySchemes"]["BasicAuth"] == {
        "type": "http",
        "scheme": "basic",
    }
    matches = document["paths"]["/api/tenders/{tender_id}/matches"]["get"]
    limit = next(p for p in matches["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 200)
    schemas = document["components"]["schemas"]
    assert set(schemas["TenderOut"]["properties"]) == {
        "id", "title", "description", "buyer", "reference", "notice_id", "source_format",
        "deadline", "nuts", "grouping_form", "warnings", "lots",
    }  # fmt: skip
    assert schemas["LotTeamsOut"]["properties"]["teams"]["items"] == {
        "$ref": "#/components/schemas/TeamOut"
    }
