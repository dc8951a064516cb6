"""The look every chart of the report shares. A module of its own so that the charts
(reports.charts) and the Sankey of paths (reports.paths) can both use it and each other."""

from __future__ import annotations

FONT = {"family": "Arial, DejaVu Sans, sans-serif", "size": 13, "color": "#212b32"}
