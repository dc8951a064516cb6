"""What a printed questionnaire asks, in the order the phone asks it. Pure: no Flask.

Built from the survey's paper layout (``surveys.codebook.form_layout``), which keyed entry and
spreadsheet import use too, so the paper, the keying screen and the spreadsheet columns follow
one order: the phone's (form details, who is answering, which service, each instrument's
statements, "In your own words", About you). Every question and option is worded by the
instrument file, as on the phone.

Paper cannot skip questions as the phone does, so a question the phone asks only some people
(carers only, or only about a care home) carries a note saying who answers it.

Beside each box of a list prints the key a volunteer types for it (``surveys.paper_keys``), so
the volunteer keys what they read: in a list of ten or more answers that is a two-digit key
(01, 02 ...), which every answer of the list takes, so no answer can run into the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from surveys.codebook import (
    ABOUT_YOU,
    MOVED_FROM,
    MOVED_TO,
    ROLE,
    SERVICE,
    Column,
    Layout,
)
from surveys.model import Instrument, Item
from surveys.paper_keys import printed_keys
from surveys.wording import (  # the phone's words, from the one place both read
    ABOUT_YOU_HINT,
    COMMENTS_HINT,
    COMMENTS_TITLE,
    MOVED_FROM_QUESTION,
    MOVED_TO_QUESTION,
    ROLE_LABELS,
    ROLE_QUESTION,
    SERVICE_QUESTION,
)

# Who answers a question only some people are asked, for the note beside it.
WHO = {
    "patient": "the patient",
    "carer": "a carer, family member or friend, answering about the person you care for",
    "helped": "helping the patient to answer",
}
MAX_CHARACTER_BOXES = 10  # a short answer (a postcode district) gets a box per character


@dataclass(frozen=True)
class Question:
    name: str  # the codebook column the volunteer keys it into
    text: str
    hint: str | None = None
    options: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # the key a volunteer types for each option, in the same order
    boxes: int = 0  # one box per character, for a short written answer
    lines: int = 0  # ruled lines, for a longer one


@dataclass(frozen=True)
class Group:
    """Questions printed together. ``scale``: the options they all share, when they can be
    printed as one grid (a row per statement, a column per answer)."""

    questions: tuple[Question, ...]
    lead_in: str | None = None
    note: str | None = None
    scale: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str | None
    groups: tuple[Group, ...]
    intro: str | None = None
    hint: str | None = None
    note: str | None = None
    attribution: str | None = None


@dataclass(frozen=True)
class Questionnaire:
    sections: tuple[Section, ...]


def build(
    layout: Layout,
    instruments: Mapping[str, Instrument],
    *,
    stage_name: str,
) -> Questionnaire:
    """The questionnaire for a survey's ``layout``; ``instruments`` by id, About you included."""
    notes = _Notes(tuple(r.code for r in layout.roles), _service_choices(layout), layout.stage_kind)
    sections = [_opening(layout, stage_name)]
    free_text = [c for c in layout.columns if c.kind == "free_text"]
    run: list[Column] = []  # consecutive statements of one instrument
    for column in layout.columns:
        if run and (column.item is None or column.instrument_id != run[0].instrument_id):
            sections.append(_instrument_section(run, instruments[run[0].instrument_id], notes))
            run = []
        if free_text and column is free_text[0]:
            sections.append(_comments(free_text, layout, notes))
        if column.item is not None:
            run.append(column)
    if run:
        sections.append(_instrument_section(run, instruments[run[0].instrument_id], notes))
    return Questionnaire(tuple(s for s in sections if s.groups))


def _service_choices(layout: Layout):
    for name in (SERVICE, MOVED_FROM):
        column = layout.column(name)
        if column is not None:
            return column.choices
    return ()


