"""Plotly figures of the report. The dashboard draws these figure objects in the browser and
the PDF embeds the very same objects as SVG (exported with kaleido): a chart is never drawn
twice. Suppressed figures are left out of the traces and named in the chart's note."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from reports.chart_style import FONT
from reports.paths import sankey
from reports.wording import NOT_COMPARED, compared, part_name

BAND_COLOURS = {
    "better": "#007f3b",
    "about the same": "#425563",
    "worse": "#d5281b",
    None: "#768692",
}


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}},
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.2},
    )
    fig.update_xaxes(automargin=True, gridcolor="#d8dde0")
    fig.update_yaxes(automargin=True, gridcolor="#d8dde0")
    return fig


def _errors(cells: list[dict]) -> dict:
    return {
        "type": "data",
        "symmetric": False,
        "array": [c["high"] - c["mean"] if c["high"] is not None else 0 for c in cells],
        "arrayminus": [c["mean"] - c["low"] if c["low"] is not None else 0 for c in cells],
        "color": "#425563",
    }


def journey(report: dict) -> go.Figure:
    """Score at each stage, in pathway order, one line per measure: where experience drops."""
    fig = go.Figure()
    labels = report["meta"]["measures"]
    for measure in main_measures(report["journey"]):
        cells = [c for c in report["journey"] if c["measure"] == measure and not c["suppressed"]]
        if not cells:
            continue
        fig.add_trace(
            go.Scatter(
                x=[c["stage_name"] for c in cells],
                y=[c["mean"] for c in cells],
                error_y=_errors(cells),
                mode="lines+markers",
                name=labels.get(measure, measure),
            )
        )
    order = list(dict.fromkeys(c["stage_name"] for c in report["journey"]))  # pathway order
    fig.update_xaxes(categoryorder="array", categoryarray=order)
    fig.update_yaxes(range=[0, 100], title="Score (0-100)")
    return _layout(fig, "Experience at each stage of the journey")


def bars(cells: list[dict], label: Callable[[dict], str], title: str) -> go.Figure:
    """Horizontal bars with 95% intervals, coloured by band against the whole pathway; a
    group that is shown but never compared ("Not answered") says so on its bar."""
    shown = sorted((c for c in cells if not c["suppressed"]), key=lambda c: c["mean"])
    fig = go.Figure(
        go.Bar(
            x=[c["mean"] for c in shown],
            y=[label(c) for c in shown],
            orientation="h",
            marker_color=[BAND_COLOURS[c["band"]] for c in shown],
            error_x=_errors(shown),
            text=[(c["band"] or "") if compared(c) else NOT_COMPARED for c in shown],
            textposition="inside",
            insidetextanchor="start",
        )
    )
    fig.update_xaxes(range=[0, 100], title="Score (0-100)")
    return _layout(fig, title, height=max(240, 40 * len(shown) + 120))


def service_label(cell: dict) -> str:
    """ "Oakview Care Home: hand-overs in": a service's own care and its hand-overs apart."""
    return f"{cell['service_name']}: {part_name(cell.get('part')).lower()}"


