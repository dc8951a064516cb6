"""Remove personal details from free-text comments before anyone reads them.

Rule: replace, in place and leaving the rest of the text exactly as written,

- e-mail addresses with "[e-mail]";
- UK telephone numbers in their usual written forms (07700 900123, 07700900123,
  +44 7700 900123, +44 (0)7700 900123, 0044 7700 900123, 0161 496 0000, 0161-496-0000,
  (020) 7946 0000, 01632 960 123): a number starting 0, +44 or 0044 whose national part
  (after the 0 or 44) has 9 or 10 digits (or 11: one digit too many is still someone's
  number), in groups separated by single spaces, dots, dashes or brackets, becomes
  "[phone number]";
- NHS numbers (and Scottish CHI and Northern Irish H&C numbers, which have the same shape):
  any 10-digit number written bare or as 3-3-4 groups split by spaces or dashes, whether or not
  its modulus-11 check digit is valid, becomes "[NHS number]";
- UK postcodes: a full postcode ("SW1A 1AA", "m1 1ae", "LS61AB", any case, with or without
  the space) whose area is a real postcode area becomes "[postcode]". An outward code alone
  ("LS6") is far too like other things (the M6, vitamin B12, bay A1) to redact everywhere, and
  it covers thousands of households, so it is redacted only where the writer marks it as a
  postcode or a place: after "postcode", "post code", "postal code" or "postal district"
  (any case), or after "in", "from", "near" or "around" when written in capitals with a real
  area ("I live in LS6"; "low in B12" is redacted too: over-redaction is preferred);
- people's names with "[name]" (a title is kept: "Dr [name]"; a possessive too: "[name]'s").

Names are found by a heuristic, not understood:

1. A name after a title (Dr, Mr, Mrs, Ms, Mx, Miss, Prof, Professor, Doctor, Nurse, Sister,
   Matron): initials and up to three words. After Dr, Mr and Mrs (any case) even a
   lower-case word is taken ("dr kowalczyk") unless it is a common English word ("mr and
   mrs", "dr said"); after Ms, Mx and Prof (not "MS", which is multiple sclerosis) a
   lower-case word only when it is in the name lists ("ms jones"); after the others, only a
   capitalised word, and not a job ("Nurse Specialist", "Nurse Practitioner").
2. A capitalised (or all-capitals) word that is a common first name or surname. The lists
   are zxcvbn's frequency lists (US census-based: the 983 male names, the top 2,000 female
   names and the top 5,000 surnames) plus about 200 names common in the UK that they lack
   (Welsh, Scottish, Irish, South Asian, Polish, West African and Chinese names).
3. A name takes in the capitalised words next to it (one space apart; not words such as
   "Hospital", "Unit", "Team", "Centre", "Surgery", "Home", "Care", "NHS"): a following
   surname of any kind ("Sarah Wojciechowska"), a preceding word in the middle of a sentence
   ("thanks to Lukasz Nowak"), and at the start of a sentence a preceding word from the
   lists ("Grace Jones"). A run of such words becomes one "[name]".

Ordinary words that are also names are handled in two ways. Some are never a name on their
own, wherever they stand: months and days, words for ethnic groups and faiths ("White",
"Black", "Roma", "Christian"), and words that care services put in capitals ("Ward", "Key
Worker", "Long Covid", "Young Carers", "Stepping Hill", "Green Lane"). Rule 1 and rule 3
still catch them ("Mrs White", "Tom Ward"). About 700 more ("Will", "Hope", "Grace", "Mark",
"Bill", "Rose", "Frank", "Sue", "Joy", "Patience", "Brown", "Price"...: the names in the lists
that are also English words in a British dictionary, less those mostly used as names such as
John, Peter and Smith) are taken as ordinary words only at the start of a sentence; in the
middle of a sentence a capitalised "Rose" is taken as a name. A word after "St" or "Saint"
is a place ("St Mary's"), never a name; nor is a month's abbreviation next to a number
("3 Jan 2024"); and a few charities and hospitals named after people ("Macmillan",
"Marie Curie", "Sue Ryder", "John Radcliffe") are kept as written.

Limits, honestly: this over-redacts and still misses things.

- It misses a name in lower case ("john was lovely"), except after a title; a name in none of
  the lists on its own at the start of a sentence ("Oluwaseun was lovely"); nicknames;
  misspellings; names spelt out with spaces; and a name that is an ordinary word at the start
  of a sentence ("Grace helped me"). It does not touch other identifiers: addresses other
  than the postcode, hospital numbers, dates of birth, ages, rare conditions, job titles
  that only one person holds ("the only male nurse on Ward 7"). E-mail addresses written as
  "john at nhs dot net" are missed.
- It over-redacts place names that are surnames ("Bolton", "Preston"), hospitals named after
  people ("the Christie"), brand names, and capitalised ordinary words in the middle of a
  sentence ("the Rose garden").
- Long digit strings that are neither 10 digits nor a UK phone number are left alone, and
  a date written with spaces and a time ("01 02 2023 10") can be taken for a phone number.

So this is a safeguard, not a guarantee: comments must still be read by a person before they
are published, and the survey asks people not to include names or contact details.

Sources: NHS number format (NHS Digital, "NHS number" standard: 10 digits, shown 3-3-4);
UK postcode format (ONS / Royal Mail, "Postcode Address File" format A9 9AA, A99 9AA,
A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA; inward letters never C, I, K, M, O, V);
Ofcom's National Telephone Numbering Plan (0 + 9 or 10 digits; +44 without the 0);
zxcvbn frequency lists (Dropbox; US Census 1990 names).
"""

