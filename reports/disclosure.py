"""Statistical disclosure control: which figures to hide so nobody can learn about fewer than
``threshold`` people from a published breakdown.

Rule (reference/instruments.md, "Publishing rules"): hide any figure based on fewer than 10
responses (configurable; the GP Patient Survey's rule; CQC uses 30 for scores, NHS Digital
suppresses counts of 1-7), and never let a hidden figure be recovered by subtraction from the
totals that are shown.

- A *partition* is a breakdown whose total is shown (e.g. respondents by age band). Primary
  suppression hides every cell below the threshold, zeros included. Secondary suppression then
  hides the next-smallest shown cells until the hidden cells together hold at least
  ``threshold`` responses, or every cell is hidden: otherwise "total minus the shown cells"
  would give a figure about fewer than ``threshold`` people.
- A *two-way table* (e.g. moved-from service x moved-to service) shows every row total and
  column total. The partition rule is applied to each row and each column until nothing
  changes. That alone is not enough: a hidden cell that is the only hidden cell in its column
  can be worked out from the column total, and then subtracted from its row's hidden total,
  and so on along a chain. So the result is audited as an attacker would work: for each
  hidden cell, the largest count consistent with every shown cell, every row and column total
  and non-negative counts (a small linear programme; the table's constraint matrix is totally
  unimodular, so the bound is a whole number). Wherever that bound proves a hidden cell holds
  fewer than ``threshold`` people, one more cell is hidden, and the whole is repeated.

What "recovered" means here: the shown figures *prove* that a hidden cell (or group of hidden
cells) holds fewer than ``threshold`` people, beyond what the shown totals already say. A
total that is itself below the threshold cannot be protected by hiding cells: if a row holds
5 people, its total says so. The caller must not show such a total (merge categories, or
hide the whole breakdown); the checkers do not count it against the cells. Lower bounds
("at least 2 people moved from A to B") are not treated as disclosure.

Deterministic: ties between equal counts are broken by the keys' own order when the keys can
be sorted, else by the order of the mapping. Cells missing from a two-way table's mapping are
*known* zeros: a move nobody made, or one that cannot happen (from a service to itself). The
report shows them as "none", so they are published figures, not unknowns: they are neither
hidden nor protected. Treating them as hidden zeros used to cascade: protecting the
impossible cells of a sparse table hid real, large cells next to them.

Sources: ONS, "Statistical disclosure control" guidance (primary and secondary cell
suppression; disclosure by differencing); Hundepool et al., "Statistical Disclosure Control"
(Wiley 2012), ch. 4 (tabular data: secondary suppression and its audit by linear programming).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from scipy.optimize import linprog

DEFAULT_THRESHOLD = 10

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Disclosure:
    """A way the published figures give away a figure about fewer than the threshold.

    ``cells`` are the cells concerned (one shown cell, one hidden cell, or a group of hidden
    cells whose sum is given away); ``at_most`` is what the shown figures prove: those cells
    hold at most this many responses between them; ``reason`` says how, in plain English.
    """

    cells: tuple
    at_most: int
    reason: str


def _check(counts: Mapping, threshold: int) -> None:
    if threshold < 0:
        raise ValueError(f"threshold must not be negative, not {threshold}")
    for key, count in counts.items():
        if count < 0:
            raise ValueError(f"a count must not be negative: {key!r} has {count}")


def _ordered(keys: Iterable[K]) -> list[K]:
    """The keys in their own order when they can be sorted, else as given (duplicates gone)."""
    keys = list(dict.fromkeys(keys))
    try:
        return sorted(keys)  # type: ignore[type-var]
    except TypeError:
        return keys


def _complete(
    counts: Mapping[K, int], hidden: set[K], threshold: int, rank: Mapping[K, int]
) -> set[K]:
    """The partition rule on one breakdown, starting from the cells already ``hidden``."""
    hidden = set(hidden) | {k for k, c in counts.items() if c < threshold}
    if not hidden:
        return hidden
    held = sum(counts[k] for k in hidden)
    shown = sorted((k for k in counts if k not in hidden), key=lambda k: (counts[k], rank[k]))
    for key in shown:
        if held >= threshold:
            break
        hidden.add(key)
        held += counts[key]
    return hidden


def suppress_partition(
    counts: Mapping[K, int], threshold: int = DEFAULT_THRESHOLD, *, hidden: Iterable[K] = ()
) -> set[K]:
    """The keys to hide in a breakdown whose total is shown.

    Rule: primary suppression hides every cell with a count below ``threshold`` (zeros
    included); if any cell is hidden, secondary suppression hides the smallest shown cells
    (ties: by key order) one by one until the hidden cells together hold at least
    ``threshold`` responses or every cell is hidden, so "total minus the shown cells" never
    gives a figure about fewer than ``threshold`` people. ``hidden`` are cells that must be
    hidden anyway (e.g. hidden in another view of the same data).

    Source: reference/instruments.md, Publishing rules (threshold 10, after the GP Patient
    Survey; no recovery by subtraction); ONS statistical disclosure control guidance on
    primary and secondary suppression.
    """
    _check(counts, threshold)
    rank = {k: i for i, k in enumerate(_ordered(counts))}
    return _complete(counts, set(hidden) & set(counts), threshold, rank)


def recoverable(
    counts: Mapping[K, int], hidden: Collection[K], threshold: int = DEFAULT_THRESHOLD
) -> list[Disclosure]:
    """Every way a partition with its total shown gives away a figure about fewer than
    ``threshold`` people: a shown cell below the threshold, or hidden cells that hold fewer
    than ``threshold`` between them while some cell is shown (total minus shown cells gives
    their sum). Empty when the suppression is safe; a final assertion for report code.

    Rule: as :func:`suppress_partition`; a hidden group is excused only when every cell is
    hidden (then its sum is the total, which the caller has chosen to show).

    Source: reference/instruments.md, Publishing rules; ONS guidance on disclosure by
    differencing.
    """
    _check(counts, threshold)
    unknown = set(hidden) - set(counts)
    if unknown:
        raise ValueError(f"hidden cells not in the breakdown: {sorted(map(repr, unknown))}")
    findings = [
        Disclosure((key,), count, f"shown although fewer than {threshold}")
        for key, count in counts.items()
        if key not in hidden and count < threshold
    ]
    hidden_keys = tuple(k for k in counts if k in hidden)
    held = sum(counts[k] for k in hidden_keys)
    if hidden_keys and held < min(threshold, sum(counts.values())):
        findings.append(
            Disclosure(
                hidden_keys,
                held,
                f"the total minus the shown cells gives {held}, fewer than {threshold}",
            )
        )
    return findings


class _Table:
    """A two-way table of the cells in ``counts``; every other cell of the grid is a known
    zero (shown as "none"), so it is not a cell anyone could hide or recover."""

    def __init__(self, counts: Mapping[tuple[R, C], int], threshold: int):
        _check(counts, threshold)
        for key in counts:
            if not (isinstance(key, tuple) and len(key) == 2):
                raise ValueError(f"a two-way table's keys are (row, column) pairs, not {key!r}")
        self.threshold = threshold
        self.rows = _ordered(r for r, _ in counts)
        self.cols = _ordered(c for _, c in counts)
        self.cells = [(r, c) for r in self.rows for c in self.cols if (r, c) in counts]
        self.rank = {cell: i for i, cell in enumerate(self.cells)}
        self.count = {cell: int(counts[cell]) for cell in self.cells}
        self.row_total = {r: 0 for r in self.rows}
        self.col_total = {c: 0 for c in self.cols}
        for (r, c), count in self.count.items():
            self.row_total[r] += count
            self.col_total[c] += count
        self._by_totals: dict[tuple, int] = {}

    def lines(self) -> list[list[tuple]]:
        present = set(self.cells)
        return [[(r, c) for c in self.cols if (r, c) in present] for r in self.rows] + [
            [(r, c) for r in self.rows if (r, c) in present] for c in self.cols
        ]

    def cap(self, cell: tuple, below: int | None = None) -> int:
        """What the shown totals alone already say a cell is below: the threshold, or the most
        the cell can hold given only the row and column totals (in a full grid, the smaller of
        its two totals; in a sparse one a chain of totals can pin it lower). ``below``: a bound the
        caller compares with the result; skips the costly part when it cannot matter."""
        r, c = cell
        quick = min(self.threshold, self.row_total[r], self.col_total[c])
        if len(self.cells) == len(self.rows) * len(self.cols) or (
            below is not None and below >= quick
        ):
            return quick  # the linear programme below can only lower ``quick``: no need
        if cell not in self._by_totals:
            everything = set(self.cells)
            self._by_totals[cell] = self.upper_bounds(everything, only=[cell])[cell]
        return min(quick, self._by_totals[cell])

    def upper_bounds(
        self, hidden: set[tuple], only: Iterable[tuple] | None = None
    ) -> dict[tuple, int]:
        """For each hidden cell (or each of ``only``), the largest count consistent with the
        shown cells, the row and column totals and non-negative counts: a linear programme
        per cell. A two-way table's constraint matrix is totally unimodular, so the optimum
        is a whole number."""
        variables = [cell for cell in self.cells if cell in hidden]
        if not variables:
            return {}
        index = {cell: i for i, cell in enumerate(variables)}
        a_eq: list[list[float]] = []
        b_eq: list[float] = []
        for line in self.lines():
            in_line = [cell for cell in line if cell in hidden]
            if in_line:
                row = [0.0] * len(variables)
                for cell in in_line:
                    row[index[cell]] = 1.0
                a_eq.append(row)
                b_eq.append(float(sum(self.count[cell] for cell in in_line)))
        bounds: dict[tuple, int] = {}
        for cell in variables if only is None else only:
            objective = [0.0] * len(variables)
            objective[index[cell]] = -1.0
            result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if result.status != 0:  # the real table is always a solution
                raise RuntimeError(f"disclosure audit failed: {result.message}")
            bounds[cell] = int(-result.fun + 1e-6)
        return bounds

    def findings(self, hidden: set[tuple]) -> list[Disclosure]:
        threshold = self.threshold
        found = [
            Disclosure((cell,), self.count[cell], f"shown although fewer than {threshold}")
            for cell in self.cells
            if cell not in hidden and self.count[cell] < threshold
        ]
        for cell, bound in self.upper_bounds(hidden).items():
            if bound < self.cap(cell, below=bound):
                found.append(
                    Disclosure(
                        (cell,),
                        bound,
                        f"hidden, but the shown cells and the row and column totals prove it "
                        f"holds at most {bound}, fewer than {threshold}",
                    )
                )
        return found

    def rule_on_lines(self, hidden: set[tuple]) -> set[tuple]:
        """The partition rule on every row and column, repeated until nothing changes."""
        hidden = set(hidden)
        changed = True
        while changed:
            changed = False
            for line in self.lines():
                counts = {cell: self.count[cell] for cell in line}
                new = _complete(counts, hidden & set(line), self.threshold, self.rank)
                if not new <= hidden:
                    hidden |= new
                    changed = True
        return hidden

    def extra(self, hidden: set[tuple], flagged: tuple) -> tuple | None:
        """One more cell to hide so that ``flagged`` is protected: the smallest shown cell
        whose hiding alone protects it (often one that closes a loop of hidden cells through
        its row and column), else the smallest shown cell in its row or column, else the
        smallest shown cell anywhere; ties by key order."""
        shown = sorted(
            (cell for cell in self.cells if cell not in hidden),
            key=lambda cell: (self.count[cell], self.rank[cell]),
        )
        for cell in shown:
            bound = self.upper_bounds(hidden | {cell}, only=[flagged])[flagged]
            if bound >= self.cap(flagged):
                return cell
        r, c = flagged
        near = [cell for cell in shown if cell[0] == r or cell[1] == c]
        return (near or shown or [None])[0]


def suppress_table(
    counts: Mapping[tuple[R, C], int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    hidden: Iterable[tuple[R, C]] = (),
) -> set[tuple[R, C]]:
    """The cells to hide in a two-way table whose row and column totals are shown.

    Rule: the partition rule (:func:`suppress_partition`) on every row and every column
    (starting from ``hidden``: cells that must be hidden anyway, e.g. because a linked table
    hides their row's total),
    repeated until nothing changes; then an audit (:func:`recoverable_table`): while some
    hidden cell can be proved to hold fewer than ``threshold`` people by working through the
    rows and columns, one more cell is hidden (the smallest shown cell whose hiding protects
    it, else the smallest in its row or column; ties by key order) and the rule is applied
    again. Hiding every cell is always safe, so this ends. Cells missing from ``counts`` are
    known zeros (shown as "none"): never hidden, never protected. Row or column totals below
    ``threshold`` must not be shown (see the module docstring).

    Source: reference/instruments.md, Publishing rules; ONS guidance on secondary suppression
    in linked tables; Hundepool et al. (2012) ch. 4 on auditing a suppression pattern.
    """
    table = _Table(counts, threshold)
    hidden = table.rule_on_lines(set(hidden) & set(table.cells))
    while True:
        problems = [f for f in table.findings(hidden) if f.cells[0] in hidden]
        if not problems:
            return hidden
        cell = table.extra(hidden, problems[0].cells[0])
        if cell is None:  # everything is hidden: cannot happen, since that is always safe
            return hidden
        hidden = table.rule_on_lines(hidden | {cell})


def recoverable_table(
    counts: Mapping[tuple[R, C], int],
    hidden: Collection[tuple[R, C]],
    threshold: int = DEFAULT_THRESHOLD,
) -> list[Disclosure]:
    """Every way a two-way table with its row and column totals shown gives away a figure
    about fewer than ``threshold`` people: a shown cell below the threshold, or a hidden cell
    whose largest possible count, given every shown cell and total, is below the threshold
    (or below its own row or column total, when that is smaller: such a total says it
    already). This catches subtraction along a row or column and chains of such subtractions.
    Empty when the suppression is safe; a final assertion for report code.

    Rule and source: as :func:`suppress_table`.
    """
    table = _Table(counts, threshold)
    unknown = set(hidden) - set(table.cells)
    if unknown:
        raise ValueError(f"hidden cells not in the table: {sorted(map(repr, unknown))}")
    return table.findings(set(hidden))
