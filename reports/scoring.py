"""Respondent scores on the 0-100 scale, per instrument and (for I statements) per domain.

Rule (reference/instruments.md; each instrument file's ``scoring`` block): a respondent's score
is (mean of the answered items - 1) / 3 x 100 on the four-point agreement scale, the linear
transform the CTM scoring guide and HCAHPS use: Strongly disagree 0, Disagree 33.3, Agree 66.7,
Strongly agree 100. "Don't know / not applicable" and "no medication" are missing, never a
value. A score exists only when at least the instrument's minimum of the items *asked* were
answered (CTM-15: 10 of 15; CTM-3: 2 of 3; I statements: half of those asked, per domain too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.model import Instrument, Item


@dataclass(frozen=True)
class Score:
    """One respondent's score on one measure; ``value`` is None below the minimum answered."""

    measure: str
    value: float | None
    answered: int
    asked: int


def measure_id(instrument_id: str, domain: str | None = None) -> str:
    """ "ctm-15" for a whole instrument, "i-statements:communication" for a domain."""
    return f"{instrument_id}:{domain}" if domain else instrument_id


def item_value(item: Item, code: str | None) -> float | None:
    """The numeric value of an answer, or None when it is missing, unknown or not scored."""
    if code is None or item.scale is None:
        return None
    option = item.scale.option(code)
    if option is None or option.missing or option.value is None:
        return None
    return float(option.value)


def scale_bounds(item: Item) -> tuple[float, float]:
    values = [o.value for o in item.scale.options if not o.missing and o.value is not None]
    return float(min(values)), float(max(values))


def linear_0_100(values: Iterable[float], low: float = 1.0, high: float = 4.0) -> float:
    """(mean - low) / (high - low) x 100: on the 1-4 agreement scale, (mean - 1) / 3 x 100."""
    values = list(values)
    mean = sum(values) / len(values)
    return (mean - low) / (high - low) * 100


def score_items(
    measure: str, items: list[Item], answers: Mapping[str, str | None], minimum: int
) -> Score:
    values = [v for v in (item_value(i, answers.get(i.id)) for i in items) if v is not None]
    if not values or len(values) < minimum:
        return Score(measure, None, len(values), len(items))
    low, high = scale_bounds(items[0])
    return Score(measure, linear_0_100(values, low, high), len(values), len(items))


def score_response(
    instrument: Instrument, asked: Iterable[str], answers: Mapping[str, str | None]
) -> list[Score]:
    """Every measure of ``instrument`` for one response: the whole instrument, then each
    domain (when the instrument scores by domain), over the scored items that were asked."""
    if instrument.scoring is None:
        return []
    asked = set(asked)
    items = [i for i in instrument.items if i.id in asked and i.type == "choice" and i.scale]
    if not items:
        return []
    rule = instrument.scoring
    scores = [score_items(measure_id(instrument.id), items, answers, rule.minimum_for(len(items)))]
    if rule.by_domain:
        for domain in instrument.domains:
            in_domain = [i for i in items if i.domain == domain]
            if in_domain:
                scores.append(
                    score_items(
                        measure_id(instrument.id, domain),
                        in_domain,
                        answers,
                        rule.minimum_for(len(in_domain)),
                    )
                )
    return scores
