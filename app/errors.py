"""Friendly error pages: plain English, no stack trace, and a request id in the log."""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature

from reports.pdf_engine import PdfFailed

PAGES = {
    400: (
        "Sorry, there is a problem with that request",
        ["Your earlier answers are saved. Go back and try that page again."],
    ),
    403: (
        "You do not have access to this page",
        [
            "Your account does not have the role this page needs.",
            "If you think it should, ask an administrator.",
        ],
    ),
    404: (
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you used a link or QR code, it may be out of date. Ask for a new one.",
        ],
    ),
    410: ("This survey is closed", ["Ask the service that gave you the link for the current one."]),
    413: (
        "What you sent is too large",
        [
            "Your answers up to the last page you saved are kept.",
            "Go back and try that page again with less.",
        ],
    ),
    429: ("Too many tries", ["Please wait a minute, then try again."]),
    500: (
        "Sorry, there is a problem with the service",
        ["Your answers up to the last page you saved are kept. Try again later."],
    ),
}


REQUEST_ID = re.compile(r"[A-Za-z0-9-]{6,64}")
STAFF_BLUEPRINTS = {"auth", "admin", "dashboard", "paper"}


def register(app: Flask) -> None:
    @app.before_request
    def _request_id():
        # A proxy's id is kept only if it looks like one: it is written into the log.
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:12]

    def render(status: int):
        title, lines = PAGES[status]
        return _page(title, lines), status

    @app.errorhandler(CSRFError)
    def _csrf(error):
        app.logger.info("request %s: CSRF rejected: %s", g.get("request_id"), error.description)
        title = "This page timed out"
        lines = [
            "For your security, pages expire when the browser is closed for a while.",
            "Your answers up to the last page you saved are kept. "
            "Go back, reload the page and answer it again.",
        ]
        return _page(title, lines), 400

    @app.errorhandler(BadSignature)
    def _tampered(error):
        app.logger.info("request %s: bad signature: %s", g.get("request_id"), error)
        return render(400)

    for status in (400, 403, 404, 410):
        app.register_error_handler(status, lambda e, s=status: render(s))

    @app.errorhandler(413)
    def _too_large(error):
        # Upload views allow more (app/upload_limit.py), and their page says how much.
        if (request.max_content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            megabytes = app.config["MAX_UPLOAD_BYTES"] / (1024 * 1024)
            lines = [
                f"Files of up to {megabytes:g} MB can be uploaded here. Nothing was saved.",
                "Split the forms into two or more spreadsheets and upload each one.",
            ]
            return _page("The file is too large", lines), 413
        return render(413)

    @app.errorhandler(429)
    def _too_many(error):
        # A limit with its own page (sign-in) brings it along; others get the general one.
        return error.response if getattr(error, "response", None) is not None else render(429)

    @app.errorhandler(PdfFailed)
    def _pdf_failed(error):
        # Every PDF view (report, poster, printed forms): a logged error and a plain page,
        # never a dead worker (reports/pdf_engine.py).
        app.logger.error("request %s: %s", g.get("request_id"), error, exc_info=error)
        title = "Sorry, the PDF could not be made"
        lines = [
            "Nothing was changed. Try again in a few minutes.",
            "If it happens again, tell an administrator.",
        ]
        return _page(title, lines), 500

    @app.errorhandler(500)
    def _server_error(error):
        app.logger.error(
            "request %s failed: %s",
            g.get("request_id"),
            error.original_exception if hasattr(error, "original_exception") else error,
            exc_info=getattr(error, "original_exception", None),
        )
        return render(500)


def _page(title: str, lines: list[str]) -> str:
    """Staff pages keep the staff layout (and menu) on their error pages."""
    staff = request.blueprint in STAFF_BLUEPRINTS
    return render_template(
        "errors/error.jinja",
        title=title,
        lines=lines,
        layout="staff/base.jinja" if staff else "base.jinja",
        staff=staff,
        request_id=g.get("request_id"),
    )
