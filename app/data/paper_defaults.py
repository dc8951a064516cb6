"""A keyed batch's defaults: values most of its forms share (who answered, the service, or
where people moved from and to), filled in on each new form of the batch so that keying skips
them. Chosen when the batch is opened and checked against the survey's paper form then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from app.data import DataError
from app.data.paper_forms import layout_for
from app.extensions import db
from app.models import Service, Survey
from app.models.response import ROLES
from surveys.codebook import MOVED_FROM, MOVED_TO, ROLE, SERVICE, Choice


class DefaultRefused(DataError):
    """A default the survey does not ask or offer; ``field`` names it. Nothing is saved."""


# The form fields a batch can fill in for each of its forms (see batch_defaults).
DEFAULT_FIELDS = (ROLE, SERVICE, MOVED_FROM, MOVED_TO)


def default_choices() -> tuple[list[Choice], list[Choice]]:
    """Every role and every live service of the area: a batch's defaults are chosen on the
    same page as its survey, so they are offered before the survey is known and checked
    against it afterwards (``batch_defaults``)."""
    services = db.session.scalars(
        select(Service).where(Service.retired.is_(False)).order_by(Service.name)
    )
    return (
        [Choice(code, label) for code, label in ROLES.items()],
        [Choice(s.code, s.name) for s in services],
    )


def _listed(choices: Iterable[Choice]) -> str:
    """'A', 'B' or 'C' (quoted: some labels have commas of their own)."""
    labels = [f"'{c.label}'" for c in choices]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else "".join(labels)


def batch_defaults(survey: Survey, chosen: Mapping[str, str | None]) -> dict[str, str]:
    """The values chosen for a batch's forms to start with (blank ones left out), checked
    against the survey's paper form: EntryRefused, naming the field, when the survey does not
    ask that field or does not offer that value. The result has a record's shape."""
    layout = layout_for(survey)
    roles, services = default_choices()
    label = {c.code: c.label for c in (*roles, *services)}
    defaults: dict[str, str] = {}
    for name in DEFAULT_FIELDS:
        value = chosen.get(name)
        if not value:
            continue
        column = layout.column(name)
        if column is None and name == SERVICE:
            raise DefaultRefused(
                f"{survey.title} asks where people moved from and to, not about one service. "
                "Leave the service not set, or choose where people moved from and to",
                name,
            )
        if column is None:
            raise DefaultRefused(
                f"{survey.title} is about one service, not a move between services. Leave where "
                "people moved from and to not set, or choose the service the forms are about",
                name,
            )
        if value not in {c.code for c in column.choices}:
            words = label.get(value, value)
            if name == ROLE:
                message = f"'{words}' is not one of the people who answer {survey.title}"
            else:
                message = f"'{words}' is not one of the services {survey.title} asks about"
            raise DefaultRefused(
                f"{message}. Choose {_listed(column.choices)}, or leave it not set", name
            )
        defaults[name] = value
    if MOVED_FROM in defaults and defaults.get(MOVED_FROM) == defaults.get(MOVED_TO):
        raise DefaultRefused(
            "Where people moved from and where they moved to are the same service: a move is "
            "between two services. Choose two different ones, or leave one not set",
            MOVED_TO,
        )
    return defaults
