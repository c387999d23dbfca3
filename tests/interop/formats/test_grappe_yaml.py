"""The YAML parser alone: bytes in, records and located errors out, no database."""

from grappe.interop.formats.grappe_yaml import parse


def test_records_carry_their_location():
    document = parse(b"software:\n  - {slug: a, name: A}\n  - {slug: b, name: B}\n", "x.yaml")
    assert [r.location for r in document.sections["software"]] == [
        "x.yaml: software[0]",
        "x.yaml: software[1]",
    ]
    assert document.errors == []


def test_yaml_syntax_errors_name_the_line():
    document = parse(b"software:\n  - {slug: a, name: A\n  - oops\n", "bad.yaml")
    [(location, reason)] = document.errors
    assert location.startswith("bad.yaml: line ")
    assert "not valid YAML" in reason


def test_unknown_sections_and_shapes_are_reported_not_raised():
    document = parse(b"softwares: []\nsoftware: {a: 1}\npeople:\n  - just a string\n")
    assert [location for location, _reason in document.errors] == [
        "softwares",
        "software",
        "people[0]",
    ]


def test_empty_file_is_an_empty_document():
    assert parse(b"").errors == []
    assert parse(b"[1, 2]").errors == [("file", "expected a mapping of sections at the top")]
