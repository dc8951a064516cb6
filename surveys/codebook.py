"""The fields of a survey's paper form: spreadsheet columns, codebook, and what a record means.

One ``Layout`` per survey lists its fields in the paper's order: the form's own fields (form
number, date, journey code, who answered, service or move), then every question the survey can
ask at its stage, instrument by instrument, then the free-text questions, then About you. The
spreadsheet template, the codebook, the importer and keyed entry all use it, so a column name
means the same everywhere: ``<instrument id>.<item id>`` for a question ("ctm-3.ctm3_1"), the
free-text id for a comment ("went_well"), and the names in ``FORM_FIELDS``.

A *record* is one form's answers: column name -> value (an option code, a service code, a date
as YYYY-MM-DD, typed text), with blank fields left out. ``interpret`` turns a record into what a
response stores: role, services, answer codes and texts, and which items were asked.

Pure: no Flask, no SQLAlchemy, no app.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from surveys.model import FreeText, Instrument, Item, PlannedInstrument

FORM_NUMBER = "form_number"
DATE = "date_completed"
JOURNEY = "journey_code"
ROLE = "who_answered"
SERVICE = "service"
MOVED_FROM = "moved_from"
MOVED_TO = "moved_to"
FORM_FIELDS = (FORM_NUMBER, DATE, JOURNEY, ROLE, SERVICE, MOVED_FROM, MOVED_TO)
ABOUT_YOU = "about-you"

FORM_NUMBER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
FORM_NUMBER_RULE = "letters, numbers and hyphens, up to 20 characters, like 1042 or RS-1042"
DATE_RULE = "a date such as 2026-03-31 or 31/03/2026"
JOURNEY_RULE = "10 letters and numbers, like 7KQ2M-XR4PT"
BLANK_MEANING = "Not answered"


@dataclass(frozen=True)
class Choice:
    """An allowed value: the code stored, and its label (the words on the form)."""

    code: str
    label: str
    sector: str | None = None  # services only: for questions asked about some sectors


def match_key(text: str) -> str:
    """How a typed value is compared with codes and labels: any case, spaces squeezed, curly
    apostrophes as straight ones (spreadsheets put them in as you type)."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()


def _short_key(text: str) -> str:
    """The key of a label's first words, before " / ": the printed form's short version."""
    return match_key(text).split(" / ", 1)[0].strip()


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # form_number, date, journey_code, role, service, choice, text, free_text
    title: str  # what the column holds: the question, or the form field in words
    section: str  # "Form", the instrument's short title, "In your own words", "About you"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    instrument_id: str | None = None
    item: Item | None = None
    # Free text: the instruments that ask it, in the survey's order, with their wording.
    free_text: tuple[tuple[str, FreeText], ...] = ()
    max_length: int | None = None

    @cached_property
    def _lookup(self) -> dict[str, Choice]:
        found: dict[str, Choice] = {}
        shorts: dict[str, list[Choice]] = {}
        for choice in self.choices:
            shorts.setdefault(_short_key(choice.label), []).append(choice)
        # Weakest first, so that a full label beats a short one and a code beats both.
        for key, chosen in shorts.items():
            if len(chosen) == 1:  # a short form two labels share means neither
                found[key] = chosen[0]
        for choice in self.choices:
            found[match_key(choice.label)] = choice
        for choice in self.choices:
            found[match_key(choice.code)] = choice
        return found

    def choice(self, typed: str) -> Choice | None:
        """The allowed value typed as its code or its label, in any case; a long label also
        by its words before " / " ("Don't know" for "Don't know / not applicable"), however
        the typed value ends after its own " / "; None if neither."""
        lookup = self._lookup
        return lookup.get(match_key(typed)) or lookup.get(_short_key(typed))

    def label_of(self, code: str | None) -> str:
        chosen = next((c for c in self.choices if c.code == code), None)
        return chosen.label if chosen else (code or "")


@dataclass(frozen=True)
class Layout:
    """A survey's paper form: its stage kind, who may answer, and its columns in order."""

    stage_kind: str
    roles: tuple[Choice, ...]
    columns: tuple[Column, ...]

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def column(self, name: str) -> Column | None:
        return self.by_name.get(name)


def _item_applies_to_survey(item: Item, stage_kind: str, roles: Iterable[str], sectors) -> bool:
    return any(item.applies(role, stage_kind, sectors) for role in roles)


