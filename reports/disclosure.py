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

- *Linked tables* (:class:`LinkedFigures`): tables that add up to one another (services and
  sectors, moves and stages) are audited together the same way, since a table safe alone can
  pin a figure another hides.

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

import highspy
import numpy as np
from scipy import sparse

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


class _Largest:
    """The most each unknown count can be, given linear links between them and non-negative
    counts: one linear programme, solved once per unknown with only its objective changed
    (HiGHS keeps its basis between solves, so each is a fraction of a millisecond).

    ``rows``: (coefficients by unknown's index, lower, upper) per link; an equality has
    lower == upper."""

    def __init__(self, unknowns: int, rows, lower: np.ndarray, upper: np.ndarray):
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # One model, many objectives: presolving it again for each costs more than it saves
        # (a fifth of the journeys audit at 100,000 responses).
        self.highs.setOptionValue("presolve", "off")
        lp = highspy.HighsLp()
        lp.num_col_ = unknowns
        lp.num_row_ = rows.shape[0]
        lp.col_cost_ = np.zeros(unknowns)
        lp.col_lower_ = np.zeros(unknowns)
        lp.col_upper_ = np.full(unknowns, highspy.kHighsInf)
        lp.row_lower_ = np.asarray(lower, dtype=float)
        lp.row_upper_ = np.asarray(upper, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = rows.indptr.astype(np.int32)
        lp.a_matrix_.index_ = rows.indices.astype(np.int32)
        lp.a_matrix_.value_ = rows.data.astype(float)
        lp.sense_ = highspy.ObjSense.kMaximize
        self.highs.passModel(lp)

    @classmethod
    def of_rows(cls, unknowns: int, rows: list[tuple[dict[int, float], float, float]]):
        """From (coefficients by unknown's index, lower, upper) per row."""
        data, index, starts = [], [], [0]
        for coefficients, _, _ in rows:
            index += list(coefficients)
            data += list(coefficients.values())
            starts.append(len(index))
        matrix = sparse.csr_matrix(
            (np.array(data, dtype=float), np.array(index, dtype=np.int32), np.array(starts)),
            shape=(len(rows), unknowns),
        )
        lower = np.array([low for _, low, _ in rows], dtype=float)
        upper = np.array([high for _, _, high in rows], dtype=float)
        return cls(unknowns, matrix, lower, upper)

    def of(self, unknown: int) -> int | None:
        """The largest whole count ``unknown`` can hold; None when nothing bounds it."""
        self.highs.changeColCost(unknown, 1.0)
        self.highs.run()
        status = self.highs.getModelStatus()
        largest = self.highs.getInfo().objective_function_value
        self.highs.changeColCost(unknown, 0.0)  # changing the model clears what run() found
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return None
        if status != highspy.HighsModelStatus.kOptimal:  # the true counts are always a solution
            raise RuntimeError(f"disclosure audit failed: {self.highs.modelStatusToString(status)}")
        return int(largest + 1e-6)


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
        rows = []
        for line in self.lines():
            in_line = [cell for cell in line if cell in hidden]
            if in_line:
                held = float(sum(self.count[cell] for cell in in_line))
                rows.append(({index[cell]: 1.0 for cell in in_line}, held, held))
        solver = _Largest.of_rows(len(variables), rows)
        bounds: dict[tuple, int] = {}
        for cell in variables if only is None else only:
            bound = solver.of(index[cell])
            assert bound is not None  # every hidden cell is in its row's total
            bounds[cell] = bound
        return bounds

    def findings(self, hidden: set[tuple]) -> list[Disclosure]:
        threshold = self.threshold
        found = [
            Disclosure((cell,), self.count[cell], f"shown although fewer than {threshold}")
            for cell in self.cells
            if cell not in hidden and self.count[cell] < threshold
        ]
        # The true counts are consistent with everything shown: a hidden cell holding at least
        # what the totals allow it (``quick``, above ``cap``) needs no linear programme.
        small = [
            (r, c)
            for (r, c) in self.cells
            if (r, c) in hidden
            and self.count[r, c] < min(self.threshold, self.row_total[r], self.col_total[c])
        ]
        for cell, bound in self.upper_bounds(hidden, only=small).items():
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


@dataclass(frozen=True)
class _Remainder:
    """The people a link's parts leave out (in no part): never published, so never known."""

    link: int


class LinkedFigures:
    """The figures of several published tables that add up to one another, audited together
    as a reader holding every table at once would.

    Each table is safe on its own (the rules above), but tables are linked: every one-way
    breakdown adds up to the pathway, a sector is the sum of its services, the moves add up to
    the transition stages, the moves from a service are at most that service's figure. A
    shown sector can then pin a hidden service that its own breakdown protects. The audit is
    the one :class:`_Table` makes, over every link at once: for each hidden figure, the largest
    count consistent with every shown figure and every link (a linear programme); a hidden
    figure proved to hold fewer than ``cap`` people (the threshold, or the number of responses
    the report states, when that is smaller) is given away.

    ``counts`` are the true counts of every figure (key: anything hashable), shown or hidden.
    A link whose true counts do not add up exactly (people in no part: a response with no
    service recorded) gets an unpublished remainder, which the reader cannot know; a link the
    true counts break is left out, since no reader could rely on it.

    Source: Hundepool et al. (2012) ch. 4 on linked tables and auditing by linear programming;
    ONS guidance on disclosure by differencing across tables.
    """

    def __init__(self, counts: Mapping[K, int], threshold: int, cap: int | None = None):
        _check(counts, threshold)
        self.count = {k: int(c) for k, c in counts.items()}
        self.rank = {k: i for i, k in enumerate(self.count)}
        self.threshold = threshold
        self.cap = threshold if cap is None else min(threshold, cap)
        self.remainders: set = set()
        self.links: list[tuple[list, list, bool]] = []  # (parts, wholes, equal)
        self._matrix: tuple | None = None  # (sizes when built, keys, links, equal, counts)

    def add_unknown(self, key: K, count: int) -> None:
        """A count no output publishes, known to a reader only through the links it is in
        (one whole path through a pathway): never shown, and not itself protected."""
        self.count[key] = int(count)
        self.remainders.add(key)

    def add(self, parts: Iterable[K], wholes: Iterable[K], *, equal: bool = True) -> None:
        """sum(parts) == sum(wholes) (``equal``) or sum(parts) <= sum(wholes)."""
        parts = [p for p in dict.fromkeys(parts) if p in self.count]
        wholes = [w for w in dict.fromkeys(wholes) if w in self.count]
        gap = sum(self.count[w] for w in wholes) - sum(self.count[p] for p in parts)
        if gap < 0:
            return  # not a true link for this data: no reader can rely on it
        if equal and gap > 0:
            remainder = _Remainder(len(self.links))
            self.count[remainder] = gap
            self.remainders.add(remainder)
            parts.append(remainder)
        self.links.append((parts, wholes, equal))

    def _incidence(self) -> tuple[list, sparse.csc_matrix, np.ndarray, np.ndarray]:
        """Every key, the links as a sparse matrix (a row per link: +1 for each part, -1 for
        each whole), which links are equalities, and the true counts: built once, so each
        audit only slices it (the journeys audit has thousands of paths)."""
        if self._matrix is None or self._matrix[0] != (len(self.count), len(self.links)):
            keys = list(self.count)
            column = {k: i for i, k in enumerate(keys)}
            rows, cols, values = [], [], []
            for r, (parts, wholes, _) in enumerate(self.links):
                for key, sign in [(p, 1.0) for p in parts] + [(w, -1.0) for w in wholes]:
                    rows.append(r)
                    cols.append(column[key])
                    values.append(sign)
            shape = (len(self.links), len(keys))
            matrix = sparse.csc_matrix((values, (rows, cols)), shape=shape)  # sums duplicates
            equal = np.array([e for _, _, e in self.links], dtype=bool)
            counts = np.array([self.count[k] for k in keys], dtype=float)
            self._matrix = ((len(self.count), len(self.links)), keys, matrix, equal, counts)
        return self._matrix[1:]

    def largest(self, hidden: set, cells: Iterable[K]) -> dict[K, int | None]:
        """For each of ``cells`` (hidden), the most it can hold given every shown figure and
        every link; None when nothing bounds it."""
        cells = list(cells)
        if not cells:
            return {}
        unknown = hidden | self.remainders
        keys, matrix, equal, counts = self._incidence()
        mask = np.fromiter((k in unknown for k in keys), dtype=bool, count=len(keys))
        index = {k: i for i, k in enumerate(k for k, m in zip(keys, mask, strict=True) if m)}
        known = matrix[:, ~mask] @ counts[~mask]
        free = matrix[:, mask].tocsr()
        free.eliminate_zeros()
        used = np.diff(free.indptr) > 0
        free, known, equal = free[used], known[used], equal[used]
        lower = np.where(equal, -known, -highspy.kHighsInf)
        solver = _Largest(len(index), free, lower, -known)
        return {cell: solver.of(index[cell]) for cell in cells}

    def findings(self, hidden: Collection[K]) -> list[Disclosure]:
        """Every figure given away: shown below the threshold, or hidden and proved below it."""
        hidden = set(hidden) & set(self.rank)
        found = [
            Disclosure((k,), self.count[k], f"shown although fewer than {self.threshold}")
            for k in self.rank
            if k not in hidden and self.count[k] < self.threshold
        ]
        # The true counts are consistent with everything shown, so a hidden figure holding at
        # least ``cap`` can never be proved below it: only the others need a linear programme.
        small = sorted((k for k in hidden if self.count[k] < self.cap), key=self.rank.get)
        for cell, bound in self.largest(hidden, small).items():
            if bound is not None and bound < self.cap:
                found.append(
                    Disclosure(
                        (cell,),
                        bound,
                        f"hidden, but the other tables prove it holds at most {bound}, "
                        f"fewer than {self.cap}",
                    )
                )
        return found

    def _near(self, cell: K) -> list[K]:
        """Figures that share a link with ``cell``."""
        near: dict = {}
        for parts, wholes, _ in self.links:
            if cell in parts or cell in wholes:
                near.update(dict.fromkeys(parts + wholes))
        return list(near)

    def suppress(
        self, hidden: Iterable[K], keep: Collection[K] = (), first: Collection[K] = ()
    ) -> set[K]:
        """``hidden`` plus the figures that must also be hidden so that no hidden figure is
        given away: while the audit finds one, hide the smallest shown figure linked to it
        whose hiding protects it (else the smallest linked to it, else the smallest shown
        anywhere; ties by the order of ``counts``), and audit again. Figures in ``first``
        (summaries a reader loses least by, such as a service's hand-overs in all) are tried
        before any other, whatever their size, so a detailed finding stays shown when hiding
        a summary protects as well. Hiding a figure only widens what a reader can say of the
        others, and hiding everything (but ``keep``: figures that stay shown, like a stated
        total of responses) is safe, so this ends. Shown figures below the threshold are the
        caller's to hide first."""
        hidden = set(hidden) & set(self.count)
        first = set(first)
        while True:
            flagged = [f.cells[0] for f in self.findings(hidden) if f.cells[0] in hidden]
            if not flagged:
                return hidden
            cell = flagged[0]
            order = {k: (k not in first, self.count[k], rank) for k, rank in self.rank.items()}
            shown = sorted((k for k in order if k not in hidden and k not in keep), key=order.get)
            if not shown:
                return hidden
            # Figures linked to it, or to a hidden figure linked to it: hiding a summary that
            # pins its hidden neighbour can protect it as well as hiding another detail.
            linked = set(self._near(cell))
            for other in [k for k in linked if k in hidden and k != cell]:
                linked.update(self._near(other))
            near = [k for k in shown if k in linked]
            choice = None
            for candidate in near[:12]:
                bound = self.largest(hidden | {candidate}, [cell])[cell]
                if bound is None or bound >= self.cap:
                    choice = candidate
                    break
            hidden.add(choice if choice is not None else (near or shown)[0])
