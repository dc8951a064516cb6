"""Which counts of people followed along their journey can be shown: the follow-up counts, the
flows between services and the most common whole paths, audited together.

How they add up, as a reader holding the whole report knows it:
- a stage's people are those followed up (who answered a later stage) and those not: a
  partition of a shown total (``suppress_partition``); the share followed up gives both, so
  a hidden share hides both;
- the flows out of a stage add up exactly to the people followed up from it (each followed
  person takes one step from it, to the next stage they answered);
- the people on a flow are the people on the whole paths that take that step.
The first two are links of ``reports.disclosure.LinkedFigures``, audited by linear programming
like the report's other tables. Whole paths are audited against the flows by the rule below,
since a pathway's possible paths are too many to enter one by one.

Paths: a path is listed only if at least ``threshold`` people took it, only if every one of
its steps is a shown flow (so a listed path never tells a reader anything about a hidden
flow), and only if, for every shown flow, the people on it who are on no listed path are
none or at least ``threshold`` (likewise everyone followed across two or more stages, when
that number is shown). Otherwise "flow minus its listed paths" would count a group of fewer
than ``threshold`` people. While a flow breaks the rule, its smallest listed path is taken
off the list. An unlisted path is then bounded only by those remainders, each 0 or at least
the threshold: a reader can prove that nobody took a path (a known zero, as for moves nobody
made) but never that a few people did.

Pure: counts in, keys out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

from reports.disclosure import LinkedFigures, suppress_partition

Flow = tuple  # (stage_from, service_from, stage_to, service_to)


def flow_key(row: Mapping) -> Flow:
    return (row["stage_from"], row["service_from"], row["stage_to"], row["service_to"])


def step_keys(steps: Sequence[tuple]) -> list[Flow]:
    """The flows a whole path takes: each answered stage to the next. ``steps``:
    (stage, stage name, service, service name) per answered stage, in pathway order."""
    return [(a[0], a[2], b[0], b[2]) for a, b in pairwise(steps)]


def hidden_stages(stages: Sequence[Mapping], threshold: int) -> set[str]:
    """Stages whose follow-up counts are hidden: followed and not followed up are a partition
    of the stage's people, and the stage's people are shown."""
    out = set()
    for s in stages:
        parts = {"followed": s["followed"], "not": s["people"] - s["followed"]}
        if s["people"] < threshold or suppress_partition(parts, threshold):
            out.add(s["stage"])
    return out


def hidden_flows(
    flows: Sequence[Mapping], stages: Sequence[Mapping], threshold: int, hidden_stage: set[str]
) -> set[Flow]:
    """The flows to hide: those of fewer than ``threshold`` people, and those the follow-up
    counts would otherwise give away (or, where hiding a follow-up count protects as well,
    that count: the flows are the detail a board reads)."""
    counts: dict = {("flow", flow_key(f)): f["people"] for f in flows}
    for s in stages:
        counts[("people", s["stage"])] = s["people"]
        counts[("followed", s["stage"])] = s["followed"]
    linked = LinkedFigures(counts, threshold)
    for s in stages:
        stage = s["stage"]
        # Those not followed up are people minus followed: hidden with it (the share too).
        linked.add([("followed", stage)], [("people", stage)], equal=False)
        out = [("flow", flow_key(f)) for f in flows if f["stage_from"] == stage]
        linked.add(out, [("followed", stage)])
    hidden = {k for k, n in counts.items() if k[0] == "flow" and n < threshold}
    for s in stages:
        if s["people"] < threshold:
            hidden.add(("people", s["stage"]))
        if s["stage"] in hidden_stage:
            hidden.add(("followed", s["stage"]))
    summaries = {k for k in counts if k[0] == "followed"}
    hidden = linked.suppress(hidden, first=summaries)
    for k in hidden:
        if k[0] == "followed":
            hidden_stage.add(k[1])
    return {k[1] for k in hidden if k[0] == "flow"}


def listed_paths(
    paths: Sequence[Mapping],
    flows: Mapping[Flow, int],
    hidden: set[Flow],
    threshold: int,
    top: int,
    everyone: int | None,
) -> list[Mapping]:
    """The whole paths that can be listed (rule in the module's docstring), most people
    first. ``paths``: path_queries.whole_paths rows; ``flows``: people per flow; ``everyone``:
    the people followed across 2+ stages if that number is shown, else None."""
    listed = [
        p
        for p in paths
        if p["people"] >= threshold
        and all(k in flows and k not in hidden for k in step_keys(p["steps"]))
    ]
    listed.sort(key=lambda p: -p["people"])
    listed = listed[:top]
    while True:
        broken = _broken(listed, flows, hidden, threshold, everyone)
        if broken is None:
            return listed
        listed.remove(broken)


def _broken(listed, flows, hidden, threshold, everyone) -> Mapping | None:
    """The smallest listed path on a flow (or total) whose remainder is 1 to threshold - 1."""
    on: dict = {}
    for p in listed:
        for k in step_keys(p["steps"]):
            on.setdefault(k, []).append(p)
    groups = [(flows[k], ps) for k, ps in on.items() if k not in hidden]
    if everyone is not None and listed:
        groups.append((everyone, listed))
    for total, ps in groups:
        rest = total - sum(p["people"] for p in ps)
        if 0 < rest < threshold:
            return min(ps, key=lambda p: p["people"])
    return None
