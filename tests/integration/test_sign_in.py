"""Signing in and out, throttling, session expiry, and password rules."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select, update

from app.data.audit import events_for
from app.extensions import db
from app.models import StaffSession
from app.models.response import utcnow
from tests.conftest import STAFF_PASSWORD, sign_in

THROTTLED = "Too many tries to sign in"
FAILED = "Enter a correct e-mail address and password"


def test_right_password_signs_in_and_lands_on_the_page_asked_for(client, make_user):
    user = make_user("admin")
    first = client.get("/admin/audit")
    assert first.status_code == 302
    response = client.post(
        first.location, data={"email": "  ADMIN@test.invalid ", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/admin/audit"
    assert client.get("/admin/audit").status_code == 200
    assert events_for("sign_in.success")[0].actor_email == user.email


def test_next_cannot_send_people_to_another_site(client, make_user):
    user = make_user("admin")
    response = client.post(
        "/staff/sign-in?next=//evil.example/x",
        data={"email": user.email, "password": STAFF_PASSWORD},
    )
    assert response.location == "/staff/"


def test_wrong_password_and_unknown_account_get_the_same_answer(client, make_user):
    make_user("volunteer")
    wrong = client.post(
        "/staff/sign-in", data={"email": "volunteer@test.invalid", "password": "nope-nope-nope"}
    )
    unknown = client.post(
        "/staff/sign-in", data={"email": "nobody@test.invalid", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        summary = BeautifulSoup(response.text, "html.parser").select_one(".nhsuk-error-summary")
        assert FAILED in summary.text
    assert [e.actor_email for e in events_for("sign_in.failure")] == [
        "nobody@test.invalid",
        "volunteer@test.invalid",
    ]


def test_an_account_is_paused_after_repeated_failures_even_with_the_right_password(
    app, client, make_user
):
    user = make_user("admin")
    allowed = app.config["SIGNIN_FAILURES_PER_ACCOUNT"]
    for _ in range(allowed):
        assert sign_in(client, user.email, "wrong-wrong-wrong").status_code == 200
    blocked = sign_in(client, user.email)
    assert blocked.status_code == 429
    assert THROTTLED in blocked.text
    assert f"Wait {app.config['SIGNIN_WINDOW_MINUTES']} minutes" in blocked.text
    assert events_for("sign_in.throttled")
    # Another account from the same address is not held up by this one.
    other = make_user("volunteer")
    assert sign_in(client, other.email).status_code == 302


def test_an_attackers_failures_never_keep_the_owner_out(app, make_user):
    user = make_user("admin")
    attacker, owner = app.test_client(), app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    for _ in range(app.config["SIGNIN_FAILURES_PER_ACCOUNT"] * 2):
        sign_in(attacker, user.email, "wrong-wrong-wrong")
    assert sign_in(attacker, user.email).status_code == 429  # paused for the attacker
    # The owner, from their own network, signs in at once, after a slip of their own too.
    assert sign_in(owner, user.email, "wrong-wrong-wrong").status_code == 200
    assert sign_in(owner, user.email).status_code == 302
    assert owner.get("/admin/audit").status_code == 200


def test_pausing_does_not_reveal_whether_an_account_exists(app, client, make_user):
    make_user("admin")
    allowed = app.config["SIGNIN_FAILURES_PER_ACCOUNT"]
    answers = []
    for email in ("admin@test.invalid", "ghost@test.invalid"):
        for _ in range(allowed):
            sign_in(client, email, "wrong-wrong-wrong")
        answers.append(sign_in(client, email, "wrong-wrong-wrong"))
    assert [a.status_code for a in answers] == [429, 429]
    texts = [
        BeautifulSoup(a.text, "html.parser").select_one("main").get_text(" ", strip=True)
        for a in answers
    ]
    assert texts[0] == texts[1]


def test_an_address_is_paused_after_failures_across_many_accounts(app, client, make_user):
    app.config["SIGNIN_FAILURES_PER_ADDRESS"] = 4
    user = make_user("admin")
    for n in range(4):
        assert sign_in(client, f"guess{n}@test.invalid", "wrong-wrong-wrong").status_code == 200
    assert sign_in(client, user.email).status_code == 429


def test_successful_sign_ins_are_not_counted_as_failures(app, make_user):
    user = make_user("admin")
    for _ in range(app.config["SIGNIN_FAILURES_PER_ACCOUNT"] + 2):
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 302


def test_sign_out_ends_the_session_on_the_server(app, client, make_user):
    user = make_user("admin")
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value
    response = client.post("/staff/sign-out")
    assert response.location == "/staff/sign-in"
    assert "You have signed out" in client.get("/staff/sign-in").text
    # Replaying the cookie from before sign-out does not get back in.
    replay = app.test_client()
    replay.set_cookie("session", stolen, domain="localhost")
    assert replay.get("/admin/users").status_code == 302


def _age_sessions(minutes: int) -> None:
    then = utcnow() - timedelta(minutes=minutes)
    db.session.execute(update(StaffSession).values(last_seen_at=then))
    db.session.commit()


def test_a_session_expires_after_the_idle_time(app, client, make_user):
    user = make_user("admin")
    sign_in(client, user.email)
    idle = app.config["STAFF_IDLE_MINUTES"]
    _age_sessions(idle - 1)
    assert client.get("/admin/users").status_code == 200
    _age_sessions(idle + 1)
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "reason=idle" in response.location
    page = client.get(response.location)
    assert f"not used for {idle} minutes" in page.text
    assert events_for("session.expired")
    ended = db.session.scalar(select(StaffSession))
    assert ended.ended_at is not None


def test_idle_time_is_configurable(app, client, make_user):
    app.config["STAFF_IDLE_MINUTES"] = 5
    user = make_user("admin")
    sign_in(client, user.email)
    _age_sessions(6)
    assert client.get("/admin/users").status_code == 302


def test_changing_password_signs_out_every_session(app, make_user):
    user = make_user("volunteer")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    assert phone.get("/paper/").status_code == 200
    response = laptop.post(
        "/staff/account",
        data={
            "current": STAFF_PASSWORD,
            "password": "harbour-velvet-thistle-comet",
            "confirm": "harbour-velvet-thistle-comet",
        },
    )
    assert response.location == "/staff/sign-in"
    assert phone.get("/paper/").status_code == 302
    assert laptop.get("/paper/").status_code == 302
    assert sign_in(laptop, user.email).status_code == 200  # the old password is gone
    assert sign_in(laptop, user.email, "harbour-velvet-thistle-comet").status_code == 302
    assert events_for("password.change")


def test_password_rules_length_and_guessability_without_composition_rules(admin_client, app):
    def change(new):
        return admin_client.post(
            "/staff/account", data={"current": STAFF_PASSWORD, "password": new, "confirm": new}
        )

    short = change("tiny-words")
    assert short.status_code == 200 and "12 characters or more" in short.text
    common = change("password1234")
    assert "too easy to guess" in common.text
    own_email = change("admin@test.invalid")
    assert "too easy to guess" in own_email.text
    # Only lower-case letters and spaces: no rule demands digits or symbols.
    assert change("copper kettle under maple").status_code == 302


def test_password_boxes_allow_pasting_and_password_managers(client):
    soup = BeautifulSoup(client.get("/staff/sign-in").text, "html.parser")
    box = soup.select_one("input[type=password]")
    assert box["autocomplete"] == "current-password"
    assert not any(attr.startswith("on") for attr in box.attrs)
    assert soup.select_one("input[type=email]")["autocomplete"] == "username"


def test_deactivating_an_account_signs_it_out_and_stops_sign_in(app, admin_client, make_user):
    user = make_user("volunteer")
    volunteer = app.test_client()
    sign_in(volunteer, user.email)
    response = admin_client.post(
        f"/admin/users/{user.id}", data={"name": user.name, "roles": ["volunteer"], "active": "no"}
    )
    assert response.status_code == 302
    assert volunteer.get("/paper/").status_code == 302
    assert sign_in(volunteer, user.email).status_code == 200


def test_the_last_administrator_cannot_remove_their_own_role(admin_client, app):
    from app.data.users import find_user

    admin = find_user("admin@test.invalid")
    response = admin_client.post(
        f"/admin/users/{admin.id}",
        data={"name": admin.name, "roles": ["volunteer"], "active": "yes"},
    )
    assert response.status_code == 400
    assert "only active administrator" in response.text
    assert find_user("admin@test.invalid").roles == ["admin"]
