"""Instrument definitions as data files, and the loader that validates them.

Pure: imports neither Flask, SQLAlchemy nor the app.
"""

from surveys.loader import InstrumentError, load_instruments
from surveys.model import Instrument, Item, Option, Registry, Scale

__all__ = [
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "Registry",
    "Scale",
    "load_instruments",
]