from __future__ import annotations

import re
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

EMAIL = "[e-mail]"
PHONE = "[phone number]"
NHS_NUMBER = "[NHS number]"
POSTCODE = "[postcode]"
NAME = "[name]"

_QUOTES = "'\u2018\u2019"


def _words(text: str) -> list[str]:
    return text.split()


# --- e-mail -------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)

# --- numbers ------------------------------------------------------------------------------

_INTERNATIONAL = r"(?:\+|00)\s?44\s?(?:\(0\)\s?)?"
_GROUPS = r"\d+(?:(?:\)\s?|[ .-])\d+)*"
_INTERNATIONAL_RE = re.compile(rf"(?<![\w+])(?P<prefix>{_INTERNATIONAL})(?P<rest>{_GROUPS})")
_NATIONAL_RE = re.compile(rf"(?<![\w+])(?P<prefix>\(0(?=\d{{2,5}}\))|0)(?P<rest>{_GROUPS})")
_NHS_RE = re.compile(r"(?<![\w+])(?:\d{3}[ -]\d{3}[ -]\d{4}|\d{10})(?![\w])")
_GROUP_RE = re.compile(r"\d+")


def _phone_length(rest: str) -> int | None:
    """How much of ``rest`` (the digit groups after the 0, +44 or 0044) is a UK number: the
    leading groups holding 10 digits (the usual national number), else 9 (some area codes),
    else 11 (one digit too many: a slip, still someone's number); else None."""
    ends: dict[int, int] = {}
    digits = 0
    for group in _GROUP_RE.finditer(rest):
        digits += len(group.group(0))
        if digits > 11:
            break
        ends[digits] = group.end()
    for wanted in (10, 9, 11):
        if wanted in ends:
            return ends[wanted]
    return None


