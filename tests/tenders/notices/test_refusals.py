"""What is not a readable notice is refused with a reason, never a stack trace: broken XML,
XML carrying entities, oversized and empty files, unknown formats."""

import pytest

from grappe.tenders.notices import MAX_NOTICE_BYTES, NoticeError, boamp_xml, eforms, read_notice
from tests.conftest import shared_data

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<ANNONCE><DONNEES><OBJET><TITRE_MARCHE>&lol4;</TITRE_MARCHE></OBJET></DONNEES></ANNONCE>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ANNONCE [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ANNONCE><DONNEES><OBJET><TITRE_MARCHE>&secret;</TITRE_MARCHE></OBJET></DONNEES></ANNONCE>
"""


def refusal(content, filename=None) -> NoticeError:
    with pytest.raises(NoticeError) as refused:
        read_notice(content, filename)
    return refused.value


def test_malformed_xml_is_refused_with_where_it_breaks():
    error = refusal(b"<ANNONCE><DONNEES><OBJET></DONNEES></ANNONCE>", "broken.xml")
    assert error.code == "malformed_xml"
    assert "not well-formed" in error.reason
    assert "line 1, column" in error.reason
    assert str(error).startswith("broken.xml: ")


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_xml_with_entities_is_refused_before_anything_is_expanded(content):
    error = refusal(content, "evil.xml")
    assert error.code == "unsafe_xml"
    assert "declares a DTD" in error.reason
    # Each parser refuses it the same way when called directly.
    with pytest.raises(NoticeError, match="declares a DTD"):
        boamp_xml.parse(content, "evil.xml")
    with pytest.raises(NoticeError, match="declares a DTD"):
        eforms.parse(content, "evil.xml")


def test_an_oversized_file_is_refused_without_being_parsed():
    content = b"<ANNONCE>" + b" " * MAX_NOTICE_BYTES + b"</ANNONCE>"
    error = refusal(content, "huge.xml")
    assert error.code == "too_large"
    assert "larger than 20 MB" in error.reason


@pytest.mark.parametrize("content", [b"", b"  \n\t ", b"\xef\xbb\xbf\n"])
def test_an_empty_file_is_refused(content):
    error = refusal(content, "empty.xml")
    assert error.code == "empty"
    assert error.reason == "the file is empty"


def test_text_instead_of_bytes_is_refused():
    with pytest.raises(NoticeError, match="must be bytes"):
        read_notice("<ANNONCE/>")  # type: ignore[arg-type]


def test_xml_of_another_kind_is_refused_naming_its_root():
    error = refusal(b"<html><body>Avis</body></html>", "page.xml")
    assert error.code == "unknown_format"
    assert "<html>" in error.reason
    with pytest.raises(NoticeError, match="is not an eForms notice"):
        eforms.parse(b"<ANNONCE/>", "x.xml")
    with pytest.raises(NoticeError, match="is not a BOAMP notice"):
        boamp_xml.parse(b"<ContractNotice/>", "x.xml")


def test_a_boamp_correction_notice_is_refused_with_its_nature():
    content = (
        b"<ANNONCE><GESTION><REFERENCE><IDWEB>17-1</IDWEB><TYPE_AVIS><NATURE><RECTIFICATIF/>"
        b"</NATURE></TYPE_AVIS></REFERENCE></GESTION><DONNEES><OBJET/></DONNEES></ANNONCE>"
    )
    error = refusal(content, "rectificatif.xml")
    assert error.code == "unsupported_notice"
    assert "RECTIFICATIF" in error.reason


def test_an_eforms_notice_without_lot_is_refused():
    content = (
        b'<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"'
        b' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:ID>x</cbc:ID></ContractNotice>"
    )
    assert refusal(content, "cn.xml").code == "no_lot"


def test_malformed_json_is_refused_with_its_line_and_column():
    error = refusal(b'{"marches": {"marche": [\n  {"id": }]}}', "decp.json")
    assert error.code == "malformed_json"
    assert "line 2, column" in error.reason


def test_json_nested_too_deeply_is_refused():
    error = refusal(b"[" * 200_000 + b"]" * 200_000, "deep.json")
    assert error.code == "malformed_json"


def test_json_of_another_kind_is_refused_naming_its_keys():
    error = refusal(b'{"name": "Nextcloud", "licence": "AGPL-3.0"}', "software.json")
    assert error.code == "unknown_format"
    assert "licence, name" in error.reason


def test_a_decp_file_with_an_unknown_part_is_refused():
    error = refusal(b'{"marches": {"marche": [], "avenant": []}}', "decp.json")
    assert "avenant" in error.reason


def test_a_binary_file_given_as_text_is_refused():
    with pytest.raises(NoticeError, match="binary") as caught:
        read_notice(b"Lot 1 : h\x00\x00bergement CPV 72415000", "notice.txt")
    assert caught.value.code == "binary"


def test_control_characters_never_reach_what_is_read():
    """PostgreSQL refuses a NUL in text: a JSON escape must not smuggle one into a tender."""
    path = shared_data("procurement/decp/marches_avec_modifications.json")
    content = path.read_text(encoding="utf-8").replace('"objet": "', '"objet": "\\u0000', 1)
    assert "\\u0000" in content

    records = read_notice(content.encode(), path.name)

    assert records[0].title == "envoi pour Json test 1"
    assert "\x00" not in repr(records)


def test_a_utf16_text_with_its_byte_order_mark_is_read():
    text = "Objet : hébergement Nextcloud\nCPV : 72415000-2\n"
    notice = read_notice(text.encode("utf-16"), "notice.txt")
    assert notice.title == "hébergement Nextcloud"
