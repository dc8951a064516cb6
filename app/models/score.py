"""What reports aggregate: each complete response's scores, and who answered it.

Both tables are derived data, written when a response is completed (``app.data.scores``) and
rebuilt from the answers at any time (``flask --app wsgi scores rebuild``). Reports aggregate
them in SQL (count, sum, sum of squares per group) and never load answer rows into Python.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ResponseScore(db.Model):
    """One valid 0-100 score of one response on one measure ("ctm-15", "i-statements",
    "i-statements:communication"; "ctm-3" also for a CTM-15 response, from its items 2, 9
    and 13), with how many of its answers were the top option and how many in the lower half
    of the scale, for top and bottom boxes.

    Only valid scores are stored: a measure with too few items answered (all "don't know",
    say) has no row, so every row counts in a mean, and ``count(*)`` is the number of people
    with a score. How many responses were asked a measure but gave no valid score is the
    number of responses that used the instrument minus that count.

    The primary key (response_id, measure) is the index reports need: a report over a narrow
    filter (a service, a quarter) finds its responses and then their scores through it; one
    over the whole pathway reads the table once and hash-joins it to the responses, which no
    index makes faster. (An index on (measure, response_id, score) was tried with 1,000,000
    responses: PostgreSQL used it for none of the report queries.)
    """

    __tablename__ = "response_score"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    measure: Mapped[str] = mapped_column(String(80), primary_key=True)
    score: Mapped[float]
    answered: Mapped[int]  # items answered with a value ("don't know" is not)
    asked: Mapped[int]  # items of the measure asked
    top: Mapped[int]  # items answered with the scale's top option ("Strongly agree")
    bottom: Mapped[int]  # items answered with the lower half of the scale ((strongly) disagree)


class ResponseProfile(db.Model):
    """The equality profile of the person who gave a response, one row per complete response.

    From the About you answers of the most recent complete response in the same journey that
    has any (the person answers About you once per journey, usually on the first response), so
    every response of a journey carries the same profile, and a later About you updates the
    earlier responses. Values are the About you option codes ("65_74", "female",
    "asian_pakistani"), the option's Census broad group for ``ethnic_broad`` ("Asian or Asian
    British"), and derived values for ``disability`` and ``carer`` (``app.data.scores``).
    Every column also holds "prefer_not_to_say" and "not_answered" (skipped, declined, or
    never asked), so reports can count them. A breakdown by one of these columns is one join
    on the primary key.
    """

    __tablename__ = "response_profile"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    age_band: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(40))
    gender_identity_same: Mapped[str] = mapped_column(String(40))
    sexual_orientation: Mapped[str] = mapped_column(String(40))
    religion: Mapped[str] = mapped_column(String(40))
    ethnic_broad: Mapped[str] = mapped_column(String(80))
    ethnic_group: Mapped[str] = mapped_column(String(40))
    disability: Mapped[str] = mapped_column(String(40))
    carer: Mapped[str] = mapped_column(String(40))
