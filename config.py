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


def _local_secret_key(name: str = "secret_key") -> str:
    """A per-installation random key kept in instance/<name>, for development and demo use.

    Production must set SECRET_KEY and PSEUDONYM_KEY: there is no built-in fallback value.
    """
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / name
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
    # The same, per code pattern across all addresses; above the address limit, so one address
    # alone never pauses other people's look-ups (app/survey/throttle.py).
    JOURNEY_PATTERN_LIMIT = os.environ.get("JOURNEY_PATTERN_LIMIT", "60 per 10 minutes")
    # A journey code resumes only a response started this many days ago or less.
    RESUME_DAYS = int(os.environ.get("RESUME_DAYS", "7"))
    # Surveys started per address: far above a busy hospital's shared Wi-Fi, far below a script.
    SURVEY_START_LIMIT = os.environ.get("SURVEY_START_LIMIT", "60 per minute; 600 per hour")
    # Unfinished responses with no answers, untouched this long, are removed by
    # `flask responses purge-unfinished` (with journeys left with no responses).
    UNFINISHED_KEEP_DAYS = int(os.environ.get("UNFINISHED_KEEP_DAYS", "2"))
    # Largest request body (Flask's setting); larger only on the spreadsheet upload.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
    # memory:// is per process; with several gunicorn workers use redis:// or memcached://.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Reports hide any figure based on fewer responses than this (and what would reveal it).
    REPORT_THRESHOLD = int(os.environ.get("REPORT_THRESHOLD", "10"))
    # How long a built report is reused while no response arrives (0: never).
    REPORT_CACHE_SECONDS = int(os.environ.get("REPORT_CACHE_SECONDS", "300"))
    # Spreadsheet imports of paper forms: refused, before any cell is read, past these limits.
    IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "20"))
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "2000"))
    IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "200"))
    # Number of reverse proxies in front of the app (their X-Forwarded-* headers are trusted).
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    # Redirect plain HTTP to HTTPS (and send HSTS); on in production.
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)
    # The address people reach the service at: one-time links, QR codes, posters and printed
    # forms are built on it, never on the request's Host header (app/public_url.py).
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
    # Derives the response export's pseudonyms: its own key, so rotating SECRET_KEY (sessions)
    # changes no pseudonym; keep it with the backups (README, Backup and restore).
    PSEUDONYM_KEY = os.environ.get("PSEUDONYM_KEY") or None


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
    PSEUDONYM_KEY = os.environ.get("PSEUDONYM_KEY") or _local_secret_key("pseudonym_key")
    # `flask run`'s own address; set PUBLIC_URL if you serve on another address or port.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or "http://127.0.0.1:5000"


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    PSEUDONYM_KEY = "test-only-pseudonym-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    PUBLIC_URL = "http://localhost"  # the test client's address


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def get_config(name: str | None = None) -> type[Config]:
    return CONFIGS[name or Config.ENV_NAME]
