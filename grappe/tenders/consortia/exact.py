"""The exact method: a small mixed-integer programme solved by HiGHS.

Variables, for candidate i and requirement r some candidate covers:
  x_i binary: i is in the team;  l_i binary: i leads (only for candidates that may lead);
  y_ir binary: i answers r (only where i scores above 0 on r);
  slacks, kept at 0 unless no team meets every rule: miss_r (mandatory r left uncovered),
  no_lead, short_t (fraction of threshold t missing).
Constraints:
  y_ir ≤ x_i;  l_i ≤ x_i;  Σ_i y_ir + miss_r = 1 (mandatory r);  Σ_i y_ir ≤ 1 (optional r);
  Σ_i l_i + no_lead = 1 (when some candidate may lead);  Σ_i x_i ≤ max_members;
  x_i + x_j ≤ 1 (conflicting pair);  Σ_i min(value_it / required_t, 1) x_i + short_t ≥ 1.
Objective: the one of `scoring` (scores, quality, member penalty, big · slacks). Capacities are
divided by the threshold and capped at 1, so every coefficient stays between 0 and 1.

The rules are first hard (slacks fixed at 0). When no team meets them, the slacks are freed and
the best team under the penalties is taken: the closest team, with its shortfall reported.
After each team T, two cuts: Σ_{i∈T} x_i ≤ |T| - 1 and Σ_{i∉T, i covers something} x_i ≥ 1.
Every later team leaves out at least one member of T and brings in at least one candidate
outside T that covers a requirement: never the same team again, nor T plus or minus someone
(T without its subcontractor is no alternative), nor T padded with someone who cannot do any
part of the work.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from .scoring import W_MANDATORY, W_MEMBER, W_OPTIONAL, W_QUALITY, Prepared

INF = highspy.kHighsInf


_banner_shown = False


def _quiet_highs() -> highspy.Highs:
    """A solver that prints nothing: HiGHS writes its banner to the process's standard output
    (not Python's) when the first solver is made, before any option can silence it, which
    would corrupt a command's JSON output. The first one is made with file descriptor 1
    pointed at /dev/null."""
    global _banner_shown
    if not _banner_shown:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    else:
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


@dataclass
class ExactOutcome:
    teams: list[tuple[int, ...]] = field(default_factory=list)  # candidate rows, best first
    relaxed: bool = False  # no team meets every rule: the teams are the closest ones
    timed_out: bool = False  # a solve stopped on the time limit
    proven: list[bool] = field(default_factory=list)  # per team: proven optimal


@dataclass
class _Model:
    lp: highspy.HighsLp
    slack_columns: np.ndarray


def _build(prep: Prepared) -> _Model:
    n = prep.size
    cost: list[float] = []
    upper: list[float] = []
    integer: list[bool] = []

    def column(c: float, up: float = 1.0, is_integer: bool = True) -> int:
        cost.append(c)
        upper.append(up)
        integer.append(is_integer)
        return len(cost) - 1

    x = [column(W_QUALITY * float(prep.quality[i]) - W_MEMBER) for i in range(n)]
    leads = [(i, column(0.0)) for i in range(n) if prep.can_lead[i]]

    rows: list[tuple[float, float, list[int], list[float]]] = []
    for i, li in leads:
        rows.append((-INF, 0.0, [li, x[i]], [1.0, -1.0]))
    slacks: list[int] = []
    for reqs, matrix, weight, mandatory in (
        (prep.mandatory, prep.s_mandatory, W_MANDATORY, True),
        (prep.optional, prep.s_optional, W_OPTIONAL, False),
    ):
        for j in range(len(reqs)):
            answer = []
            for i in np.flatnonzero(matrix[:, j] > 0):
                yi = column(weight * float(matrix[i, j]))
                rows.append((-INF, 0.0, [yi, x[i]], [1.0, -1.0]))
                answer.append(yi)
            if mandatory:
                miss = column(-prep.big, up=0.0, is_integer=False)
                slacks.append(miss)
                rows.append((1.0, 1.0, [*answer, miss], [1.0] * (len(answer) + 1)))
            else:
                rows.append((-INF, 1.0, answer, [1.0] * len(answer)))
    if prep.lead_required:
        no_lead = column(-prep.big, up=0.0, is_integer=False)
        slacks.append(no_lead)
        rows.append((1.0, 1.0, [li for _, li in leads] + [no_lead], [1.0] * (len(leads) + 1)))
    rows.append((-INF, float(prep.problem.max_members), x, [1.0] * n))
    for a, b in prep.conflicts:
        rows.append((-INF, 1.0, [x[a], x[b]], [1.0, 1.0]))
    for t in range(len(prep.thresholds)):
        helpers = np.flatnonzero(prep.capacity[:, t] > 0)
        short = column(-prep.big, up=0.0, is_integer=False)
        slacks.append(short)
        indices = [x[i] for i in helpers] + [short]
        rows.append((1.0, INF, indices, [float(prep.capacity[i, t]) for i in helpers] + [1.0]))

    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.array(cost)
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = np.array(upper)
    lp.row_lower_ = np.array([r[0] for r in rows])
    lp.row_upper_ = np.array([r[1] for r in rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = len(cost)
    lp.a_matrix_.num_row_ = len(rows)
    lp.a_matrix_.start_ = np.cumsum([0] + [len(r[2]) for r in rows]).astype(np.int32)
    lp.a_matrix_.index_ = np.array([i for r in rows for i in r[2]], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([v for r in rows for v in r[3]], dtype=float)
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[flag] for flag in integer]
    lp.sense_ = highspy.ObjSense.kMaximize
    return _Model(lp=lp, slack_columns=np.array(slacks, dtype=np.int32))


def exact_teams(prep: Prepared, *, count: int, time_limit: float) -> ExactOutcome:
    """Up to `count` teams, best first, each the optimum given the cuts of the earlier ones."""
    outcome = ExactOutcome()
    if prep.size == 0:
        return outcome
    deadline = time.monotonic() + time_limit
    model = _build(prep)
    highs = _quiet_highs()
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 1e-7)
    highs.passModel(model.lp)
    n = prep.size
    while len(outcome.teams) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            outcome.timed_out = True
            break
        highs.setOptionValue("time_limit", remaining)
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            if outcome.teams or outcome.relaxed or not len(model.slack_columns):
                break
            outcome.relaxed = True  # no team meets every rule: free the slacks and retry
            slacks = model.slack_columns
            highs.changeColsBounds(len(slacks), slacks, np.zeros(len(slacks)), np.ones(len(slacks)))
            continue
        proven = status == highspy.HighsModelStatus.kOptimal
        if not proven:
            outcome.timed_out = status == highspy.HighsModelStatus.kTimeLimit
            has_solution = highs.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
            if not has_solution:
                break
        values = np.asarray(highs.getSolution().col_value[:n])
        chosen = tuple(int(i) for i in np.flatnonzero(values > 0.5))
        if not chosen:
            break
        inside = np.array(chosen, dtype=np.int32)
        outcome.teams.append(chosen)
        outcome.proven.append(proven)
        highs.addRow(-INF, float(len(chosen) - 1), len(inside), inside, np.ones(len(inside)))
        covering = np.flatnonzero(prep.covers_any).astype(np.int32)
        outside = np.setdiff1d(covering, inside).astype(np.int32)
        if not len(outside):
            break  # nobody outside this team covers anything: no other team brings someone new
        highs.addRow(1.0, INF, len(outside), outside, np.ones(len(outside)))
        if not proven:
            break
    return outcome
