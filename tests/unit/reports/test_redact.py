"""reports.redact: each kind of personal detail in several spellings, and ordinary comments
about care left exactly as written."""

from __future__ import annotations

import pytest

from reports.redact import redact

# --- e-mail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "john.smith@nhs.net",
        "J_Doe+care@example.co.uk",
        "mary-o'brien@gmail.com",
        "info@riverside-healthwatch.org.uk",
        "SHOUTY@EXAMPLE.COM",
    ],
)
def test_email(address):
    assert redact(f"Please e-mail {address} about it.") == "Please e-mail [e-mail] about it."


def test_email_at_end_of_sentence_keeps_the_full_stop():
    assert redact("Contact a.b@c.uk.") == "Contact [e-mail]."


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "0161 496 0000",
        "0161-496-0000",
        "0161 4960000",
        "(020) 7946 0000",
        "020 7946 0000",
        "+44 20 7946 0000",
        "01632 960 123",
        "01632 960123",
        "0800 123 4567",
        "0300 123 4567",
        "016977 4567",
        "07700 9001234",  # one digit too many: still someone's number
    ],
)
def test_phone(number):
    assert redact(f"Ring me on {number}, thanks") == "Ring me on [phone number], thanks"


def test_phone_keeps_a_following_number():
    assert redact("call 07700 900123 2 times a day") == "call [phone number] 2 times a day"


# --- NHS numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "943 476 5919",  # valid modulus-11 check digit
        "943-476-5919",
        "9434765919",
        "485 777 3456",
        "485 777 3457",  # invalid check digit: still redacted
        "123 456 7890",
        "012 345 6789",  # Scottish CHI numbers start with a date
    ],
)
def test_nhs_number(number):
    assert redact(f"NHS number {number}.") == "NHS number [NHS number]."


