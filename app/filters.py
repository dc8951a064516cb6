"""Small app-wide routes and template helpers that belong to no blueprint."""

from __future__ import annotations

import re

from flask import Flask, Response

from app.auth.access import public

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def when(moment) -> str:
    """A stored UTC time as people read it: 23 Nov 2026, 14:05 UTC."""
    return moment.strftime("%-d %b %Y, %H:%M UTC")


def register(app: Flask) -> None:
    app.add_template_filter(when)

    @app.get("/healthz")
    @public
    def healthz():
        """Liveness check for load balancers; also the benchmarks' minimal page."""
        return Response("ok\n", mimetype="text/plain")

    @app.get("/brand.css")
    @public
    def brand_css():
        """The organisation's header colour, from configuration (checked to be a hex colour)."""
        colour = app.config["BRAND_COLOUR"]
        if not HEX.match(colour):
            colour = "#005eb8"
        css = f".nhsuk-header{{background-color:{colour}}}\n"
        response = Response(css, mimetype="text/css")
        response.cache_control.max_age = 3600
        return response
