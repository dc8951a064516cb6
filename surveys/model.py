"""Read-only objects for a loaded instrument, indexed by id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ROLES = ("patient", "carer", "helped")
STAGE_KINDS = ("episode", "transition")
SECTORS = (
    "gp_primary_care",
    "hospital",
    "community_health",
    "mental_health",
    "adult_social_care",
    "care_home",
    "voluntary_community",
    "urgent_emergency",
    "other",
)


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    value: float | None = None
    missing: bool = False
    group: str | None = None


@dataclass(frozen=True)
class Scale:
    id: str
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    @property
    def values(self) -> dict[str, float]:
        """The answers that score: option code -> value (not "Don't know" and the like)."""
        return {o.code: o.value for o in self.options if not o.missing and o.value is not None}


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    type: str = "choice"
    scale: Scale | None = None
    domain: str | None = None
    hint: str | None = None
    lead_in: str | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    max_length: int | None = None
    roles: tuple[str, ...] = ROLES
    stage_kinds: tuple[str, ...] = STAGE_KINDS
    sectors: tuple[str, ...] | None = None
    short_text: str | None = None

    def applies(
        self, role: str | None, stage_kind: str | None, sectors: Iterable[str] = ()
    ) -> bool:
        """Whether this item is asked of this respondent at this stage and service(s).

        ``sectors`` are those of the services chosen (both ends of a transition). An item
        limited to some sectors is asked only when one of them was chosen.
        """
        if role and role not in self.roles:
            return False
        if stage_kind and stage_kind not in self.stage_kinds:
            return False
        return not self.sectors or bool(set(self.sectors) & set(sectors))


@dataclass(frozen=True)
class FreeText:
    id: str
    text: str
    hint: str | None = None
    max_length: int = 2000
    roles: tuple[str, ...] = ROLES


@dataclass(frozen=True)
class Scoring:
    method: str
    min_answered: float
    by_domain: bool = False
    description: str = ""

    def minimum_for(self, n_items: int) -> int:
        """Answered items needed for a valid score out of ``n_items`` asked."""
        if self.min_answered <= 1:
            from math import ceil

            return max(1, ceil(self.min_answered * n_items - 1e-9))
        return min(int(self.min_answered), n_items)


@dataclass(frozen=True)
class ShortForm:
    """Another instrument whose items are some of this one's, word for word (CTM-3 in
    CTM-15): a response to this instrument also has a score on that one.

    ``items``: pairs (this instrument's item id, the short form's item id).
    """

    instrument: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    language: str
    attribution: str
    kind: str
    items: tuple[Item, ...]
    content_hash: str
    source_file: str
    definition: Mapping = field(repr=False, compare=False, hash=False)
    short_title: str | None = None
    intro: str | None = None
    licence: str | None = None
    domains: Mapping[str, str] = field(default_factory=dict)
    free_text: tuple[FreeText, ...] = ()
    scoring: Scoring | None = None
    short_forms: tuple[ShortForm, ...] = ()

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.id} has no item {item_id!r}")

    def select(self, domains: Iterable[str] | None = None, item_ids: Iterable[str] | None = None):
        """Items a survey asks: all, or those in the named domains or with the named ids."""
        domains = set(domains or ())
        item_ids = set(item_ids or ())
        if not domains and not item_ids:
            return self.items
        return tuple(i for i in self.items if i.domain in domains or i.id in item_ids)


@dataclass(frozen=True)
class PlannedInstrument:
    """An instrument as a survey asks it: all its items, or a chosen subset."""

    instrument: Instrument
    items: tuple[Item, ...]


class Registry(Mapping[str, Instrument]):
    """All loaded instruments by id; read-only."""

    def __init__(self, instruments: Iterable[Instrument]):
        self._by_id = {i.id: i for i in instruments}

    def __getitem__(self, key: str) -> Instrument:
        return self._by_id[key]

    def __iter__(self):
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)
