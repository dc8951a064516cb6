"""Staff accounts: list, invite with a one-time link, change roles, deactivate, reset."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from app.admin import bp
from app.admin.saving import saved
from app.admin.user_forms import ROLE_HINTS, EditUserForm, UserForm
from app.auth.access import current_actor, requires_role
from app.data import NotFound, users
from app.public_url import public_url_for


def _user_or_404(user_id: int):
    try:
        return users.get_user(user_id)
    except NotFound:
        abort(404)


def _link_page(user, token: str, purpose: str):
    # On the configured address: a forged Host header must not send the link elsewhere.
    link = public_url_for("auth.set_password", token=token)
    return render_template(
        "admin/users/link.jinja",
        title="Pass on this link",
        user=user,
        link=link,
        purpose=purpose,
        hours=users.LINK_HOURS[purpose],
    )


@bp.get("/users", endpoint="users")
@requires_role("admin")
def users_list():
    return render_template("admin/users/list.jinja", title="Accounts", users=users.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@requires_role("admin")
def users_new():
    form = UserForm()
    made = saved(
        form,
        lambda: users.create_user(
            current_actor(), form.email.data, form.name.data, form.roles.data
        ),
    )
    if made:
        return _link_page(*made, "invite")
    return render_template(
        "admin/users/new.jinja", title="Invite someone", form=form, role_hints=ROLE_HINTS
    ), (400 if form.errors else 200)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires_role("admin")
def users_edit(user_id: int):
    user = _user_or_404(user_id)
    form = EditUserForm(
        data={"name": user.name, "roles": user.roles, "active": "yes" if user.active else "no"}
    )
    active = form.active.data == "yes"
    if saved(
        form,
        lambda: users.update_user(current_actor(), user, form.name.data, form.roles.data, active),
    ):
        flash(f"Account saved: {user.name}")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/users/edit.jinja",
        title=f"Account: {user.name}",
        form=form,
        user=user,
        role_hints=ROLE_HINTS,
        sessions=users.live_sessions(user),
    ), (400 if form.errors else 200)


@bp.post("/users/<int:user_id>/reset-link")
@requires_role("admin")
def users_reset(user_id: int):
    user = _user_or_404(user_id)
    if not user.active:
        abort(400)
    return _link_page(user, users.reset_link(current_actor(), user), "reset")
