"""The journeys section as a reader sees it (issue 13, item 5), for test_output_disclosure.py:
each output's journey figures read back into one form, the truth they must match (worked
out from the drawn responses by tests/unit/reports/drawn_journeys.py), and the linear
constraints a reader holding every output can write on the counts hidden from them.

A figure's key names it in codes: ("change", stage from, stage to, measure), ("move", stage,
from, to, measure), ("flow", stage from, place, stage to, place), ("path", text), ("follow",
stage), ("difference", stage, measure), ("whole", dimension, group, measure). Its value is
a dict of its numbers (and band and words), or None where it is hidden.
"""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from itertools import combinations, pairwise

from tests.unit.reports.drawn_survey import (
    EQUALITY,
    MEASURES,
    QUARTERS,
    STAGES,
    Survey,
    _pick,
    hand_survey,
    response,
)

CHANGE = ("n", "mean", "low", "high", "band", "words")
DIFFERENCE = (
    "n_followed",
    "mean_followed",
    "n_not_followed",
    "mean_not_followed",
    "difference",
    "band",
    "words",
)
#: Output table -> (kind of figure, fields naming it, fields of its figure).
TABLES = {
    "journey_changes": ("change", ("stage_from", "stage_to", "measure"), CHANGE),
    "journey_moves": ("move", ("stage", "from_service", "to_service", "measure"), CHANGE),
    "journey_flows": (
        "flow",
        ("stage_from", "service_from", "stage_to", "service_to"),
        ("people",),
    ),
    "journey_paths": ("path", ("path",), ("people",)),
    "follow_up": ("follow", ("stage",), ("people", "followed", "share", "share_low", "share_high")),
    "follow_up_differences": ("difference", ("stage", "measure"), DIFFERENCE),
    "whole_journeys": (
        "whole",
        ("dimension", "group", "measure"),
        ("n", "mean", "low", "high", "band"),
    ),
}
COUNTS = {"n", "people", "followed", "n_followed", "n_not_followed"}
WORDS = {"band", "words"}
#: Counts that must be at least the threshold when shown, per kind of figure.
SIZES = {
    "change": ("n",),
    "move": ("n",),
    "flow": ("people",),
    "path": ("people",),
    "follow": ("people", "followed", "not_followed"),
    "difference": ("n_followed", "n_not_followed"),
    "whole": ("n",),
}
LAST = STAGES[-1]["slug"]  # nobody is followed beyond the pathway's last stage
POSITION = {s["slug"]: s["position"] for s in STAGES}


def _value(field: str, value):
    """A number as an output gives it (text in a CSV): counts whole, others float; None for
    a blank."""
    if value in ("", None):
        return None
    if field in WORDS:
        return value
    if field in COUNTS:
        assert re.fullmatch(r"\d+", str(value)), f"a count written as {value!r}"
        return int(value)
    return float(value)


def _figure(kind: str, fields: tuple, record: dict, where: str) -> dict | None:
    if record["suppressed"] in (True, "True"):
        numbers = {f: record[f] for f in fields if record.get(f) not in ("", None)}
        assert not numbers, f"{where}: a hidden {kind} carries figures {numbers}"
        return None
    out = {f: _value(f, record.get(f)) for f in fields}
    if kind == "follow":
        out["not_followed"] = out["people"] - out["followed"]
    return out


def read(rows: dict[str, list[dict]], where: str) -> dict[tuple, dict | None]:
    """The journey figures of a download's tables (CSV or XLSX rows, by table name)."""
    view: dict[tuple, dict | None] = {}
    for table, (kind, names, fields) in TABLES.items():
        for record in rows.get(table, []):
            key = (kind, *(record[k] if record[k] != "" else None for k in names))
            assert key not in view, f"{where}: {key} appears twice"
            view[key] = _figure(kind, fields, record, where)
    return view