def _phones(text: str, pattern: re.Pattern[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        length = _phone_length(match["rest"])
        if length is None:
            return match.group(0)
        return PHONE + match["rest"][length:]

    return pattern.sub(replace, text)


# --- postcodes ----------------------------------------------------------------------------

_AREAS = frozenset(
    _words(
        """AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
    DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA
    LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE
    SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV
    YO ZE"""
    )
)
_OUTWARD = r"[A-Za-z]{1,2}\d[A-Za-z\d]?"
_FULL_POSTCODE_RE = re.compile(
    rf"(?<![\w])(?P<outward>{_OUTWARD}) ?(?P<inward>\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{{2}})(?![\w])"
)
_CUED_OUTWARD_RE = re.compile(
    rf"(?P<cue>\b(?:post ?codes?|postal (?:code|district)s?)"
    rf"(?: (?:area|district))?(?:\s*(?::|-|is|was|of))?\s+)(?P<outward>{_OUTWARD})(?![\w])",
    re.IGNORECASE,
)
_PLACE_OUTWARD_RE = re.compile(
    r"(?P<cue>\b(?:[Ii]n|[Ff]rom|[Nn]ear|[Aa]round|IN|FROM|NEAR|AROUND) )"
    r"(?P<outward>[A-Z]{1,2}\d[A-Z\d]?)(?![\w])"
)
_ORDINAL_RE = re.compile(r"\d(?:st|nd|rd|th)")


def _area(outward: str) -> str:
    return re.match(r"[A-Za-z]+", outward).group(0).upper()  # type: ignore[union-attr]


def _postcodes(text: str) -> str:
    def full(match: re.Match[str]) -> str:
        inward = match["inward"]
        if _area(match["outward"]) not in _AREAS or _ORDINAL_RE.fullmatch(inward):
            return match.group(0)  # "B2 4th floor" is a bay and a floor, not a postcode
        return POSTCODE

    def outward(match: re.Match[str]) -> str:
        if _area(match["outward"]) not in _AREAS:
            return match.group(0)
        return match["cue"] + POSTCODE

    text = _FULL_POSTCODE_RE.sub(full, text)
    text = _CUED_OUTWARD_RE.sub(outward, text)
    return _PLACE_OUTWARD_RE.sub(outward, text)


# --- names --------------------------------------------------------------------------------

#: Names common in the UK that zxcvbn's lists lack (it files them under other lists).
UK_NAMES = frozenset(
    _words(
        """oliver charlie muhammad mohamed mohammad mohammed alfie jayden luca albie callum connor
    kieran liam gareth rhys dafydd iwan owain aled emyr gethin geraint dai hamish angus euan
    ewan niall cian declan ciaran darragh oisin padraig seamus isla freya poppy willow sienna
    phoebe sophie esme imogen chloe hannah niamh aoife caoimhe saoirse orla sinead roisin
    eilidh morag kirsty cerys seren carys sian bronwen nia ffion shona ailsa catriona mairi
    hussain hussein imran asif tariq bilal usman zain ayaan yusuf ibrahim ismail zara zainab
    maryam hafsa sana priya anjali pooja sunita rajesh ramesh suresh sanjay vijay arjun rohan
    ravi amit deepak harpreet gurpreet manpreet jaspreet kuldeep sandeep rajinder balwinder
    hardeep jasvinder parveen nasreen shazia farah samina rubina tahir khalid javed naveed
    waqas zubair adil nadeem faisal shahid sajid rashid majid arif amir amjad kamran rizwan
    zahid piotr krzysztof tomasz pawel marek agnieszka katarzyna malgorzata joanna chidi
    chinedu emeka ngozi tunde kwame kofi abena adaeze oluwaseun olumide babatunde begum bibi
    akhtar iqbal rahman uddin miah chowdhury mahmood aziz sharma kaur sandhu dhillon mistry
    parmar chauhan howells cameron wojcik kowalczyk nowak kowalski wisniewski okafor okeke
    adeyemi adebayo okoro liu zhao zhou guo luo"""
    )
)

#: Never a name on their own, wherever they stand (a title or a neighbouring name still
#: makes them part of one): months, days, festivals, words for ethnic groups and faiths, and
#: words that services and places put in capitals.
NEVER_A_NAME_ALONE = frozenset(
    _words(
        """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday easter christmas christian jesus
    white black brown roma welsh irish english british scottish
    ward bay lane hill green wood woods field fields bridge bridges brook brooks cross grove
    mill mills moss marsh moor meadows gate gates ford wells well king kings queen duke bishop
    abbey chase heath dale park parks key long young bright strong minor link west north south
    east central royal general"""
    )
)

#: Names in the lists that are also ordinary English words: taken as ordinary words at the
#: start of a sentence, as names when capitalised in the middle of one. Made from the name
#: lists and a British English dictionary, less the words mostly used as names.
ORDINARY_AT_SENTENCE_START = frozenset(
    _words(
        """will hope may june grace mark bill rose frank sue
    abbey akin alderman alley almond amber archer arias armour askew auger aura autumn bacon
    bales ball bandy bane banks bannister barb barber bard barker baron barrow barrows bass
    bates batten battles bays beach beam bean beard beavers beck beers bell belle bender
    berg berry bias bill billings bills binder birch bird bishop black blanch bland blank
    blanks bliss bloom blunt boatman bode boles bolt bond bonds bonnie bonny booth borders
    bottoms bounds bower bowers bowman brace bracken brain brake branch brasher bravo bray
    brewer bridges bright brim brink brook brooks brown browning buck bud bullock bunch
    bunker bunting burden burns burr burrow burrows busby bush buss butcher butler butts
    candy cannon canter capers caraway carpenter carrier carrion carver cash castor chambers
    chandler charity chase chastity cheek chestnut chew chin chow clapper clay click cloud
    coats coffin collier colon combs comer cone cook cooks coon coons cope coral corral cote
    cotter cotton couch counts cousins covert covey coward cox coy craft craven creamer
    creed creel cress crews crisp crook crooks cross crouch crow crystal curry curt daisy
    dale dawn dent dial dibble dill dodge dolly doughty dove dowdy downing downs drain drake
    drew duff duke dukes dunning dusty dyer dykes earls earnest eaves ebony elder eve fain
    faith fanning farmer farrow fawn feller fellows felts fern fetter fielder fielding
    fields fife finch fink fleck flick flint flood flora flowers ford foreman forte foster
    fountain fox frank franks freed freedman freeman frost fry fryer fuller funk furlong
    gable gale gall gallant gamble garner garnet gates gay gene gentile gentry gibbons gist
    givens gladden glass glaze glory goad goings goldsmith gore grace grant graves green
    grim grimes grooms gross grove groves gulley gurney hackney haddock haggard hale hales
    hall hammock handy hanks harden hardy hare harms harness harp hart hatch havens hawk
    hawks hays hazel heather heck hedges helm helms herb herd herring hicks hill hinds
    holder holler holly hood hooks hopper horn huff hull humble hung hunt iris irons ivory
    ivy jade jarred jewel johns joiner jolly joy keel keeling keen keener key keys kidder
    kinder kindred king kitchens kite knight knoll lackey lacy lamb lance lane lash laurel
    lavender lawless layman leach leathers leech lees lemon lemons levy lily link lira
    lively long looney loveless lynch mace madden magnolia majors manning manual maples
    marble mares margarita mark marks marsh martens martins marvel mason mast masters max
    mayo maze mead meadows medley meek meeker melody merchant mercy merry mesa messenger
    messier miles mills miner mink minor misty moats mock moll monk moody moon morrow moss
    motley mull muse myrtle nettles newton noble nobles nova novella null numbers oaks ogle
    olive opal pace paddock pagan page painter pansy parks parry parsley parson parsons
    partridge paschal pat pate patience patty peacock pearl pease peck peek peel pence penny
    peoples peppers peters petty pierce pike pinto piper pippin plank pointer poling pond
    ponder pope poppy porter potter powers price priest proctor provost prudence pulley
    rains rainwater ransom rash ray rector redden reed reedy reel reeve reeves rice rich
    ricks riddle rider rife rivers roach robin robins roebuck rogers rood rooks root rose
    rosemary rounds rouse ruby ruff rush rushing rust sage sager salter sample samples
    sander sanders sands sandy sang savage sawyer sawyers scales seal seals seaman sears
    sellers sells settles sexton shad shade shank shanks sharp shaver shearer sheets shell
    shepherd sherry shields shin shivers shoemaker shook shores shorter showers sills
    silvers sims singleton slack slaughter sledge smalls smothers snider snipes snow sowers
    sparks sparrow spear spears sprinkle squires stack stamps staples stark starling steed
    stein sterling stern steward stiles stoker stokes stone stoner storey storms stout
    strain strait strand stringer strong stump sturgeon sue summers sung sunny swain swan
    swank swift swindle swisher tad tang tanner teal teeter thatcher thorn thrash thrasher
    tiara tiller tong trice trotter trout tuck tucker usher valentine van veal vermillion
    vest vigil villa vines viola violet waddle wade waggoner wagoner waits wall walling
    walls waltz ward warden ware warren waters watt watts weathers weaver weeks weir welch
    wells welsh west wheat wheeler whetstone white whiting whittle wick wicker wicks wilder
    wiles willow wills wilt windy winters wise withers wolf womble wood woodcock woodman
    woods workman worthy wren young
    """
    )
)

#: Words that end a run of capitalised words making up a name.
INSTITUTION_WORDS = frozenset(
    _words(
        """hospital hospitals unit units team teams centre center clinic clinics surgery
    practice home homes care trust nhs service services street road avenue close drive way
    infirmary hospice house lodge court pharmacy chemist health medical community council
    department dept lounge department hub team gp gps a&e ae icu itu hdu"""
    )
)

#: Common English words: never names after a title when written in lower case, and never
#: part of a name run.
COMMON_WORDS = frozenset(
    _words(
        """a about after again all also am an and any are as at be because been before being but
    by came can could did do does done for from gave get got had has have he her here him his
    how i if in into is it its just me more most my no not now of on once only or other our
    out over said saw says she should so some still than that the their them then there these
    they this those though to told too under until up us very was we well went were what when
    where which while who why will with would yes you your yet
    thank thanks dear hi hello please sorry every everyone nobody staff nurses doctors carers
    mum dad nan nana grandad grandma husband wife son daughter brother sister partner friend
    seemed looked called phoned rang explained asked helped took made kept let put felt
    knew know think thought spoke speak talked wrote sent arrived left visited visit sees
    see tell tells say give gives help helps care cares came comes come
    dr mr mrs ms mx miss prof doctor professor nurse matron st saint"""
    )
)

_TITLES_ANY_WORD = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof"})
_TITLES_CAPITALISED_WORD = frozenset({"miss", "doctor", "professor", "nurse", "sister", "matron"})
_ROLE_WORDS = frozenset(
    _words(
        """practitioner specialist consultant manager lead associate assistant team station unit
    registrar support worker educator"""
    )
)

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_POSSESSIVE_RE = re.compile(r"['\u2019][sS]$")
_SENTENCE_END = ".!?:;\n\u2022*"


@cache
def name_list() -> frozenset[str]:
    """The names looked for (lower case, apostrophes removed).

    Rule: zxcvbn's 983 male names, top 2,000 female names and top 5,000 surnames (each list
    in order of frequency), plus :data:`UK_NAMES`. Source: zxcvbn frequency lists (Dropbox;
    US Census 1990 names), and names common in the UK that those lists lack.
    """
    lists = FREQUENCY_LISTS
    names = set(lists["male_names"][:983])
    names.update(lists["female_names"][:2000])
    names.update(lists["surnames"][:5000])
    names.update(UK_NAMES)
    return frozenset(names)


def _key(word: str) -> str:
    return re.sub(r"['\u2019]", "", word).lower()


class _Token:
    __slots__ = ("core", "end", "possessive", "start", "word")

    def __init__(self, match: re.Match[str]):
        self.word = match.group(0)
        self.start = match.start()
        possessive = _POSSESSIVE_RE.search(self.word)
        self.core = self.word[: possessive.start()] if possessive else self.word
        self.possessive = bool(possessive)
        self.end = self.start + len(self.core)

    @property
    def key(self) -> str:
        return _key(self.core)

    @property
    def parts(self) -> list[str]:
        return [_key(p) for p in self.core.split("-")]

    @property
    def capitalised(self) -> bool:
        """Every part capitalised ("Mary-Jane", "O'Brien"; not "X-ray")."""
        return all(part[:1].isupper() for part in self.core.split("-"))


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position]
    stripped = before.rstrip(' \t"(\u201c' + _QUOTES)
    if not stripped or "\n" in before[len(stripped) :]:
        return True
    return stripped[-1] in _SENTENCE_END


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Whether two tokens are next to each other in a name: one space, or an initial's dot."""
    if left.possessive:  # "John's Smith" is not one name
        return False
    gap = text[left.end : right.start]
    return gap in (" ", ". ") and (gap == " " or len(left.core) == 1)


def _in_lists(token: _Token) -> bool:
    names = name_list()
    return any(part in names for part in token.parts)


def _is_name(text: str, token: _Token, after_saint: bool) -> bool:
    """A capitalised word that is a name on its own (rule 2 of the module docstring)."""
    if not token.capitalised or after_saint or not _in_lists(token):
        return False
    if all(part in NEVER_A_NAME_ALONE or part in COMMON_WORDS for part in token.parts):
        return False
    if any(part in INSTITUTION_WORDS for part in token.parts):
        return False
    return not (
        _sentence_start(text, token.start)
        and all(part in ORDINARY_AT_SENTENCE_START for part in token.parts)
    )


#: Charities and hospitals named after people that patients often mention: kept as written.
ORGANISATIONS = (
    "Macmillan",
    "Marie Curie",
    "Sue Ryder",
    "John Radcliffe",
    "Queen Elizabeth",
    "Ronald McDonald",
    "Florence Nightingale",
    "Mary Seacole",
)
_ORGANISATIONS_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, ORGANISATIONS)) + r")\b")

