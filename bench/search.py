"""Search latency on synthetic indexes of 10k, 100k and 1M entries (SQLite FTS5 by default).

    python bench/search.py --write              # 10k, 100k and 1M; updates docs/benchmarks.md
    python bench/search.py --sizes 10000        # one size, prints only
    DATABASE_URL=postgres://... python bench/search.py --sizes 100000   # the PostgreSQL backend

For each size, a fresh database is filled with synthetic documents (a Zipf-distributed
vocabulary of pseudo-words mixed with the real words of the demo data), then a mix of 240
queries (frequent and rare words, two and three words, typos, prefixes, filters) is timed three
ways, in the same process on the same data:
- bare engine: the full-text match alone, ranked, first 20 ids (the floor);
- engine SQL: the SQL statements the search service sends for that query (count, facets, ranked
  page), replayed directly on the connection: the database's whole share of the answer;
- API: `GET /api/search` through Django's test client in-process (routing, parameter checks,
  query parsing and typo correction, the SQL, hits and facet labels, JSON), no network.
The API's overhead is its p95 over the engine SQL's p95.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 100_000, 1_000_000)
QUERIES = 240
SEED = 20261123
KINDS = [("organisation", 0.25), ("software", 0.15), ("offering", 0.45), ("person", 0.1),
         ("event", 0.05)]  # fmt: skip
DEPARTEMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87", "75",
                "44", "31", "69"]  # fmt: skip
REAL_WORDS = """hébergement nextcloud maintenance glpi formation visioconférence messagerie
bureautique logiciel libre cartographie imprimante laser découpe support intégration
développement audit conseil sécurité données santé cloud serveur réseau annuaire agenda
collaboratif wiki gestion comptabilité facturation agriculture collectivité mairie école
université recherche bigbluebutton jitsi libreoffice thunderbird bluemind moodle decidim
postgresql qgis firefox matrix keycloak odoo dolibarr proxmox peertube mastodon""".split()  # noqa: SIM905


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"] + ["an", "on", "in", "ou"]
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def build(size: int, rng: random.Random) -> dict:
    """Fill the search tables directly: the same rows indexing writes, without the directory."""
    from django.db import connection, transaction

    from grappe.search.backends import get_backend
    from grappe.search.documents import FIELDS
    from grappe.search.text import term

    words = REAL_WORDS + pseudo_words(rng, 30_000)
    terms = [term(w) for w in words]
    # Zipf's law from rank 100 on: the most frequent words of real text are stop words, which
    # the index leaves out, so the commonest indexed word is in a few percent of the entries.
    weights = [1 / (rank + 100) ** 1.05 for rank in range(len(words))]
    kinds, kind_weights = zip(*KINDS, strict=True)
    started = time.perf_counter()
    batch = 5_000
    vendor = connection.vendor
    for start in range(0, size, batch):
        count = min(batch, size - start)
        picks = rng.choices(range(len(words)), weights, k=count * 36)
        documents, facets, texts = [], [], []
        for i in range(count):
            doc_id = start + i + 1
            w = picks[i * 36 : (i + 1) * 36]
            kind = rng.choices(kinds, kind_weights)[0]
            departement = rng.choice(DEPARTEMENTS)
            member = rng.random() < 0.2
            name = " ".join(words[j] for j in w[:2]).title()
            summary = " ".join(words[j] for j in w[6:30])
            # Four entries in five are placed somewhere in Nouvelle-Aquitaine.
            placed = rng.random() < 0.8
            latitude = rng.uniform(43.0, 47.2) if placed else None
            longitude = rng.uniform(-1.8, 2.6) if placed else None
            documents.append((doc_id, kind, doc_id, f"doc-{doc_id}", name, name.lower(),
                              summary, departement, member, latitude, longitude))  # fmt: skip
            facets += [(doc_id, "kind", kind), (doc_id, "departement", departement),
                       (doc_id, "member", "yes" if member else "no"),
                       (doc_id, "category", f"categorie-{w[30] % 40}")]  # fmt: skip
            if kind == "offering":
                facets.append(
                    (doc_id, "offering_kind", rng.choice(["service", "hosting", "machine"]))
                )
            text = {
                "name": " ".join(terms[j] for j in w[:2]),
                "tags": " ".join(terms[j] for j in w[2:5]),
                "alternatives": "",
                "categories": " ".join(terms[j] for j in w[30:32]),
                "related": " ".join(terms[j] for j in w[32:34]),
                "place": departement,
                "description": " ".join(terms[j] for j in w[6:30]),
            }
            texts.append((doc_id, text, " ".join(words[j] for j in w[:34])))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_searchdocument (id, kind, object_id, slug, name, name_key, "
                "summary_fr, summary_en, commune_name, departement, organisation_kind, "
                "offering_kind, licence, parent_name, is_member, is_example, updated_at, "
                "latitude, longitude) VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, '', '', '', "
                "'', %s, false, NULL, %s, %s)",
                documents,
            )
            cursor.executemany(
                "INSERT INTO search_searchfacet (document_id, facet, value) VALUES (%s, %s, %s)",
                facets,
            )
            if vendor == "sqlite":
                from grappe.search.backends.sqlite_fts5 import COLUMNS, facet_text

                by_document: dict[int, dict[str, list[str]]] = {}
                for doc_id, facet, value in facets:
                    by_document.setdefault(doc_id, {}).setdefault(facet, []).append(value)
                cursor.executemany(
                    f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) "
                    f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})",
                    [
                        (doc_id, *(t[f] for f in FIELDS), facet_text(by_document[doc_id]))
                        for doc_id, t, _raw in texts
                    ],
                )
            else:
                from grappe.search.backends.postgres import FIELD_WEIGHTS, VECTOR_SQL

                cursor.executemany(
                    f"UPDATE search_searchdocument SET search_vector = {VECTOR_SQL} WHERE id = %s",
                    [(*(raw if f == "description" else t[f] for f in FIELD_WEIGHTS), doc_id)
                     for doc_id, t, raw in texts],
                )  # fmt: skip
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_term SELECT DISTINCT unnest(tsvector_to_array(search_vector)) "
                "FROM search_searchdocument ON CONFLICT DO NOTHING"
            )
            cursor.execute("ANALYZE")
    get_backend().forget_vocabulary()
    return {"build_seconds": round(time.perf_counter() - started, 1), "words": words,
            "weights": weights}  # fmt: skip


def query_mix(rng: random.Random, words: list[str], weights: list[float]) -> list[dict]:
    def word(frequent: bool) -> str:
        if frequent:
            return rng.choices(words[:2000], weights[:2000])[0]
        return rng.choice(words[500:])

    def typo(w: str) -> str:
        i = rng.randrange(1, len(w))
        return w[:i] + w[i + 1 :] if len(w) > 5 else w + "e"

    mix = []
    for i in range(QUERIES):
        shape = i % 8
        if shape == 0:
            q = word(True)
        elif shape == 1:
            q = word(False)
        elif shape == 2:
            q = f"{word(True)} {word(False)}"
        elif shape == 3:
            q = f"{word(False)} {word(False)} {word(True)}"
        elif shape == 4:
            q = typo(word(False))
        elif shape == 5:
            q = word(False)[:5]
        elif shape == 6:
            q = rng.choice(REAL_WORDS) + " " + rng.choice(REAL_WORDS)
        else:
            q = word(True)
        params = {"q": q}
        if i % 3 == 0:
            params["departement"] = rng.choice(DEPARTEMENTS[:12])
        if i % 5 == 0:
            params["kind"] = rng.choice(["organisation", "offering", "software"])
        if i % 4 == 1:  # "near" searches, a quarter of the mix
            params["near"] = f"{rng.uniform(43.2, 47.0):.4f},{rng.uniform(-1.6, 2.4):.4f}"
            params["radius_km"] = rng.choice([10, 30, 50])
        mix.append(params)
    return mix


def run_one(size: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from grappe.search.backends import get_backend
    from grappe.search.service import parse

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    built = build(size, rng)
    mix = query_mix(rng, built["words"], built["weights"])
    backend = get_backend()
    client = Client()
    # Warm up: the vocabulary cache, SQLite's page cache, Django's URL resolver.
    for params in mix[:20]:
        client.get("/api/search", params)
    raw_ms, engine_ms, api_ms, near_ms, errors = [], [], [], [], 0
    from grappe.search.query import SearchParams
    from grappe.search.service import search

    for params in mix:
        captured: list[tuple[str, object]] = []

        def capture(execute, sql, values, many, context, captured=captured):
            captured.append((sql, values))
            return execute(sql, values, many, context)

        with connection.execute_wrapper(capture):
            search(SearchParams(**params))
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, values in captured:
                cursor.execute(sql, values)
                cursor.fetchall()
        engine_ms.append((time.perf_counter() - started) * 1000)
        parsed = parse(params["q"], backend)
        if parsed.groups:
            sql, values = backend.ranked_sql(parsed.groups, True, {}, 20)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
                cursor.fetchall()
            raw_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = client.get("/api/search", params)
        api_ms.append((time.perf_counter() - started) * 1000)
        if "near" in params:
            near_ms.append(api_ms[-1])
        errors += response.status_code != 200
    summary = {
        "size": size,
        "engine": connection.vendor,
        "build_seconds": built["build_seconds"],
        "queries": len(mix),
        "errors": errors,
    }
    summary["near_queries"] = len(near_ms)
    for name, values in (
        ("raw", raw_ms),
        ("engine", engine_ms),
        ("api", api_ms),
        ("near", near_ms),
    ):
        for p in (50, 95, 99):
            summary[f"{name}_p{p}"] = round(percentile(values, p), 1)
    summary["ratio_p95"] = round(summary["api_p95"] / max(summary["engine_p95"], 0.01), 1)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="grappe-bench-") as data_dir:
            env = {**os.environ, "GRAPPE_DATA_DIR": data_dir, "DEBUG": "false",
                   "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                   "ALLOWED_HOSTS": "testserver"}  # fmt: skip
            output = subprocess.run(
                [sys.executable, __file__, "--one", str(size)], env=env, cwd=ROOT,
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            print(json.dumps(result))
    if args.write:
        write_report(results)


def write_report(results: list[dict]) -> None:
    lines = [
        "| entries | database | build (s) | queries | errors | bare match p50 / p95 / p99 (ms) "
        "| engine SQL p50 / p95 / p99 (ms) | API p50 / p95 / p99 (ms) | API ÷ engine SQL at p95 "
        "| of which near + radius: API p50 / p95 / p99 (ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['engine']} | {r['build_seconds']} | {r['queries']} | "
            f"{r['errors']} | {r['raw_p50']} / {r['raw_p95']} / {r['raw_p99']} | "
            f"{r['engine_p50']} / {r['engine_p95']} / {r['engine_p99']} | "
            f"{r['api_p50']} / {r['api_p95']} / {r['api_p99']} | {r['ratio_p95']}× | "
            f"{r['near_p50']} / {r['near_p95']} / {r['near_p99']} ({r['near_queries']} queries) |"
        )
    section = "\n".join(lines)
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = "<!-- search-latency:start -->", "<!-- search-latency:end -->"
    block = f"{start}\n{section}\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text += "\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