def json_rows(journeys: dict) -> dict[str, list[dict]]:
    """The JSON's journeys section laid out as the tables' rows (field for field, from the
    section's documented form), so that one reader reads both."""

    def share(s: dict) -> dict:
        p = s.get("share") or {}
        return s | {"share": p.get("p"), "share_low": p.get("low"), "share_high": p.get("high")}

    return {
        "journey_changes": journeys["changes"],
        "journey_moves": journeys["moves"],
        "journey_flows": journeys["flows"],
        "journey_paths": [{"path": p["text"], "suppressed": False} | p for p in journeys["paths"]],
        "follow_up": [share(s) for s in journeys["follow_up"]["stages"]],
        "follow_up_differences": journeys["follow_up"]["differences"],
        "whole_journeys": [
            c
            for cells in (
                journeys["whole"]["pathway"],
                journeys["whole"]["roles"],
                *journeys["whole"]["equality"].values(),
            )
            for c in cells
        ],
    }


def json_view(report: dict) -> dict[tuple, dict | None]:
    return read(json_rows(report["journeys"]), "JSON")


def place_label(stage_name: str, service_name: str) -> str:
    """A place on the pathway as the report words it: "Stage: Service"."""
    return f"{stage_name}: {service_name}"


def sankey_view(figure: dict) -> dict[tuple[str, str], int]:
    """The flows a Sankey draws: (from, to) labels -> people."""
    (trace,) = figure["data"]
    names, link = trace["node"]["label"], trace["link"]
    ends = zip(link["source"], link["target"], link["value"], strict=True)
    return {(names[a], names[b]): int(v) for a, b, v in ends}


def check_sankey(figure: dict | None, journeys: dict, where: str) -> None:
    """The diagram draws exactly the flows the JSON shows, with their people (no chart when
    none is shown), and counts the hidden ones in its note."""
    flows = journeys["flows"]
    shown = {
        (
            place_label(f["stage_from_name"], f["service_from_name"]),
            place_label(f["stage_to_name"], f["service_to_name"]),
        ): f["people"]
        for f in flows
        if not f["suppressed"]
    }
    if not shown:
        assert figure is None, f"{where} draws a diagram of no shown flow"
        return
    assert figure is not None, f"{where} draws no diagram of the shown flows"
    assert sankey_view(figure) == shown, where
    notes = " ".join(a["text"] for a in figure["layout"].get("annotations", []))
    hidden = sum(f["suppressed"] for f in flows)
    assert [int(n) for n in re.findall(r"\d+", notes)][:1] == ([hidden] if hidden else []), notes


def followed_survey(threshold: int, paths: dict[tuple, int], services=("wards", "beds")) -> Survey:
    """A hand-made survey of people who each took a given path: {((stage, service, moved to
    or None), ...): how many people}, in pathway order; one quarter, every response scored
    on every measure (what they said and who they are drawn from a fixed seed)."""
    survey = hand_survey(threshold, {}, services, scored={"ctm": 1.0, "ist": 1.0})
    rnd = random.Random(0)
    responses = []
    people = [steps for steps, n in paths.items() for _ in range(n)]
    for person, steps in enumerate(people):
        who = random.Random(f"0:{person}")
        equality = {dim: _pick(who, groups) for dim, groups in EQUALITY.items()}
        for stage, service, to in steps:
            r = response(stage, service, to, QUARTERS[0], rnd, survey)
            responses.append(r | equality | {"journey": person, "completed": len(responses)})
            key = (stage, service, to, QUARTERS[0])
            survey.sizes[key] = survey.sizes.get(key, 0) + 1
    survey.__dict__["responses"] = responses  # in place of the drawn ones
    return survey


# --- the truth ------------------------------------------------------------------------------


def path_text(steps) -> str:
    """A whole path as the report words it: "Stage: Service" for each step, by arrows."""
    return " → ".join(place_label(stage, service) for _, stage, _, service in steps)