def form_layout(
    plan: Sequence[PlannedInstrument],
    about_you: Instrument | None,
    *,
    stage_kind: str,
    roles: Sequence[Choice],
    services: Sequence[Choice],
) -> Layout:
    """The columns for a survey: ``plan`` as the survey asks it, the roles it allows and the
    services it offers (with their sectors). Questions nobody can be asked there (another
    stage kind, a role the survey does not allow, a sector none of its services is in) get no
    column."""
    role_codes = [r.code for r in roles]
    sectors = {s.sector for s in services if s.sector}
    columns = [
        Column(
            FORM_NUMBER, "form_number", "Form number, as written on the paper form", "Form", True
        ),
        Column(DATE, "date", "The date the person filled in the form, if they wrote it", "Form"),
        Column(JOURNEY, "journey_code", "Journey code printed or written on the form", "Form"),
        Column(ROLE, "role", "Who answered", "Form", len(roles) > 1, tuple(roles)),
    ]
    if stage_kind == "transition" and services:
        columns += [
            Column(
                MOVED_FROM, "service", "Where the person moved from", "Form", True, tuple(services)
            ),
            Column(MOVED_TO, "service", "Where the person moved to", "Form", True, tuple(services)),
        ]
    elif services:
        columns.append(
            Column(
                SERVICE,
                "service",
                "The service the form is about",
                "Form",
                len(services) > 1,
                tuple(services),
            )
        )
    free_text: dict[str, list[tuple[str, FreeText]]] = {}
    for planned in plan:
        inst = planned.instrument
        asked = [
            i for i in planned.items if _item_applies_to_survey(i, stage_kind, role_codes, sectors)
        ]
        columns += [_item_column(inst, item) for item in asked]
        if asked:
            for question in inst.free_text:
                if set(question.roles) & set(role_codes):
                    free_text.setdefault(question.id, []).append((inst.id, question))
    for question_id, sources in free_text.items():
        question = sources[0][1]
        columns.append(
            Column(
                question_id,
                "free_text",
                question.text,
                "In your own words",
                free_text=tuple(sources),
                max_length=max(q.max_length for _, q in sources),
            )
        )
    if about_you is not None:
        columns += [
            _item_column(about_you, item, section="About you")
            for item in about_you.items
            if _item_applies_to_survey(item, stage_kind, role_codes, sectors)
        ]
    return Layout(stage_kind, tuple(roles), tuple(columns))


def _item_column(inst: Instrument, item: Item, section: str | None = None) -> Column:
    name = f"{inst.id}.{item.id}"
    section = section or inst.short_title or inst.title
    if item.type == "choice":
        choices = tuple(Choice(o.code, o.label) for o in item.scale.options)
        return Column(name, "choice", item.text, section, False, choices, inst.id, item)
    return Column(name, "text", item.text, section, False, (), inst.id, item, (), item.max_length)


# --- form numbers and fingerprints ------------------------------------------------------------


def normalise_form_number(typed: str) -> str:
    """The stored form of a form number: upper case, no spaces, and leading zeros dropped from
    an all-digit number, because spreadsheets drop them ("0042" becomes 42)."""
    number = "".join(typed.split()).upper()
    if number.isdigit():
        number = number.lstrip("0") or "0"
    return number


def fingerprint(record: Mapping[str, str]) -> str:
    """SHA-256 of a record (form number aside): equal records, equal fingerprints."""
    values = {k: v for k, v in record.items() if k != FORM_NUMBER and v not in (None, "")}
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- what a record means ----------------------------------------------------------------------


@dataclass(frozen=True)
class PaperAnswers:
    """What a response stores from a record."""

    role: str | None
    service: str | None  # a service code; for a move, the service left (as the web stores it)
    moved_from: str | None
    moved_to: str | None
    completed_on: date | None
    journey_code: str | None
    codes: dict[tuple[str, str], str] = field(default_factory=dict)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    asked: frozenset[tuple[str, str]] = frozenset()
    about_you: bool = False


def role_of(layout: Layout, record: Mapping[str, str]) -> str | None:
    """The role written on the form, or the survey's only role."""
    if record.get(ROLE):
        return record[ROLE]
    return layout.roles[0].code if len(layout.roles) == 1 else None


def sectors_of(layout: Layout, record: Mapping[str, str]) -> set[str]:
    """The sectors of the services named on the form (both ends of a move)."""
    sectors = set()
    for name in (SERVICE, MOVED_FROM, MOVED_TO):
        column = layout.column(name)
        if column is not None and record.get(name):
            chosen = next((c for c in column.choices if c.code == record[name]), None)
            if chosen is not None and chosen.sector:
                sectors.add(chosen.sector)
    if SERVICE in layout.by_name and not record.get(SERVICE):
        choices = layout.by_name[SERVICE].choices
        if len(choices) == 1 and choices[0].sector:  # the survey's only service
            sectors.add(choices[0].sector)
    return sectors


ROLE_PLURALS = {"patient": "patients", "carer": "carers", "helped": "people helped to answer"}


