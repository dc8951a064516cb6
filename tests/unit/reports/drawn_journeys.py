"""Journeys in a drawn survey (tests/unit/reports/drawn_survey.py): which person answered
which stages, and the report's journey rows worked out from the responses in plain Python,
by the rules app/data/journey_queries.py, path_queries.py and whole_journey_queries.py
document (the oracle the journeys' disclosure tests check the report against):

- a person (journey code) counts once per stage, with their latest response there;
- pairs: every two stages a person answered, in pathway order, on each measure scored at
  both: later score minus earlier;
- moves: across a transition stage, from the nearest stage they answered before it to the
  nearest after it (whatever its measures), on each measure scored at both, per move;
- follow-up: per stage but the pathway's last, the people who answered it and those of them
  who answered a later one, and their scores there, split by followed up or not;
- flows: each step from a stage a person answered to the next they answered, by place (the
  service, or for a move the service moved to); whole paths: the stages and places of each
  person who answered two or more;
- whole journeys: per person and measure scored at two or more stages, the mean of their
  stage scores, by role and equality group of their response at the last stage they answered.

Independent of app/data and of reports/: it groups in Python.
"""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import pairwise

from reports.journeys import JourneyRows

#: Of the responses that continue someone's journey, the share that answer a stage again.
REPEAT = 0.1
#: The chance that a person goes on from where their last answer left them (so that flows
#: between the same places build up), rather than from anywhere.
SAME_PLACE = 0.8


def place(r: dict) -> str:
    """Where a response puts a person: its service, or the service a move took them to."""
    return r["to_service"] or r["service"]


def link(responses: list[dict], stages: list[dict], rnd: random.Random, linked: float) -> None:
    """Set each response's ``journey`` (its person) and ``completed`` (its place in time).

    Responses are taken in pathway order; each, with chance ``linked``, is by someone already
    seen: now and then at a stage they answered before (a repeat: the latest in time counts,
    which may be either), else at a later stage than any they answered, mostly going on from
    the place they were last. Otherwise it is a new person's first answer. In time, responses
    follow their quarters, in a random order within one."""
    position = {s["slug"]: s["position"] for s in stages}
    times = sorted(range(len(responses)), key=lambda i: (responses[i]["quarter"], rnd.random()))
    for completed, i in enumerate(times):
        responses[i]["completed"] = completed
    order = sorted(range(len(responses)), key=lambda i: (position[responses[i]["stage"]], i))
    people: list[dict] = []
    for i in order:
        r = responses[i]
        at = position[r["stage"]]
        person = None
        if rnd.random() < linked:
            if rnd.random() < REPEAT:
                pool = [p for p in people if at in p["stages"]]
            else:
                pool = [p for p in people if p["last"] < at]
                here = [p for p in pool if p["place"] == r["service"]]
                if here and rnd.random() < SAME_PLACE:
                    pool = here
            person = rnd.choice(pool) if pool else None
        if person is None:
            person = {"id": len(people), "last": 0, "place": None, "stages": set()}
            people.append(person)
        r["journey"] = person["id"]
        person["stages"].add(at)
        if at >= person["last"]:
            person["last"], person["place"] = at, place(r)


def latest(responses: list[dict], stages: list[dict]) -> list[dict[int, dict]]:
    """Per person: {stage position: their latest response there}, in pathway order."""
    position = {s["slug"]: s["position"] for s in stages}
    out: dict[int, dict[int, dict]] = defaultdict(dict)
    for r in responses:
        mine, at = out[r["journey"]], position[r["stage"]]
        if at not in mine or r["completed"] > mine[at]["completed"]:
            mine[at] = r
    return [dict(sorted(mine.items())) for _, mine in sorted(out.items())]


def sums(values: list[float]) -> dict:
    return {
        "n": len(values),
        "total": sum(values),
        "total_sq": sum(v**2 for v in values),
        "total_cu": sum(v**3 for v in values),
    }


def _score(r: dict, measure: str) -> float:
    return r["scores"][measure]["score"]