def truth(survey: Survey) -> dict[tuple, dict]:
    """Every journey figure the responses hold, with its true numbers (counts, means)."""
    rows = survey.journeys.rows(MEASURES)
    out: dict[tuple, dict] = {}
    for r in rows.pairs:
        key = ("change", r["stage_from"], r["stage_to"], r["measure"])
        out[key] = {"n": r["n"], "mean": r["total"] / r["n"]}
    for r in rows.moves:
        key = ("move", r["stage"], r["from_service"], r["to_service"], r["measure"])
        out[key] = {"n": r["n"], "mean": r["total"] / r["n"]}
    for r in rows.flows:
        key = ("flow", r["stage_from"], r["service_from"], r["stage_to"], r["service_to"])
        out[key] = {"people": r["people"]}
    for r in rows.paths:
        out["path", path_text(r["steps"])] = {"people": r["people"], "steps": r["steps"]}
    for r in rows.follow_up["stages"]:
        out["follow", r["stage"]] = {
            "people": r["people"],
            "followed": r["followed"],
            "not_followed": r["people"] - r["followed"],
            "share": r["followed"] / r["people"],
        }
    split: dict[tuple, dict] = defaultdict(lambda: {"n_followed": 0, "n_not_followed": 0})
    for r in rows.follow_up["measures"]:
        side = "followed" if r["followed"] else "not_followed"
        cell = split["difference", r["stage"], r["measure"]]
        cell[f"n_{side}"], cell[f"mean_{side}"] = r["n"], r["total"] / r["n"]
    for cell in split.values():
        if cell["n_followed"] and cell["n_not_followed"]:
            cell["difference"] = cell["mean_followed"] - cell["mean_not_followed"]
    out |= split
    for r in rows.whole:
        out["whole", r["dimension"], r["group"], r["measure"]] = {
            "n": r["n"],
            "mean": r["total"] / r["n"],
        }
    return out


def check(view: dict, facts: dict, threshold: int, where: str) -> None:
    """Every journey figure shown is of a group that exists, of at least ``threshold``
    people (each part of it too: the followed up and the not followed up), with its true
    numbers; a figure listed but nobody in it (a whole-journey group with no one) is hidden."""
    for key, shown in view.items():
        fact = facts.get(key)
        if fact is None:
            assert key[0] == "whole", f"{where} lists {key}, which nobody is in"
            assert shown is None, f"{where} shows {key}, a group nobody is in: {shown}"
            continue
        if shown is None:
            continue
        for size in SIZES[key[0]]:
            assert fact[size] >= threshold, f"{where} shows {key}: {size} {fact[size]}"
            assert shown[size] == fact[size], f"{where}: {key} {size} {shown[size]}, not {fact}"
        for name in ("mean", "mean_followed", "mean_not_followed", "difference", "share"):
            if name in shown:
                assert math.isclose(shown[name], fact[name], abs_tol=1e-9), (where, key, shown)
        if shown.get("low") is not None:
            assert shown["low"] - 1e-9 <= shown["mean"] <= shown["high"] + 1e-9, (where, key)


def complete(view: dict, facts: dict, journeys: dict, threshold: int) -> None:
    """The JSON lists every change, move, flow, stage followed from and follow-up difference
    the responses hold (hidden or not), every whole-journey group, only paths people took,
    and the number of people followed when it is at least the threshold."""
    listed = ("change", "move", "flow", "follow", "difference")
    mine = {k for k in view if k[0] in listed}
    assert mine == {k for k in facts if k[0] in listed}, sorted(mine ^ facts.keys(), key=str)
    assert {k for k in facts if k[0] == "whole"} <= view.keys()
    assert {k for k in view if k[0] == "path"} <= facts.keys()
    everyone = sum(f["people"] for k, f in facts.items() if k[0] == "path")
    # Shown only when at least the threshold; the joint audit may hide it even then.
    assert journeys["people"] in (None, everyone), everyone
    assert everyone >= threshold or journeys["people"] is None, everyone


def same(view: dict, reference: dict, where: str) -> None:
    """An output lists, shows and hides exactly the journey figures the JSON does, with the
    same numbers, bands and words."""
    assert view.keys() == reference.keys(), (
        f"{where} lists other journey figures than the JSON: "
        f"{sorted(view.keys() ^ reference.keys(), key=str)}"
    )
    for key, shown in view.items():
        ref = reference[key]
        assert (shown is None) == (ref is None), f"{where} shows or hides {key} unlike the JSON"
        for name, value in (shown or {}).items():
            other = ref[name]
            if isinstance(value, float) and other is not None:
                assert math.isclose(value, other, abs_tol=1e-9), (where, key, name, value, other)
            else:
                assert value == other, (where, key, name, value, other)


# --- what a reader can work out -------------------------------------------------------------


