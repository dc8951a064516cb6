"""Whole-journey figures: people followed across two or more stages, by role and equality
group, so a board sees who has the worst journeys, not only the worst single episodes.

From the rows ``app.data.whole_journey_queries.whole_journeys`` returns (per dimension, group
and measure: n people and the sums of their journey scores, each person's own mean over the
stages they were scored at). A group's figure is its mean journey score with its interval,
compared with everyone followed (the "pathway" row of the same measure) by the same test as
the report's other groups (``reports.stats.compare``, the group as part of the whole); the
band is set later, by the report's one false-alarm control. "Not answered" and "prefer not
to say" are counted, never compared, as in the report's equality breakdown.

Disclosure: the number of people followed is shown per measure, so each dimension is a
partition of it (``reports.disclosure.suppress_partition``, primary and secondary). Every
group of a dimension is listed on every measure, with nobody (n 0, hidden) where no one in
it has a journey score, so a group missing from a measure is never a known zero. When fewer
than the threshold are followed on a measure, that measure's pathway figure and every group
on it are hidden.

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reports.disclosure import suppress_partition
from reports.figures import COMPARISON, NOT_COMPARED, figure, reference_moments
from reports.linked import NOT_KNOWN

PATHWAY = "pathway"
ROLE = "role"
#: The pathway figure's label: everyone with a journey score on the measure.
EVERYONE = "Everyone followed across two or more stages"
#: The fields of a whole-journey figure taken from ``reports.figures.figure``.
FIGURE_FIELDS = ("n", "mean", "low", "high", "band", "suppressed")
NOBODY = {"n": 0, "total": 0.0, "total_sq": 0.0, "total_cu": 0.0}


def _cell(row: Mapping, label: str, level: float, reference, compared: bool = True) -> dict:
    made = figure(row, level, reference if compared else None)
    cell = {
        "dimension": row["dimension"],
        "group": row["group"],
        "label": label,
        "measure": row["measure"],
        **{k: made[k] for k in FIGURE_FIELDS},
    }
    if COMPARISON in made:
        cell[COMPARISON] = made[COMPARISON]
    if not compared:
        cell["compared"] = False
    return cell


def _groups(rows: Iterable[Mapping]) -> list:
    """The groups of a dimension's rows, in their own order (None last)."""
    groups = dict.fromkeys(r["group"] for r in rows)
    return sorted(groups, key=lambda g: (g is None, "" if g is None else str(g)))


def _dimension(
    dimension: str,
    rows: list[Mapping],
    pathway: Mapping[str, Mapping],
    shown: set[str],
    labels: Mapping[str, str],
    threshold: int,
    level: float,
) -> list[dict]:
    """One dimension's figures: every group on every measure, each measure's groups a
    partition of the pathway's people on it."""
    by_key = {(r["measure"], r["group"]): r for r in rows}
    measures = list(dict.fromkeys([*pathway, *(r["measure"] for r in rows)]))
    groups = _groups(rows)
    cells = []
    for measure in measures:
        reference = reference_moments(pathway.get(measure, {}))
        made = {}
        for group in groups:
            row = by_key.get((measure, group))
            if row is None:
                row = {"dimension": dimension, "group": group, "measure": measure, **NOBODY}
            label = NOT_KNOWN if group is None else labels.get(group, str(group))
            made[group] = _cell(row, label, level, reference, group not in NOT_COMPARED)
        counts = {g: c["n"] for g, c in made.items()}
        hidden = suppress_partition(
            counts, threshold, hidden=() if measure in shown else counts.keys()
        )
        cells += [{**c, "suppressed": g in hidden} for g, c in made.items()]
    return cells


def whole_journey_figures(
    rows: Iterable[Mapping],
    labels: Mapping[str, Mapping[str, str]],
    threshold: int,
    level: float = 0.95,
) -> dict:
    """{"pathway": [cell per measure], "roles": [cells], "equality": {dimension: [cells]}};
    each cell {"dimension", "group", "label", "measure", "n", "mean", "low", "high", "band"
    (None: set by the report's banding), "suppressed", and "_comparison" (private) when
    compared, "compared": False for groups never compared}. Suppressed cells keep their
    numbers here, for the banding step; ``reports.figures.public`` hides them.
    ``labels``: {dimension: {code: words}}, role labels under "role"."""
    rows = list(rows)
    pathway_rows = {r["measure"]: r for r in rows if r["dimension"] == PATHWAY}
    shown = {m for m, r in pathway_rows.items() if r["n"] >= threshold}
    everyone = [
        {
            **_cell(r, EVERYONE, level, None),
            "suppressed": m not in shown,
        }
        for m, r in pathway_rows.items()
    ]
    by_dimension: dict[str, list[Mapping]] = {}
    for r in rows:
        if r["dimension"] != PATHWAY:
            by_dimension.setdefault(r["dimension"], []).append(r)

    def cells(dimension: str) -> list[dict]:
        return _dimension(
            dimension,
            by_dimension.get(dimension, []),
            pathway_rows,
            shown,
            labels.get(dimension, {}),
            threshold,
            level,
        )

    return {
        "pathway": everyone,
        "roles": cells(ROLE) if ROLE in by_dimension else [],
        "equality": {d: cells(d) for d in by_dimension if d != ROLE},
    }
