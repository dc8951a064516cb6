"""Paths: how people move from service to service between the stages they answer, and the
most common whole paths through the pathway, from the counts ``app.data.path_queries`` gives.

Counts are of people (one latest response per person and stage). A flow is shown only when at
least ``threshold`` people made it: smaller flows are listed as hidden with no number
(primary suppression). Joint auditing with the stage and service counts the flows add up to
is the linked-tables audit's job (``reports.linked``), not this module's. A whole path is
listed only when at least ``threshold`` people took it; smaller paths are not mentioned at
all, since a rare path is the one that could point to a person.

The Sankey draws the shown flows only; its text alternative is the flows table (the same
counts, hidden flows marked), which the caller renders beside it, and ``sankey_alt`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from reports.chart_style import FONT

TOP_PATHS = 10
NO_SERVICE = "Service not recorded"
NODE_COLOUR = "#005eb8"
LINK_COLOUR = "rgba(0, 94, 184, 0.25)"

Step = tuple[str, str, str | None, str | None]  # stage, stage name, service, service name


def label(stage_name: str, service_name: str | None) -> str:
    """A place on the pathway as a reader sees it: "In hospital: County Hospital wards"."""
    return f"{stage_name}: {service_name or NO_SERVICE}"


def flows_table(rows: Iterable[dict], threshold: int) -> list[dict]:
    """The flows as a table, with primary suppression. ``rows``: ``path_queries.flows``
    (keys "stage_from", "stage_from_position", "stage_from_name", "service_from",
    "service_from_name", the same for "to", and "people"). Each row keeps those keys and
    adds "from" and "to" (labels) and "suppressed"; a hidden flow's "people" is None. In
    pathway order (the stages' positions), then by the labels: never by size, so the order
    of the hidden rows says nothing about them."""
    out = []
    for row in rows:
        hidden = row["people"] < threshold
        out.append(
            {
                **row,
                "from": label(row["stage_from_name"], row["service_from_name"]),
                "to": label(row["stage_to_name"], row["service_to_name"]),
                "people": None if hidden else row["people"],
                "suppressed": hidden,
            }
        )
    return sorted(
        out,
        key=lambda r: (r["stage_from_position"], r["stage_to_position"], r["from"], r["to"]),
    )


def common_paths(rows: Iterable[dict], threshold: int, top: int = TOP_PATHS) -> list[dict]:
    """The most common whole paths: at most ``top``, each taken by at least ``threshold``
    people. ``rows``: ``path_queries.whole_paths`` ({"steps": (Step, ...), "people"}).
    Each row: {"steps", "labels" (one "Stage: Service" per step), "text" (the labels joined
    by arrows), "people"}; most people first, ties in the order of their labels."""
    shown = [
        {"steps": tuple(r["steps"]), "labels": tuple(label(s[1], s[3]) for s in r["steps"])}
        | {"people": r["people"]}
        for r in rows
        if r["people"] >= threshold
    ]
    shown.sort(key=lambda r: (-r["people"], r["labels"]))
    return [{**r, "text": " → ".join(r["labels"])} for r in shown[:top]]


def sankey(
    table: list[dict], threshold: int, title: str = "How people moved between services"
) -> go.Figure:
    """A Plotly Sankey of the shown flows of ``flows_table``: a node per "Stage: Service"
    (in pathway order), a link per flow, widths in people. Hidden flows are left out and
    counted in a note under the diagram."""
    shown = [r for r in table if not r["suppressed"]]
    nodes: dict[str, int] = {}
    ends = sorted(
        {(r["stage_from_position"], r["from"]) for r in shown}
        | {(r["stage_to_position"], r["to"]) for r in shown}
    )
    for _, name in ends:
        nodes.setdefault(name, len(nodes))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat="d",
            valuesuffix=" people",
            node={
                "label": list(nodes),
                "color": NODE_COLOUR,
                "pad": 14,
                "thickness": 14,
                "hovertemplate": "%{label}: %{value}<extra></extra>",
            },
            link={
                "source": [nodes[r["from"]] for r in shown],
                "target": [nodes[r["to"]] for r in shown],
                "value": [r["people"] for r in shown],
                "color": LINK_COLOUR,
                "hovertemplate": "%{source.label} to %{target.label}: %{value}<extra></extra>",
            },
        )
    )
    hidden = len(table) - len(shown)
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}},
        font=FONT,
        height=max(360, 36 * len(nodes) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        paper_bgcolor="white",
    )
    if hidden:
        fig.add_annotation(
            text=_hidden_note(hidden, threshold),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.02,
            yanchor="top",
            xanchor="left",
        )
    return fig


def _hidden_note(hidden: int, threshold: int) -> str:
    flows = "1 flow" if hidden == 1 else f"{hidden} flows"
    return f"Not shown: {flows} of fewer than {threshold} people each"


def sankey_alt(table: list[dict], threshold: int) -> str:
    """A short text alternative for the diagram, pointing to the table of the same counts."""
    shown = sum(not r["suppressed"] for r in table)
    text = f"Diagram of how people moved between services from one stage to the next: {shown} "
    text += "flow shown" if shown == 1 else "flows shown"
    hidden = len(table) - shown
    if hidden:
        text += f" ({_hidden_note(hidden, threshold).lower()})"
    return text + ". The table of flows gives the same counts."
