"""Paths between stages (reports.paths) on hand-made counts: which flows and paths a reader
sees, with which numbers, and what the Sankey draws. Threshold 10 throughout."""

from __future__ import annotations

import pytest

from reports.paths import common_paths, flows_table, sankey, sankey_alt

T = 10
STAGES = {
    1: ("getting-help", "Getting help"),
    2: ("in-hospital", "In hospital"),
    3: ("leaving-hospital", "Leaving hospital"),
    4: ("support-at-home", "Support after leaving hospital"),
}
SERVICES = {
    "county-ae": "County Hospital A&E",
    "nhs-111": "NHS 111",
    "county-wards": "County Hospital wards",
    "oakview": "Oakview Care Home",
    "home": "Own home",
    "reablement": "Council reablement service",
    None: None,
}


def flow(a: int, service_a: str | None, b: int, service_b: str | None, people: int) -> dict:
    """A row as path_queries.flows gives it."""
    row = {"people": people}
    for side, position, service in (("from", a, service_a), ("to", b, service_b)):
        row |= {
            f"stage_{side}": STAGES[position][0],
            f"stage_{side}_position": position,
            f"stage_{side}_name": STAGES[position][1],
            f"service_{side}": service,
            f"service_{side}_name": SERVICES[service],
        }
    return row


def step(position: int, service: str) -> tuple:
    return (*STAGES[position], service, SERVICES[service])


# Given out of order on purpose: the table puts them in pathway order.
FLOWS = [
    flow(2, "county-wards", 4, "reablement", 9),  # skipped Leaving hospital; too few
    flow(2, "county-wards", 3, "oakview", 12),
    flow(1, "nhs-111", 2, "county-wards", 4),  # too few
    flow(1, "county-ae", 2, "county-wards", 25),
    flow(2, "county-wards", 3, "home", 10),  # exactly the threshold: shown
    flow(3, "oakview", 4, "oakview", 11),
    flow(3, "home", 4, None, 30),  # the response at support at home named no service
]

AE = "Getting help: County Hospital A&E"
NHS111 = "Getting help: NHS 111"
WARDS = "In hospital: County Hospital wards"
TO_OAKVIEW = "Leaving hospital: Oakview Care Home"
TO_HOME = "Leaving hospital: Own home"
AT_OAKVIEW = "Support after leaving hospital: Oakview Care Home"
REABLEMENT = "Support after leaving hospital: Council reablement service"
UNRECORDED = "Support after leaving hospital: Service not recorded"


def test_flows_table_hides_small_flows_and_keeps_pathway_order():
    table = flows_table(FLOWS, T)
    assert [(r["from"], r["to"], r["people"], r["suppressed"]) for r in table] == [
        (AE, WARDS, 25, False),
        (NHS111, WARDS, None, True),
        (WARDS, TO_OAKVIEW, 12, False),
        (WARDS, TO_HOME, 10, False),
        (WARDS, REABLEMENT, None, True),
        (TO_OAKVIEW, AT_OAKVIEW, 11, False),
        (TO_HOME, UNRECORDED, 30, False),
    ]


def test_hidden_counts_are_nowhere_in_the_table():
    table = flows_table(FLOWS, T)
    hidden = [r for r in table if r["suppressed"]]
    assert len(hidden) == 2 and all(r["people"] is None for r in hidden)
    assert all(r.keys() == table[0].keys() for r in table)  # no other field holds the count


def test_sankey_draws_the_shown_flows_in_people():
    fig = sankey(flows_table(FLOWS, T), T)
    (trace,) = fig.data
    assert trace.type == "sankey"
    names = list(trace.node.label)
    # Nodes in pathway order; NHS 111 and reablement appear only in hidden flows: no node.
    assert names == [AE, WARDS, TO_OAKVIEW, TO_HOME, AT_OAKVIEW, UNRECORDED]
    links = {
        (names[s], names[t]): v
        for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value, strict=True)
    }
    assert links == {
        (AE, WARDS): 25,
        (WARDS, TO_HOME): 10,
        (WARDS, TO_OAKVIEW): 12,
        (TO_HOME, UNRECORDED): 30,
        (TO_OAKVIEW, AT_OAKVIEW): 11,
    }
    assert trace.valuesuffix == " people"
    (note,) = fig.layout.annotations
    assert note.text == "Not shown: 2 flows of fewer than 10 people each"


def test_sankey_with_nothing_hidden_has_no_note_and_its_alternative_says_so():
    table = flows_table([f for f in FLOWS if f["people"] >= T], T)
    assert not sankey(table, T).layout.annotations
    assert sankey_alt(table, T) == (
        "Diagram of how people moved between services from one stage to the next: 5 flows "
        "shown. The table of flows gives the same counts."
    )
    assert "(not shown: 2 flows of fewer than 10 people each)" in sankey_alt(
        flows_table(FLOWS, T), T
    )


def test_sankey_with_every_flow_hidden_is_empty():
    fig = sankey(flows_table([flow(1, "nhs-111", 2, "county-wards", 3)], T), T)
    assert list(fig.data[0].node.label) == [] and list(fig.data[0].link.value) == []
    assert fig.layout.annotations[0].text == "Not shown: 1 flow of fewer than 10 people each"


PATH_A = (step(2, "county-wards"), step(3, "oakview"), step(4, "oakview"))
PATH_B = (step(2, "county-wards"), step(3, "home"))
PATH_C = (step(1, "county-ae"), step(2, "county-wards"))
PATH_D = (step(1, "nhs-111"), step(3, "home"))


def test_common_paths_most_people_first_and_only_big_enough():
    rows = [
        {"steps": PATH_D, "people": 9},  # too few: not listed at all
        {"steps": PATH_B, "people": 14},
        {"steps": PATH_A, "people": 20},
        {"steps": PATH_C, "people": 14},  # a tie with B: ordered by the labels
    ]
    paths = common_paths(rows, T)
    assert [(p["text"], p["people"]) for p in paths] == [
        (f"{WARDS} → {TO_OAKVIEW} → {AT_OAKVIEW}", 20),
        (f"{AE} → {WARDS}", 14),
        (f"{WARDS} → {TO_HOME}", 14),
    ]
    assert paths[0]["labels"] == (WARDS, TO_OAKVIEW, AT_OAKVIEW)
    assert paths[0]["steps"] == PATH_A


@pytest.mark.parametrize("top", [1, 2])
def test_common_paths_at_most_top(top):
    rows = [{"steps": p, "people": 30 - i} for i, p in enumerate((PATH_A, PATH_B, PATH_C))]
    assert [p["people"] for p in common_paths(rows, T, top=top)] == [30, 29][:top]


def test_at_most_ten_paths_by_default():
    rows = [{"steps": (step(1, "county-ae"), step(2, s)), "people": 50} for s in SERVICES if s]
    rows += [{"steps": (step(3, "home"), step(4, s)), "people": 40} for s in SERVICES if s]
    assert len(rows) == 12
    paths = common_paths(rows, T)
    assert len(paths) == 10 and [p["people"] for p in paths] == [50] * 6 + [40] * 4
