"""Accessibility of every public, member and curator page: what axe-core finds, by impact.

    python bench/accessibility.py            # prints the figures
    python bench/accessibility.py --write    # and updates the accessibility block of
                                             # docs/benchmarks.md

Runs tests/e2e/test_accessibility.py (which fails on any serious or critical finding) with its
live server and demo data, and reads back what axe-core reported on each page. Needs the test
extra (playwright) and /usr/bin/chromium.
"""

import argparse
import datetime
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/e2e/test_accessibility.py"
IMPACTS = ("critical", "serious", "moderate", "minor")


def run_test() -> tuple[list[dict], bool]:
    """Each audited page's findings, and whether the test passed."""
    from bench.report import pytest_report

    text, passed = pytest_report(TEST, "GRAPPE_AXE_REPORT")
    return [json.loads(line) for line in text.splitlines() if line], passed


def table(pages: list[dict]) -> list[str]:
    by_impact = Counter(impact for page in pages for _rule, impact in page["violations"])
    rules = Counter((rule, impact) for page in pages for rule, impact in page["violations"])
    who = Counter(page.get("who", "visitor") for page in pages)
    lines = [
        f"Pages audited: {len(pages)} (French and English, forms also as they come back from a "
        f"POST: {who['visitor']} seen by a visitor, {who['member']} by a logged-in member, "
        f"{who['curator']} by a curator).",
        "",
        "| impact | findings |",
        "|---|---|",
        *(f"| {impact} | {by_impact.get(impact, 0)} |" for impact in IMPACTS),
    ]
    if rules:
        lines += ["", "| rule | impact | pages |", "|---|---|---|"]
        lines += [f"| {rule} | {impact} | {n} |" for (rule, impact), n in rules.most_common()]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = parser.parse_args()
    pages, passed = run_test()
    lines = table(pages)
    print("\n".join(lines))
    if not passed:
        print(f"\n{TEST} failed: a serious or critical finding.", file=sys.stderr)
    if args.write:
        from bench.report import write_block

        today = datetime.date.today().isoformat()
        intro = (
            f"`python bench/accessibility.py --write` (runs `pytest {TEST}`, which fails on any "
            "serious or critical finding): axe-core, vendored in tests/e2e/vendor, in Debian's "
            f"Chromium, on the demo data. Run of {today}:"
        )
        write_block("accessibility", [intro, "", *lines], heading="Accessibility")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
