"""The report of bench/load.sh: reads its measures (one JSON line each), prints a table and,
with --write, replaces the load block of docs/benchmarks.md. Exit status 1 if any request
failed or the server logged an error.

    python bench/load_report.py MEASURES.jsonl [--write]
"""

import argparse
import json
import os
import platform
import sys
from datetime import date
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "ceiling": "`/healthz/live` (ceiling)",
    "search": "search page",
    "organisation": "organisation page",
    "api": "`/api/search`",
}
MODES = {"cache": "on", "nocache": "off"}
TARGET = 0.5  # organisation pages at half the ceiling or more


def errors(m: dict) -> int:
    return m["connect"] + m["read"] + m["write"] + m["timeout"] + m["status"] + m["server_errors"]


def rate(m: dict) -> float:
    return m["requests"] / (m["duration_us"] / 1e6)


def cpu_us(m: dict) -> str:
    """The server's CPU time per request (master and workers, from /proc): unlike req/s, it
    hardly depends on what else the machine is doing."""
    return f"{m['server_cpu_s'] / m['requests'] * 1e6:,.0f}" if m["requests"] else "–"


def ms(microseconds: int) -> str:
    return f"{microseconds / 1000:.1f}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return f"{os.cpu_count()} CPUs ({cpu_model()})"


LOAD_NOTE = (
    "Load: the machine's 1-minute load average when the measure started, the benchmark's own "
    "wrk and gunicorn included (about 2.5 alone); more means that something else was running."
)


def report(main: list[dict], duration: str, connections: int, threads: int) -> list[str]:
    ceilings = {m["engine"]: rate(m) for m in main if m["label"] == "ceiling"}
    workers = sorted({m["workers"] for m in main})
    lines = [
        f"Run of {date.today().isoformat()}: {machine()}, gunicorn "
        f"with {', '.join(map(str, workers))} sync workers (grappe/serving/gunicorn_conf.py), "
        f"`wrk -t{threads} -c{connections} -d{duration} --latency` on the same machine. "
        "Errors: socket errors, time-outs, statuses other than 2xx, and errors in the "
        "server's log. Server CPU: the CPU time gunicorn (master and workers) spent per "
        f"request, which other work on the machine changes less than req/s. {LOAD_NOTE}",
        "",
        "| engine | page cache | address | req/s | p50 (ms) | p99 (ms) | requests | errors "
        "| share of the ceiling | server CPU per request (µs) | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in main:
        ceiling = ceilings.get(m["engine"])
        share = f"{rate(m) / ceiling:.0%}" if ceiling and m["label"] != "ceiling" else "–"
        if m["label"] == "organisation" and ceiling:
            verdict = "met" if rate(m) >= TARGET * ceiling else "missed"
            share = f"**{share}** (target ≥ {TARGET:.0%}: {verdict})"
        mode = "–" if m["label"] == "ceiling" else MODES[m["mode"]]
        lines.append(
            f"| {m['engine']} | {mode} | {PAGES[m['label']]} `{m['path']}` | {rate(m):,.0f} | "
            f"{ms(m['p50_us'])} | {ms(m['p99_us'])} | {m['requests']:,} | {errors(m)} | "
            f"{share} | {cpu_us(m)} | {m['load']:.1f} |"
        )
    return lines


def sweep_report(sweep: list[dict]) -> list[str]:
    """Each worker count's median over the rounds."""
    rounds = len(sweep) // len({(m["workers"], m["mode"]) for m in sweep})
    lines = [
        f"Run of {date.today().isoformat()}: {machine()}; the organisation page on SQLite, "
        f"{rounds} rounds of `wrk -t2 -c64 -d{sweep[0]['duration']}` per worker count, in "
        "alternate orders; medians of the rounds. " + LOAD_NOTE,
        "",
        "| workers | page cache | req/s | p99 (ms) | server CPU per request (µs) | errors | load |",
        "|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple, list[dict]] = {}
    for m in sweep:
        groups.setdefault((m["mode"], m["workers"]), []).append(m)
    for (mode, workers), group in sorted(groups.items()):
        lines.append(
            f"| {workers} | {MODES[mode]} | {median(rate(m) for m in group):,.0f} | "
            f"{ms(median(m['p99_us'] for m in group))} | "
            f"{median(m['server_cpu_s'] / m['requests'] * 1e6 for m in group):,.0f} | "
            f"{sum(errors(m) for m in group)} | "
            f"{min(m['load'] for m in group):.1f}–{max(m['load'] for m in group):.1f} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measures", type=Path)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = parser.parse_args()
    measures = [json.loads(line) for line in args.measures.read_text().splitlines() if line]
    if not measures:
        print("no measures", file=sys.stderr)
        return 1
    main = [m for m in measures if not m["label"].startswith("sweep:")]
    sweep = [m for m in measures if m["label"].startswith("sweep:")]
    blocks = {}
    if main:
        blocks["load"] = report(main, args.duration, args.connections, args.threads)
    if sweep:
        blocks["load-workers"] = sweep_report(sweep)
    for lines in blocks.values():
        print("\n".join(lines) + "\n")
    if args.write:
        sys.path.insert(0, str(ROOT))
        from bench.report import BENCHMARKS, write_block

        for name, lines in blocks.items():
            write_block(name, lines, heading="Load")
        print(f"{BENCHMARKS} updated.")
    failed = sum(errors(m) for m in measures)
    if failed:
        print(f"\n{failed} requests failed: see the errors column.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