_MONTH_ABBREVIATIONS = frozenset(_words("jan feb mar apr jun jul aug sep sept oct nov dec"))


def _in_date(text: str, token: _Token) -> bool:
    """A month's abbreviation next to a number ("3 Jan", "Jan 2024") is not a name."""
    if token.key not in _MONTH_ABBREVIATIONS:
        return False
    before = text[: token.start]
    after = text[token.end : token.end + 6]
    return bool(re.search(r"\d(?:st|nd|rd|th)?\s*$", before) or re.match(r"\.?\s*\d", after))


def _can_extend(token: _Token) -> bool:
    """A capitalised word that can be part of a name next to one (rule 3)."""
    return (
        token.capitalised
        and len(token.core) > 1
        and token.key not in INSTITUTION_WORDS
        and token.key not in COMMON_WORDS
    )


def _after_title(tokens: list[_Token], i: int, text: str) -> list[int]:
    """Indexes of the tokens making up a name after the title at ``tokens[i]`` (rule 1)."""
    title = tokens[i]
    key = title.key
    if title.possessive:
        return []
    if key in _TITLES_ANY_WORD:
        if title.core == "MS":  # multiple sclerosis
            return []
    elif key in _TITLES_CAPITALISED_WORD:
        if key == "miss" and not title.capitalised:
            return []
    else:
        return []
    taken: list[int] = []
    j = i + 1
    previous = title
    words = 0
    while j < len(tokens) and words < 3:
        token = tokens[j]
        gap = text[previous.end : token.start]
        if previous is title:
            if not re.fullmatch(r"\.?[ \t]*", gap) or gap == "":
                break
        elif not _joined(text, previous, token):
            break
        initial = len(token.core) == 1 and token.core.isupper()
        if token.capitalised:
            if token.key in COMMON_WORDS or token.key in INSTITUTION_WORDS:
                break
            if key in _TITLES_CAPITALISED_WORD and token.key in _ROLE_WORDS:
                break
        elif key in _TITLES_ANY_WORD and not taken:
            # "dr patel", "mr smith": a lower-case name after an unambiguous title.
            if not _in_lists(token) and (
                key not in ("dr", "mr", "mrs") or token.key in COMMON_WORDS
            ):
                break
        else:
            break
        taken.append(j)
        if not initial:
            words += 1
        previous = token
        j += 1
        if token.possessive:
            break
    # A title followed only by initials ("Dr J.") still has them redacted.
    return taken


