"""Journey codes in the database: a clash with an existing code is retried, never shared."""

import itertools

import pytest
from sqlalchemy import func, select

from app.data.responses import create_journey
from app.extensions import db
from app.journey_code import generate
from app.models import Journey


def test_a_clashing_code_is_retried_with_a_new_one(app):
    taken = create_journey().code
    db.session.commit()
    fresh = generate()
    codes = iter([taken, taken, fresh])
    journey = create_journey(generate=lambda: next(codes))
    db.session.commit()
    assert journey.code == fresh
    assert db.session.scalar(select(func.count(Journey.id))) == 2


def test_endless_clashes_fail_loudly_instead_of_sharing_a_code(app):
    taken = create_journey().code
    db.session.commit()
    with pytest.raises(RuntimeError, match="unused journey code"):
        create_journey(generate=lambda: taken)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Journey.id))) == 1


def test_many_journeys_get_distinct_valid_codes(app):
    journeys = [create_journey() for _ in itertools.repeat(None, 200)]
    db.session.commit()
    assert len({j.code for j in journeys}) == 200
