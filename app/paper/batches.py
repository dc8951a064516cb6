"""Batches of paper forms to key in: open one, see one's own, close, and (admins) reopen."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import current_actor, requires_role
from app.data import NotFound, paper_defaults
from app.data import area as area_data
from app.data import paper_entry as data
from app.paper import bp
from app.paper.forms import batch_form


def _batch_or_404(batch_id: int):
    try:
        return data.get_batch(batch_id)
    except NotFound:
        abort(404)


@bp.get("/batches")
@requires_role("volunteer", "admin")
def batch_list():
    admin = current_user.has_role("admin")
    found = data.batches_for(current_user.id, admin)
    rates = data.volunteer_agreement(data.double_entry_batches()) if admin else []
    return render_template(
        "paper/batch_list.jinja",
        title="Batches of paper forms",
        found=found,
        rates=rates,
        counts=data.status_counts,
        agreement=data.batch_agreement,
    )


@bp.route("/batches/new", methods=["GET", "POST"])
@requires_role("volunteer", "admin")
def batch_new():
    surveys = area_data.all_surveys()
    form = batch_form(surveys, *paper_defaults.default_choices())
    if form.validate_on_submit():
        if form.collected_on.data > datetime.now(UTC).date():
            form.collected_on.errors.append("The date the forms were collected is in the future")
        else:
            try:
                batch = data.open_batch(
                    current_actor(),
                    area_data.get_survey(form.survey.data),
                    place=form.place.data,
                    collected_on=form.collected_on.data,
                    forms_expected=form.forms_expected.data,
                    double_entry=form.double_entry.data == "yes",
                    defaults={name: form[name].data for name in paper_defaults.DEFAULT_FIELDS},
                )
            except paper_defaults.DefaultRefused as refused:
                form[refused.field].errors.append(refused.message)
            else:
                return redirect(url_for("paper.entry_new", batch_id=batch.id))
    return render_template("paper/batch_new.jinja", title="Open a batch of paper forms", form=form)


@bp.get("/batches/<int:batch_id>")
@requires_role("volunteer", "admin")
def batch_page(batch_id: int):
    batch = _batch_or_404(batch_id)
    user_id, admin = current_user.id, current_user.has_role("admin")
    if not data.may_view(batch, user_id, admin):
        abort(403)
    lead = data.is_lead(batch, user_id, admin)
    # A second keyer sees only their own keyings: double entry is blind.
    forms = batch.forms if lead else [f for f in batch.forms if data.own_keying(f, user_id)]
    keyers = {k.keyed_by.email: k.keyed_by for f in batch.forms for k in f.keyings}
    who = partial(_person, admin=admin)
    volunteers = data.volunteer_agreement([batch]) if batch.double_entry and lead else []
    return render_template(
        "paper/batch_page.jinja",
        title=f"Batch {batch.id}: {batch.survey.title}",
        batch=batch,
        forms=forms,
        lead=lead,
        admin=admin,
        round=data.round_for(batch, user_id),
        user_id=user_id,
        own_keying=data.own_keying,
        defaults=_defaults_in_words(batch),
        counts=data.status_counts(batch),
        agreement=data.batch_agreement(batch) if batch.double_entry and lead else None,
        volunteers=[(who(keyers[email]), rate) for email, rate in volunteers],
        who=who,
    )


def _person(user, admin: bool) -> str:
    """Volunteers see each other's names, never e-mail addresses; admins see both."""
    return f"{user.name} ({user.email})" if admin else user.name


def _defaults_in_words(batch) -> list[tuple[str, str]]:
    """(field, value) for the batch's defaults, as the entry screen words them."""
    layout = data.layout_of(batch)
    found = [(layout.column(name), code) for name, code in (batch.defaults or {}).items()]
    return [(column.title, column.label_of(code)) for column, code in found if column]


@bp.post("/batches/<int:batch_id>/close")
@requires_role("volunteer", "admin")
def batch_close(batch_id: int):
    batch = _batch_or_404(batch_id)
    if batch.created_by_id != current_user.id and not current_user.has_role("admin"):
        abort(403)
    try:
        data.close_batch(current_actor(), batch)
    except data.EntryRefused as refused:
        flash(refused.message)
    else:
        flash(f"Batch {batch.id} closed. Its forms can no longer be keyed or corrected.")
    return redirect(url_for("paper.batch_page", batch_id=batch.id))


@bp.post("/batches/<int:batch_id>/reopen")
@requires_role("admin")
def batch_reopen(batch_id: int):
    batch = _batch_or_404(batch_id)
    try:
        data.reopen_batch(current_actor(), batch)
    except data.EntryRefused as refused:
        flash(refused.message)
    else:
        flash(f"Batch {batch.id} reopened: its volunteers can key and correct its forms again.")
    return redirect(url_for("paper.batch_page", batch_id=batch.id))