def walks(flows: list[tuple]) -> list[tuple]:
    """Every whole path a reader must allow: a chain of two or more (stage, place) steps in
    which each step to the next is a listed flow (a flow the table does not list holds
    nobody, so neither does any path through it)."""
    after: dict[tuple, list[tuple]] = defaultdict(list)
    for sf, pf, st, pt in flows:
        after[sf, pf].append((st, pt))
    out = []

    def extend(path: tuple) -> None:
        out.append(path)
        for nxt in after[path[-1]]:
            extend((*path, nxt))

    for start in list(after):
        for nxt in after[start]:
            extend((start, nxt))
    return out


class Model:
    """A reader's model of who was followed: a count per possible whole path (the people
    who took it), a count per stage of the people who answered only it, and each journey
    count as a sum of those, as the section's method says the counts are made."""

    def __init__(self, journeys: dict, survey: Survey, full: set[str]):
        self.journeys = journeys
        self.full = full  # measures every response has a score on (the reader sees so)
        self.flows = [
            (f["stage_from"], f["service_from"], f["stage_to"], f["service_to"])
            for f in journeys["flows"]
        ]
        self.paths = walks(self.flows)
        names = {s["name"]: s["slug"] for s in STAGES}
        services = {s["name"]: code for code, s in survey.services.items()}
        self.services = list(survey.services)

        def step(label: str) -> tuple:
            stage, _, service = label.partition(": ")
            return names[stage], services[service]

        self.listed = {tuple(step(x) for x in p["labels"]): p["people"] for p in journeys["paths"]}
        assert self.listed.keys() <= set(self.paths), "a listed path takes an unlisted flow"

    def known(self) -> dict[tuple, int | None]:
        """Every journey count the outputs publish (None: hidden), by name."""
        j = self.journeys
        out: dict[tuple, int | None] = {("everyone",): j["people"]}
        out |= {("jpath", p): self.listed.get(p) for p in self.paths}
        out |= {("flow", *k): f["people"] for k, f in zip(self.flows, j["flows"], strict=True)}
        for s in j["follow_up"]["stages"]:
            out["people", s["stage"]] = s["people"]
            out["followed", s["stage"]] = s["followed"]
            both = s["people"] is not None and s["followed"] is not None
            out["not", s["stage"]] = s["people"] - s["followed"] if both else None
        for c in j["changes"]:
            out["change", c["stage_from"], c["stage_to"], c["measure"]] = c["n"]
        for c in j["moves"]:
            out["move", c["stage"], c["from_service"], c["to_service"], c["measure"]] = c["n"]
        for d in j["follow_up"]["differences"]:
            out["diff", d["stage"], d["measure"], True] = d["n_followed"]
            out["diff", d["stage"], d["measure"], False] = d["n_not_followed"]
        for cells in (j["whole"]["pathway"], j["whole"]["roles"], *j["whole"]["equality"].values()):
            for c in cells:
                out["whole", c["dimension"], c["group"], c["measure"]] = c["n"]
        return out

    def links(self, reader, measures: list[str], figures: bool = True) -> None:
        """How the counts add up (``reader.add(parts, wholes, equal)``; a count no output
        lists is a known zero): each flow is the paths through it; a stage's people those
        followed up from it (its flows out) and those not, and the paths through it and the
        people who answered it alone; everyone followed all the paths; the report's people
        those and the people who answered one stage. A figure's n counts the people it is
        defined by on a measure every response has a score on (``full``), at most that
        many on another, and at most those of the full measure's figure; and no more than
        the responses behind it (a stage's or a move's figure, on a full measure)."""
        paths = [("jpath", p) for p in self.paths]
        slugs = [s["slug"] for s in STAGES]

        def through(*stages: str) -> list[tuple]:
            return [("jpath", p) for p in self.paths if {s for s, _ in p} >= set(stages)]

        for slug in slugs:
            reader.free(("single", slug))
        for f in self.flows:
            on = [("jpath", p) for p in self.paths if f in _steps(p)]
            reader.add([("flow", *f)], on)
        for slug in slugs[:-1]:
            reader.add([("followed", slug)], [("flow", *f) for f in self.flows if f[0] == slug])
            reader.add([("people", slug)], [*through(slug), ("single", slug)])
            reader.add([("people", slug)], [("followed", slug), ("not", slug)])
            for f in self.full if figures else ():
                reader.add([("people", slug)], [("fig", "stages", f, (slug,))], equal=False)
        reader.add([("everyone",)], paths)
        if not figures:
            return
        reader.add([("journeys",)], [*paths, *(("single", slug) for slug in slugs)])
        for m in measures:
            equal = m in self.full

            def within(part: tuple, whole: list[tuple], full_part, m=m, equal=equal) -> None:
                """``part`` is ``whole`` (at most, unless ``m`` is full), and at most the
                same figure on a full measure."""
                reader.add([part], whole, equal=equal)
                for f in self.full - {m}:
                    reader.add([part], [full_part(f)], equal=False)

            for a, b in combinations(slugs, 2):
                change = ("change", a, b, m)
                within(change, through(a, b), lambda f, a=a, b=b: ("change", a, b, f))
                for slug in (a, b):
                    reader.add([change], [("fig", "stages", m, (slug,))], equal=False)
            for slug in slugs[:-1]:
                for side, whole in ((True, ("followed", slug)), (False, ("not", slug))):
                    part = ("diff", slug, m, side)
                    within(part, [whole], lambda f, s=slug, d=side: ("diff", s, f, d))
                both = [("diff", slug, m, True), ("diff", slug, m, False)]
                reader.add(both, [("fig", "stages", m, (slug,))], equal=False)
            self._moves(reader, m)
            self._whole(reader, m, within, paths)

    def _moves(self, reader, m: str) -> None:
        """Across a transition stage, the people who moved to a place and answered a stage
        before and one after are those of the paths with that place between two steps."""
        for stage in [s["slug"] for s in STAGES if s["kind"] == "transition"]:
            for to in self.services:
                moves = [("move", stage, a, to, m) for a in self.services if a != to]
                inner = [("jpath", p) for p in self.paths if (stage, to) in p[1:-1]]
                reader.add(moves, inner, equal=m in self.full)
                for move in moves:
                    for f in self.full - {m}:
                        reader.add([move], [(*move[:-1], f)], equal=False)
                    for f in self.full:
                        response = ("fig", "transitions", f, move[1:4])
                        reader.add([move], [response], equal=False)

    def _whole(self, reader, m: str, within, paths) -> None:
        """Each dimension's groups of people followed add up to everyone followed on the
        measure: everyone with two stages or more, on a full measure."""
        whole = self.journeys["whole"]
        everyone = ("whole", "pathway", None, m)
        within(everyone, [("everyone",)], lambda f: ("whole", "pathway", None, f))
        for cells in (whole["roles"], *whole["equality"].values()):
            groups = [("whole", c["dimension"], c["group"], m) for c in cells]
            groups = list(dict.fromkeys(groups))
            if groups:
                reader.add(groups, [everyone])
            for g in groups:
                for f in self.full - {m}:
                    reader.add([g], [(*g[:-1], f)], equal=False)