def transitions(report: dict, stage: str, measure: str) -> go.Figure:
    """The moves at one transition stage: moved from (rows) x moved to (columns) as coloured
    squares with their scores. Squares, not a heatmap: Plotly exports heatmaps as pictures,
    and the PDF keeps every chart as vector shapes. Suppressed moves say so; they are not
    blank and never zero."""
    cells = [
        c for c in report["transitions"] if c["measure"] == measure and c.get("stage") == stage
    ]
    rows = sorted({c["from_name"] for c in cells})
    cols = sorted({c["to_name"] for c in cells})
    shown = [c for c in cells if not c["suppressed"]]
    hidden = [c for c in cells if c["suppressed"]]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[c["to_name"] for c in shown],
            y=[c["from_name"] for c in shown],
            mode="markers+text",
            marker={
                "symbol": "square",
                "size": 44,
                "color": [c["mean"] for c in shown],
                "colorscale": "RdYlGn",
                "cmin": 0,
                "cmax": 100,
                "showscale": False,  # each square has its score written on it
            },
            text=[f"{c['mean']:.0f}" for c in shown],
            hovertext=[
                f"{c['from_name']} to {c['to_name']}: {c['mean']:.1f}, n={c['n']}" for c in shown
            ],
            hoverinfo="text",
            name="Score",
            showlegend=False,
        )
    )
    if hidden:
        fig.add_trace(
            go.Scatter(
                x=[c["to_name"] for c in hidden],
                y=[c["from_name"] for c in hidden],
                mode="markers+text",
                marker={"symbol": "square-open", "size": 44, "color": "#768692"},
                text=["n<" + str(report["meta"]["threshold"]) for _ in hidden],
                textfont={"size": 9},
                name="Suppressed: too few responses",
            )
        )
    # Service names wrapped on the axis instead of slanted across the legend.
    fig.update_xaxes(
        title="Moved to",
        categoryorder="array",
        categoryarray=cols,
        tickmode="array",
        tickvals=cols,
        ticktext=["<br>".join(_wrap(c, 14)) for c in cols],
        tickangle=0,
    )
    fig.update_yaxes(title="Moved from", categoryorder="array", categoryarray=rows)
    label = report["meta"]["measures"].get(measure, measure)
    stage_name = cells[0].get("stage_name", stage) if cells else stage
    _layout(fig, f"Moves at {stage_name}: {label}", height=60 * len(rows) + 260)
    fig.update_layout(legend={"y": 1.02, "yanchor": "bottom", "x": 0}, margin={"t": 80})
    return fig


def trend(report: dict) -> go.Figure:
    fig = go.Figure()
    labels = report["meta"]["measures"]
    for measure in main_measures(report["trend"]):
        cells = sorted(
            (c for c in report["trend"] if c["measure"] == measure and not c["suppressed"]),
            key=lambda c: c["quarter"],
        )
        if cells:
            fig.add_trace(
                go.Scatter(
                    x=[c["quarter"] for c in cells],
                    y=[c["mean"] for c in cells],
                    error_y=_errors(cells),
                    mode="lines+markers",
                    name=labels.get(measure, measure),
                )
            )
    _quarter_axis(fig, report["trend"])
    fig.update_yaxes(range=[0, 100], title="Score (0-100)")
    return _layout(fig, "Trend by quarter, whole pathway")


def _quarter_axis(fig: go.Figure, cells: list[dict]) -> None:
    """Quarters in time order, every one of them, also one with no point shown: without
    this Plotly orders categories as the traces first meet them, and a quarter that only a
    later trace has lands at the end of the axis."""
    quarters = sorted({c["quarter"] for c in cells})
    fig.update_xaxes(
        categoryorder="array", categoryarray=quarters, range=[-0.5, len(quarters) - 0.5]
    )


def stage_trend(report: dict, measure: str) -> go.Figure:
    """Score by quarter at each stage (a line per stage, in pathway order) for one measure.
    Suppressed points are left out of the lines and named in a note under the chart."""
    cells = [c for c in report["stage_trend"] if c["measure"] == measure]
    names = {c["stage"]: c["stage_name"] for c in report["journey"]}  # in pathway order
    for c in cells:
        names.setdefault(c["stage"], c.get("stage_name", c["stage"]))
    fig = go.Figure()
    hidden = []
    for stage in names:
        mine = sorted((c for c in cells if c["stage"] == stage), key=lambda c: c["quarter"])
        shown = [c for c in mine if not c["suppressed"]]
        if suppressed := [c["quarter"] for c in mine if c["suppressed"]]:
            hidden.append(f"{names.get(stage, stage)}: {', '.join(suppressed)}")
        if shown:
            fig.add_trace(
                go.Scatter(
                    x=[c["quarter"] for c in shown],
                    y=[c["mean"] for c in shown],
                    mode="lines+markers",
                    name=names.get(stage, stage),
                )
            )
    _quarter_axis(fig, cells)
    fig.update_yaxes(range=[0, 100], title="Score (0-100)")
    label = report["meta"]["measures"].get(measure, measure)
    _layout(fig, f"Trend by quarter at each stage: {label}", height=440)
    # The legend above the plot, so that the note on hidden points can go under the axis.
    fig.update_layout(
        title={"yref": "container", "y": 0.98, "yanchor": "top"},
        legend={"y": 1.02, "yanchor": "bottom"},
        margin={"t": 100},
    )
    if hidden:
        threshold = report["meta"]["threshold"]
        note = f"Not shown, fewer than {threshold} responses: " + "; ".join(hidden)
        lines = _wrap(note, 100)
        fig.update_xaxes(title={"text": "<br>".join(lines), "font": {"size": 11}})
        fig.update_layout(height=440 + 16 * len(lines))
    return fig


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def dimension_name(report: dict, dimension: str) -> str:
    """An equality dimension in words ("Age"), as the report's meta names it."""
    names = report["meta"].get("dimensions") or {}
    return names.get(dimension) or dimension.replace("_", " ").capitalize()


