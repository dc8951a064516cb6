import random

import pytest

from app import journey_code
from app.journey_code import ALPHABET, JourneyCodeError, generate, is_valid, parse


def codes(n=500, seed=7):
    rng = random.Random(seed)
    return [generate(rng.randrange) for _ in range(n)]


def test_generated_codes_are_valid_and_use_no_look_alike_characters():
    for code in codes():
        assert len(code) == 10
        assert is_valid(code)
        assert not set(code) & set("01OILSU")


def test_at_least_40_bits_of_randomness():
    import math

    assert journey_code.BODY_LENGTH * math.log2(len(ALPHABET)) >= 40


def test_every_single_typo_is_caught():
    for code in codes(100):
        for i, original in enumerate(code):
            for wrong in ALPHABET:
                if wrong != original:
                    typo = code[:i] + wrong + code[i + 1 :]
                    assert not is_valid(typo), (code, typo)


def test_every_swap_of_two_different_characters_is_caught():
    for code in codes(100):
        for i in range(len(code)):
            for j in range(i + 1, len(code)):
                if code[i] != code[j]:
                    swapped = list(code)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    assert not is_valid("".join(swapped))


def test_typed_codes_are_case_and_spacing_insensitive():
    code = codes(1)[0]
    typed = f"  {code[:5].lower()} - {code[5:]} "
    assert parse(typed) == code


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter your journey code"),
        ("ABC", "should be 10"),
        ("ABCDE-FGHI0", "do not use 0, I"),
    ],
)
def test_bad_codes_get_a_plain_english_reason(typed, says):
    with pytest.raises(JourneyCodeError, match=says):
        parse(typed)


def test_wrong_check_character_is_reported():
    code = codes(1)[0]
    wrong = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    with pytest.raises(JourneyCodeError, match="not right"):
        parse(wrong)
