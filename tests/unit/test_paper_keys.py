"""The keys a volunteer types for each answer of a paper form, and how a typed box is read.

No database: layouts are built from the real instrument files. The rule under test is the one
that keeps answers in their own boxes: within a box, no key is the start of another, so a
key never waits silently for a second one (issue 11: "1" for the first ethnic group, then "1"
for the next question, was read as 11, Pakistani).
"""

from __future__ import annotations

import pytest

from app.paper.boxes import ValueProblem, read_box, said
from surveys import load_instruments
from surveys.codebook import Choice, Column, form_layout
from surveys.model import PlannedInstrument
from surveys.paper_keys import key_of, keys_for, legend, printed_keys

REG = load_instruments()
SERVICES = tuple(
    Choice(f"service-{n}", f"Service {n}", "hospital") for n in range(1, 13)
)  # twelve services: a long list of services too
LAYOUT = form_layout(
    [PlannedInstrument(REG[i], REG[i].items) for i in ("ctm-15", "i-statements")]
    + [PlannedInstrument(REG["i-statements-carer"], REG["i-statements-carer"].items)],
    REG["about-you"],
    stage_kind="transition",
    roles=(Choice("patient", "Patient"), Choice("carer", "Carer"), Choice("helped", "Helped")),
    services=SERVICES,
)
KEYED = [c for c in LAYOUT.columns if c.choices]
ETHNIC = LAYOUT.by_name["about-you.ethnic_group"]
AGE = LAYOUT.by_name["about-you.age_band"]
AGREEMENT = LAYOUT.by_name["ctm-15.ctm01"]
RELIGION = LAYOUT.by_name["about-you.religion"]


@pytest.mark.parametrize("column", KEYED, ids=lambda c: c.name)
def test_no_key_of_a_box_is_the_start_of_another_and_every_answer_has_one(column):
    keys = keys_for(column)
    assert len({len(key) for key in keys}) == 1, keys  # one length per box
    assert {c.code for c in column.choices} == set(keys.values())
    for key in keys:
        assert not any(other != key and other.startswith(key) for other in keys), key


def test_a_list_of_ten_or_more_answers_has_two_digits_for_every_answer():
    assert len(ETHNIC.choices) == 20 and len(AGE.choices) == 10
    ethnic = keys_for(ETHNIC)
    assert list(ethnic)[:3] == ["01", "02", "03"] and list(ethnic)[-1] == "20"
    assert ethnic["01"] == "white_british" and ethnic["11"] == "asian_pakistani"
    assert "1" not in ethnic and "11" in ethnic
    age = keys_for(AGE)
    assert (age["07"], age["10"]) == ("65_74", "pnts") and "1" not in age
    assert keys_for(LAYOUT.by_name["moved_from"])["12"] == "service-12"


def test_short_lists_keep_one_key_and_agreement_keeps_its_codes():
    assert keys_for(AGREEMENT) == {"9": "dk", "0": "dk", "1": "1", "2": "2", "3": "3", "4": "4"}
    religion = keys_for(RELIGION)  # nine answers: still one key each
    assert list(religion) == [str(n) for n in range(1, 10)]
    assert key_of(AGREEMENT, "dk") == "9"


def test_the_legend_and_the_printed_keys_show_the_same_keys():
    shown = legend(ETHNIC)
    assert shown[0] == ("01", "English, Welsh, Scottish, Northern Irish or British")
    assert shown[-2:] == [("20", "Prefer not to say"), ("-", "left blank")]
    assert printed_keys(ETHNIC) == tuple(f"{n:02d}" for n in range(1, 21))
    assert printed_keys(AGREEMENT) == ("1", "2", "3", "4", "9")
    assert legend(AGREEMENT)[4][0] == "9 or 0"  # don't know: two keys, shown once


@pytest.mark.parametrize(
    ("column", "typed", "stored"),
    [
        (ETHNIC, "01", "white_british"),
        (ETHNIC, " 11 ", "asian_pakistani"),
        (ETHNIC, "Pakistani", "asian_pakistani"),  # its words, typed without the script
        (ETHNIC, "asian_indian", "asian_indian"),  # its code
        (ETHNIC, "-", None),
        (AGE, "10", "pnts"),
        (AGREEMENT, "0", "dk"),
    ],
)
def test_a_box_reads_its_keys_codes_and_words(column, typed, stored):
    assert read_box(column, typed) == stored


@pytest.mark.parametrize(("typed", "why"), [("1", "is too short"), ("21", "is not an answer")])
def test_a_short_or_unknown_key_in_a_two_digit_box_is_refused_saying_how_to_key_it(typed, why):
    with pytest.raises(ValueProblem) as refused:
        read_box(ETHNIC, typed)
    message = refused.value.message
    assert message.startswith(why)
    assert "2-digit key, from 01 to 20" in message
    assert "like 01 for English, Welsh" in message and "- to leave it blank" in message


def test_digits_are_never_read_as_a_code():
    """A long list whose codes are numbers: "1" is not taken as the code 1."""
    numbers = Column(
        "scale",
        "choice",
        "How many?",
        "S",
        choices=tuple(Choice(str(n), str(n)) for n in range(1, 13)),
    )
    assert keys_for(numbers)["01"] == "1"
    with pytest.raises(ValueProblem):
        read_box(numbers, "1")


def test_what_a_box_means_is_said_beside_it():
    assert said(ETHNIC, "11") == "Pakistani"
    assert said(ETHNIC, "1") == ""  # half a key means nothing yet
    assert said(AGREEMENT, "-") == "Left blank"
