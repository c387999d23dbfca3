"""`python -m grappe.tenders.notices.cli parse PATH [--json]`."""

import json
import subprocess
import sys

import pytest

from grappe.tenders.notices.cli import main
from tests.conftest import shared_data


def test_parse_json_prints_the_lots(capsys):
    path = shared_data("procurement/eforms-sdk/notices/cn_24_open.xml")
    assert main(["parse", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    [lot] = document["lots"]
    assert lot["id"] == "LOT-0000"
    assert lot["cpv_main"] == "71630000"
    assert lot["cpv_additional"] == ["71314100", "50300000", "31600000"]
    assert lot["nuts"] == []
    assert lot["estimated_value"] is None
    turnover = next(r for r in lot["requirements"] if r["kind"] == "minimum_turnover")
    assert (turnover["threshold"], turnover["unit"]) == ("200000", "GBP")
    assert document["submission_deadline"] == "2020-04-03T12:00:00+01:00"


def test_parse_json_of_a_decp_file_prints_the_awards(capsys):
    path = shared_data("procurement/decp/marches_avec_modifications.json")
    assert main(["parse", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["source_format"] == "decp"
    assert document["awards"][0]["winners"][0]["siret"] == "55204599900869"


def test_parse_prints_a_summary_without_json(capsys):
    path = shared_data("procurement/boamp-xml/test-pub-5.xml")
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "lot 2: Conception, organisation et réalisation" in out
    assert "minimum_turnover ≥ 2375000 EUR" in out


def test_an_unreadable_file_exits_1_with_the_reason(tmp_path, capsys):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<ANNONCE><DONNEES></ANNONCE>")
    assert main(["parse", str(broken), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {broken}: the XML is not well-formed")
    assert main(["parse", str(tmp_path / "missing.xml")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_a_wrong_command_line_exits_2():
    with pytest.raises(SystemExit) as exit_:
        main(["parse"])
    assert exit_.value.code == 2


def test_it_runs_as_a_module():
    path = shared_data("procurement/eforms-sdk/notices/cn_24_minimal.xml")
    completed = subprocess.run(
        [sys.executable, "-m", "grappe.tenders.notices.cli", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["lots"][0]["cpv_main"] == "72230000"
