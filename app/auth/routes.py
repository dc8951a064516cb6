"""Sign in, sign out, set a password from a one-time link, change your own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.auth.access import any_staff, current_actor, public
from app.auth.forms import ChangePasswordForm, NewPasswordForm, SignInForm
from app.auth.session import StaffUser
from app.data import DataError, NotFound, audit, users
from app.extensions import db, limiter

FAILED = "Enter a correct e-mail address and password"


def _signin_failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _email_tried() -> str:
    return users.normalise_email(request.form.get("email", ""))[:254]


def _account_from_address_key() -> str:
    """Failures for one account are counted per address: an attacker who knows a staff e-mail
    pauses only their own tries, and the owner signs in as usual from anywhere else
    (docs/decisions/0006-limits-that-spare-the-innocent.md)."""
    return f"account:{_email_tried()}|address:{get_remote_address()}"


def _too_many(_limit):
    actor = audit.Actor(None, _email_tried() or None, request.remote_addr, g.request_id)
    audit.record_now(actor, "sign_in.throttled", "sign-in")
    minutes = current_app.config["SIGNIN_WINDOW_MINUTES"]
    return make_response(render_template("auth/throttled.jinja", minutes=minutes), 429)


def _failures(per: str):
    def limit() -> str:
        config = current_app.config
        return (
            f"{config['SIGNIN_FAILURES_PER_' + per]} per {config['SIGNIN_WINDOW_MINUTES']} minutes"
        )

    return limit


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another one."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("auth.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    _failures("ADDRESS"),
    methods=["POST"],
    deduct_when=_signin_failed,
    on_breach=_too_many,
)
@limiter.limit(
    _failures("ACCOUNT"),
    key_func=_account_from_address_key,
    methods=["POST"],
    deduct_when=_signin_failed,
    on_breach=_too_many,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is None:
            actor = audit.Actor(
                None,
                users.normalise_email(form.email.data)[:254],
                request.remote_addr,
                g.request_id,
            )
            audit.record_now(actor, "sign_in.failure", "sign-in")
            form.form_errors.append(FAILED)
        else:
            key = users.start_session(user, request.remote_addr)
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(StaffUser(user, key))
            audit.record(current_actor(), "sign_in.success", f"user {user.email}")
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    expired = g.get("session_expired") or request.args.get("reason") == "idle"
    return render_template(
        "auth/sign_in.jinja",
        form=form,
        expired=expired,
        idle_minutes=current_app.config["STAFF_IDLE_MINUTES"],
    )


@bp.post("/sign-out")
@any_staff
def sign_out():
    audit.record(current_actor(), "sign_out", f"user {current_user.email}")
    users.end_session(current_user.key)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@bp.get("/")
@any_staff
def home():
    return render_template("auth/home.jinja", title="Staff home")


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_failures("ADDRESS"), methods=["POST"])
def set_password(token: str):
    try:
        user = users.link_user(token)
    except NotFound as exc:
        return render_template("auth/link_used.jinja", message=exc.message), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            users.set_password_from_link(current_actor(), token, form.password.data)
        except DataError as exc:
            form.password.errors.append(exc.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password is set. Sign in with it now.")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.jinja", form=form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@any_staff
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = users.get_user(current_user.id)
        try:
            users.change_password(current_actor(), user, form.current.data, form.password.data)
        except DataError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            # Every session of this account has ended, this one too: sign in again.
            logout_user()
            session.clear()
            flash("Your password is changed. Sign in with your new password.")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/account.jinja", form=form, title="Your account")
