"""Tenders: how well matching and team building answer the labelled notices, and how fast they
are at 120, 1,000 and 10,000 members, on SQLite.

    python bench/tenders.py            # prints the figures
    python bench/tenders.py --write    # and updates docs/benchmarks.md
    python bench/tenders.py --sizes 120,1000

Quality runs on the demo members alone, the ones bench/tenders/labels.yaml was written for:
- Hit@5: the share of answerable lots where an expected member is among the first five;
  Recall@5: the share of expected members found there; MRR: the mean of 1/rank of the first;
- negatives: lots nobody in the cluster can answer where the engine still claims that a member
  covers the lot's main capability (a false alarm);
- the best team: the share of the lot's mandatory scored requirements it covers, whether it
  meets the thresholds, and whether it has the lead an expert would pick (labelled teams).
Speed runs in a fresh database per size (a subprocess), the demo plus generated members
(bench/tenders_members.py) up to the size: building the member pool (cold, once per change
of the index), ranking the members of each lot (warm: the pool reused, as a page view does),
and the teams; then, on the largest lots, the exact method on 200 candidates against the greedy
one (time, and greedy's objective as a share of the optimum). Needs ../shared/data for the
real notices.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261123
EXACT_CANDIDATES = 200


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from grappe.interop.importers import load_demo

    call_command("migrate", verbosity=0)
    assert load_demo().ok


def _stored_cases():
    """Every labelled case stored as a tender: (case, tender)."""
    from bench.tenders_cases import load_cases, read_case_notice
    from grappe.tenders.storing import store_notice

    return [(case, store_notice(read_case_notice(case))) for case in load_cases()]


def run_quality() -> dict:
    _setup()
    from grappe.tenders.matching import COVERED_FROM, match_lot
    from grappe.tenders.teaming import teams_for_lot

    lots, negatives, teams = [], [], []
    for case, tender in _stored_cases():
        for lot in tender.lots.all():
            label = case.lots.get(lot.lot_id)
            if label is None:
                continue
            matches = match_lot(lot, limit=None)
            ranked = [m.member.slug for m in matches.members]
            main = next((r for r in matches.scored if r.kind == "capability"), None)
            if not label.coverable:
                claimed = [
                    m.member.slug
                    for m in matches.members
                    if main is not None and m.scores[main.key].score >= COVERED_FROM
                ]
                negatives.append({"case": case.name, "lot": lot.lot_id, "claimed": claimed[:3]})
                continue
            expected = label.expected_members
            ranks = [ranked.index(slug) + 1 for slug in expected if slug in ranked]
            lots.append(
                {
                    "case": case.name,
                    "lot": lot.lot_id,
                    "expected": expected,
                    "top5": ranked[:5],
                    "hit": any(rank <= 5 for rank in ranks),
                    "recall": sum(rank <= 5 for rank in ranks) / len(expected),
                    "reciprocal": 1 / min(ranks) if ranks else 0.0,
                }
            )
            lot_teams = teams_for_lot(lot, matches=matches)
            mandatory = [r.key for r in matches.scored if r.mandatory]
            best = lot_teams.teams[0].team if lot_teams.teams else None
            covered = [key for key in mandatory if best and key in best.covered]
            leader = lot_teams.teams[0].lead if lot_teams.teams else None
            lead = leader.member.slug if leader else None
            teams.append(
                {
                    "case": case.name,
                    "lot": lot.lot_id,
                    "coverage": len(covered) / len(mandatory) if mandatory else 1.0,
                    "thresholds_met": bool(best) and all(best.thresholds_met.values()),
                    "members": [m.member.slug for _x, m in lot_teams.teams[0].members]
                    if lot_teams.teams
                    else [],
                    "expected_team": label.expected_team,
                    "expected_lead": label.lead,
                    "lead": lead,
                }
            )
    return {"lots": lots, "negatives": negatives, "teams": teams}


def run_scale(size: int) -> dict:
    _setup()
    from bench.tenders_members import generate_members, load_members
    from grappe.directory.models import Organisation
    from grappe.tenders.consortia import propose_teams
    from grappe.tenders.matching import build_pool, match_lot, member_pool
    from grappe.tenders.models import Lot
    from grappe.tenders.teaming import team_problem, teams_for_lot

    present = Organisation.objects.filter(membership_status__in=("member", "partner")).count()
    if size > present:
        load_members(generate_members(size - present, SEED))
    _stored_cases()
    started = time.perf_counter()
    pool = build_pool()
    pool_seconds = time.perf_counter() - started
    member_pool()  # cached for the runs below, as in the application
    ranking, team_times, methods, exact_runs = [], [], {}, []
    lots = list(Lot.objects.select_related("tender"))
    for lot in lots:
        started = time.perf_counter()
        match_lot(lot, limit=50)
        ranking.append(time.perf_counter() - started)
        matches = match_lot(lot, limit=None)
        started = time.perf_counter()
        lot_teams = teams_for_lot(lot, matches=matches)
        team_times.append(time.perf_counter() - started)
        if lot_teams.teams:  # a lot nobody covers has no method to speak of
            methods[lot_teams.result.method] = methods.get(lot_teams.result.method, 0) + 1
        problem = team_problem(matches)
        if len(problem.candidates) >= EXACT_CANDIDATES:
            best = sorted(problem.candidates, key=lambda c: -c.quality)[:EXACT_CANDIDATES]
            problem.candidates = best
            exact = propose_teams(problem, method="exact", count=1)
            greedy = propose_teams(problem, method="greedy", count=1)
            if exact.teams and greedy.teams:
                exact_runs.append(
                    {
                        "seconds": exact.seconds,
                        "greedy_seconds": greedy.seconds,
                        "ratio": _ratio(greedy.teams[0].objective, exact.teams[0].objective),
                    }
                )
    return {
        "size": size,
        "members": len(pool.members),
        "units": len(pool.units),
        "lots": len(lots),
        "pool_seconds": pool_seconds,
        "ranking": _summary(ranking),
        "teams": _summary(team_times),
        "methods": methods,
        "exact_200": {
            "runs": len(exact_runs),
            "seconds": _summary([r["seconds"] for r in exact_runs]),
            "greedy_seconds": _summary([r["greedy_seconds"] for r in exact_runs]),
            "worst_ratio": min((r["ratio"] for r in exact_runs), default=None),
            "mean_ratio": statistics.mean(r["ratio"] for r in exact_runs) if exact_runs else None,
        },
    }


def _ratio(greedy: float, exact: float) -> float:
    """Greedy's objective as a share of the optimum (both can be negative when relaxed)."""
    if exact == greedy:
        return 1.0
    return greedy / exact if exact > 0 else exact / greedy


