"""Charts exported as SVG by kaleido (reports.svg): real Chromium, so slower than the other
unit tests (the browser starts once, in about 5 s). The browser keeps each tab's page between
figures, so a figure must come out the same whatever was drawn before it."""

from __future__ import annotations

import re
import shutil

import plotly.graph_objects as go
import pytest

from reports import svg
from reports.charts import figures
from tests.conftest import needs
from tests.unit.reports.journey_report import journey_report


@pytest.fixture(scope="module", autouse=True)
def browser():
    if not (shutil.which("chromium") or shutil.which("google-chrome")):
        needs("Chromium", "kaleido draws the charts in it")
    svg.start()
    yield
    svg.clear_cache()


def bars(title: str, values: list[float]) -> go.Figure:
    fig = go.Figure(go.Bar(x=values, y=[f"Group {i}" for i in range(len(values))], orientation="h"))
    return fig.update_layout(title=title, height=300)


def without_ids(document: str) -> str:
    """Plotly names each drawing's clip paths and gradients with random ids."""
    return re.sub(r"(defs-|clip|\bg|id=\")[0-9a-f]{6}", r"\1x", document)


def test_each_figure_comes_back_as_vector_svg_in_order():
    figs = [bars(f"Chart {i}", [10 * i + 5, 50]) for i in range(5)]
    svg.clear_cache()
    drawn = svg.to_svgs(figs)
    assert len(drawn) == 5
    for i, document in enumerate(drawn):
        assert document.startswith("<svg") and 'height="300"' in document
        assert f">Chart {i}<" in document  # text stays text
        assert "<image" not in document  # no picture inside


def test_a_figure_is_the_same_whatever_was_drawn_before_it():
    target = bars("Target", [42, 17, 88])
    svg.clear_cache()
    first = svg.to_svg(target)
    # Fill both tabs with other figures (a legend, another size), then draw it again.
    others = [bars(f"Other {i}", [i, 2 * i, 3 * i]) for i in range(6)]
    others.append(go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="line")).update_layout(width=500))
    svg.to_svgs(others)
    svg.clear_cache()
    again = svg.to_svg(target)
    assert without_ids(again) == without_ids(first)


def test_drawing_a_report_reloads_no_page(monkeypatch):
    # kaleido reloads plotly.js in a tab after each figure unless our browser keeps the page:
    # two thirds of the export time. A kaleido upgrade that renames the hook shows here.
    from kaleido._kaleido_tab import _KaleidoTab

    reloads = []
    reload = _KaleidoTab.reload

    async def counted(tab):
        reloads.append(tab)
        await reload(tab)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    svg.clear_cache()
    svg.to_svgs([bars(f"Figure {i}", [i, 1]) for i in range(12)])
    assert reloads == []


def test_a_figure_drawn_before_is_not_drawn_again(monkeypatch):
    fig = bars("Cached", [1, 2, 3])
    first = svg.to_svg(fig)

    def no_browser(specs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(svg._server, "submit", no_browser)
    assert svg.to_svg(bars("Cached", [1, 2, 3])) == first  # an equal figure, a new object
    with pytest.raises(AssertionError, match="drawn again"):
        svg.to_svg(bars("Cached", [1, 2, 4]))


def test_a_lightened_drawing_keeps_its_shapes_text_and_colours():
    document = svg.to_svg(bars("Kept", [30, 60]))
    assert "style=" not in document and "<g />" not in document
    assert ">Kept<" in document and ">Group 1<" in document
    assert document.count("<path") >= 2 and 'fill="rgb(' in document


def test_a_browser_that_has_drawn_enough_is_replaced_between_exports(monkeypatch):
    # Chromium keeps memory for every figure a tab draws: a long-lived server would grow.
    monkeypatch.setattr(svg, "RECYCLE_AFTER", 6)
    svg.clear_cache()
    svg.stop()
    first = svg._server.start()[0]  # a new browser: nothing drawn yet
    svg.to_svgs([bars(f"Batch one {i}", [i, 2]) for i in range(4)])
    assert svg._server.start()[0] is first  # 4 figures: not yet
    svg.to_svgs([bars(f"Batch two {i}", [i, 3]) for i in range(4)])
    drawn = svg.to_svgs([bars("After", [5, 6])])  # waits for the new browser if need be
    assert svg._server.start()[0] is not first
    assert ">After<" in drawn[0]


def test_the_journeys_sankey_is_drawn_as_vector_shapes_with_its_labels_as_text():
    document = svg.to_svg(figures(journey_report(), compact=True)["journey_flows"])
    assert "<image" not in document  # vector: no picture inside, so the PDF keeps it sharp
    assert ">On the ward: County Hospital wards<" in document
    assert ">Leaving hospital: Oakview Care Home<" in document
    assert "Not shown: 2 flows of fewer than 10 people each" in document
    assert document.count("<path") >= 4  # a band for each shown flow
