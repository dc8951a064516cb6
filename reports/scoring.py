"""Respondent scores on the 0-100 scale, per instrument and (for I statements) per domain.

Rule (reference/instruments.md; each instrument file's ``scoring`` block): a respondent's score
is (mean of the answered items - 1) / 3 x 100 on the four-point agreement scale, the linear
transform the CTM scoring guide and HCAHPS use: Strongly disagree 0, Disagree 33.3, Agree 66.7,
Strongly agree 100. "Don't know / not applicable" and "no medication" are missing, never a
value. A score exists only when at least the instrument's minimum of the items *asked* were
answered (CTM-15: 10 of 15; CTM-3: 2 of 3; I statements: half of those asked, per domain too).

Top and bottom boxes: each score also counts the items answered with the scale's top option
("Strongly agree", the CTM's published hospital measure) and those answered in the lower half
of the scale (Strongly disagree or Disagree on 1-4).

Short forms: an instrument file may name another instrument made of some of its items (the
CTM-15 holds the three CTM-3 statements as items 2, 9 and 13; Parry et al. 2008). A response
to it then also has a score on the short form, under the short form's own rule, over the
mapped items that were asked: the answer's value on the long form is its value on the short
form (their scored answers are the same, checked when the files load).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.model import Instrument, Item, ShortForm


@dataclass(frozen=True)
class Score:
    """One respondent's score on one measure; ``value`` is None below the minimum answered."""

    measure: str
    value: float | None
    answered: int
    asked: int
    top: int  # answers with the scale's highest value ("Strongly agree")
    bottom: int  # answers in the lower half of the scale ((Strongly) disagree)


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


def score_values(measure: str, values: list[float | None], item: Item, minimum: int) -> Score:
    """The score of one measure from the values of the items asked (None: no value), on the
    scale of ``item`` (one of the measure's items: they share a scale)."""
    asked = len(values)
    values = [v for v in values if v is not None]
    low, high = scale_bounds(item)
    top = sum(v == high for v in values)
    bottom = sum(v < (low + high) / 2 for v in values)
    value = linear_0_100(values, low, high) if values and len(values) >= minimum else None
    return Score(measure, value, len(values), asked, top, bottom)


def score_items(
    measure: str, items: list[Item], answers: Mapping[str, str | None], minimum: int
) -> Score:
    values = [item_value(i, answers.get(i.id)) for i in items]
    return score_values(measure, values, items[0], minimum)


def score_response(
    instrument: Instrument, asked: Iterable[str], answers: Mapping[str, str | None]
) -> list[Score]:
    """Every measure of ``instrument`` for one response: the whole instrument, then each
    domain (when the instrument scores by domain), over the scored items that were asked."""
    if instrument.scoring is None:
        return []
    asked = set(asked)
    items = _scored(instrument, asked)
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


def score_short_form(
    instrument: Instrument,
    form: ShortForm,
    short: Instrument,
    asked: Iterable[str],
    answers: Mapping[str, str | None],
) -> Score | None:
    """The score on the short form ``short`` (named by ``form``) of a response to
    ``instrument``: the values of its mapped items that were asked, scored by the short
    form's rule. None when none of them was asked, or the short form is not scored.

    A mapped item that an older version of ``instrument`` lacks, or whose scored answers
    differ from the short form's item, counts as not asked.
    """
    if short.scoring is None:
        return None
    scored = {i.id: i for i in _scored(instrument, set(asked))}
    theirs = {i.id: i for i in short.items if i.scale is not None}
    pairs = [
        (scored[a], theirs[b])
        for a, b in form.items
        if a in scored and b in theirs and scored[a].scale.values == theirs[b].scale.values
    ]
    if not pairs:
        return None
    values = [item_value(own, answers.get(own.id)) for own, _ in pairs]
    minimum = short.scoring.minimum_for(len(pairs))
    return score_values(measure_id(short.id), values, pairs[0][1], minimum)


def _scored(instrument: Instrument, asked: set[str]) -> list[Item]:
    return [i for i in instrument.items if i.id in asked and i.type == "choice" and i.scale]