def transition_stages(report: dict) -> list[str]:
    """The transition stages with moves, in pathway order (the journey's)."""
    order = {c["stage"]: i for i, c in enumerate(report["journey"])}
    stages = dict.fromkeys(c.get("stage") for c in report["transitions"])
    return sorted(stages, key=lambda s: order.get(s, len(order)))


def main_measures(cells: list[dict]) -> list[str]:
    """Whole-instrument measures with something to show (domains go in the tables)."""
    return sorted({c["measure"] for c in cells if ":" not in c["measure"] and not c["suppressed"]})


def headline_measure(report: dict) -> str | None:
    """The whole-instrument measure most people in the report have a score on."""
    shown = {
        m: c["n"] for m, c in report["pathway"].items() if ":" not in m and not c["suppressed"]
    }
    return max(shown, key=shown.get) if shown else None


def journey_flows(report: dict) -> go.Figure | None:
    """The Sankey of how the same people moved between services from one stage to the next
    (``reports.paths.sankey``): the shown flows only, hidden ones counted in its note. None
    when no flow is shown. Stages are placed in pathway order: the journey's, then as the
    flows (listed in pathway order) first name them."""
    flows = (report.get("journeys") or {}).get("flows") or []
    if all(f["suppressed"] for f in flows):
        return None
    stages = [c["stage"] for c in report["journey"]]
    for f in flows:
        stages += [f["stage_from"], f["stage_to"]]
    order = {stage: i for i, stage in enumerate(dict.fromkeys(stages))}
    rows = [
        {
            "stage_from_position": order[f["stage_from"]],
            "stage_to_position": order[f["stage_to"]],
            **f,
        }
        for f in flows
    ]
    title = "How the same people moved between services"
    return sankey(rows, report["meta"]["threshold"], title=title)


def figures(report: dict, compact: bool = False) -> dict[str, go.Figure]:
    """Every chart of the report by a stable name; the dashboard and the PDF both use this.
    ``compact`` (the PDF) draws equality and stage trend charts for the headline measure only."""
    labels = report["meta"]["measures"]
    headline = headline_measure(report)
    out = {"journey": journey(report)}
    if (flows := journey_flows(report)) is not None:
        out["journey_flows"] = flows
    for stage in transition_stages(report):
        cells = [c for c in report["transitions"] if c.get("stage") == stage]
        for measure in main_measures(cells):
            out[f"transitions:{stage}:{measure}"] = transitions(report, stage, measure)
    for measure in main_measures(report["services"]):
        cells = [c for c in report["services"] if c["measure"] == measure]
        out[f"services:{measure}"] = bars(
            cells, service_label, f"Services: {labels.get(measure, measure)}"
        )
    for dimension, data in report["equality"].items():
        for measure in main_measures(data["groups"]):
            if compact and measure != headline:
                continue
            cells = [c for c in data["groups"] if c["measure"] == measure]
            out[f"equality:{dimension}:{measure}"] = bars(
                cells,
                lambda c: c["label"],
                f"{dimension_name(report, dimension)}: {labels.get(measure, measure)}",
            )
    if report["trend"]:
        out["trend"] = trend(report)
    for measure in main_measures(report["stage_trend"]):
        if compact and measure != headline:
            continue
        out[f"stage_trend:{measure}"] = stage_trend(report, measure)
    return out
