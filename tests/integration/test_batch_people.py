"""Volunteers see each other's names on a batch's page, never each other's e-mail address;
admins see both."""

from __future__ import annotations

import pytest

from app.data.audit import SYSTEM
from app.data.users import create_user_with_password
from tests.conftest import STAFF_PASSWORD, sign_in
from tests.integration.test_paper_entry import a_form, key, open_batch

PEOPLE = {
    "ann": ("Ann Okafor", ["volunteer"]),
    "bob": ("Bob Lindqvist", ["volunteer"]),
    "admin": ("Dee Admin", ["admin"]),
}


@pytest.fixture
def clients(app, demo_area):
    made = {}
    for who, (name, roles) in PEOPLE.items():
        create_user_with_password(SYSTEM, f"{who}@example.org", name, roles, STAFF_PASSWORD)
        made[who] = app.test_client()
        assert sign_in(made[who], f"{who}@example.org").status_code == 302
    return made


@pytest.fixture
def batch(clients) -> int:
    """Ann's double-entry batch: she keys form 1, Bob keys it a second time."""
    number = open_batch(clients["ann"], double_entry="yes")
    assert key(clients["ann"], number, a_form("1")).status_code == 302
    assert key(clients["bob"], number, a_form("1")).status_code == 302
    return number


def test_volunteers_see_names_not_email_addresses(clients, batch):
    ann = clients["ann"].get(f"/paper/batches/{batch}").text  # the lead: sees who keyed
    assert "Bob Lindqvist" in ann and "bob@example.org" not in ann
    bob = clients["bob"].get(f"/paper/batches/{batch}").text  # the second keyer
    assert "Ann Okafor" in bob and "ann@example.org" not in bob


def test_admins_see_names_and_email_addresses(clients, batch):
    page = clients["admin"].get(f"/paper/batches/{batch}").text
    for who in ("ann", "bob"):
        assert f"{PEOPLE[who][0]} ({who}@example.org)" in page