def _summary(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


def _in_subprocess(case: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="grappe-bench-") as data_dir:
        env = {**os.environ, "GRAPPE_DATA_DIR": data_dir, "DEBUG": "false",
               "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"}  # fmt: skip
        output = subprocess.run(
            [sys.executable, __file__, "--case", case],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def quality_figures(quality: dict) -> dict:
    lots, teams, negatives = quality["lots"], quality["teams"], quality["negatives"]
    labelled = [t for t in teams if t["expected_lead"]]
    return {
        "answerable_lots": len(lots),
        "hit_at_5": sum(lot["hit"] for lot in lots) / len(lots),
        "recall_at_5": statistics.mean(lot["recall"] for lot in lots),
        "mrr": statistics.mean(lot["reciprocal"] for lot in lots),
        "negative_lots": len(negatives),
        "false_alarms": sum(bool(n["claimed"]) for n in negatives),
        "team_coverage": statistics.mean(t["coverage"] for t in teams),
        "teams_fully_covering": sum(t["coverage"] == 1.0 for t in teams),
        "teams_meeting_thresholds": sum(t["thresholds_met"] for t in teams),
        "labelled_teams": len(labelled),
        "expected_lead": sum(t["lead"] == t["expected_lead"] for t in labelled),
        "expected_members_in_team": sum(
            set(t["expected_team"]) <= set(t["members"]) for t in labelled
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="120,1000,10000", help="Member counts to time.")
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        result = run_quality() if args.case == "quality" else run_scale(int(args.case))
        print(json.dumps(result))
        return
    quality = _in_subprocess("quality")
    figures = quality_figures(quality)
    print(json.dumps(figures, indent=2))
    for lot in quality["lots"]:
        if not lot["hit"]:
            print(f"  miss: {lot['case']} lot {lot['lot']}: expected {lot['expected']}, "
                  f"top 5 {lot['top5']}")  # fmt: skip
    for negative in quality["negatives"]:
        if negative["claimed"]:
            print(f"  false alarm: {negative['case']} lot {negative['lot']}: {negative['claimed']}")
    scale = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = _in_subprocess(str(size))
        scale.append(result)
        print(json.dumps(result))
    if args.write:
        write_report(figures, quality, scale)


def write_report(figures: dict, quality: dict, scale: list[dict]) -> None:
    f = figures
    lines = [
        f"Quality on the demo members, {f['answerable_lots']} answerable lots and "
        f"{f['negative_lots']} that nobody in the cluster can answer "
        "(bench/tenders/labels.yaml):",
        "",
        "| measure | value |",
        "|---|---|",
        f"| Hit@5 (an expected member among the first five) | {f['hit_at_5']:.0%} |",
        f"| Recall@5 (expected members among the first five) | {f['recall_at_5']:.0%} |",
        f"| MRR (1/rank of the first expected member) | {f['mrr']:.2f} |",
        f"| false alarms on unanswerable lots | {f['false_alarms']} of {f['negative_lots']} |",
        f"| mandatory requirements covered by the best team (mean) | {f['team_coverage']:.0%} |",
        f"| best teams covering every mandatory requirement | "
        f"{f['teams_fully_covering']} of {f['answerable_lots']} |",
        f"| best teams meeting the thresholds | "
        f"{f['teams_meeting_thresholds']} of {f['answerable_lots']} |",
        f"| labelled teams: the expert's lead leads | "
        f"{f['expected_lead']} of {f['labelled_teams']} |",
        f"| labelled teams: the expert's members are in it | "
        f"{f['expected_members_in_team']} of {f['labelled_teams']} |",
        "",
        "| members | offerings and references | pool build (cold) | ranking a lot p50 / p95 / max "
        "| teams p50 / p95 / max | methods | exact, 200 candidates p50 / max | greedy ÷ exact "
        "(worst, mean) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scale:
        r, t, e = s["ranking"], s["teams"], s["exact_200"]
        exact = (
            f"{e['seconds']['p50_ms']} / {e['seconds']['max_ms']} ms ({e['runs']} lots)"
            if e["runs"]
            else "no lot reaches 200 candidates"
        )
        ratio = f"{e['worst_ratio']:.3f}, {e['mean_ratio']:.3f}" if e["runs"] else "–"
        methods = ", ".join(f"{n} {k}" for k, n in sorted(s["methods"].items()))
        lines.append(
            f"| {s['members']:,} | {s['units']:,} | {s['pool_seconds']:.2f} s | "
            f"{r['p50_ms']} / {r['p95_ms']} / {r['max_ms']} ms | "
            f"{t['p50_ms']} / {t['p95_ms']} / {t['max_ms']} ms | {methods} | {exact} | {ratio} |"
        )
    from bench.report import write_block

    write_block("tenders", lines, heading="Tenders")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
