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

import csv
import hashlib
import hmac
import io
from collections import Counter
from collections.abc import Iterable, Mapping

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
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def codebook(columns: Mapping[str, str], values: Mapping[str, Mapping[str, str]]) -> bytes:
    """column, meaning, value, value meaning: one row per column, then one per coded value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["column", "meaning", "value", "value meaning"])
    for column, meaning in columns.items():
        writer.writerow([column, meaning, "", ""])
        for code, label in values.get(column, {}).items():
            writer.writerow([column, "", code, label])
    return buffer.getvalue().encode("utf-8-sig")
