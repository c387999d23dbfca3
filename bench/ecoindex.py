"""EcoIndex of the pages a visitor sees most (home, search, organisation, software, the map and
its list), in French, measured in Debian's Chromium on the demo data.

    python bench/ecoindex.py            # prints the figures
    python bench/ecoindex.py --write    # and updates the ecoindex block of docs/benchmarks.md

The measure is tests/e2e/test_ecoindex.py's (which fails under 75): this script runs it, with
its live server and demo data, and reads back what it measured. Needs the test extra
(playwright, ecoindex-compute) and /usr/bin/chromium.
"""

import argparse
import datetime
import json
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/e2e/test_ecoindex.py"


def run_test() -> tuple[list[dict], bool]:
    """The test's figures, and whether it passed."""
    from bench.report import pytest_report

    text, passed = pytest_report(TEST, "GRAPPE_ECOINDEX_REPORT")
    return json.loads(text), passed


def table(measures: list[dict]) -> list[str]:
    lines = [
        "| page | path | DOM elements | requests | KB over the wire | EcoIndex | grade "
        "| gCO2e | cl of water |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in measures:
        lines.append(
            f"| {m['page']} | `{m['path']}` | {m['nodes']} | {m['requests']} | "
            f"{m['kilobytes']} | {m['score']:.0f} | {m['grade']} | {m['ges']} | {m['water']} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = parser.parse_args()
    measures, passed = run_test()
    lines = table(measures)
    print("\n".join(lines))
    if not passed:
        print(f"\n{TEST} failed: a page scores under 75.", file=sys.stderr)
    if args.write:
        from bench.report import write_block

        today = datetime.date.today().isoformat()
        method = (
            f"`python bench/ecoindex.py --write` (runs `pytest {TEST}`, which fails under 75): "
            "Debian's Chromium with an empty cache, French pages of the demo data; DOM elements "
            "counted as EcoIndex does (`document.getElementsByTagName('*')`), requests and bytes "
            "over the wire (headers and compressed bodies) until the network is idle, the map's "
            "script and markers included. Scores and grades by ecoindex-compute "
            f"{version('ecoindex-compute')}, whose grade A starts above 80 and B above 70. "
            f"Run of {today}:"
        )
        write_block("ecoindex", [*textwrap.wrap(method, 96), "", *lines], heading="EcoIndex")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
