"""Placeholder: filled in by the admin screens work."""

from app.admin import bp  # noqa: F401
