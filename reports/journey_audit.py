"""Which counts of people followed along their journey can be shown, audited together.

Every count of people the journeys section publishes is a sum over the whole paths people
took (a path: the (stage, place) of each stage a person answered, in pathway order): a flow
counts the paths that take its step; the people followed up from a stage, the paths that go
on from it; a change between two stages, at most the paths with both (exactly, on a measure
everyone answers); a move, the paths through its service at that stage with a stage before
and after; everyone followed and each whole-journey total, at most every path. A stage's
people are those followed up and those not; they are at most the stage's responses, which
the snapshot tables state. :class:`PeopleLinks` enters all of it into
``reports.disclosure.LinkedFigures``, with the paths nobody lists as unknowns, and hides
more until no hidden count can be proved to hold fewer than the threshold (the numbers
followed up from each stage go first). The reader is credited with knowing which paths
exist, more than a report tells, so the audit errs on the safe side.

Paths are listed by the rule of :func:`listed_paths`: at least ``threshold`` people took it,
every one of its steps is a shown flow (so a listed path never tells a reader anything about
a hidden flow), and for every shown flow the people on it who are on no listed path are none
or at least ``threshold`` (likewise everyone followed, when that number is shown); while a
flow breaks the rule, its smallest listed path is taken off the list. A reader can then
prove that nobody took a path (a known zero, as for moves nobody made) but not that a few
people did. Individual unlisted paths are not themselves audited (see
docs/decisions/0010-following-people.md).

Pure: counts in, keys out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from itertools import combinations, pairwise

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


class PeopleLinks:
    """Every published count of people followed along the pathway, audited together as a
    reader holding the whole report would combine them, through the whole paths people took.

    A reader knows each published count (flows, follow-up counts, the people followed, the n
    of each change, move, follow-up difference and whole-journey figure, the listed paths)
    and that each counts at most the people on certain whole paths (a change between A and B
    counts only people whose path has both A and B; exactly those, on a measure everyone
    answers). Paths not listed are unknowns. The audit is conservative: it lets the reader
    know which paths exist (not only what could exist), so it finds at least what a reader
    could. ``reports.disclosure.LinkedFigures`` does the linear programming.
    """

    def __init__(self, paths: Sequence[Mapping], threshold: int):
        self.paths = [tuple(p["steps"]) for p in paths]
        self.people = [p["people"] for p in paths]
        self.threshold = threshold
        self.counts: dict = {}
        self.hidden: set = set()
        self.links: list[tuple[list, list]] = []
        self.free: dict = {}

    def unknown(self, key, count: int) -> None:
        """A count a reader does not see and that is not protected here (a snapshot figure
        hidden by its own audit), known only through the links it is in."""
        self.free[key] = count

    def figure(self, key, count: int, hidden: bool) -> None:
        self.counts[key] = count
        if hidden:
            self.hidden.add(key)

    def within(self, key, paths: Iterable[int]) -> None:
        """``key`` counts at most the people on ``paths`` (indexes, from :meth:`on`)."""
        self.links.append(([key], [("path", i) for i in paths]))

    @cached_property
    def on(self) -> dict[tuple, list[int]]:
        """Which paths (indexes) take each flow ("flow", flow), have both of two stages
        ("both", a, b), go on after a stage ("on", stage), pass through a move's service
        between two other stages ("move", stage, service), and every path ("all",)."""
        index: dict[tuple, list[int]] = defaultdict(list)
        for i, steps in enumerate(self.paths):
            keys = {("all",)}
            keys |= {("flow", f) for f in step_keys(steps)}
            stages = [s[0] for s in steps]
            keys |= {("both", a, b) for a, b in combinations(stages, 2)}
            keys |= {("on", stage) for stage in stages[:-1]}
            keys |= {("move", s[0], s[2]) for s in steps[1:-1]}
            for key in keys:
                index[key].append(i)
        return index

    def at_most(self, parts: list, wholes: list) -> None:
        self.links.append((parts, wholes))

    def audit(self, listed: set[tuple], first: set, keep: set) -> set:
        """The keys to hide: the hidden ones, and whatever more keeps each of them from being
        proved to hold fewer than the threshold (``first`` tried first; ``keep`` never)."""
        counts = dict(self.counts)
        for i, steps in enumerate(self.paths):
            if steps in listed:
                counts[("path", i)] = self.people[i]
        linked = LinkedFigures(counts, self.threshold)
        for i, steps in enumerate(self.paths):
            if steps not in listed:
                linked.add_unknown(("path", i), self.people[i])
        for key, count in self.free.items():
            linked.add_unknown(key, count)
        for parts, wholes in self.links:
            linked.add(parts, wholes)
        return linked.suppress(self.hidden, keep=keep, first=first)


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