def not_asked(layout: Layout, column: Column, role: str | None, sectors: set[str]) -> str | None:
    """Why this question is not asked of the person on this form, in words; None if it is.

    The paper form shows every section; the web asks only what applies. An answer to a
    question the web would not have asked is a keying slip, or a wrong role or service."""
    item = column.item
    if item is None or column.instrument_id == ABOUT_YOU:
        return None
    if role and role not in item.roles:
        allowed = " or ".join(ROLE_PLURALS.get(r, r) for r in item.roles)
        said = next((c.label for c in layout.roles if c.code == role), role)
        return f"answers a question for {allowed}, but who answered is {said}"
    if item.sectors and not set(item.sectors) & sectors:
        where = " or ".join(s.replace("_", " ") for s in item.sectors)
        return f"answers a question asked only about {where} services, and none is named"
    return None


def interpret(layout: Layout, record: Mapping[str, str]) -> PaperAnswers:
    """What a checked record stores. Answers to questions not asked of this person (see
    ``not_asked``) are left out; the checks refuse them before a record gets here."""
    role = role_of(layout, record)
    sectors = sectors_of(layout, record)
    service = record.get(SERVICE)
    if service is None and SERVICE in layout.by_name and len(layout.by_name[SERVICE].choices) == 1:
        service = layout.by_name[SERVICE].choices[0].code
    codes: dict[tuple[str, str], str] = {}
    texts: dict[tuple[str, str], str] = {}
    asked: set[tuple[str, str]] = set()
    about_you = any(c.instrument_id == ABOUT_YOU and record.get(c.name) for c in layout.columns)
    asked_instruments: set[str] = set()
    for column in layout.columns:
        if column.item is None:
            continue
        key = (column.instrument_id, column.item.id)
        if column.instrument_id == ABOUT_YOU:
            if not about_you:
                continue
        elif not column.item.applies(role, layout.stage_kind, sectors):
            continue
        else:
            asked_instruments.add(column.instrument_id)
        asked.add(key)
        value = record.get(column.name)
        if value:
            (codes if column.kind == "choice" else texts)[key] = value
    for column in layout.columns:
        if column.kind != "free_text":
            continue
        # Stored under the first instrument that asks it of this person, as the web does.
        source = next(
            (
                inst_id
                for inst_id, q in column.free_text
                if inst_id in asked_instruments and (role is None or role in q.roles)
            ),
            None,
        )
        if source is None:
            continue
        asked.add((source, column.name))
        if record.get(column.name):
            texts[(source, column.name)] = record[column.name]
    completed = record.get(DATE)
    return PaperAnswers(
        role=role,
        service=record.get(MOVED_FROM) or service,
        moved_from=record.get(MOVED_FROM),
        moved_to=record.get(MOVED_TO),
        completed_on=date.fromisoformat(completed) if completed else None,
        journey_code=record.get(JOURNEY),
        codes=codes,
        texts=texts,
        asked=frozenset(asked),
        about_you=about_you,
    )


# --- the codebook -----------------------------------------------------------------------------

CODEBOOK_HEADER = ("column", "section", "what it holds", "needed", "allowed value", "meaning")


def _rule(column: Column) -> str:
    if column.kind == "form_number":
        return FORM_NUMBER_RULE + ". Each form goes in once"
    if column.kind == "date":
        return DATE_RULE + ". Blank: the date the forms were collected"
    if column.kind == "journey_code":
        return JOURNEY_RULE + ", from an earlier response or printed on the form"
    if column.kind in ("text", "free_text"):
        rule = "typed text"
        if column.item is not None and column.item.pattern_message:
            rule = column.item.pattern_message
        return f"{rule} (up to {column.max_length} characters)" if column.max_length else rule
    return "one of the codes below, or its meaning in words (any letter case)"


def codebook_rows(layout: Layout) -> list[tuple[str, ...]]:
    """Every column, then each of its allowed values with the meaning of the code."""
    rows: list[tuple[str, ...]] = []
    for column in layout.columns:
        needed = "required" if column.required else "optional"
        rows.append((column.name, column.section, column.title, needed, _rule(column), ""))
        for choice in column.choices:
            rows.append((column.name, "", "", "", choice.code, choice.label))
        if column.kind == "role" and not column.required:
            only = column.choices[0].label if column.choices else ""
            rows.append((column.name, "", "", "", "(blank)", f"{only} (the only choice)"))
        elif column.kind == "service" and not column.required:
            only = column.choices[0].label if column.choices else ""
            rows.append((column.name, "", "", "", "(blank)", f"{only} (the only service)"))
        elif column.choices and not column.required:
            rows.append((column.name, "", "", "", "(blank)", BLANK_MEANING))
    return rows
