"""Issue 12: the headline names only what the evidence shows, moves are kept visible when
only unpublished totals would hide them, and hand-overs are seen from both sides."""

from __future__ import annotations

import random

import numpy as np
from scipy.optimize import linprog

from reports.aggregate import build_report
from tests.unit.reports.survey_rows import report_input, respondent

SERVICES = {
    "wards": {"name": "County Hospital wards", "sector": "acute"},
    "medical": {"name": "Medical wards", "sector": "acute"},
    "oakview": {"name": "Oakview Care Home", "sector": "social_care"},
    "reablement": {"name": "Reablement team", "sector": "social_care"},
    "home": {"name": "Home care", "sector": "social_care"},
    "beds": {"name": "Step-down beds", "sector": "community"},
}


def skewed(rnd: random.Random, shift: float = 0.0) -> float:
    """A score bunched at the top, as agreement scales are: six four-point answers."""
    answers = rnd.choices([1, 2, 3, 4], weights=[1, 2, 8, 9], k=6)
    return max(0.0, min(100.0, (sum(answers) / 6 - 1) / 3 * 100 + shift))


def people(n, stage, service, rnd, to=None, shift=0.0, **kw):
    return [respondent(stage, service, skewed(rnd, shift), to=to, **kw) for _ in range(n)]


def moves_pattern(bad_shift: float = -25.0):
    """A move of 9 beside moves of 32 and 72 from the same service (the 72 clearly worse),
    with other moves at the same stage and services' own care before and after."""
    rnd = random.Random(7)
    out = []
    for service, n in [("wards", 180), ("medical", 120)]:
        out += people(n, "ward", service, rnd)
    out += people(9, "leaving", "wards", rnd, to="beds")
    out += people(32, "leaving", "wards", rnd, to="reablement")
    out += people(72, "leaving", "wards", rnd, to="oakview", shift=bad_shift)
    out += people(11, "leaving", "wards", rnd, to="home")
    out += people(40, "leaving", "medical", rnd, to="oakview")
    out += people(25, "leaving", "medical", rnd, to="beds")
    out += people(30, "leaving", "medical", rnd, to="reablement")
    for service, n in [("oakview", 90), ("reablement", 60), ("home", 30), ("beds", 30)]:
        out += people(n, "home", service, rnd)
    return out


def _move(report, frm, to):
    (cell,) = [
        c
        for c in report["transitions"]
        if (c["from_service"], c["to_service"]) == (frm, to) and c["stage"] == "leaving"
    ]
    return cell


def test_a_small_move_does_not_hide_the_larger_moves_from_the_same_service():
    report = build_report(report_input(moves_pattern(), SERVICES))
    assert _move(report, "wards", "beds")["suppressed"]
    assert _move(report, "wards", "beds")["n"] is None
    assert _move(report, "wards", "reablement")["n"] == 32
    bad = _move(report, "wards", "oakview")
    assert bad["n"] == 72 and not bad["suppressed"]
    assert bad["band"] == "worse"


def _published_bounds(report, responses) -> dict:
    """What a reader holding the whole report can say of each hidden move: the largest and
    smallest count consistent with every figure shown and how the figures add up (moves at a
    stage make up the stage; a service's hand-overs out and in are its moves; a sector is its
    services' own care and hand-overs out), worked out with a linear programme."""
    moves = {(c["from_service"], c["to_service"]): c for c in report["transitions"]}
    hidden = [k for k, c in moves.items() if c["suppressed"]]
    index = {k: i for i, k in enumerate(hidden)}
    rows, rhs = [], []

    def equal(parts, total):
        row = np.zeros(len(hidden))
        known = 0
        for k in parts:
            if k in index:
                row[index[k]] += 1
            else:
                known += moves[k]["n"]
        if row.any():
            rows.append(row)
            rhs.append(total - known)

    stage = next(c for c in report["journey"] if c["stage"] == "leaving")
    if stage["n"] is not None:
        equal(list(moves), stage["n"])
    for cell in report["services"]:
        if cell["part"] in ("out", "in") and cell["n"] is not None:
            end = 0 if cell["part"] == "out" else 1
            equal([k for k in moves if k[end] == cell["service"]], cell["n"])
    bounds = {}
    for k in hidden:
        c = np.zeros(len(hidden))
        c[index[k]] = -1
        best = linprog(c, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=(0, None))
        bounds[k] = round(-best.fun) if best.status == 0 else None
    return bounds


def test_nothing_small_can_be_worked_out_from_the_moves_and_their_totals():
    responses = moves_pattern()
    report = build_report(report_input(responses, SERVICES))
    for move, most in _published_bounds(report, responses).items():
        assert most is None or most >= 10, f"{move} can be shown to hold at most {most}"


def test_hand_overs_are_seen_from_both_sides():
    report = build_report(report_input(moves_pattern(), SERVICES))
    parts = {(c["service"], c["part"]): c for c in report["services"]}
    assert parts["wards", "own"]["n"] == 180  # its own care, apart from its hand-overs
    assert parts["oakview", "in"]["n"] == 72 + 40  # the receiving side of the hand-overs
    assert parts["oakview", "own"]["n"] == 90
    # the bad hand-over shows on the receiving side too
    assert parts["oakview", "in"]["mean"] < parts["oakview", "own"]["mean"]


def test_the_headline_names_nothing_when_nothing_differs():
    rnd = random.Random(11)
    responses = []
    for service, n in [("wards", 150), ("medical", 150)]:
        responses += people(n, "ward", service, rnd)
    for frm, to, n in [("wards", "oakview", 60), ("medical", "home", 60), ("wards", "home", 40)]:
        responses += people(n, "leaving", frm, rnd, to=to)
    for service, n in [("oakview", 100), ("home", 100)]:
        responses += people(n, "home", service, rnd)
    report = build_report(report_input(responses, SERVICES))
    assert report["weakest"] == [] and report["strongest"] == []
    assert "Nothing is clearly worse" in report["headline_text"]["weakest"]
    assert "Nothing is clearly better" in report["headline_text"]["strongest"]


def test_the_headline_names_a_clearly_worse_service_and_age_group_with_their_evidence():
    rnd = random.Random(5)
    responses = []
    for service, n, shift in [("wards", 200, 0.0), ("medical", 120, -14.0)]:
        responses += people(n, "ward", service, rnd, shift=shift)
    responses += people(90, "ward", "wards", rnd, shift=-12.0, age="85_plus")
    for service, n in [("oakview", 150), ("home", 150)]:
        responses += people(n, "home", service, rnd)
    report = build_report(report_input(responses, SERVICES))
    named = {p["what"]: p for p in report["weakest"]}
    assert "Medical wards: own care" in named
    assert "Age: 85 or over" in named
    point = named["Medical wards: own care"]
    assert point["n"] == 120 and point["high"] < point["reference"]
    assert point["reference_text"] == "the pathway as a whole"
    # strongest evidence first: the bigger difference in the bigger group leads
    assert report["weakest"][0]["what"] == "Medical wards: own care"