def _steps(path: tuple) -> list[tuple]:
    return [a + b for a, b in pairwise(path)]


def real(survey: Survey) -> dict[tuple, int]:
    """The true value of every journey count a reader might attack, by the names above."""
    rows = survey.journeys.rows(MEASURES)
    out: dict[tuple, int] = {("everyone",): sum(p["people"] for p in rows.paths)}
    for r in rows.flows:
        out["flow", r["stage_from"], r["service_from"], r["stage_to"], r["service_to"]] = r[
            "people"
        ]
    for r in rows.paths:
        out["jpath", tuple((s[0], s[2]) for s in r["steps"])] = r["people"]
    for r in rows.follow_up["stages"]:
        out["people", r["stage"]] = r["people"]
        out["followed", r["stage"]] = r["followed"]
        out["not", r["stage"]] = r["people"] - r["followed"]
    for r in rows.pairs:
        out["change", r["stage_from"], r["stage_to"], r["measure"]] = r["n"]
    for r in rows.moves:
        out["move", r["stage"], r["from_service"], r["to_service"], r["measure"]] = r["n"]
    for r in rows.follow_up["measures"]:
        out["diff", r["stage"], r["measure"], r["followed"]] = r["n"]
    for r in rows.whole:
        out["whole", r["dimension"], r["group"], r["measure"]] = r["n"]
    return out
