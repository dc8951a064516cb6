"""The response-level export: one row per response, pseudonymous, with a codebook.

- Pseudonyms: HMAC-SHA256 of the internal id under a secret key, so the same response always
  gets the same pseudonym in every export from this installation, yet nobody can turn it back
  into a database id or a journey code (which would let them open a response).
- Free text is left out: even redacted, a comment can identify someone in a small service.
- Equality fields (disclosure control): a value held by fewer than the threshold of the
  exported responses is replaced by "suppressed", so a rare combination cannot single anyone
  out. Suppressed values are dropped from the codebook's counts too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Mapping

from reports.cells import csv_bytes

SUPPRESSED = "suppressed"


def pseudonym(secret: bytes, kind: str, value: object) -> str:
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0].upper()}{digest[:12]}"


def suppress_rare(rows: list[dict], columns: Iterable[str], threshold: int) -> list[dict]:
    """Rows with each equality value held by fewer than ``threshold`` rows made "suppressed"."""
    columns = list(columns)
    counts = {c: Counter(r.get(c) for r in rows) for c in columns}
    out = []
    for row in rows:
        row = dict(row)
        for c in columns:
            if row.get(c) is not None and counts[c][row[c]] < threshold:
                row[c] = SUPPRESSED
        out.append(row)
    return out


def to_csv(rows: list[dict], columns: list[str]) -> bytes:
    return csv_bytes([columns, *([row.get(c) for c in columns] for row in rows)])


def codebook(columns: Mapping[str, str], values: Mapping[str, Mapping[str, str]]) -> bytes:
    """column, meaning, value, value meaning: one row per column, then one per coded value."""
    rows = [["column", "meaning", "value", "value meaning"]]
    for column, meaning in columns.items():
        rows.append([column, meaning, "", ""])
        rows += [[column, "", code, label] for code, label in values.get(column, {}).items()]
    return csv_bytes(rows)
