"""Keying paper forms in: one screen per form, one key per answer.

Every answer box is a plain text box, so the page works without JavaScript: type the answer's
key (or its code, or its words) and press Save. ``static/js/paper-entry.js`` makes it fast:
each key is checked as it is typed and focus moves on by itself, past the questions this
respondent is never asked (a patient's form skips the carers' questions). The keys are
``surveys.paper_keys``: a list of ten or more answers has a two-digit key for every answer.
The server checks everything again with the importer's checks (``app.paper.checking``), so
keyed and imported forms meet the same rules. A new form starts with the batch's defaults in
their boxes (who answered, the service or the move), which focus skips; saved, they are
ordinary values of the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import journey_code
from app.auth.access import current_actor, requires_role
from app.data import NotFound
from app.data import paper_entry as data
from app.paper import bp
from app.paper.boxes import ValueProblem, answer_box, read_box
from app.paper.checking import form_problems
from surveys import codebook
from surveys.codebook import FORM_NUMBER, Layout
from surveys.paper_keys import BLANK_KEY, KEYED_KINDS, key_of


def batch_defaults(batch, layout: Layout) -> dict[str, str]:
    """Column name -> key, for the batch's defaults the form still offers (a service
    retired since the batch was opened is left out: its box starts empty)."""
    found = {}
    for name, code in (batch.defaults or {}).items():
        column = layout.column(name)
        key = key_of(column, code) if column and column.kind in KEYED_KINDS else None
        if key is not None:
            found[name] = key
    return found


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-").replace("_", "-")


@dataclass
class Entry:
    """What was typed, the record it makes, and what is wrong with it, by column name."""

    typed: dict[str, str]
    number: str | None = None
    record: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    existing: object = None  # the form already entered under this number


def read_entry(layout: Layout, posted, collected_on) -> Entry:
    """Check every box as the server always does, then the form as a whole. Every message
    about a box names its question, as the summary at the top of the page lists them."""
    entry = Entry(typed={c.name: posted.get(c.name, "") for c in layout.columns})
    for column in layout.columns:
        typed = entry.typed[column.name].strip()
        try:
            value = read_box(column, typed)
        except ValueProblem as problem:
            entry.errors[column.name] = _named(column, f"'{typed}' {problem.message}")
            continue
        if value is not None:
            entry.record[column.name] = value
    entry.number = entry.record.pop(FORM_NUMBER, None)
    if entry.number is None and FORM_NUMBER not in entry.errors:
        entry.errors[FORM_NUMBER] = "Enter the form number written on the paper form"
    _refuse_not_asked(layout, entry)
    for name, message in form_problems(layout, entry.record, collected_on):
        if name is None:
            entry.general.append(message)
        elif name not in entry.errors:
            title = layout.by_name[name].title
            entry.errors[name] = f"{title} {message}"
    return entry


def _named(column, message: str) -> str:
    """A message about a box, starting with its question: "What is your age? '7' is too
    short...", "Who answered: '7' is not an answer here..."."""
    title = column.title.strip()
    if title[-1:] in ".?!":
        return f"{title} {message[:1].upper()}{message[1:]}"
    return f"{title}: {message}"


def _refuse_not_asked(layout: Layout, entry: Entry) -> None:
    """An answer in a box this respondent is never asked (a carers' question on a patient's
    form) is refused, in the entry screen's words; the page's script skips and disables those
    boxes, so this is a form keyed without it, or a wrong role or service."""
    role = codebook.role_of(layout, entry.record)
    sectors = codebook.sectors_of(layout, entry.record)
    for column in layout.columns:
        if column.name not in entry.record or column.name in entry.errors:
            continue
        why = codebook.not_asked(layout, column, role, sectors)
        if why:
            entry.errors[column.name] = _named(
                column,
                f"this box is not asked on this form, as it {why}. Clear the box, or correct "
                "who answered or the service if the paper says otherwise",
            )


def _batch_or_404(batch_id: int):
    try:
        return data.get_batch(batch_id)
    except NotFound:
        abort(404)


def _correctable(batch, form, keying) -> bool:
    single_or_waiting = not batch.double_entry or form.status == "awaiting_second"
    return batch.status == "open" and keying.round == 1 and single_or_waiting


