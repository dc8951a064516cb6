"""Plotly figures as SVG through one long-lived kaleido (headless Chromium) server.

MathJax is off: with it on, kaleido tries to fetch MathJax from a CDN and every few exports
stall for seconds on a machine with no internet (a ward, our CI).
"""

from __future__ import annotations

import atexit
import logging
import threading

import kaleido
import plotly.graph_objects as go

# kaleido and choreographer log every export at INFO: dozens of lines per report.
for _name in ("kaleido", "choreographer"):
    logging.getLogger(_name).setLevel(logging.WARNING)

_lock = threading.Lock()
_running = False


def _server() -> None:
    global _running
    with _lock:
        if not _running:
            kaleido.start_sync_server(n=1, mathjax=False, silence_warnings=True)
            atexit.register(kaleido.stop_sync_server, silence_warnings=True)
            _running = True


def to_svg(figure: go.Figure, width: int = 720) -> str:
    """The figure as an SVG document (vector: text stays text in the PDF)."""
    _server()
    height = figure.layout.height or 360
    data = kaleido.calc_fig_sync(figure, opts={"format": "svg", "width": width, "height": height})
    return data.decode("utf-8") if isinstance(data, bytes) else data