# --- postcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "M1 1AE", "m1 1ae", "LS6 1AB", "ls61ab", "CR2 6XH", "DN55 1PT", "EC1A 1BB"],
)
def test_full_postcode(postcode):
    assert redact(f"I live at {postcode} now") == "I live at [postcode] now"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My postcode is LS6.", "My postcode is [postcode]."),
        ("postcode: m1", "postcode: [postcode]"),
        ("Post code LS6 area", "Post code [postcode] area"),
        ("postal district SW1A", "postal district [postcode]"),
        ("I live in LS6 with my wife", "I live in [postcode] with my wife"),
        ("We moved from BD7 last year", "We moved from [postcode] last year"),
    ],
)
def test_outward_code_after_a_cue(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We were stuck on the M6 for hours.",
        "I was in bay A1 and then B2.",
        "Ward E1 was calm.",
        "Bay B2 4th floor was noisy.",
        "The CT scan was quick.",
        "Covid-19 rules meant one visitor at 2pm.",
        "Follow-up at 10.30 on 12/03/2024, then 3 weeks later.",
        "The XY1 2AB code is not a real area.",
    ],
)
def test_things_that_look_a_little_like_postcodes_stay(text):
    assert redact(text) == text


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr Smith was lovely.", "Dr [name] was lovely."),
        ("Dr. Smith was lovely.", "Dr. [name] was lovely."),
        ("DR SMITH was lovely.", "DR [name] was lovely."),
        ("dr kowalczyk explained it.", "dr [name] explained it."),
        ("mrs jones came.", "mrs [name] came."),
        ("Mrs O'Brien helped.", "Mrs [name] helped."),
        ("Mr and Mrs Jones visited.", "Mr and Mrs [name] visited."),
        ("Ms Wojciechowska phoned.", "Ms [name] phoned."),
        ("Miss Hargreaves was kind.", "Miss [name] was kind."),
        ("Prof. J. K. Rowling operated.", "Prof. [name] operated."),
        ("Dr J. Bloggs saw me.", "Dr [name] saw me."),
        ("Nurse Jackie and Sister Wojciechowska.", "Nurse [name] and Sister [name]."),
        ("Matron Clarke sorted it.", "Matron [name] sorted it."),
        ("Doctor Adeyemi listened.", "Doctor [name] listened."),
        ("Dr Ward was kind.", "Dr [name] was kind."),
        ("Dr Smith's team.", "Dr [name]'s team."),
        ("Thank you Dr Oluwaseun Adeyemi!", "Thank you Dr [name]!"),
        ("Dr Macmillan was kind.", "Dr [name] was kind."),
    ],
)
def test_names_after_titles(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("John Smith and Sarah Wojciechowska helped.", "[name] and [name] helped."),
        ("Thanks to Priya and Mohammed.", "Thanks to [name] and [name]."),
        ("I saw Rose and Frank on Ward 7.", "I saw [name] and [name] on Ward 7."),
        ("Grace Jones was great.", "[name] was great."),
        ("Tom Ward helped.", "[name] helped."),
        ("John's wife came.", "[name]'s wife came."),
        ("JOHN SMITH WAS GREAT.", "[name] WAS GREAT."),
        ("Smith-Jones came.", "[name] came."),
        ("Mary-Jane came.", "[name] came."),
        ("Kate and Jim were brilliant.", "[name] and [name] were brilliant."),
        ("My carer Gareth and nurse Siobhan.", "My carer [name] and nurse [name]."),
        ("my sister Jane came", "my sister [name] came"),
        ("thanks to Lukasz Nowak", "thanks to [name]"),
        ("I asked for Hussain, not Khan.", "I asked for [name], not [name]."),
    ],
)
def test_names_on_their_own(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The ward staff were kind and the discharge letter was clear.",
        "Will they call me? Hope this helps. Grace period was short.",
        "Mark my words. Bill for parking was high. Frank talk was welcome. Sue them.",
        "May was wet. In June I was discharged, and in April I went back.",
        "St Mary's Hospital and St John's Wood clinic.",
        "The Key Worker and the Long Covid team. Young Carers group.",
        "Stepping Hill was busy. Green Lane surgery was fine.",
        "As a Black woman I felt unheard. The White British staff were fine.",
        "The nurse practitioner was great and the Nurse Specialist too.",
        "I have MS and diabetes. I miss home.",
        "Sister came round. My sister was there. The doctor said no.",
        "The follow-up was long-term. The X-ray was quick.",
        "Patience was needed. Joy of going home.",
        "On 3 Jan 2024 I was seen; Jan 5 again.",
        "The Discharge Lounge and the Hospital at Home team; Went to A&E at 2am.",
        "I was discharged to my home with a care package from the Rapid Response team.",
        "The physio came twice a week and the OT sorted a commode.",
        "Nobody told me about my tablets; the pharmacist explained them later.",
        "Staff were rushed off their feet but always kind.",
        "The Marie Curie nurses, the Macmillan team and Sue Ryder were wonderful.",
        "",
    ],
)
def test_ordinary_sentences_stay_unchanged(text):
    assert redact(text) == text


def test_everything_at_once():
    text = (
        "Dr Patel (0161 496 0000, r.patel@nhs.net) saw me at M13 9WL; NHS no 943 476 5919. "
        "Ask Sarah on Ward 7."
    )
    assert redact(text) == (
        "Dr [name] ([phone number], [e-mail]) saw me at [postcode]; NHS no [NHS number]. "
        "Ask [name] on Ward 7."
    )


def test_redacting_twice_changes_nothing_more():
    text = "Dr Smith, 07700 900123, john@example.com, SW1A 1AA, 943 476 5919, Mary Jones."
    once = redact(text)
    assert redact(once) == once
    assert once == "Dr [name], [phone number], [e-mail], [postcode], [NHS number], [name]."


def test_line_breaks_and_spacing_kept():
    text = "Great care.\n\nDr Smith  was\tkind.\n- Mary helped"
    assert redact(text) == "Great care.\n\nDr [name]  was\tkind.\n- [name] helped"
