"""Security headers, HTTPS and proxies: the baseline every response carries."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import talisman

# Everything comes from our own origin: no CDN, no third-party script, no inline script
# except the one NHS.UK line that carries a per-request nonce.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Plotly draws charts by adding <style> rules at run time; the dashboard alone allows inline
# styles (never inline scripts). Its figures arrive as JSON data, drawn by our own script file.
CHARTS_CSP = {**CSP, "style-src": "'self' 'unsafe-inline'"}


def allows_chart_styles(view):
    """Mark a view whose page draws Plotly charts (see CHARTS_CSP)."""
    return talisman(
        content_security_policy=CHARTS_CSP, content_security_policy_nonce_in=["script-src"]
    )(view)


def init(app: Flask) -> None:
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        # HSTS is only ever sent on HTTPS responses (browsers ignore it over HTTP anyway).
        strict_transport_security=True,
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )
    app.after_request(_no_store_pages)


def _no_store_pages(response):
    """Pages may show answers or staff data: never kept in a shared device's cache.
    Static files keep their own caching."""
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response
