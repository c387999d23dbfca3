"""Import throughput: code.gouv.fr's repositories.csv (9,157 rows) and a generated table of
100,000 organisations in Grappe's CSV format, each imported twice (the second run changes
nothing), on SQLite.

    python bench/import.py                  # prints the figures
    python bench/import.py --write          # and updates docs/benchmarks.md
    python bench/import.py --rows 20000     # a smaller generated table

Each case runs in a fresh database (a subprocess with its own GRAPPE_DATA_DIR) holding the
demo data, so that organisations are placed with the demo gazetteer as a real import would
place them. The times are the whole `importer.run()`: reading, parsing, matching, validation
(full_clean of every row), writing, the revision and the search index (rebuilt on commit). For
repositories.csv, code.gouv.fr's organisations and accounts are imported first (not timed),
so that repositories find their publishers. Needs ../shared/data/codes-sources-fr/.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEED = 20261123
POSTCODES = ["33000", "87000", "86000", "64000", "17000", "24000", "40000", "47000", "16000",
             "19000", "23000", "79000", "33600", "64100", "17300"]  # fmt: skip
KINDS = ["company"] * 8 + ["association", "public_body"]
WORDS = [
    "libre", "logiciel", "numérique", "conseil", "hébergement", "données", "cloud", "réseau",
    "formation", "atelier", "solutions", "services", "informatique", "web", "agence", "studio",
    "systèmes", "cartographie", "sécurité",
]  # fmt: skip


def siren_with_check_digit(first_eight: int) -> str:
    """A valid SIREN (Luhn) from eight digits."""
    digits = f"{first_eight:08d}"
    for check in range(10):
        candidate = digits + str(check)
        total = 0
        for index, digit in enumerate(reversed(candidate)):
            value = int(digit) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("a Luhn check digit always exists")


def generate_organisations(path: Path, rows: int) -> None:
    """A table as members would fill it: half with a SIREN, every row with a website."""
    rng = random.Random(SEED)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(["name", "kind", "siren", "website", "postcode", "tags", "description_fr"])
        for number in range(rows):
            words = rng.sample(WORDS, 2)
            writer.writerow([
                f"{words[0].title()} {words[1].title()} {number}",
                rng.choice(KINDS),
                siren_with_check_digit(10_000_000 + number) if number % 2 else "",
                f"https://entreprise-{number}.example.fr",
                rng.choice(POSTCODES),
                "|".join(rng.sample(WORDS, 3)),
                " ".join(rng.choices(WORDS, k=25)),
            ])  # fmt: skip


def run_case(case: str, rows: int) -> dict:
    """One case in this process's fresh database: two timed imports."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from grappe.interop.formats import get_importer
    from grappe.interop.importers import load_demo

    call_command("migrate", verbosity=0)
    assert load_demo().ok
    if case == "repositories":
        source = DATA / "codes-sources-fr"
        get_importer("codegouv-organisations").run(source / "organizations.csv")
        get_importer("codegouv-accounts").run(DATA / "codegouvfr/comptes-organismes-publics.yml")
        name, path, rows = "codegouv-repositories", source / "repositories.csv", 9157
    else:
        path = Path(os.environ["GRAPPE_DATA_DIR"]) / "organisations.csv"
        generate_organisations(path, rows)
        name = "csv-organisations"
    result = {"case": case, "importer": name, "rows": rows, "bytes": path.stat().st_size}
    for run in ("first", "second"):
        started = time.perf_counter()
        report = get_importer(name).run(path)
        seconds = time.perf_counter() - started
        result[run] = {
            "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds),
            "created": report.total("created"),
            "updated": report.total("updated"),
            "unchanged": report.total("unchanged"),
            "rejected": len(report.rejections),
            "committed": report.committed,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Rows of the generated table.")
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.rows)))
        return
    results = []
    for case in ("repositories", "organisations"):
        with tempfile.TemporaryDirectory(prefix="grappe-bench-") as data_dir:
            env = {**os.environ, "GRAPPE_DATA_DIR": data_dir, "DEBUG": "false",
                   "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"}  # fmt: skip
            output = subprocess.run(
                [sys.executable, __file__, "--case", case, "--rows", str(args.rows)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            for run in ("first", "second"):
                figures = result[run]
                print(
                    f"{result['importer']} ({result['rows']:,} rows), {run} run: "
                    f"{figures['seconds']} s, {figures['rows_per_second']:,} rows/s "
                    f"({figures['created']:,} created, {figures['updated']:,} updated, "
                    f"{figures['unchanged']:,} unchanged, {figures['rejected']} rejected)"
                )
    if args.write:
        write_report(results)


def write_report(results: list[dict]) -> None:
    lines = [
        "| file | rows | run | seconds | rows/s | created | updated | unchanged | rejected |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        label = (
            "code.gouv.fr repositories.csv"
            if result["case"] == "repositories"
            else "generated Grappe organisations CSV"
        )
        for run in ("first", "second"):
            f = result[run]
            lines.append(
                f"| {label} | {result['rows']:,} | {run} | {f['seconds']} | "
                f"{f['rows_per_second']:,} | {f['created']:,} | {f['updated']:,} | "
                f"{f['unchanged']:,} | {f['rejected']} |"
            )
    from bench.report import write_block

    write_block("import-throughput", lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
