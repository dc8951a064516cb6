"""A drawn survey for the cross-output disclosure tests (test_output_disclosure.py and
tests/integration/test_dashboard_disclosure.py): the responses, their aggregation into a
``ReportInput`` as app/data/report_queries and app/data/reports do it, and the test's own
recount of every figure (the oracle). Independent of app/data and of the report's code: it
groups in Python.

A response is at a stage with a service, or at a transition stage with a move from one
service to another (the service left is its service, as app.data.responses stores it). Two
transition stages, so that moves between the same two services at two stages are two
figures; one of them has a hyphen in its slug, as stage slugs may. People answer several
stages along the pathway, now and then one stage twice (tests/unit/reports/drawn_journeys.py
links them and works out the journeys section's rows).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from hypothesis import strategies as st

from reports.aggregate import ReportInput
from tests.unit.reports.drawn_journeys import JourneyOracle, link

STAGES = [
    {"slug": "ward", "name": "On the ward", "position": 1, "kind": "episode"},
    {"slug": "leaving", "name": "Leaving hospital", "position": 2, "kind": "transition"},
    {"slug": "home", "name": "Back home", "position": 3, "kind": "episode"},
    {
        "slug": "moving-on",
        "name": "Moving on from care at home",
        "position": 4,
        "kind": "transition",
    },
]
STAGE_OF = {s["slug"]: s for s in STAGES}
EPISODES = [s["slug"] for s in STAGES if s["kind"] == "episode"]
TRANSITIONS = [s["slug"] for s in STAGES if s["kind"] == "transition"]
SERVICES = {
    "wards": {"name": "County Hospital wards", "sector": "acute"},
    "beds": {"name": "Hillford step-down beds", "sector": "community"},
    "oakview": {"name": "Oakview Care Home", "sector": "social_care"},
    "reablement": {"name": "Reablement team", "sector": "social_care"},
    # Only in the hand-made examples:
    "medical": {"name": "Medical wards", "sector": "acute"},
    "homecare": {"name": "Home care", "sector": "social_care"},
}
SECTORS = {"acute": "Acute hospital", "community": "Community health", "social_care": "Social care"}
ROLES = {"patient": "Patient", "carer": "Carer"}
QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3"]
MEASURES = {"ctm": "CTM-15", "ist": "I statements", "ist:info": "I statements: Information"}
WHOLE = ("ctm", "ist")  # whole-questionnaire measures (the domain is part of "ist")
NOT_COMPARED = ("not_answered", "prefer_not_to_say")  # counted, never banded
EQUALITY = {  # dimension -> (code, words, weight): common groups and rare ones
    "age_band": [
        ("16_64", "16 to 64", 3),
        ("65_74", "65 to 74", 4),
        ("75_plus", "75 or over", 4),
        ("not_answered", "Not answered", 1),
        ("prefer_not_to_say", "Prefer not to say", 1),
    ],
    "disability": [
        ("limited_a_lot", "Disabled: day-to-day activities limited a lot", 3),
        ("limited_a_little", "Disabled: day-to-day activities limited a little", 3),
        ("not_disabled", "Not disabled", 12),
        ("prefer_not_to_say", "Prefer not to say", 1),
    ],
}
LABELS = {dim: {code: words for code, words, _ in groups} for dim, groups in EQUALITY.items()}
STATEMENTS = {("ctm", "c2"): "Preferences taken into account", ("ist", "i4"): "Told who to call"}
ANSWERS = [("1", 1), ("2", 2), ("3", 6), ("4", 6), ("dk", 1)]
AGREEMENT = {"1": 0.0, "2": 100 / 3, "3": 200 / 3, "4": 100.0}


@dataclass
class Survey:
    """How many responded at each place and quarter; who they were and what they answered
    come from ``seed`` (so a failing example prints the sizes, not every response)."""

    threshold: int
    services: dict[str, dict]
    sizes: dict[tuple, int]  # (stage, service, moved to or None, quarter) -> responses
    scored: dict[str, float]  # measure -> the chance that a response has a score on it
    seed: int
    linked: float = 0.0  # the chance that a response is by someone who answered before
    common_only: bool = False  # no rare group: every response a patient's, no rare answers

    @cached_property
    def responses(self) -> list[dict]:
        rnd = random.Random(self.seed)
        out = [
            response(stage, service, to, quarter, rnd, self)
            for (stage, service, to, quarter), n in self.sizes.items()
            for _ in range(n)
        ]
        link(out, STAGES, rnd, self.linked)
        for r in out:  # who a person is goes with them, whatever stage they answer
            person = random.Random(f"{self.seed}:{r['journey']}")
            for dim, groups in EQUALITY.items():
                common = [g for g in groups if g[-1] >= 4]
                r[dim] = _pick(person, common if self.common_only else groups)
        return out

    @cached_property
    def journeys(self) -> JourneyOracle:
        return JourneyOracle(self.responses, STAGES, self.services, EQUALITY)


def _pick(rnd: random.Random, weighted):
    return rnd.choices([v[0] for v in weighted], weights=[v[-1] for v in weighted])[0]


def _answers(rnd: random.Random, k: int) -> list[int]:
    """``k`` four-point answers (1 strongly disagree .. 4 strongly agree), mostly agreeing."""
    return rnd.choices([1, 2, 3, 4], weights=[1, 2, 6, 6], k=k)


def _scored(answers: list[int]) -> dict:
    """A score (0-100: the answers' mean) and its top and bottom answers, as scoring does."""
    return {
        "score": sum((a - 1) / 3 * 100 for a in answers) / len(answers),
        "top": sum(a == 4 for a in answers),
        "bottom": sum(a <= 2 for a in answers),
        "answered": len(answers),
    }


def response(stage, service, to, quarter, rnd, survey: Survey) -> dict:
    """One complete response; ``rnd`` draws what they said. Who they are (the journey, and
    equality answers that go with the person) is set by ``Survey.responses``."""
    common = survey.common_only
    scores = {}
    for measure, chance in survey.scored.items():
        if rnd.random() < chance:
            answers = _answers(rnd, rnd.randint(2, 6))
            scores[measure] = _scored(answers)
            if measure == "ist" and (common or rnd.random() < 0.9):
                scores["ist:info"] = _scored(answers[: rnd.randint(1, len(answers))])
    return {
        "stage": stage,
        "stage_kind": STAGE_OF[stage]["kind"],
        "service": service,  # for a move, the service left (app.data.responses.set_services)
        "from_service": service if to else None,
        "to_service": to,
        "quarter": quarter,
        "role": "carer" if rnd.random() < 0.15 and not common else "patient",
        "channel": "paper" if rnd.random() < 0.1 else "web",
        "scores": scores,
        "answers": {item: _pick(rnd, ANSWERS) for item in STATEMENTS if rnd.random() < 0.8},
        "comment": f"Comment {rnd.randrange(10**6)}" if rnd.random() < 0.4 else None,
    }


def places(codes: list[str]) -> list[tuple]:
    """Where a response can be: an episode stage at a service, or a transition stage with a
    move from one service to another, never to itself (the survey refuses that)."""
    out = [(s, c, None) for s in EPISODES for c in codes]
    return out + [(s, f, t) for s in TRANSITIONS for f in codes for t in codes if f != t]


@st.composite
def surveys(draw, big: bool = False) -> Survey:
    """Responses in groups of 1-25 by place and quarter (``big``: every place in every
    quarter, each group at least the threshold, and no rare role or equality group). Who
    answered and their answers come from a drawn seed, so that hypothesis shrinks the group
    sizes quickly."""
    threshold = draw(st.one_of(st.just(10), st.integers(3, 15)))
    codes = list(SERVICES)[: draw(st.integers(2, 4))]  # a drawn survey's services
    quarters = QUARTERS[: draw(st.integers(1, 3))]
    where = places(codes)
    sizes: dict[tuple, int] = defaultdict(int)
    if big:
        for place in where:
            for quarter in quarters:
                sizes[place, quarter] = draw(st.integers(threshold, threshold + 10))
    else:
        # Most groups at a transition stage: moves are where the linked tables meet.
        moves = [p for p in where if p[2]]
        place = st.one_of(st.sampled_from(moves), st.sampled_from(where))
        group = st.tuples(place, st.sampled_from(quarters), st.integers(1, 25))
        for at, quarter, n in draw(st.lists(group, min_size=1, max_size=16)):
            sizes[at, quarter] += n
    # Every response has a CTM score (a report with no figure at all has its own test); the I
    # statements' scores are missing from some, so their groups are smaller.
    scored = {"ctm": 1.0, "ist": 1.0 if big else draw(st.sampled_from([0.3, 0.6, 0.9, 1.0]))}
    sizes = {(*place, quarter): n for (place, quarter), n in sorted(sizes.items(), key=str)}
    seed = draw(st.integers(0, 2**16))
    linked = draw(st.sampled_from([0.5, 0.8, 0.95]))
    services = {c: SERVICES[c] for c in codes}
    return Survey(threshold, services, sizes, scored, seed, linked, common_only=big)


# --- the survey aggregated, as app/data/report_queries and app/data/reports do it -----------

BREAKDOWNS = {
    "pathway": (),
    "stage": ("stage",),
    "service_own": ("stage_kind", "service"),
    "service_in": ("stage_kind", "to_service"),
    "sector": ("sector",),
    "role": ("role",),
    "transition": ("stage", "from_service", "to_service"),
    "quarter": ("quarter",),
    "stage_quarter": ("stage", "quarter"),
    "stage_role": ("stage", "role"),
    **{f"equality:{d}": (d,) for d in EQUALITY},
}
LABELLED = {"role": ROLES, "sector": SECTORS, **LABELS}  # key column -> code -> words


def _value(survey: Survey, r: dict, key: str):
    if key == "sector":
        return survey.services[r["service"]]["sector"]
    return r[key]


def measure_rows(survey: Survey, keys: tuple[str, ...]) -> list[dict]:
    """Per group and measure: n and the sums of the scores, their squares and cubes, and of
    the top, bottom and answered items (measure_stats); a grouping key a response has no
    value for is a group of its own (None), as SQL's GROUP BY makes it."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in survey.responses:
        for measure, score in r["scores"].items():
            groups[tuple(_value(survey, r, k) for k in keys), measure].append(score)
    rows = []
    for (key, measure), scores in sorted(groups.items(), key=str):
        row = dict(zip(keys, key, strict=True)) | {"measure": measure, "n": len(scores)}
        for name, power in (("total", 1), ("total_sq", 2), ("total_cu", 3)):
            row[name] = sum(s["score"] ** power for s in scores)
        row |= {k: sum(s[k] for s in scores) for k in ("top", "bottom", "answered")}
        labelled = [k for k in keys if k in LABELLED]
        if labelled:  # role, sector and equality rows: the code, and its words in ``label``
            code = row[labelled[-1]]
            row["label"] = LABELLED[labelled[-1]].get(code, code)
        rows.append(row)
    return rows


def counts_by(survey: Survey, key: str) -> dict:
    out: dict = defaultdict(int)
    for r in survey.responses:
        out[r[key]] += 1
    return dict(sorted(out.items()))


def people_by(survey: Survey, key: str) -> dict:
    """Distinct people (journeys) per value of ``key``."""
    out: dict = defaultdict(set)
    for r in survey.responses:
        out[r[key]].add(r["journey"])
    return {k: len(v) for k, v in sorted(out.items())}


def unscored_input(survey: Survey) -> dict[str, dict[str, int]]:
    """Per whole measure: every response was asked it; those with a score were scored."""
    asked = len(survey.responses)
    scored = pathway_truth(survey)
    return {m: {"asked": asked, "scored": scored.get(m, 0)} for m in WHOLE if asked}


def report_input(survey: Survey) -> ReportInput:
    items: dict[tuple, int] = defaultdict(int)
    for r in survey.responses:
        for (instrument, item), code in r["answers"].items():
            items[r["stage"], instrument, item, code] += 1
    return ReportInput(
        meta={
            "pathway": "leaving-hospital",
            "pathway_name": "Leaving hospital",
            "period_text": "All responses so far",
            "filters_text": "",
            "generated_at": "1 January 2027, 09:00 UTC",
        },
        stages=STAGES,
        services=survey.services,
        sectors=SECTORS,
        measures=MEASURES,
        instruments=[
            {"id": "ctm", "version": 1, "title": "CTM", "attribution": "", "scoring": "Mean."},
            {"id": "ist", "version": 1, "title": "I", "attribution": "", "scoring": "Mean."},
        ],
        overview={
            "responses": len(survey.responses),
            "journeys": len({r["journey"] for r in survey.responses}),
            "services": len({r["service"] for r in survey.responses}),
            "stages": len({r["stage"] for r in survey.responses}),
            "channels": counts_by(survey, "channel"),
            "roles": counts_by(survey, "role"),
        },
        rows={name: measure_rows(survey, keys) for name, keys in BREAKDOWNS.items()},
        items=[
            {
                "stage": stage,
                "stage_position": STAGE_OF[stage]["position"],
                "stage_name": STAGE_OF[stage]["name"],
                "instrument_id": instrument,
                "item_id": item,
                "code": code,
                "n": n,
            }
            for (stage, instrument, item, code), n in sorted(items.items())
        ],
        item_text=STATEMENTS,
        comments=[
            {"stage": r["stage"], "service": r["service"], "text": r["comment"], "role": r["role"]}
            for r in survey.responses
            if r["comment"]
        ],
        group_counts={dim: counts_by(survey, dim) for dim in EQUALITY},
        people={dim: people_by(survey, dim) for dim in EQUALITY},
        labels={**LABELS, "role": ROLES, "sector": SECTORS},
        unscored=unscored_input(survey),
        threshold=survey.threshold,
        journeys=survey.journeys.rows(MEASURES),
    )


# --- what the survey holds: the oracle ------------------------------------------------------

# Output table (reports/tables.py) -> the fields that name a cell (codes, not words).
KEYS = {
    "stages": ("stage",),
    "transitions": ("stage", "from_service", "to_service"),
    "services": ("service", "part"),
    "sectors": ("sector",),
    "roles": ("role",),
    "quarters": ("quarter",),
    "stage_quarters": ("stage", "quarter"),
    "stage_roles": ("stage", "role"),
    **{f"equality_{d}": (d,) for d in EQUALITY},
}


def groups_of(survey: Survey, r: dict) -> Iterator[tuple[str, tuple]]:
    """The (table, key) of every figure a response counts in. A move counts for the service
    left (its hand-overs out) and the service moved to (its hand-overs in); an answer at an
    episode stage for the service's own care."""
    yield "stages", (r["stage"],)
    if r["to_service"]:
        yield "transitions", (r["stage"], r["service"], r["to_service"])
        yield "services", (r["service"], "out")
        yield "services", (r["to_service"], "in")
    else:
        yield "services", (r["service"], "own")
    yield "sectors", (survey.services[r["service"]]["sector"],)
    yield "roles", (r["role"],)
    yield "quarters", (r["quarter"],)
    yield "stage_quarters", (r["stage"], r["quarter"])
    yield "stage_roles", (r["stage"], r["role"])
    for dim in EQUALITY:
        yield f"equality_{dim}", (r[dim],)


class Truth(NamedTuple):
    n: int
    mean: float
    top: float  # share of the answers that were "Strongly agree"
    bottom: float  # share that were "Disagree" or "Strongly disagree"


def truth(survey: Survey) -> dict[tuple, Truth]:
    """(table, measure, key) -> the figure, for every group with at least one score."""
    scores: dict[tuple, list[dict]] = defaultdict(list)
    for r in survey.responses:
        for table, key in groups_of(survey, r):
            for measure, score in r["scores"].items():
                scores[table, measure, key].append(score)
    out = {}
    for cell, of in scores.items():
        answered = sum(s["answered"] for s in of)
        out[cell] = Truth(
            len(of),
            sum(s["score"] for s in of) / len(of),
            sum(s["top"] for s in of) / answered,
            sum(s["bottom"] for s in of) / answered,
        )
    # An equality group is listed on every measure its breakdown has, with nobody where none
    # of the group has a score on it: so a missing group is never a known zero beside the
    # group sizes the report states.
    for dim in EQUALITY:
        table = f"equality_{dim}"
        cells = [c for c in out if c[0] == table]
        for measure in {c[1] for c in cells}:
            for key in {c[2] for c in cells}:
                out.setdefault((table, measure, key), Truth(0, math.nan, math.nan, math.nan))
    return out


def pathway_truth(survey: Survey) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for r in survey.responses:
        for measure in r["scores"]:
            out[measure] += 1
    return dict(out)


def statement_truth(survey: Survey) -> dict[tuple, tuple[int, int, float | None]]:
    """(stage, instrument, item) -> (answers, agreement answers, their mean 0-100)."""
    codes: dict[tuple, list[str]] = defaultdict(list)
    for r in survey.responses:
        for (instrument, item), code in r["answers"].items():
            codes[r["stage"], instrument, item].append(code)
    out = {}
    for key, answered in codes.items():
        valued = [AGREEMENT[c] for c in answered if c in AGREEMENT]
        out[key] = (len(answered), len(valued), sum(valued) / len(valued) if valued else None)
    return out


def hand_survey(
    threshold: int,
    sizes: dict[tuple, int],
    services=("wards", "beds"),
    scored=None,
    linked: float = 0.0,
    seed: int = 0,
) -> Survey:
    """A survey of given group sizes: (stage, service, moved to or None, quarter) -> n."""
    services = {c: SERVICES[c] for c in services}
    return Survey(threshold, services, sizes, scored or {"ctm": 1.0}, seed, linked)