class JourneyOracle:
    """The journey rows of a drawn survey's responses, as the SQL would return them."""

    def __init__(self, responses, stages, services, dimensions):
        self.people = latest(responses, stages)
        self.stages = {s["position"]: s for s in stages}
        self.services = services
        self.dimensions = tuple(dimensions)

    def _stage(self, at: int, prefix: str) -> dict:
        s = self.stages[at]
        return {prefix: s["slug"], f"{prefix}_position": at, f"{prefix}_name": s["name"]}

    def pairs(self) -> list[dict]:
        changes: dict[tuple, list[float]] = defaultdict(list)
        for mine in self.people:
            answered = list(mine.items())
            for i, (p, a) in enumerate(answered):
                for q, b in answered[i + 1 :]:
                    for m in a["scores"].keys() & b["scores"].keys():
                        changes[p, q, m].append(_score(b, m) - _score(a, m))
        return [
            self._stage(p, "stage_from")
            | self._stage(q, "stage_to")
            | {"measure": m}
            | sums(values)
            for (p, q, m), values in sorted(changes.items())
        ]

    def moves(self) -> list[dict]:
        changes: dict[tuple, list[float]] = defaultdict(list)
        for mine in self.people:
            positions = list(mine)
            for t, r in mine.items():
                before = [p for p in positions if p < t]
                after = [p for p in positions if p > t]
                if self.stages[t]["kind"] != "transition" or not before or not after:
                    continue
                a, b = mine[before[-1]], mine[after[0]]
                for m in a["scores"].keys() & b["scores"].keys():
                    key = (t, r["from_service"], r["to_service"], m)
                    changes[key].append(_score(b, m) - _score(a, m))
        return [
            self._stage(t, "stage")
            | {"from_service": f, "to_service": to, "measure": m}
            | sums(values)
            for (t, f, to, m), values in sorted(changes.items())
        ]

    def follow_up(self) -> dict[str, list[dict]]:
        final = max(self.stages)
        people: dict[int, list[bool]] = defaultdict(list)
        scores: dict[tuple, list[float]] = defaultdict(list)
        for mine in self.people:
            end = max(mine)
            for at, r in mine.items():
                if at == final:
                    continue
                people[at].append(end > at)
                for m in r["scores"]:
                    scores[at, m, end > at].append(_score(r, m))
        return {
            "stages": [
                self._stage(at, "stage") | {"people": len(f), "followed": sum(f)}
                for at, f in sorted(people.items())
            ],
            "measures": [
                self._stage(at, "stage") | {"measure": m, "followed": followed} | sums(values)
                for (at, m, followed), values in sorted(scores.items())
            ],
        }

    def _place(self, at: int, r: dict, side: str) -> dict:
        code = place(r)
        return self._stage(at, f"stage_{side}") | {
            f"service_{side}": code,
            f"service_{side}_name": self.services[code]["name"],
        }

    def flows(self) -> list[dict]:
        counts: dict[tuple, int] = defaultdict(int)
        ends = {}
        for mine in self.people:
            for (p, a), (q, b) in pairwise(mine.items()):
                key = (p, q, place(a), place(b))
                counts[key] += 1
                ends[key] = self._place(p, a, "from") | self._place(q, b, "to")
        return [ends[k] | {"people": n} for k, n in sorted(counts.items())]

    def paths(self) -> list[dict]:
        counts: dict[tuple, int] = defaultdict(int)
        for mine in self.people:
            if len(mine) >= 2:
                steps = tuple(
                    (stage["slug"], stage["name"], code, self.services[code]["name"])
                    for stage, code in ((self.stages[at], place(r)) for at, r in mine.items())
                )
                counts[steps] += 1
        rows = [{"steps": steps, "people": n} for steps, n in counts.items()]
        return sorted(rows, key=lambda r: (-r["people"], r["steps"]))

    def whole(self, measures) -> list[dict]:
        scores: dict[tuple, list[float]] = defaultdict(list)
        for mine in self.people:
            last = mine[max(mine)]
            groups = {"pathway": None, "role": last["role"]}
            groups |= {d: last[d] for d in self.dimensions}
            for m in measures:
                own = [_score(r, m) for r in mine.values() if m in r["scores"]]
                if len(own) >= 2:
                    for dimension, group in groups.items():
                        scores[dimension, group, m].append(sum(own) / len(own))
        order = ["pathway", "role", *self.dimensions]
        keys = sorted(scores, key=lambda k: (order.index(k[0]), k[1] is None, k[1] or "", k[2]))
        return [
            {"dimension": d, "group": g, "measure": m} | sums(scores[d, g, m]) for d, g, m in keys
        ]

    def rows(self, measures) -> JourneyRows:
        return JourneyRows(
            pairs=self.pairs(),
            moves=self.moves(),
            follow_up=self.follow_up(),
            flows=self.flows(),
            paths=self.paths(),
            whole=self.whole(measures),
        )
