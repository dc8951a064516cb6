"""reports.disclosure.LinkedFigures: tables that add up to one another, audited together.

Hand-made cases with the arithmetic a reader would do written out, and a property test that on
one breakdown the joint audit agrees with the partition rule's own check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import LinkedFigures, recoverable, suppress_partition

TOTAL = ("pathway",)


def services_and_sectors(wards: int, beds: int, oakview: int) -> LinkedFigures:
    """Services add up to the pathway; each sector holds one service."""
    linked = LinkedFigures(
        {
            TOTAL: wards + beds + oakview,
            "wards": wards,
            "beds": beds,
            "oakview": oakview,
            "acute": wards,
            "community": beds,
            "social care": oakview,
        },
        threshold=10,
    )
    linked.add(["wards", "beds", "oakview"], [TOTAL])
    linked.add(["acute", "community", "social care"], [TOTAL])
    linked.add(["wards"], ["acute"])
    linked.add(["beds"], ["community"])
    linked.add(["oakview"], ["social care"])
    return linked


def test_a_shown_sector_that_pins_a_hidden_service_is_found():
    # Each breakdown is safe alone: services hide beds 10 and oakview 1 (11 together), sectors
    # hide acute 10 and social care 1 (11). But community is beds alone, so beds = 10; then
    # oakview = 21 - wards 10 - beds 10 = 1, and social care with it.
    linked = services_and_sectors(wards=10, beds=10, oakview=1)
    services = {"wards": 10, "beds": 10, "oakview": 1}
    sectors = {"acute": 10, "community": 10, "social care": 1}
    assert suppress_partition(services) == {"beds", "oakview"}
    assert suppress_partition(sectors) == {"acute", "social care"}
    alone = {"beds", "oakview", "acute", "social care"}
    found = {f.cells[0]: f.at_most for f in linked.findings(alone)}
    assert found == {"oakview": 1, "social care": 1}


def test_suppress_hides_enough_that_nothing_is_found():
    linked = services_and_sectors(wards=10, beds=10, oakview=1)
    hidden = linked.suppress({"beds", "oakview", "acute", "social care"}, keep={TOTAL})
    assert linked.findings(hidden) == []
    assert TOTAL not in hidden
    # Hiding everything but the total would also be safe; it hides only what it must.
    assert len(hidden) < 6


def test_a_limit_from_another_table_counts_too():
    # Moves from beds are at most the beds' figure. Shown: the transition stage (22) and the
    # move wards->beds (12), so beds->wards = 10 and beds >= 10; with the pathway 34 and
    # acute 15 shown, community + social care = 19, so social care <= 9.
    counts = {
        TOTAL: 34,
        "acute": 15,
        "community": 10,
        "social care": 9,
        "leaving": 22,
        "wards->beds": 12,
        "beds->wards": 10,
    }
    linked = LinkedFigures(counts, threshold=10)
    linked.add(["acute", "community", "social care"], [TOTAL])
    linked.add(["wards->beds", "beds->wards"], ["leaving"])
    linked.add(["beds->wards"], ["community"], equal=False)
    hidden = {"community", "social care", "beds->wards"}
    assert [f.cells[0] for f in linked.findings(hidden)] == ["social care"]
    assert linked.findings(hidden)[0].at_most == 9
    safer = linked.suppress(hidden, keep={TOTAL})
    assert linked.findings(safer) == []


def test_people_in_no_part_are_an_unknown_not_a_known_zero():
    # 25 responses, 5 of them with no service recorded: the services add up to 20, so the
    # reader cannot tell how many of the 25 beds' figure (hidden) holds.
    linked = LinkedFigures({TOTAL: 25, "wards": 12, "beds": 8}, threshold=10)
    linked.add(["wards", "beds"], [TOTAL])
    assert linked.largest({"beds"}, ["beds"]) == {"beds": 13}
    assert linked.findings({"beds"}) == []
    # Every response with a service: the total minus wards gives beds exactly.
    both = LinkedFigures({TOTAL: 20, "wards": 12, "beds": 8}, threshold=10)
    both.add(["wards", "beds"], [TOTAL])
    assert both.largest({"beds"}, ["beds"]) == {"beds": 8}
    assert [f.cells[0] for f in both.findings({"beds"})] == ["beds"]


def test_a_figure_nothing_limits_is_not_given_away():
    linked = LinkedFigures({"alone": 3, "other": 40}, threshold=10)
    assert linked.largest({"alone"}, ["alone"]) == {"alone": None}
    assert linked.findings({"alone"}) == []


def test_a_shown_figure_below_the_threshold_is_reported():
    linked = LinkedFigures({TOTAL: 30, "a": 25, "b": 5}, threshold=10)
    linked.add(["a", "b"], [TOTAL])
    assert [(f.cells, f.at_most) for f in linked.findings(set())] == [(("b",), 5)]


@settings(max_examples=150, deadline=None)
@given(
    counts=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 25), min_size=1),
    threshold=st.integers(1, 15),
)
def test_on_one_breakdown_it_agrees_with_the_partition_rule(counts, threshold):
    """One breakdown and its total: the partition rule's suppression passes the joint audit,
    and the joint audit flags a hidden group exactly when the partition check does."""
    total = sum(counts.values())
    linked = LinkedFigures({TOTAL: total, **counts}, threshold, cap=total)
    linked.add(list(counts), [TOTAL])
    hidden = suppress_partition(counts, threshold)
    assert [f for f in linked.findings(hidden) if f.cells[0] in hidden] == []
    for drop in hidden:
        fewer = hidden - {drop}
        hidden_flags = [f for f in recoverable(counts, fewer, threshold) if set(f.cells) <= fewer]
        joint = [f for f in linked.findings(fewer) if f.cells[0] in fewer]
        assert bool(joint) == bool(hidden_flags)
