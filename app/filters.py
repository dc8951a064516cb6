"""Small app-wide routes and template helpers that belong to no blueprint."""

from __future__ import annotations

import re

from flask import Flask, Response

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def register(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        """Liveness check for load balancers; also the benchmarks' minimal page."""
        return Response("ok\n", mimetype="text/plain")

    @app.get("/brand.css")
    def brand_css():
        """The organisation's header colour, from configuration (checked to be a hex colour)."""
        colour = app.config["BRAND_COLOUR"]
        if not HEX.match(colour):
            colour = "#005eb8"
        css = f".nhsuk-header{{background-color:{colour}}}\n"
        response = Response(css, mimetype="text/css")
        response.cache_control.max_age = 3600
        return response
