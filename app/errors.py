"""Friendly error pages: plain English, no stack trace, and a request id in the log."""

from __future__ import annotations

import uuid

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature

PAGES = {
    400: (
        "Sorry, there is a problem with that request",
        ["Your earlier answers are saved. Go back and try that page again."],
    ),
    404: (
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you used a link or QR code, it may be out of date. Ask for a new one.",
        ],
    ),
    410: ("This survey is closed", ["Ask the service that gave you the link for the current one."]),
    429: ("Too many tries", ["Please wait a minute, then try again."]),
    500: (
        "Sorry, there is a problem with the service",
        ["Your answers up to the last page you saved are kept. Try again later."],
    ),
}


def register(app: Flask) -> None:
    @app.before_request
    def _request_id():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:12]

    def render(status: int):
        title, lines = PAGES[status]
        return render_template("errors/error.jinja", title=title, lines=lines), status

    @app.errorhandler(CSRFError)
    def _csrf(error):
        app.logger.info("request %s: CSRF rejected: %s", g.get("request_id"), error.description)
        title = "This page timed out"
        lines = [
            "For your security, pages expire when the browser is closed for a while.",
            "Your answers up to the last page you saved are kept. "
            "Go back, reload the page and answer it again.",
        ]
        return render_template("errors/error.jinja", title=title, lines=lines), 400

    @app.errorhandler(BadSignature)
    def _tampered(error):
        app.logger.info("request %s: bad signature: %s", g.get("request_id"), error)
        return render(400)

    for status in (400, 404, 410, 429):
        app.register_error_handler(status, lambda e, s=status: render(s))

    @app.errorhandler(500)
    def _server_error(error):
        app.logger.error(
            "request %s failed: %s",
            g.get("request_id"),
            error.original_exception if hasattr(error, "original_exception") else error,
        )
        return render(500)
