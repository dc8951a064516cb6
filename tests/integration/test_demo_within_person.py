"""The demo's within-person plant: people moving from County Hospital wards to Oakview Care Home
get worse after the move, which their own linked answers show and Oakview's snapshot does not.

Checked on the generated rows with queries of our own (not the report's), on the I statements
(patients' and carers' versions, each person's own measure at both stages).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import mean

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.data.instruments import registry
from app.demo import generator
from app.extensions import db
from app.models import Response, ResponseScore, Service, Stage

N = 3000  # about 60 people answer both before and after the move: enough for a clear mean
UNTIL = date(2026, 1, 31)
I_STATEMENTS = ("i-statements", "i-statements-carer")
MOVE = ("county-wards", "oakview-care-home")
WITHOUT = tuple(p for p in generator.PLANTS if p != "within-person")


def _scores() -> list:
    """(journey, stage position, stage kind, service, from, to, measure, score) per I-statements
    score of every response."""
    service, moved_from, moved_to = (aliased(Service) for _ in range(3))
    stmt = (
        select(
            Response.journey_id,
            Stage.position,
            Stage.kind,
            service.code,
            moved_from.code,
            moved_to.code,
            ResponseScore.measure,
            ResponseScore.score,
        )
        .join(Response, Response.id == ResponseScore.response_id)
        .join(Stage, Stage.id == Response.stage_id)
        .join(service, service.id == Response.service_id)
        .outerjoin(moved_from, moved_from.id == Response.from_service_id)
        .outerjoin(moved_to, moved_to.id == Response.to_service_id)
        .where(ResponseScore.measure.in_(I_STATEMENTS), Response.status == "complete")
    )
    return db.session.execute(stmt).all()


def _movers(rows) -> list[tuple[float, float]]:
    """(score at the last stage answered before the move, at the first after) for each person
    whose Leaving hospital answer was the move wards -> Oakview, on the same measure."""
    by_journey: dict[int, dict[int, tuple[str, float]]] = defaultdict(dict)
    move_at: dict[int, int] = {}
    for journey, position, kind, _, moved_from, moved_to, measure, score in rows:
        by_journey[journey][position] = (measure, score)
        if kind == "transition" and (moved_from, moved_to) == MOVE:
            move_at[journey] = position
    pairs = []
    for journey, at in move_at.items():
        stages = by_journey[journey]
        before = [p for p in stages if p < at]
        after = [p for p in stages if p > at]
        if before and after:
            (m1, s1), (m2, s2) = stages[max(before)], stages[min(after)]
            if m1 == m2:
                pairs.append((s1, s2))
    return pairs


def _generate(plants) -> list:
    generator.generate(N, seed=11, instruments=registry(), until=UNTIL, plants=plants)
    return _scores()


def test_with_the_plant_movers_lose_about_15_points_while_oakview_looks_ordinary(demo_area):
    rows = _generate(generator.PLANTS)
    pairs = _movers(rows)
    assert len(pairs) >= 30
    change = mean(after - before for before, after in pairs)
    assert -21 < change < -9, change
    pathway = mean(score for *_, score in rows)
    start = mean(before for before, _ in pairs)
    assert 5 < start - pathway < 20, (start, pathway)  # they start well above the pathway
    oakview = [s for _, _, kind, svc, *_, s in rows if svc == MOVE[1] and kind == "episode"]
    assert len(oakview) >= 100
    assert abs(mean(oakview) - pathway) < 4, (mean(oakview), pathway)


def test_without_the_plant_movers_do_not_change(demo_area):
    pairs = _movers(_generate(WITHOUT))
    assert len(pairs) >= 30
    change = mean(after - before for before, after in pairs)
    assert abs(change) < 6, change


def test_unknown_plant_is_refused(demo_area):
    with pytest.raises(ValueError, match="within-persons"):
        generator.generate(10, seed=1, instruments=registry(), plants=["within-persons"])


def test_demo_command_can_leave_a_plant_out(app, monkeypatch):
    calls = []
    monkeypatch.setattr(generator, "generate", lambda n, **kw: calls.append(kw["plants"]) or n)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "--responses", "5"]).exit_code == 0
    assert runner.invoke(args=["demo", "--without-plant", "within-person"]).exit_code == 0
    assert runner.invoke(args=["demo", "--without-plant", "nonsense"]).exit_code == 2
    assert [set(c) for c in calls] == [set(generator.PLANTS), set(WITHOUT)]
