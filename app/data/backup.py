"""A consistent copy of a live SQLite database (SQLite's online backup API).

A plain file copy of a database in WAL mode can miss what is still in the -wal file, or
catch a page half written; the backup API copies a consistent snapshot while the app runs.
PostgreSQL is backed up with pg_dump (README, Backup and restore).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.extensions import db


class BackupRefused(Exception):
    """Why no backup was written, in plain words."""


def backup_sqlite(target: Path) -> int:
    """Copy the app's SQLite database to ``target`` (a new file); returns its size in bytes."""
    if db.engine.dialect.name != "sqlite":
        raise BackupRefused(
            "This command copies SQLite databases. For PostgreSQL use "
            "pg_dump -Fc (README, 'Backup and restore')."
        )
    if target.exists():
        raise BackupRefused(f"{target} already exists: choose a new file, so no backup is lost.")
    source = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            source.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target.stat().st_size
