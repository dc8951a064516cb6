"""Text no database can store is refused before any view reads it.

PostgreSQL text cannot hold a NUL byte, and a lone surrogate (half of a UTF-16 pair) cannot be
encoded as UTF-8 at all, so either one in a URL, a query or a form value would fail deep in a
query or while writing the page. No person types them; one check here answers 400 for every
route, rather than each field refusing them on its own.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def refuse_unstorable_text() -> None:
    texts = [request.path]
    for values in (request.args, request.form):
        texts += [text for pair in values.items(multi=True) for text in pair]
    texts += [name + (file.filename or "") for name, file in request.files.items(multi=True)]
    if any(UNSTORABLE.search(text) for text in texts):
        abort(400)


def register(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)