def _opening(layout: Layout, stage_name: str) -> Section:
    """The phone's first pages: who is answering, and which service or which move."""
    questions = []
    role = layout.column(ROLE)
    if role is not None and len(role.choices) > 1:
        labels = tuple(ROLE_LABELS[c.code] for c in role.choices)
        questions.append(Question(ROLE, ROLE_QUESTION, options=labels, keys=printed_keys(role)))
    if layout.column(MOVED_FROM) is not None:
        hint = f"These questions are about a move in your care: {stage_name.lower()}."
        for name, text in ((MOVED_FROM, MOVED_FROM_QUESTION), (MOVED_TO, MOVED_TO_QUESTION)):
            column = layout.by_name[name]
            labels = tuple(c.label for c in column.choices)
            questions.append(Question(name, text, hint, labels, printed_keys(column)))
            hint = None
    elif layout.column(SERVICE) is not None and len(layout.by_name[SERVICE].choices) > 1:
        column = layout.by_name[SERVICE]
        labels = tuple(c.label for c in column.choices)
        hint_text = f"This part of your care: {stage_name}."
        questions.append(
            Question(SERVICE, SERVICE_QUESTION, hint_text, labels, printed_keys(column))
        )
    return Section(None, tuple(Group((q,)) for q in questions))


class _Notes:
    """Who answers a question, in words, when the phone would not ask everybody."""

    def __init__(self, allowed: tuple[str, ...], services, stage_kind: str):
        self.allowed = allowed
        self.services = services
        self.stage_kind = stage_kind

    def roles(self, roles) -> str | None:
        asked = [r for r in self.allowed if r in roles]
        if set(asked) == set(self.allowed) or not asked:
            return None
        return "you are " + ", or ".join(WHO[r] for r in asked)

    def item(self, item: Item) -> str | None:
        conditions = [self.roles(item.roles)]
        if item.sectors:
            names = [s.label for s in self.services if s.sector in item.sectors]
            where = " or ".join(names)
            moved = self.stage_kind == "transition"
            conditions.append(
                f"the move was from or to {where}" if moved else f"you are telling us about {where}"
            )
        return _only_if(conditions)


def _only_if(conditions) -> str | None:
    conditions = [c for c in conditions if c]
    return f"Only if {', and '.join(conditions)}." if conditions else None


def _question(column: Column) -> Question:
    item = column.item
    if column.kind == "choice":
        options = tuple(o.label for o in item.scale.options)
        return Question(column.name, item.text, item.hint, options, printed_keys(column))
    length = column.max_length or 0
    if 0 < length <= MAX_CHARACTER_BOXES:
        return Question(column.name, item.text, item.hint, boxes=length)
    return Question(column.name, item.text, item.hint, lines=_lines(length))


def _lines(max_length: int) -> int:
    """Room to write: about 300 characters a line of handwriting, 2 to 8 lines."""
    return min(8, max(2, max_length // 300))


def _instrument_section(columns: Sequence[Column], inst: Instrument, notes: _Notes) -> Section:
    """One instrument's statements. Consecutive statements with the same answers, lead-in and
    note form a group, printed as one grid."""
    keyed: list[tuple[tuple, list[Question]]] = []
    for column in columns:
        item = column.item
        note = None if inst.id == ABOUT_YOU else notes.item(item)
        key = (item.lead_in, note, item.scale.id if item.scale else column.name)
        if keyed and keyed[-1][0] == key:
            keyed[-1][1].append(_question(column))
        else:
            keyed.append((key, [_question(column)]))
    notes_used = {key[1] for key, _ in keyed}
    # The whole section is for the same people: say it once, under its title.
    section_note = notes_used.pop() if len(notes_used) == 1 else None
    groups = tuple(
        Group(
            tuple(questions),
            lead_in=lead_in,
            note=None if section_note else note,
            scale=questions[0].options if len(questions) > 1 else (),
        )
        for (lead_in, note, _), questions in keyed
    )
    return Section(
        title=columns[0].section,
        groups=groups,
        intro=inst.intro,
        hint=ABOUT_YOU_HINT if inst.id == ABOUT_YOU else None,
        note=section_note,
        attribution=inst.attribution if inst.kind == "scored" else None,
    )


def _comments(free_text: Sequence[Column], layout: Layout, notes: _Notes) -> Section:
    """The phone's "In your own words" page. A question is asked of the roles of the
    instruments that ask it and whose statements the person saw."""
    groups = []
    for column in free_text:
        roles = set()
        for instrument_id, question in column.free_text:
            shown = {
                r
                for c in layout.columns
                if c.instrument_id == instrument_id and c.item is not None
                for r in c.item.roles
            }
            roles |= shown & set(question.roles)
        first = column.free_text[0][1]
        text = Question(column.name, first.text, first.hint, lines=_lines(column.max_length or 0))
        groups.append(Group((text,), note=_only_if([notes.roles(roles)])))
    return Section(COMMENTS_TITLE, tuple(groups), hint=COMMENTS_HINT)
