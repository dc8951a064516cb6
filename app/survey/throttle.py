"""Journey-code look-ups are limited per address, so codes cannot be found by guessing.

Only look-ups that match nothing count: a person typing their own code is never held up.
"""

from __future__ import annotations

from flask import current_app, g

from app.extensions import limiter


def missed() -> None:
    g.journey_code_miss = True


journey_lookups = limiter.shared_limit(
    lambda: current_app.config["JOURNEY_LOOKUP_LIMIT"],
    scope="journey-code",
    deduct_when=lambda _response: bool(g.get("journey_code_miss")),
)
