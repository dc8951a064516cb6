"""Bands for every compared figure of one report, and the headline's strongest and weakest
points ranked by evidence.

Every figure compared with the pathway carries its comparison (``reports.figures``); the
bands are set here, all at once, because the false-alarm control (Benjamini-Hochberg) works
across every comparison one report makes. The headline then lists only figures banded
"worse" (or "better"), strongest evidence first, so on data with no real difference it names
nothing and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reports.figures import COMPARISON
from reports.stats import BETTER, WORSE, band_of, false_discoveries

HEADLINE_POINTS = 5
#: Points listed before the others, and not counted in HEADLINE_POINTS: hand-overs where the
#: same people got clearly worse (or better) are what only linked journeys can show.
FIRST_POINTS = 3

PATHWAY_TEXT = "the pathway as a whole"
STATEMENTS_TEXT = "every answer to this questionnaire on the pathway"

NOTHING = {
    "weakest": "Nothing is clearly worse than the pathway as a whole: no stage, move, service, "
    "group of people or statement scored lower by more than chance would explain.",
    "strongest": "Nothing is clearly better than the pathway as a whole: no stage, move, "
    "service, group of people or statement scored higher by more than chance would explain.",
}


def band_all(cells: Iterable[dict], q: float = 0.05) -> None:
    """Set ``band`` on every shown figure that was compared: "better" or "worse" when the
    false-discovery control across all of them keeps it, else "about the same". Hidden and
    uncompared figures keep ``band`` None."""
    compared = [c for c in cells if not c["suppressed"] and c.get(COMPARISON) is not None]
    flags = false_discoveries([c[COMPARISON].p for c in compared], q)
    for cell, flagged in zip(compared, flags, strict=True):
        cell["band"] = band_of(cell[COMPARISON], flagged)


@dataclass(frozen=True)
class Candidate:
    """A figure that could be a headline point: ``kind`` of place, its ``code`` and ``what``
    it is in words, and the figure itself (with its comparison)."""

    kind: str
    code: object
    what: str
    cell: dict
    reference: float | None
    reference_text: str = PATHWAY_TEXT
    first: bool = False  # listed before the others (up to FIRST_POINTS)


def headline(candidates: Iterable[Candidate], measures: dict[str, str]) -> dict:
    """{"weakest": [...], "strongest": [...], "headline_text": {...}}: banded points only, the
    strongest evidence (smallest p) first, ``first`` candidates (hand-overs) before the rest,
    one per place (its whole-questionnaire measure
    with the strongest evidence; a questionnaire's domains are in the tables)."""
    best: dict[tuple[str, str, object], tuple[float, Candidate]] = {}
    for c in candidates:
        cell = c.cell
        if cell["suppressed"] or cell["band"] not in (BETTER, WORSE) or ":" in cell["measure"]:
            continue
        key = (cell["band"], c.kind, c.code)
        p = cell[COMPARISON].p
        if key not in best or p < best[key][0]:
            best[key] = (p, c)
    out = {}
    for side, band in (("weakest", WORSE), ("strongest", BETTER)):
        chosen = sorted(
            (v for k, v in best.items() if k[0] == band),
            key=lambda v: (v[0], -abs(v[1].cell[COMPARISON].z)),
        )
        lead = [c for _, c in chosen if c.first][:FIRST_POINTS]
        rest = [c for _, c in chosen if not c.first][:HEADLINE_POINTS]
        out[side] = [_point(c, measures) for c in lead + rest]
    out["headline_text"] = {side: "" if out[side] else NOTHING[side] for side in NOTHING}
    return out


def _point(c: Candidate, measures: dict[str, str]) -> dict:
    cell = c.cell
    return {
        "kind": c.kind,
        "code": c.code,
        "what": c.what,
        "measure": cell["measure"],
        "measure_name": measures.get(cell["measure"], cell["measure"]),
        **{k: cell[k] for k in ("n", "mean", "low", "high", "band")},
        "reference": c.reference,
        "reference_text": c.reference_text,
    }
