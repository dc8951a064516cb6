"""Request bodies are small everywhere (``MAX_CONTENT_LENGTH``), larger only on upload views.

Werkzeug refuses a body over ``request.max_content_length`` with 413 when the form is first
read, before it is parsed: an anonymous 50 MB post costs nothing. Flask-WTF's CSRF check reads
the form before any view runs, so the larger limit of upload views is set in a hook that
``create_app`` registers before CSRFProtect's.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request

# Room for an upload form's other fields and the multipart boundaries around the file.
FORM_ROOM = 64 * 1024


def accepts_upload(view: Callable) -> Callable:
    """Mark a view whose form carries a file of up to MAX_UPLOAD_BYTES."""
    view.accepts_upload = True
    return view


def upload_limit(app: Flask) -> int:
    return app.config["MAX_UPLOAD_BYTES"] + FORM_ROOM


def init(app: Flask) -> None:
    @app.before_request
    def _allow_uploads() -> None:
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "accepts_upload", False):
            request.max_content_length = upload_limit(app)
