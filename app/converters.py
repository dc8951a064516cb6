"""URL converters: an id in a URL is one the database's integer columns can hold."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Ids are PostgreSQL `integer` columns: a larger number in a URL can match no row, and
# reaching the database with it is an error there (and on SQLite past 2**63), not a 404.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` everywhere in the app: only 1 to 2147483647 match; anything else is a 404."""

    def __init__(self, map, fixed_digits=0, min=1, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app) -> None:
    """Before any blueprint: a rule picks its converter class when it is added to the map."""
    app.url_map.converters["int"] = IdConverter
