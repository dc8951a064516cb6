"""Staff accounts: invitations, passwords, sign-in and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from app import passwords
from app.data import DataError, NotFound
from app.data.audit import Actor, changes, record
from app.extensions import db
from app.models import STAFF_ROLES, PasswordLink, StaffSession, User
from app.models.response import utcnow

LINK_HOURS = {"invite": 72, "reset": 24}
# A session's last-seen time is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account")
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name, User.email)))


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "roles": sorted(user.roles),
        "active": user.active,
    }


def _check_roles(roles: list[str]) -> list[str]:
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown or not roles:
        raise DataError("Select at least one role", field="roles")
    return sorted(roles)


def create_user(actor: Actor, email: str, name: str, roles: list[str]) -> tuple[User, str]:
    """A new account with no password yet, and the one-time link to set one."""
    email = normalise_email(email)
    if find_user(email):
        raise DataError("There is already an account with this e-mail address", field="email")
    user = User(email=email, name=name.strip(), roles=_check_roles(roles), active=True)
    db.session.add(user)
    db.session.flush()
    token = _new_link(user, "invite")
    record(actor, "user.create", f"user {user.email}", after=_snapshot(user))
    db.session.commit()
    return user, token


def create_user_with_password(actor: Actor, email: str, name: str, roles: list[str], password: str):
    """For the command line (first admin, demo accounts): no link, the password is set now."""
    problem = passwords.problem_with(password, about=[email, name])
    if problem:
        raise DataError(problem, field="password")
    user = find_user(email)
    before = _snapshot(user) if user else None
    if user is None:
        user = User(email=normalise_email(email), name=name.strip())
        db.session.add(user)
    user.roles, user.active = _check_roles(roles), True
    _set_password(user, password)
    db.session.flush()
    record(
        actor,
        "user.update" if before else "user.create",
        f"user {user.email}",
        before=before,
        after=_snapshot(user),
    )
    db.session.commit()
    return user


def update_user(actor: Actor, user: User, name: str, roles: list[str], active: bool) -> None:
    before = _snapshot(user)
    roles = _check_roles(roles)
    if "admin" in before["roles"] and ("admin" not in roles or not active) and _admins() <= 1:
        raise DataError(
            "This is the only active administrator. Make someone else an administrator first",
            field="roles",
        )
    user.name, user.roles, user.active = name.strip(), roles, active
    if not active:
        end_all_sessions(user)
    old, new = changes(before, _snapshot(user))
    if new:
        record(actor, "user.update", f"user {user.email}", before=old, after=new)
    db.session.commit()


def _admins() -> int:
    users = db.session.scalars(select(User).where(User.active.is_(True)))
    return sum(1 for u in users if "admin" in u.roles)


def reset_link(actor: Actor, user: User) -> str:
    token = _new_link(user, "reset")
    record(actor, "user.reset_link", f"user {user.email}")
    db.session.commit()
    return token


def _new_link(user: User, purpose: str) -> str:
    """Earlier unused links for the account stop working: only the newest one is live."""
    now = utcnow()
    db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(
            token_hash=_digest(token),
            user_id=user.id,
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(hours=LINK_HOURS[purpose]),
        )
    )
    return token


def link_user(token: str) -> User:
    link = _live_link(token)
    return link.user


def _live_link(token: str) -> PasswordLink:
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _digest(token)))
    if (
        link is None
        or link.used_at is not None
        or _aware(link.expires_at) < utcnow()
        or not link.user.active
    ):
        raise NotFound(
            "This link has already been used or has expired. Ask an administrator for a new one."
        )
    return link


def set_password_from_link(actor: Actor, token: str, password: str) -> User:
    link = _live_link(token)
    user = link.user
    problem = passwords.problem_with(password, about=[user.email, user.name])
    if problem:
        raise DataError(problem, field="password")
    link.used_at = utcnow()
    _set_password(user, password)
    end_all_sessions(user)
    record(actor, "password.set", f"user {user.email}", after={"link": link.purpose})
    db.session.commit()
    return user


def change_password(actor: Actor, user: User, current: str, new: str) -> None:
    if not passwords.verify(user.password_hash, current):
        raise DataError("Your current password is not right", field="current")
    problem = passwords.problem_with(new, about=[user.email, user.name])
    if problem:
        raise DataError(problem, field="password")
    _set_password(user, new)
    end_all_sessions(user)
    record(actor, "password.change", f"user {user.email}")
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None, taking the same time
    whether or not the account exists."""
    user = find_user(email)
    stored = user.password_hash if user else None
    if not passwords.verify(stored, password) or not user.active:
        return None
    if passwords.needs_rehash(stored):
        user.password_hash = passwords.hash_password(password)
    return user


def start_session(user: User, address: str | None) -> str:
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        StaffSession(
            key_hash=_digest(key), user=user, created_at=now, last_seen_at=now, address=address
        )
    )
    user.last_sign_in_at = now
    return key


def load_session(key: str, idle: timedelta, longest: timedelta) -> tuple[User | None, bool]:
    """(the signed-in user, False), or (None, True) if the session has just expired, or
    (None, False) if the key names no live session."""
    row = db.session.scalar(select(StaffSession).where(StaffSession.key_hash == _digest(key)))
    if row is None or row.ended_at is not None or not row.user.active:
        return None, False
    now = utcnow()
    if now - _aware(row.last_seen_at) > idle or now - _aware(row.created_at) > longest:
        row.ended_at = now
        db.session.commit()
        return None, True
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row.user, False


def end_session(key: str) -> None:
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.key_hash == _digest(key), StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(user: User) -> None:
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def live_sessions(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
    )