def _render(batch, layout, entry: Entry, *, form=None, status=200, readonly=False):
    existing = entry.existing
    existing_url = None
    if existing is not None:
        user_id, admin = current_user.id, "admin" in current_user.roles
        if data.own_keying(existing, user_id) is not None:
            existing_url = url_for(
                "paper.entry_edit", batch_id=existing.batch_id, form_id=existing.id
            )
        elif data.may_view(existing.batch, user_id, admin):
            existing_url = url_for("paper.batch_page", batch_id=existing.batch_id)
    # A new form starts with the batch's defaults; a keying being corrected shows its own.
    defaults = batch_defaults(batch, layout) if form is None else {}
    fields = [
        {
            "column": c,
            "id": field_id(c.name),
            "default": c.label_of(batch.defaults[c.name]) if c.name in defaults else None,
            **answer_box(layout, c, entry.typed.get(c.name, "")),
        }
        for c in layout.columns
    ]
    round_ = data.round_for(batch, current_user.id)
    return (
        render_template(
            "paper/entry.jinja",
            title=(f"Correct form {form.form_number}" if form else "Key in a form")
            + f" - batch {batch.id}",
            batch=batch,
            paper_form=form,
            round=round_,
            sections=_sections(fields),
            from_batch=bool(defaults),
            entry=entry,
            existing_url=existing_url,
            blank_key=BLANK_KEY,
            readonly=readonly,
            counts=data.status_counts(batch),
        ),
        status,
    )


def _sections(fields: list[dict]) -> list[tuple[str, list[dict]]]:
    """Consecutive fields of one section together, in the paper's order."""
    return [(name, list(group)) for name, group in groupby(fields, lambda f: f["column"].section)]


@bp.route("/batches/<int:batch_id>/key", methods=["GET", "POST"])
@requires_role("volunteer", "admin")
def entry_new(batch_id: int):
    batch = _batch_or_404(batch_id)
    if data.round_for(batch, current_user.id) is None:
        abort(403)
    if batch.status != "open":
        flash(
            f"Batch {batch.id} is closed: its forms cannot be keyed. "
            "An administrator can reopen it."
        )
        return redirect(url_for("paper.batch_page", batch_id=batch.id))
    layout = data.layout_of(batch)
    if request.method == "GET":
        return _render(batch, layout, Entry(typed=batch_defaults(batch, layout)))
    entry = read_entry(layout, request.form, batch.collected_on)
    if entry.errors or entry.general:
        return _render(batch, layout, entry, status=422)
    try:
        saved = data.key_form(current_actor(), batch, entry.number, entry.record)
    except data.NotAllowed:
        abort(403)
    except data.EntryRefused as refused:
        entry.errors[refused.field or FORM_NUMBER] = refused.message
        entry.existing = refused.form
        return _render(batch, layout, entry, status=422)
    flash(_saved_words(saved))
    return redirect(url_for("paper.entry_new", batch_id=batch.id))


def _saved_words(form) -> str:
    what = {
        "final": "it counts now",
        "awaiting_second": "it waits for its second keying",
        "to_resolve": "the two keyings differ: a lead or an administrator resolves it",
    }[form.status]
    return f"Form {form.form_number} saved: {what}." + _journey_note(form)


def _journey_note(form) -> str:
    """Says so when the code written on a form won over the one printed on it, in case the
    written one was a slip (the form asks people with an earlier code to write it instead)."""
    printed = data.printed_code_set_aside(form)
    if not printed:
        return ""
    written = journey_code.display(form.response.journey.code)
    return (
        f" It joins the journey of the code written on it, {written}, "
        f"not the code printed on it, {journey_code.display(printed)}."
    )


@bp.route("/batches/<int:batch_id>/forms/<int:form_id>", methods=["GET", "POST"])
@requires_role("volunteer", "admin")
def entry_edit(batch_id: int, form_id: int):
    """One's own keying of a form: shown, and corrected while the batch is open."""
    batch = _batch_or_404(batch_id)
    try:
        form = data.get_form(batch, form_id)
    except NotFound:
        abort(404)
    keying = data.own_keying(form, current_user.id)
    if keying is None:
        abort(403)
    layout = data.layout_of(batch)
    if request.method == "GET":
        typed = {FORM_NUMBER: form.form_number}
        for column in layout.columns:
            value = keying.record.get(column.name)
            if value is None:
                continue
            if column.kind in KEYED_KINDS:
                value = key_of(column, value) or value
            typed[column.name] = value
        readonly = not _correctable(batch, form, keying)
        return _render(batch, layout, Entry(typed=typed), form=form, readonly=readonly)
    entry = read_entry(layout, request.form, batch.collected_on)
    if entry.errors or entry.general:
        return _render(batch, layout, entry, form=form, status=422)
    try:
        data.correct_form(current_actor(), batch, form, entry.number, entry.record)
    except data.NotAllowed as refused:
        flash(refused.message)
        return redirect(url_for("paper.batch_page", batch_id=batch.id))
    except data.EntryRefused as refused:
        entry.errors[refused.field or FORM_NUMBER] = refused.message
        entry.existing = refused.form if refused.form is not form else None
        return _render(batch, layout, entry, form=form, status=422)
    flash(f"Form {form.form_number} corrected." + _journey_note(form))
    return redirect(url_for("paper.batch_page", batch_id=batch.id))
