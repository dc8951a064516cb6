"""The demo generator: what a person looking at the demo data (or a report on it) would notice."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from statistics import mean

import pytest
from sqlalchemy import delete, select

from app.data.instruments import ABOUT_YOU, registry
from app.demo import generator
from app.extensions import db
from app.models import (
    Answer,
    Journey,
    Response,
    Service,
    Survey,
    response_instruments,
)

N = 600
UNTIL = date(2026, 1, 31)
SCORED = {"1", "2", "3", "4"}


def _score(codes) -> float | None:
    """0-100: (mean of the numeric codes - 1) / 3 * 100, ignoring dk and nomed."""
    values = [int(c) for c in codes if c in SCORED]
    return (mean(values) - 1) / 3 * 100 if values else None


def _responses(min_id: int = 0) -> list[dict]:
    """Every response as plain data, with its answers, in id order."""
    codes = dict(db.session.execute(select(Service.id, Service.code)).all())
    answers = defaultdict(list)
    for a in db.session.scalars(select(Answer).order_by(Answer.id)):
        answers[a.response_id].append((a.instrument_id, a.item_id, a.code, a.text))
    out = []
    for r in db.session.scalars(select(Response).where(Response.id > min_id).order_by(Response.id)):
        out.append(
            {
                "id": r.id,
                "r": r,
                "survey": r.survey.slug,
                "position": r.stage.position,
                "kind": r.stage.kind,
                "role": r.role,
                "service": codes.get(r.service_id),
                "from": codes.get(r.from_service_id),
                "to": codes.get(r.to_service_id),
                "journey": r.journey_id,
                "answers": answers[r.id],
            }
        )
    return out


def _digest(responses: list[dict]) -> str:
    h = hashlib.sha256()
    for r in responses:
        when = r["r"].started_at.replace(tzinfo=None)  # SQLite gives naive, PostgreSQL aware
        h.update(repr((r["survey"], r["role"], r["service"], r["from"], r["to"], when)).encode())
        for instrument_id, item_id, code, text in r["answers"]:
            h.update(repr((instrument_id, item_id, code, text)).encode())
    return h.hexdigest()


def _wipe() -> None:
    for table in (Answer.__table__, response_instruments, Response.__table__, Journey.__table__):
        db.session.execute(delete(table))
    db.session.commit()


@pytest.fixture
def generated(demo_area):
    made = generator.generate(N, seed=1, instruments=registry(), until=UNTIL)
    return made, _responses()


def test_makes_n_complete_responses_over_18_months(generated):
    made, responses = generated
    assert made == N == len(responses)
    assert {r["r"].status for r in responses} == {"complete"}
    channels = [r["r"].channel for r in responses]
    assert 0.04 < channels.count("paper") / N < 0.18
    assert set(channels) == {"web", "paper"}
    roles = [r["role"] for r in responses]
    assert 0.55 < roles.count("patient") / N < 0.75
    assert 0.15 < roles.count("carer") / N < 0.35
    assert roles.count("helped") > 0.04 * N
    assert {r["survey"] for r in responses} == {s.slug for s in db.session.scalars(select(Survey))}
    quarters = {(r["r"].started_at.year, (r["r"].started_at.month - 1) // 3) for r in responses}
    assert len(quarters) >= 6
    assert all(r["r"].completed_at >= r["r"].started_at for r in responses)
    assert all(r["r"].started_at.date() <= UNTIL for r in responses)


def test_services_and_transitions(generated):
    _, responses = generated
    for r in responses:
        allowed = {s.code for s in r["r"].survey.services}
        if r["kind"] == "transition":
            assert r["from"] and r["to"] and r["from"] != r["to"]
            assert {r["from"], r["to"]} <= allowed
            assert r["service"] == r["from"]
        else:
            assert r["from"] is None and r["to"] is None and r["service"] in allowed


def test_journeys_follow_the_pathway_in_date_order(generated):
    _, responses = generated
    by_journey = defaultdict(list)
    for r in responses:
        by_journey[r["journey"]].append(r)
    assert None not in by_journey
    sizes = [len(rs) for rs in by_journey.values()]
    assert sizes.count(1) < len(sizes) * 0.7 and max(sizes) <= 4 and sizes.count(2) > 10
    for rs in by_journey.values():
        rs.sort(key=lambda r: r["r"].started_at)
        positions = [r["position"] for r in rs]
        assert positions == sorted(set(positions))


def test_answers_are_exactly_the_items_the_survey_asks(generated):
    _, responses = generated
    reg = registry()
    about = {i.id for i in reg[ABOUT_YOU].items}
    for r in responses:
        resp = r["r"]
        sectors = {s.sector for s in (resp.service, resp.from_service, resp.to_service) if s}
        asked, boxes = set(), set()
        for si in resp.survey.instruments:
            inst = reg[si.instrument_id]
            mine = [
                i
                for i in inst.select(si.domains, si.item_ids)
                if i.applies(r["role"], r["kind"], sectors)
            ]
            asked |= {(inst.id, i.id) for i in mine}
            if mine:
                boxes |= {(inst.id, ft.id) for ft in inst.free_text if r["role"] in ft.roles}
        coded = {
            (i, item) for i, item, code, _ in r["answers"] if i != ABOUT_YOU and code is not None
        }
        texts = {(i, item) for i, item, code, _ in r["answers"] if i != ABOUT_YOU and code is None}
        assert coded == asked, r["survey"]
        assert texts <= boxes
        about_items = {item for i, item, *_ in r["answers"] if i == ABOUT_YOU}
        assert about_items <= about and (resp.about_you_given or not about_items)
        versions = {v.instrument_id for v in resp.instrument_versions}
        assert {i for i, *_ in r["answers"]} <= versions
    codes = [c for r in responses for i, _, c, _ in r["answers"] if i != ABOUT_YOU and c]
    assert set(codes) <= SCORED | {"dk", "nomed"}
    assert sum(c in ("3", "4") for c in codes) / len(codes) > 0.7  # ceiling effect
    assert 0.03 < codes.count("dk") / len(codes) < 0.10
    boxes = ("went_well", "could_be_better")
    comments = [t for r in responses for _, item, _, t in r["answers"] if item in boxes]
    assert 0.2 < len(comments) / N < 1.0
    assert any("07700 900" in t or "01632 960" in t for t in comments)  # for redaction to find


def test_about_you_once_per_journey_with_a_fair_share_skipped(generated):
    _, responses = generated
    first = {}
    for r in sorted(responses, key=lambda r: r["r"].started_at):
        first.setdefault(r["journey"], r["id"])
    given = [r["r"].about_you_given for r in responses if r["id"] in first.values()]
    assert None not in given
    assert 0.10 < given.count(False) / len(given) < 0.32
    assert all(r["r"].about_you_given is None for r in responses if r["id"] not in first.values())
    about = [c for r in responses for i, _, c, _ in r["answers"] if i == ABOUT_YOU and c]
    assert 0.02 < about.count("pnts") / len(about) < 0.12
    ages = [
        c
        for r in responses
        for _, item, c, _ in r["answers"]
        if item == "age_band" and r["role"] != "carer"
    ]
    assert sum(c in ("65_74", "75_84", "85_over") for c in ages) / len(ages) > 0.7


def test_planted_transition_is_clearly_worse(generated):
    _, responses = generated
    planted, others = [], []
    for r in responses:
        score = _score([c for i, _, c, _ in r["answers"] if i == "ctm-15"])
        if r["kind"] == "transition" and score is not None:
            (planted if (r["from"], r["to"]) == generator.PLANTED_TRANSITION else others).append(
                score
            )
    assert len(planted) >= 8
    assert mean(others) - mean(planted) >= 10


def test_planted_equality_group_is_worse_and_big_enough(generated):
    _, responses = generated
    scale = registry()[ABOUT_YOU].item("ethnic_group").scale
    group = {o.code for o in scale.options if o.group == generator.PLANTED_GROUP}
    ethnic = {
        r["journey"]: c
        for r in responses
        for _, item, c, _ in r["answers"]
        if item == "ethnic_group"
    }
    known = {j: c for j, c in ethnic.items() if c != "pnts"}
    assert sum(c in group for c in known.values()) / len(known) >= 0.08
    scores = defaultdict(list)
    for r in responses:
        if r["journey"] in known:
            score = _score([c for i, _, c, _ in r["answers"] if i != ABOUT_YOU])
            if score is not None:
                scores[known[r["journey"]] in group].append(score)
    assert mean(scores[False]) - mean(scores[True]) >= 8
    by_role = defaultdict(list)
    for r in responses:
        by_role[r["role"]].append(_score([c for *_, c, _ in r["answers"]]))
    patients, carers = ([s for s in by_role[k] if s is not None] for k in ("patient", "carer"))
    assert 0 < mean(patients) - mean(carers) < 12  # planted: carers about 5 points lower


def test_same_seed_same_data_and_a_rerun_does_not_clash(demo_area):
    generator.generate(150, seed=5, instruments=registry(), until=UNTIL)
    first = _responses()
    last_id, digest = first[-1]["id"], _digest(first)
    # The same seed again on top (as `flask demo` run twice would): codes and tokens are
    # redrawn where they clash, the answers are the same.
    assert generator.generate(150, seed=5, instruments=registry(), until=UNTIL) == 150
    assert _digest(_responses(min_id=last_id)) == digest
    assert len(set(db.session.scalars(select(Response.token)))) == 300
    assert len(set(db.session.scalars(select(Journey.code)))) == 2 * len(
        {r["journey"] for r in first}
    )
    _wipe()
    generator.generate(150, seed=5, instruments=registry(), until=UNTIL)
    assert _digest(_responses()) == digest
    _wipe()
    generator.generate(150, seed=6, instruments=registry(), until=UNTIL)
    assert _digest(_responses()) != digest