def _names(text: str) -> str:
    tokens = [_Token(m) for m in _TOKEN_RE.finditer(text)]
    kept = [
        any(m.start() <= t.start < m.end() for m in _ORGANISATIONS_RE.finditer(text))
        for t in tokens
    ]
    is_name = [False] * len(tokens)
    for i, token in enumerate(tokens):
        after_saint = (
            i > 0
            and tokens[i - 1].key in ("st", "saint")
            and (text[tokens[i - 1].end : token.start] in (" ", ". "))
        )
        if not kept[i] and _is_name(text, token, after_saint) and not _in_date(text, token):
            is_name[i] = True
    titled: set[int] = set()
    for i in range(len(tokens)):
        titled.update(_after_title(tokens, i, text))
    for i in titled:
        is_name[i] = True
    # Rule 3: take in neighbouring capitalised words.
    changed = True
    while changed:
        changed = False
        for i in range(len(tokens)):
            if not is_name[i]:
                continue
            if (
                i + 1 < len(tokens)
                and not is_name[i + 1]
                and not kept[i + 1]
                and _joined(text, tokens[i], tokens[i + 1])
                and _can_extend(tokens[i + 1])
                and not tokens[i].possessive
            ):
                is_name[i + 1] = changed = True
            if (
                i > 0
                and not is_name[i - 1]
                and not kept[i - 1]
                and _joined(text, tokens[i - 1], tokens[i])
                and _can_extend(tokens[i - 1])
                and (_in_lists(tokens[i - 1]) or not _sentence_start(text, tokens[i - 1].start))
            ):
                is_name[i - 1] = changed = True
    # Replace each run of name tokens with one placeholder.
    out: list[str] = []
    position = 0
    i = 0
    while i < len(tokens):
        if not is_name[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and is_name[j + 1] and _joined(text, tokens[j], tokens[j + 1]):
            j += 1
        out.append(text[position : tokens[i].start])
        out.append(NAME)
        position = tokens[j].end
        i = j + 1
    out.append(text[position:])
    return "".join(out)


def redact(text: str) -> str:
    """The text with e-mail addresses, UK phone numbers, NHS numbers, postcodes and people's
    names replaced by "[e-mail]", "[phone number]", "[NHS number]", "[postcode]" and
    "[name]"; everything else exactly as written.

    Rule: see the module docstring (order: e-mail, international phone numbers, NHS numbers,
    national phone numbers, postcodes, names). A heuristic that prefers over-redaction to a
    leak; comments must still be read before they are published.

    Source: NHS Digital NHS number standard (10 digits, 3-3-4); Royal Mail postcode format;
    Ofcom National Telephone Numbering Plan; zxcvbn frequency lists for names.
    """
    if not text:
        return text
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _phones(text, _INTERNATIONAL_RE)
    text = _NHS_RE.sub(NHS_NUMBER, text)
    text = _phones(text, _NATIONAL_RE)
    text = _postcodes(text)
    return _names(text)
