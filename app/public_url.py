"""Links that leave the browser (set-password links, QR codes, posters, printed forms, the
link on the survey's last page) are built on the configured public address, never on the
request's Host header: a forged header must not turn a one-time link into one for another site.

The address is ``PUBLIC_URL``; in production, without it, ``SERVER_NAME`` (with https when
``FORCE_HTTPS`` is on). A production app with neither does not start.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app

PROBLEM = (
    "PUBLIC_URL must be the address people use to reach the service, such as "
    "https://survey.example.nhs.uk (http or https, a host, at most a path; no query). "
)


def configure(app: Flask) -> None:
    """Check the public address at start-up and keep it, resolved, in ``PUBLIC_URL``."""
    config = app.config
    address = config.get("PUBLIC_URL")
    if not address and config.get("SERVER_NAME"):
        scheme = "https" if config.get("FORCE_HTTPS") else config["PREFERRED_URL_SCHEME"]
        root = (config.get("APPLICATION_ROOT") or "/").rstrip("/")
        address = f"{scheme}://{config['SERVER_NAME']}{root}"
    if not address:
        raise RuntimeError(
            PROBLEM + "Set PUBLIC_URL (or SERVER_NAME) when CAREJOURNEY_ENV=production; "
            "see README, Configuration."
        )
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise RuntimeError(PROBLEM + f"It is {address!r}.")
    config["PUBLIC_URL"] = address.rstrip("/")
    app.add_template_global(public_url_for)


def public_url_for(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values, _external=True)``, on the public address."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)
