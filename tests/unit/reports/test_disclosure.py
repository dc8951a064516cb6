"""reports.disclosure: hand cases, an exhaustive cross-check of the table audit on small
tables, and property tests that no suppression it makes leaves anything recoverable."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import (
    DEFAULT_THRESHOLD,
    recoverable,
    recoverable_table,
    suppress_partition,
    suppress_table,
)

# --- partitions: hand cases -----------------------------------------------------------------


def test_default_threshold():
    assert DEFAULT_THRESHOLD == 10


def test_nothing_small_nothing_hidden():
    assert suppress_partition({"16-24": 10, "25-34": 40, "35-44": 12}, 10) == set()


def test_primary_then_next_smallest():
    # 3 is hidden; 3 alone could be recovered as total - shown, so the smallest shown cell
    # (12) goes too: hidden cells hold 15 >= 10.
    counts = {"a": 3, "b": 12, "c": 40, "d": 20}
    assert suppress_partition(counts, 10) == {"a", "b"}
    assert recoverable(counts, {"a", "b"}, 10) == []


def test_two_primaries_that_together_reach_the_threshold():
    # 4 + 7 = 11 >= 10: no secondary cell needed.
    assert suppress_partition({"a": 4, "b": 7, "c": 50}, 10) == {"a", "b"}


def test_zero_is_hidden_and_protected():
    assert suppress_partition({"a": 0, "b": 20, "c": 30}, 10) == {"a", "b"}


def test_secondary_can_take_several_cells():
    # 1 hidden; then 2 and 3 are below 10 anyway; 1 + 2 + 3 = 6, so 11 goes too: 17.
    counts = {"a": 1, "b": 2, "c": 3, "d": 11, "e": 12}
    assert suppress_partition(counts, 10) == {"a", "b", "c", "d"}


def test_everything_hidden_when_it_must_be():
    assert suppress_partition({"a": 3, "b": 4}, 10) == {"a", "b"}
    assert suppress_partition({"a": 3, "b": 12}, 10) == {"a", "b"}
    assert recoverable({"a": 3, "b": 4}, {"a", "b"}, 10) == []


def test_ties_broken_by_key_order_whatever_the_mapping_order():
    assert suppress_partition({"c": 20, "b": 20, "a": 5}, 10) == {"a", "b"}
    assert suppress_partition({"a": 5, "b": 20, "c": 20}, 10) == {"a", "b"}


def test_ties_between_unsortable_keys_follow_the_mapping():
    assert suppress_partition({None: 5, "x": 20, 1: 20}, 10) == {None, "x"}


def test_cells_already_hidden_count():
    # "c" is hidden elsewhere: with it, the hidden cells hold 3 + 20 >= 10.
    assert suppress_partition({"a": 3, "b": 15, "c": 20}, 10, hidden={"c"}) == {"a", "c"}


def test_threshold_zero_hides_nothing():
    assert suppress_partition({"a": 0, "b": 1}, 0) == set()


def test_other_thresholds():
    counts = {"a": 12, "b": 25, "c": 40}
    assert suppress_partition(counts, 12) == set()
    assert suppress_partition(counts, 13) == {"a", "b"}  # 12 alone, then 12 + 25
    assert suppress_partition(counts, 30) == {"a", "b"}  # both below 30; 37 >= 30
    assert suppress_partition(counts, 40) == {"a", "b", "c"}  # 37 < 40: all


def test_negative_count_is_an_error():
    with pytest.raises(ValueError):
        suppress_partition({"a": -1, "b": 20}, 10)


def test_recoverable_catches_hiding_only_one_cell():
    counts = {"a": 3, "b": 12, "c": 40}
    found = recoverable(counts, {"a"}, 10)
    assert len(found) == 1
    assert found[0].cells == ("a",)
    assert found[0].at_most == 3  # total 55 - shown 52


def test_recoverable_catches_a_shown_small_cell():
    found = recoverable({"a": 3, "b": 12, "c": 40}, set(), 10)
    assert [(f.cells, f.at_most) for f in found] == [(("a",), 3)]


def test_recoverable_catches_two_hidden_cells_that_hold_too_few():
    found = recoverable({"a": 3, "b": 4, "c": 40}, {"a", "b"}, 10)
    assert [(f.cells, f.at_most) for f in found] == [(("a", "b"), 7)]


def test_recoverable_rejects_unknown_hidden_keys():
    with pytest.raises(ValueError):
        recoverable({"a": 3}, {"z"}, 10)


# --- two-way tables: hand cases -------------------------------------------------------------


def grid(rows: list[list[int]]) -> dict[tuple[str, str], int]:
    return {
        (f"r{i + 1}", f"c{j + 1}"): count
        for i, row in enumerate(rows)
        for j, count in enumerate(row)
    }


def test_table_without_small_cells():
    assert suppress_table(grid([[10, 20], [30, 40]]), 10) == set()


def test_table_rectangle():
    # 3 in r1 c1: the row needs another hidden cell (12), the column too (15); then r2 has
    # one hidden cell (15, recoverable from its row total) and c2 one (12): both need a
    # partner, and hiding 40 closes the loop, after which no cell can be worked out.
    counts = grid([[3, 12, 30], [15, 40, 30], [40, 50, 30]])
    hidden = suppress_table(counts, 10)
    assert hidden == {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    assert recoverable_table(counts, hidden, 10) == []


def test_recoverable_table_catches_a_chain_of_subtractions():
    # Every row and column with a hidden cell hides at least 10 between them, so a check of
    # rows and columns one at a time passes; but 12 is the only hidden cell in column c2
    # (so c2's total gives it), 15 the only one in row r2 (so r2's total gives it), and then
    # r1's total minus 12, or c1's minus 15, gives the 3.
    counts = grid([[3, 12, 30], [15, 40, 30], [40, 50, 30]])
    naive = {("r1", "c1"), ("r1", "c2"), ("r2", "c1")}
    found = recoverable_table(counts, naive, 10)
    assert [(f.cells, f.at_most) for f in found] == [((("r1", "c1"),), 3)]


def test_recoverable_table_catches_hiding_only_one_cell():
    counts = grid([[3, 20], [30, 40]])
    found = recoverable_table(counts, {("r1", "c1")}, 10)
    assert [(f.cells, f.at_most) for f in found] == [((("r1", "c1"),), 3)]


def test_missing_cells_are_known_zeros_and_never_hidden():
    # Moves between three services; nobody moves from a service to itself, so the diagonal
    # is missing. Every move made holds 10 or more, so nothing may be hidden: hiding the
    # impossible moves as "zeros" would force real moves to be hidden beside them.
    counts = {
        ("A", "B"): 20, ("A", "C"): 30,
        ("B", "A"): 25, ("B", "C"): 15,
        ("C", "A"): 40, ("C", "B"): 12,
    }  # fmt: skip
    assert suppress_table(counts, 10) == set()
    assert recoverable_table(counts, set(), 10) == []


def test_a_small_move_in_a_sparse_table_is_protected_by_real_moves_only():
    # B->C holds 4; row B's total would give it away unless B->A is hidden too (4 + 20 = 24
    # hidden in row B), and column C's total unless A->C is hidden (4 + 30). Missing cells
    # (the diagonal) are known zeros and play no part.
    counts = {
        ("A", "B"): 65, ("A", "C"): 30,
        ("B", "A"): 20, ("B", "C"): 4,
        ("C", "A"): 25, ("C", "B"): 40,
    }  # fmt: skip
    hidden = suppress_table(counts, 10)
    assert {("B", "C"), ("B", "A"), ("A", "C")} <= hidden
    assert all(r != c for r, c in hidden)
    assert recoverable_table(counts, hidden, 10) == []


def test_hiding_a_missing_cell_is_refused():
    with pytest.raises(ValueError):
        recoverable_table({("a", "x"): 20, ("b", "y"): 30}, {("a", "y")}, 10)


def test_small_total_is_left_to_the_caller():
    # Row r1 holds only 5 people: every cell in it is hidden, and the row total (shown by
    # the caller) says "5"; the audit only asks that nothing more than that be given away.
    counts = grid([[2, 3], [30, 40]])
    hidden = suppress_table(counts, 10)
    assert {("r1", "c1"), ("r1", "c2")} <= hidden
    assert recoverable_table(counts, hidden, 10) == []


def test_table_keys_must_be_pairs():
    with pytest.raises(ValueError):
        suppress_table({"a": 3}, 10)  # type: ignore[dict-item]


# --- an exhaustive attacker for small tables ------------------------------------------------


def brute_force_upper_bounds(counts, hidden):
    """Largest value of each hidden cell over every table of non-negative whole numbers that
    agrees with the shown cells and the row and column totals, by enumerating them all."""
    cells = sorted(hidden)
    rows = sorted({r for r, _ in counts})
    cols = sorted({c for _, c in counts})
    row_left = {r: sum(counts[r, c] for c in cols if (r, c) in hidden) for r in rows}
    col_left = {c: sum(counts[r, c] for r in rows if (r, c) in hidden) for c in cols}
    last_in_row = {r: max((cell for cell in cells if cell[0] == r), default=None) for r in rows}
    best = dict.fromkeys(cells, -1)
    values: dict = {}

    def place(i: int) -> None:
        if i == len(cells):
            if all(v == 0 for v in col_left.values()):
                for cell in cells:
                    best[cell] = max(best[cell], values[cell])
            return
        r, c = cells[i]
        top = min(row_left[r], col_left[c])
        options = [row_left[r]] if last_in_row[r] == (r, c) else range(top + 1)
        for v in options:
            if v > col_left[c]:
                continue
            values[r, c] = v
            row_left[r] -= v
            col_left[c] -= v
            place(i + 1)
            row_left[r] += v
            col_left[c] += v

    place(0)
    return best


small_tables = st.integers(min_value=2, max_value=3).flatmap(
    lambda n_rows: st.integers(min_value=2, max_value=3).flatmap(
        lambda n_cols: st.lists(
            st.integers(min_value=0, max_value=6),
            min_size=n_rows * n_cols,
            max_size=n_rows * n_cols,
        ).map(
            lambda flat: {
                (f"r{i}", f"c{j}"): flat[i * n_cols + j]
                for i in range(n_rows)
                for j in range(n_cols)
            }
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(counts=small_tables, data=st.data(), threshold=st.integers(min_value=1, max_value=8))
def test_table_audit_agrees_with_an_exhaustive_attacker(counts, data, threshold):
    # Any hiding pattern at all, not only ones suppress_table makes.
    hidden = data.draw(st.sets(st.sampled_from(sorted(counts))))
    bounds = brute_force_upper_bounds(counts, hidden)
    row_total = {r: sum(v for (rr, _), v in counts.items() if rr == r) for r, _ in counts}
    col_total = {c: sum(v for (_, cc), v in counts.items() if cc == c) for _, c in counts}
    expected = {
        cell
        for cell, bound in bounds.items()
        if bound < min(threshold, row_total[cell[0]], col_total[cell[1]])
    }
    expected |= {cell for cell, v in counts.items() if cell not in hidden and v < threshold}
    found = {f.cells[0] for f in recoverable_table(counts, hidden, threshold)}
    assert found == expected


def test_exhaustive_attacker_on_the_chain_example():
    counts = grid([[3, 12, 30], [15, 40, 30], [40, 50, 30]])
    naive = {("r1", "c1"), ("r1", "c2"), ("r2", "c1")}
    assert brute_force_upper_bounds(counts, naive) == {
        ("r1", "c1"): 3,
        ("r1", "c2"): 12,
        ("r2", "c1"): 15,
    }


# --- properties -----------------------------------------------------------------------------

partitions = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=2),
    st.integers(min_value=0, max_value=60),
    min_size=1,
    max_size=10,
)
thresholds = st.integers(min_value=1, max_value=30)


@settings(max_examples=300, deadline=None)
@given(counts=partitions, threshold=thresholds)
def test_partition_suppression_is_safe(counts, threshold):
    hidden = suppress_partition(counts, threshold)
    assert all(counts[k] >= threshold for k in counts if k not in hidden)
    assert recoverable(counts, hidden, threshold) == []
    # Every hidden cell is needed: primary, or part of the smallest set that protects.
    if hidden and hidden != set(counts):
        assert sum(counts[k] for k in hidden) >= threshold


@settings(max_examples=300, deadline=None)
@given(counts=partitions, threshold=thresholds)
def test_partition_exhaustive(counts, threshold):
    # The attacker's best: total minus shown is the hidden sum; any hidden cell can be all
    # of it. So a safe pattern has a hidden sum of at least the threshold (or hides all).
    hidden = suppress_partition(counts, threshold)
    shown_total = sum(v for k, v in counts.items() if k not in hidden)
    recovered = sum(counts.values()) - shown_total
    assert not hidden or recovered >= min(threshold, sum(counts.values()))


tables = (
    st.integers(min_value=1, max_value=5)
    .flatmap(
        lambda n_rows: st.integers(min_value=1, max_value=5).flatmap(
            lambda n_cols: st.lists(
                # None: a move nobody made (or one that cannot happen), missing from the table.
                st.none() | st.integers(min_value=0, max_value=40),
                min_size=n_rows * n_cols,
                max_size=n_rows * n_cols,
            ).map(
                lambda flat: {
                    (i, j): flat[i * n_cols + j]
                    for i in range(n_rows)
                    for j in range(n_cols)
                    if flat[i * n_cols + j] is not None
                }
            )
        )
    )
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(counts=tables, threshold=st.integers(min_value=1, max_value=15))
def test_table_suppression_is_safe(counts, threshold):
    hidden = suppress_table(counts, threshold)
    assert all(v >= threshold for cell, v in counts.items() if cell not in hidden)
    assert recoverable_table(counts, hidden, threshold) == []
    # Rows and columns each satisfy the partition rule too.
    rows = {r for r, _ in counts}
    cols = {c for _, c in counts}
    lines = [[(r, c) for c in cols if (r, c) in counts] for r in rows] + [
        [(r, c) for r in rows if (r, c) in counts] for c in cols
    ]
    for line in lines:
        line_counts = {cell: counts[cell] for cell in line}
        assert recoverable(line_counts, set(line) & hidden, threshold) == []


@settings(max_examples=60, deadline=None)
@given(counts=small_tables, threshold=st.integers(min_value=1, max_value=8))
def test_small_table_suppression_survives_the_exhaustive_attacker(counts, threshold):
    hidden = suppress_table(counts, threshold)
    bounds = brute_force_upper_bounds(counts, hidden)
    for (r, c), bound in bounds.items():
        row_total = sum(counts[r, cc] for (rr, cc) in counts if rr == r)
        col_total = sum(counts[rr, c] for (rr, cc) in counts if cc == c)
        assert bound >= min(threshold, row_total, col_total)


def test_suppress_table_is_deterministic():
    counts = {(r, c): (r * 7 + c * 3) % 13 for r, c in itertools.product(range(4), range(4))}
    assert suppress_table(counts, 10) == suppress_table(dict(reversed(counts.items())), 10)
