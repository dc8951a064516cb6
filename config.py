"""Settings. The only module that reads ``os.environ``.

Every setting comes from an environment variable; see README "Configuration".
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CAREJOURNEY_INSTANCE", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A per-installation random key kept in instance/, for development and demo use.

    Production must set SECRET_KEY: there is no built-in fallback value.
    """
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'carejourney.db'}"


class Config:
    ENV_NAME = os.environ.get("CAREJOURNEY_ENV", "development")
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Healthwatch Demo Area")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Tell us about your care")
    # Header colour as a hex value; the NHS blue by default.
    BRAND_COLOUR = os.environ.get("BRAND_COLOUR", "#005eb8")
    # Path or URL of the organisation's logo; no logo (and no NHS logo) unless set.
    LOGO_URL = os.environ.get("LOGO_URL") or None
    CONTACT_TEXT = os.environ.get(
        "CONTACT_TEXT",
        "If you need this survey in another format or language, ask the staff caring for you.",
    )
    # Local I-statement sets (and other instruments) dropped in here load beside the built-in ones.
    LOCAL_INSTRUMENTS_DIR = os.environ.get(
        "LOCAL_INSTRUMENTS_DIR", str(INSTANCE_DIR / "instruments")
    )
    QUESTIONS_PER_PAGE = int(os.environ.get("QUESTIONS_PER_PAGE", "4"))
    # CSRF tokens last as long as the browser session: a person who pauses mid-survey
    # must not lose the page they typed.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # Python 3.11 serves .js as text/javascript.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
    ]
    SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24 * 7

    # Staff sessions end after this long without a request, and after this long in any case.
    STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
    STAFF_SESSION_HOURS = int(os.environ.get("STAFF_SESSION_HOURS", "12"))
    # Failed sign-ins allowed per account and per address within the window, then a pause.
    SIGNIN_WINDOW_MINUTES = int(os.environ.get("SIGNIN_WINDOW_MINUTES", "15"))
    SIGNIN_FAILURES_PER_ACCOUNT = int(os.environ.get("SIGNIN_FAILURES_PER_ACCOUNT", "5"))
    SIGNIN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGNIN_FAILURES_PER_ADDRESS", "20"))
    # Journey codes that match nothing, per address (a clinic's shared Wi-Fi is one address).
    JOURNEY_LOOKUP_LIMIT = os.environ.get("JOURNEY_LOOKUP_LIMIT", "30 per 10 minutes")
    # memory:// is per process; with several gunicorn workers use redis:// or memcached://.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Reports hide any figure based on fewer responses than this (and what would reveal it).
    REPORT_THRESHOLD = int(os.environ.get("REPORT_THRESHOLD", "10"))
    # How long a built report is reused while no response arrives (0: never).
    REPORT_CACHE_SECONDS = int(os.environ.get("REPORT_CACHE_SECONDS", "300"))
    # Number of reverse proxies in front of the app (their X-Forwarded-* headers are trusted).
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    # Redirect plain HTTP to HTTPS (and send HSTS); on in production.
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def get_config(name: str | None = None) -> type[Config]:
    return CONFIGS[name or Config.ENV_NAME]
