"""Comparing two blind keyings of a form and resolving each difference by reading the paper.

Only the batch's lead (the volunteer who opened it and holds the paper) or an administrator
resolves. For each field the two keyings differ on, they choose the first keying's value, the
second's, or type what the paper says; the form then counts (``Finaliser``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import current_actor, requires_role
from app.data import NotFound
from app.data import paper_entry as data
from app.paper import bp
from app.paper.boxes import ValueProblem, read_box
from app.paper.checking import form_problems
from app.paper.entry import field_id
from surveys.codebook import Column
from surveys.paper_keys import BLANK_KEY


def in_words(column: Column, value: str | None) -> str:
    if value is None:
        return "Left blank"
    if column.choices:
        return f"{column.label_of(value)} ({value})"
    return value


@bp.route("/batches/<int:batch_id>/forms/<int:form_id>/compare", methods=["GET", "POST"])
@requires_role("volunteer", "admin")
def compare(batch_id: int, form_id: int):
    try:
        batch = data.get_batch(batch_id)
        form = data.get_form(batch, form_id)
    except NotFound:
        abort(404)
    if not data.is_lead(batch, current_user.id, "admin" in current_user.roles):
        abort(403)
    if len(form.keyings) < 2:
        abort(404)
    layout = data.layout_of(batch)
    first, second = form.keyings[0].record, form.keyings[1].record
    names = data.differences(first, second, layout)
    rows = [
        {
            "column": layout.by_name[n],
            "id": field_id(n),
            "first": in_words(layout.by_name[n], first.get(n)),
            "second": in_words(layout.by_name[n], second.get(n)),
        }
        for n in names
    ]
    errors: dict[str, str] = {}
    general: list[str] = []
    chosen = dict(request.form) if request.method == "POST" else {}
    if request.method == "POST" and form.status == "to_resolve":
        values: dict[str, str | None] = {}
        for n in names:
            column, pick = layout.by_name[n], chosen.get(n, "")
            if pick == "1":
                values[n] = first.get(n)
            elif pick == "2":
                values[n] = second.get(n)
            elif pick == "other":
                typed = chosen.get(n + ":other", "").strip()
                try:  # read as on the entry screen; "-" is blank in any box here
                    values[n] = None if typed == BLANK_KEY else read_box(column, typed)
                except ValueProblem as problem:
                    errors[n] = f"{column.title}: '{typed}' {problem.message}"
            else:
                errors[n] = f"Choose what the paper says for: {column.title}"
        final = {k: v for k, v in first.items() if k not in names}
        final |= {k: v for k, v in values.items() if v is not None}
        if not errors:
            for name, message in form_problems(layout, final, batch.collected_on):
                if name is None:
                    general.append(message)
                else:
                    errors.setdefault(name, f"{layout.by_name[name].title} {message}")
        if not errors and not general:
            try:
                data.resolve_form(current_actor(), batch, form, values, final)
            except data.EntryRefused as refused:
                general.append(refused.message)
            else:
                flash(f"Form {form.form_number} resolved: it counts now.")
                return redirect(url_for("paper.batch_page", batch_id=batch.id))
    return render_template(
        "paper/compare.jinja",
        title=f"Form {form.form_number}: the two keyings compared",
        batch=batch,
        form=form,
        rows=rows,
        errors=errors,
        general=general,
        chosen=chosen,
        resolutions={r.field: r for r in form.resolutions},
        first_by=form.keyings[0].keyed_by,
        second_by=form.keyings[1].keyed_by,
        in_words=in_words,
        layout=layout,
    ), (422 if errors or general else 200)
