"""Synthetic, deterministic demo responses for the demo area (app/demo/area.yaml).

``generate(n, seed, instruments)`` adds n complete responses to the surveys of the
``leaving-hospital`` pathway and returns n. The same seed on an empty database gives the same
rows (dates count back from ``until``, default today in UTC); a second run on top redraws
any clashing journey code or token from their own stream, so its answers are the same too.
Rows go in as plain tuples, one transaction per 2,000 responses: PostgreSQL COPY (ids drawn
from the tables' sequences first), the driver's executemany on SQLite (ids by RETURNING).
Each response's valid scores (``response_score``) and its journey's equality profile
(``response_profile``) go in with it, computed as ``app.data.scores`` does on completion.

What the data looks like
- People: 45% answer one stage, the rest 2-4 stages in pathway order under one Journey,
  each later response 1-45 days after the one before. The "Leaving hospital" (transition)
  stage is chosen 2.5 times as often as each episode stage. Dates spread over 540 days
  (about 18 months) before ``until``. Role per person: patient 65%, carer 25%, helped 10%.
  Channel: paper 10% (keyed by volunteers), web 90%. All responses complete.
- Services tell one story per journey: the hospital is County Hospital wards (75%) or the
  Hillford step-down beds; leaving hospital goes from there to own home (40%), reablement
  (25%), Oakview Care Home (25%) or step-down beds (10%); later stages mostly at that
  service. A transition has from != to, and service_id = from_service_id.
- Items: exactly those the real survey asks (Instrument.select, then Item.applies for the
  role, stage kind and sectors of the chosen services). Agreement answers come from a latent
  score (person + response + item noise) cut at fixed points. Over all agreement answers
  (effects included): SA ~40%, A ~40%, D ~10%, SD ~5%, "dk" ~6%; mean 0-100 score ~74
  (~79 for people no planted effect touches). 12% of people straight-line (one answer for
  every statement of a response); 8% of patients say "nomed" where the item offers it.
- Free text: went_well in 35% and could_be_better in 30% of responses, under the instrument
  the survey shows the box for. About 8% of comments hold a made-up staff name ("Sister
  Maggie Orme", "Dr Amrit Kasey", "Nurse Bronwen Tull", "Tomasz Wierzba") and 4% a made-up
  phone number in Ofcom's drama ranges (07700 900xxx, 01632 960xxx), for redaction to find.
- About you: on a journey's first response only (later ones have about_you_given None);
  20% decline (False). Patients mostly 65+, carers mostly 45-74. Ethnic group roughly like
  an English town: ~76% White British, ~14% Asian or Asian British, a few % each of other
  groups; religion follows ethnic group; ~6% "Prefer not to say" answers (some people many).

Planted patterns: latent shifts, each calibrated so that on its own it lowers the expected
0-100 score of the answers it touches by the points given; shifts add on the latent scale.
1. ``transition``: leaving hospital from County Hospital wards (county-wards) to Oakview Care
   Home (oakview-care-home): -20 on every agreement answer of those responses (CTM-15 and I
   statements, patients and carers). Not other stages, not the same services elsewhere.
2. ``group``: ethnic group in the Census broad group "Asian or Asian British" (the about-you
   scale's group; ~14% of people): -15 at every stage, also when About you was declined or
   "pnts" (the group is real; a report just cannot see it). Muslim, Hindu and Sikh
   respondents score lower only as a consequence, because religion follows ethnic group.
3. ``carer``: carers, -5.
4. ``within-person``: a drop after the move to Oakview that only linked journeys can
   show. People whose story is County Hospital wards then Oakview Care Home (the
   journeys whose Leaving hospital response, if they answer it, is that move; ~19% of people)
   score +12 at every stage before Leaving hospital and -3 at every stage after it, so their
   own score falls by about 15 points over the move (I statements, the stage before the move
   to the stage after, per person). Against the pathway's mean (~74: the other plants pull it
   ~5 below the ~79 of untouched people) they start about 10-16 points above and end near
   it; the stages after are mostly at Oakview, so Oakview's stage mean stays within a couple
   of points of the pathway's and a snapshot sees nothing. The Leaving hospital response
   itself carries only plant 1. Few people answer both sides of the move: ~16 in 600
   responses, ~40 in 2,500 (the demo's default, chosen so the report can name this
   hand-over), ~60 in 3,000.
Nothing else (service, stage, channel, quarter, age, sex, ...) is made to differ.

Each plant can be switched off: ``generate(..., plants=...)`` takes the names in ``PLANTS``
to keep ("transition", "group", "carer", "within-person"; default all), and
``flask --app wsgi demo --without-plant within-person`` does the same. Switching plants off
changes answers only: the random draws, and so the people, stages, services, dates and
comments, stay the same for the same seed.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, pairwise
from statistics import NormalDist

from sqlalchemy import JSON, ColumnElement, Connection, Table, insert, select, text

from app import journey_code
from app.data.instruments import ABOUT_YOU, version_row
from app.data.scores import DIMENSIONS, compute_scores, ethnic_groups, profile_values
from app.extensions import db
from app.models import (
    Answer,
    Journey,
    Pathway,
    Response,
    ResponseProfile,
    ResponseScore,
    Survey,
    response_instruments,
)
from surveys.model import Instrument, Item

# Dense tables are easier to read and to check against the docstring.
# fmt: off
PATHWAY = "leaving-hospital"
WINDOW_DAYS = 540
BATCH = 2000  # responses per transaction: fast, and small enough to hold in memory
ROLES = {"patient": 65, "carer": 25, "helped": 10}
STAGES_WHEN_SEVERAL = {2: 50, 3: 30, 4: 20}
KIND_WEIGHT = {"transition": 2.5, "episode": 1.0}  # the move is what the pathway is about
SINGLE_STAGE, PAPER, DK, NOMED, STRAIGHT, DECLINED = 0.45, 0.10, 0.07, 0.08, 0.12, 0.20
GAPS = ((0, 0), (1, 4), (2, 21), (5, 21), (28, 45))  # days since the stage before, by position
SD_PERSON, SD_RESPONSE, SD_ITEM = 0.5, 0.45, 0.8  # latent score = person + response + item
BASE_SHARES = (2.5, 7.5, 40, 50)  # SD, D, A, SA among answered items, before any effect
PLANTED_TRANSITION = ("county-wards", "oakview-care-home")
PLANTED_GROUP = "Asian or Asian British"
# Points each effect lowers the expected score by; negative points raise it.
EFFECT_POINTS = {"transition": 20.0, "group": 15.0, "carer": 5.0,
                 "before_move": -12.0, "after_move": 3.0}
PLANTS = ("transition", "group", "carer", "within-person")

HOSPITALS = {"county-wards": 75, "hillford-community-hospital": 25}
DESTINATIONS = {"home": 40, "reablement": 25, "oakview-care-home": 25,
                "hillford-community-hospital": 10}
EPISODES = {"riverside-surgery": 30, "hillford-health-centre": 25, "county-ae": 30, "nhs-111": 15,
            "district-nursing": 30, "homecare-plus": 25, "reablement": 15, "age-friends": 15,
            "carers-centre": 8, "oakview-care-home": 5, **HOSPITALS}
ETHNIC = {"white_british": 780, "white_irish": 20, "white_gypsy_irish_traveller": 3,
          "white_roma": 2, "white_other": 35, "mixed_white_black_caribbean": 6,
          "mixed_white_black_african": 4, "mixed_white_asian": 6, "mixed_other": 4,
          "asian_indian": 52, "asian_pakistani": 48, "asian_bangladeshi": 18, "asian_chinese": 9,
          "asian_other": 14, "black_caribbean": 12, "black_african": 12, "black_other": 3,
          "other_arab": 3, "other_any": 5}
RELIGION = {"asian_pakistani": {"muslim": 90, "none": 5, "other": 5},
            "asian_bangladeshi": {"muslim": 92, "none": 5, "hindu": 3},
            "asian_indian": {"hindu": 45, "sikh": 30, "muslim": 15, "christian": 5, "none": 5},
            "asian_chinese": {"none": 55, "christian": 25, "buddhist": 20},
            "other_arab": {"muslim": 80, "christian": 10, "none": 10},
            "": {"christian": 62, "none": 32, "muslim": 2, "jewish": 1, "buddhist": 1, "other": 2}}
AGE = {False: {"45_54": 3, "55_64": 10, "65_74": 25, "75_84": 38, "85_over": 24},  # patients
       True: {"25_34": 3, "35_44": 8, "45_54": 20, "55_64": 30, "65_74": 22, "75_84": 14,
              "85_over": 3}}
UNPAID_CARE = {False: {"no": 90, "yes_9_or_less": 5, "yes_20_34": 2, "yes_50_or_more": 3},
               True: {"yes_9_or_less": 8, "yes_10_19": 12, "yes_20_34": 20, "yes_35_49": 15,
                      "yes_50_or_more": 40, "no": 5}}
ORIENTATION = {"straight": 96, "gay_lesbian": 2, "bisexual": 1.2, "other": 0.8}
LIMITED = {"yes_a_lot": 50, "yes_a_little": 35, "not_at_all": 15}
POSTCODES = ("RV1", "RV2", "RV3", "RV4", "HF1", "HF2", "HF3")
WENT_WELL = (
    "The nurses were kind and explained everything to me.", "My GP rang the day after I got home.",
    "The reablement team came when they said they would.", "Staff were patient with Mum's hearing.",
    "They listened to what we wanted and wrote it in the plan.", "My tablets were ready on time.",
    "The equipment was delivered before he came home.", "Everyone knew who I was and why.",
    "Having one number to ring made all the difference.", "The befriender who visits is lovely.",
)
COULD_BE_BETTER = (
    "We waited all day for medicines from the pharmacy.", "Nobody told us when Dad was going home.",
    "I had to tell my story again to every new person.", "The care home did not have her plan.",
    "Transport home was cancelled twice.", "I did not know who to call at the weekend.",
    "The discharge letter used words I did not know.", "Carers came at a different time daily.",
    "Nobody asked me if I could cope as his carer.", "It took three weeks to fit the grab rails.",
)
NAMES = ("Sister Maggie Orme", "Dr Amrit Kasey", "Nurse Bronwen Tull", "Tomasz Wierzba")
PHONES = ("07700 900{:03d}", "01632 960{:03d}")  # Ofcom's ranges for drama: never real lines
# fmt: on

_SCALE = (SD_PERSON**2 + SD_RESPONSE**2 + SD_ITEM**2) ** 0.5
_CUTS = [NormalDist(0, _SCALE).inv_cdf(c / sum(BASE_SHARES)) for c in accumulate(BASE_SHARES[:3])]
Row = tuple[str, str, str | None, str | None]  # instrument_id, item_id, code, text


def _expected_score(shift: float) -> float:
    """Mean 0-100 score of all answers whose latent mean is ``shift``."""
    cum = [NormalDist(shift, _SCALE).cdf(c) for c in _CUTS] + [1.0]
    return sum((b - a) * k for k, (a, b) in enumerate(pairwise([0.0, *cum]))) / 3 * 100


def _shift_for(points: float) -> float:
    """The latent shift that lowers the expected score by ``points`` (bisection)."""
    target = _expected_score(0.0) - points
    lo, hi = (-6.0, 0.0) if points >= 0 else (0.0, 6.0)
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _expected_score(mid) < target else (lo, mid)
    return (lo + hi) / 2


SHIFT = {name: _shift_for(points) for name, points in EFFECT_POINTS.items()}


def _pick(rng: random.Random, weights: Mapping):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _any_option(rng: random.Random, item: Item) -> str | None:
    """For a local instrument with another scale or question: any real option."""
    return rng.choice([o.code for o in item.scale.options if not o.missing]) if item.scale else None


@dataclass
class _Stage:
    """A stage's survey as plain values (ORM rows expire at every batch's commit)."""

    survey_id: int
    stage_id: int
    roles: list[str]
    kind: str
    services: dict[str, tuple[int, str]]  # code -> (id, sector)
    planned: list[tuple[Instrument, tuple[Item, ...]]]
    version_ids: list[int]
    cache: dict = field(default_factory=dict)

    def asked(self, role: str, sectors: frozenset[str]) -> tuple[list, list[tuple[str, str]]]:
        """Items asked, and free-text boxes with their instrument, as the survey runner does."""
        if (role, sectors) not in self.cache:
            items, boxes = [], {}
            for inst, chosen in self.planned:
                mine = [(inst.id, i) for i in chosen if i.applies(role, self.kind, sectors)]
                items += mine
                for ft in inst.free_text if mine else ():
                    if role in ft.roles:
                        boxes.setdefault(ft.id, inst.id)
            self.cache[role, sectors] = (items, list(boxes.items()))
        return self.cache[role, sectors]


@dataclass
class _Run:
    stages: list[_Stage]
    about: Instrument | None
    about_version: list[int]
    group: set[str]  # ethnic_group codes in the planted group
    broad: dict[str, str]  # ethnic_group code -> Census broad group, for the profile
    end: datetime
    plants: frozenset[str] = frozenset(PLANTS)

    def shift(self, plant: str) -> float:
        """The plant's latent shift, or none when it is switched off."""
        return SHIFT[plant] if plant in self.plants else 0.0


def _load(instruments: Mapping[str, Instrument], until: date | None) -> _Run:
    pathway = db.session.scalar(select(Pathway).filter_by(slug=PATHWAY))
    if pathway is None:
        raise LookupError(f"load the demo area first: there is no pathway {PATHWAY!r}")
    stages = []
    for stage in pathway.stages:
        survey = db.session.scalar(select(Survey).filter_by(stage_id=stage.id).order_by(Survey.id))
        if survey is None:
            continue
        planned = []
        for si in survey.instruments:  # as survey_plan does, but with the registry passed in
            if (inst := instruments.get(si.instrument_id)) is not None:
                planned.append((inst, inst.select(si.domains, si.item_ids)))
        # Sorted by code, not name: name order depends on the database collation.
        live = sorted((s for s in survey.services if not s.retired), key=lambda s: s.code)
        services = {s.code: (s.id, s.sector) for s in live}
        if len(services) < (2 if stage.kind == "transition" else 1):
            continue  # nothing the survey could be answered about
        # Like start_response: every instrument of the plan is linked, whoever answers.
        versions = [version_row(inst).id for inst, _ in planned]
        info = (survey.id, stage.id, list(survey.roles), stage.kind)
        stages.append(_Stage(*info, services, planned, versions))
    about = instruments.get(ABOUT_YOU)
    scale = next((i.scale for i in about.items if i.id == "ethnic_group"), None) if about else None
    group = {o.code for o in scale.options if o.group == PLANTED_GROUP} if scale else set()
    end = datetime.combine(until or datetime.now(UTC).date(), time(), UTC)
    broad = ethnic_groups(about)
    run = _Run(stages, about, [version_row(about).id] if about else [], group, broad, end)
    db.session.commit()  # any new InstrumentVersion rows
    return run


@dataclass
class _Person:
    role: str
    u: float  # the person's general tendency to agree
    straight: bool
    nomed: bool
    shift: float
    about_you: list[tuple[str, str | None, str | None]] | None  # None: declined


def _about_you(rng: random.Random, inst: Instrument, role: str, ethnic: str) -> list:
    carer = role == "carer"
    ltc = rng.random() < (0.45 if carer else 0.8)
    codes = {
        "age_band": _pick(rng, AGE[carer]),
        "ethnic_group": ethnic,
        "sex": "female" if rng.random() < (0.68 if carer else 0.55) else "male",
        "gender_identity_same": "yes" if rng.random() < 0.995 else "no",
        "sexual_orientation": _pick(rng, ORIENTATION),
        "religion": _pick(rng, RELIGION.get(ethnic, RELIGION[""])),
        "long_term_condition": "yes" if ltc else "no",
        "activity_limited": _pick(rng, LIMITED) if ltc else "not_at_all",
        "unpaid_carer": _pick(rng, UNPAID_CARE[carer]),
    }
    pnts = 0.3 if rng.random() < 0.14 else 0.02  # a few people decline much more than others
    out: list[tuple[str, str | None, str | None]] = []
    for item in inst.items:
        if item.type == "text" and item.id == "postcode_district" and rng.random() < 0.7:
            out.append((item.id, None, rng.choice(POSTCODES)))
        elif item.scale is not None:
            code = codes.get(item.id) or _any_option(rng, item)
            pnts_ok = "pnts" in item.scale.codes and rng.random() < pnts
            out.append((item.id, "pnts" if pnts_ok else code, None))
    return out


def _person(rng: random.Random, run: _Run) -> _Person:
    role, ethnic = _pick(rng, ROLES), _pick(rng, ETHNIC)
    declined = run.about is None or rng.random() < DECLINED
    about = None if declined else _about_you(rng, run.about, role, ethnic)
    shift = run.shift("group") if ethnic in run.group else 0.0
    u, straight, nomed = rng.gauss(0, SD_PERSON), rng.random() < STRAIGHT, rng.random() < NOMED
    return _Person(role, u, straight, nomed, shift, about)


def _agreement(rng: random.Random, person: _Person, items: list, shift: float) -> list[Row]:
    mean = person.u + rng.gauss(0, SD_RESPONSE) + shift
    # A straight-liner's one answer comes from the same distribution, so effects still hold.
    same = str(bisect(_CUTS, mean + rng.gauss(0, SD_ITEM)) + 1) if person.straight else None
    out: list[Row] = []
    for inst_id, item in items:
        codes = item.scale.codes if item.scale else ()
        if "nomed" in codes and person.nomed:
            code = "nomed"
        elif same or rng.random() < DK:
            code = same or "dk"
        elif "4" in codes:
            code = str(bisect(_CUTS, mean + rng.gauss(0, SD_ITEM)) + 1)
        else:
            code = _any_option(rng, item)
        out.append((inst_id, item.id, code, None))
    return out


def _comment(rng: random.Random, box: str) -> str:
    text, roll = rng.choice(WENT_WELL if box == "went_well" else COULD_BE_BETTER), rng.random()
    if roll < 0.08:
        who = "was brilliant" if box == "went_well" else "knows the details"
        return f"{text} {rng.choice(NAMES)} {who}."
    if roll < 0.12:
        return f"{text} Please ring me on {rng.choice(PHONES).format(rng.randrange(1000))}."
    return text


def _services(rng: random.Random, st: _Stage, hospital: str, went_to: str) -> tuple:
    """(service, to-service or None) codes; for a transition the service is the one left."""
    codes = st.services
    if st.kind == "transition":
        src = hospital if hospital in codes else _pick(rng, {c: HOSPITALS.get(c, 1) for c in codes})
        others = {c: DESTINATIONS.get(c, 1) for c in codes if c != src}
        return src, went_to if went_to in others else _pick(rng, others)
    for anchor in (hospital, went_to):  # later stages mostly stay with the journey's services
        if anchor in codes and anchor != "home" and rng.random() < 0.85:
            return anchor, None
    return _pick(rng, {c: EPISODES.get(c, 1) for c in codes}), None


def _journey(rng: random.Random, run: _Run, left: int) -> tuple[datetime, list]:
    """One person's responses (at most ``left``):
    (created_at, [(row, answers, versions, scores, profile)])."""
    person, stages = _person(rng, run), run.stages
    # The journey's equality profile: its one About you (or none), as app.data.scores reads it.
    about = {i: c for i, c, _ in person.about_you or ()}
    values = profile_values(about, run.broad)
    profile = tuple(values[d] for d in DIMENSIONS)
    k = 1 if rng.random() < SINGLE_STAGE else _pick(rng, STAGES_WHEN_SEVERAL)
    pool = {p: KIND_WEIGHT.get(st.kind, 1.0) for p, st in enumerate(stages)}
    chosen = []
    for _ in range(min(k, left, len(stages))):  # weighted sample without replacement
        chosen.append(_pick(rng, pool))
        del pool[chosen[-1]]
    chosen.sort()
    days = [0]
    for a, b in pairwise(chosen):
        gap = sum(rng.randint(*GAPS[min(p, len(GAPS) - 1)]) for p in range(a + 1, b + 1))
        days.append(days[-1] + max(1, gap))
    start = run.end - timedelta(days=WINDOW_DAYS - rng.randrange(max(1, WINDOW_DAYS - days[-1])))
    hospital = _pick(rng, HOSPITALS)
    went_to = _pick(rng, {c: w for c, w in DESTINATIONS.items() if c != hospital})
    moved_to_oakview = (hospital, went_to) == PLANTED_TRANSITION
    # Plant 4 turns on the pathway's move: stages before it and after it (pathway order).
    move = next((p for p, st in enumerate(stages) if st.kind == "transition"), len(stages))
    out = []
    for n, (pos, day) in enumerate(zip(chosen, days, strict=True)):
        st = stages[pos]
        allowed = {r: ROLES.get(r, 1) for r in st.roles}
        role = person.role if person.role in allowed else _pick(rng, allowed)
        src, dst = _services(rng, st, hospital, went_to)
        items, boxes = st.asked(role, frozenset(st.services[c][1] for c in (src, dst) if c))
        shift = person.shift + (run.shift("carer") if role == "carer" else 0.0)
        shift += run.shift("transition") if (src, dst) == PLANTED_TRANSITION else 0.0
        if moved_to_oakview and "within-person" in run.plants and st.kind != "transition":
            shift += SHIFT["after_move" if pos > move else "before_move"]
        answers = _agreement(rng, person, items, shift)
        coded = {(i, it): c for i, it, c, _ in answers if c}
        asked = [(inst_id, item.id) for inst_id, item in items]
        scores = compute_scores([inst for inst, _ in st.planned], coded, asked)
        for box, inst_id in boxes:
            if rng.random() < (0.35 if box == "went_well" else 0.30):
                answers.append((inst_id, box, None, _comment(rng, box)))
        versions, given = list(st.version_ids), None
        if n == 0 and run.about is not None:  # About you: once per journey, on its first response
            given = person.about_you is not None
            answers += [(ABOUT_YOU, i, c, t) for i, c, t in person.about_you or ()]
            versions += run.about_version if given else []
        started = start + timedelta(days=day, minutes=rng.randrange(8 * 60, 21 * 60))
        done = started + timedelta(minutes=rng.randint(4, 25))
        src_id, dst_id = st.services[src][0], st.services[dst][0] if dst else None
        row = dict(
            survey_id=st.survey_id, stage_id=st.stage_id, service_id=src_id,
            from_service_id=src_id if dst_id else None, to_service_id=dst_id, role=role,
            channel="paper" if rng.random() < PAPER else "web", status="complete",
            about_you_given=given, started_at=started, updated_at=done, completed_at=done,
            pages_done=[],
        )  # fmt: skip
        out.append((row, answers, versions, scores, profile))
    return out[0][0]["started_at"], out


def _unused(column: ColumnElement, count: int, draw: Callable[[], str]) -> list[str]:
    """``count`` new unique values; any already stored (a second run, same seed) are drawn again."""
    values: dict[str, None] = {}
    while len(values) < count:
        fresh = dict.fromkeys(draw() for _ in range(count - len(values)))
        taken = set(db.session.scalars(select(column).where(column.in_(list(fresh)))))
        values.update((v, None) for v in fresh if v not in taken)
    return list(values)


class _Bulk:
    """Plain-tuple inserts in the session's transaction, without SQLAlchemy's per-row work:
    COPY on PostgreSQL, the driver's executemany elsewhere (SQLite)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def with_ids(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
        """Insert rows and return their new ids, in row order."""
        if not self.postgres:
            # RETURNING in parameter order: SQLite 3.35+ (and PostgreSQL).
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            params = [dict(zip(columns, row, strict=True)) for row in rows]
            return list(self.conn.execute(stmt, params).scalars())
        # Ids from the table's own sequence, so it stays right for the app's later inserts.
        draw = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
        ids = sorted(self.conn.execute(draw, {"t": table.name, "n": len(rows)}).scalars())
        self.rows(table, ("id", *columns), [(i, *r) for i, r in zip(ids, rows, strict=True)])
        return ids

    def rows(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        types = [table.c[c].type for c in columns]
        if self.postgres:
            as_json = [i for i, t in enumerate(types) if isinstance(t, JSON)]
            raw = self.conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if as_json:
                        row = list(row)
                        for i in as_json:
                            row[i] = json.dumps(row[i])
                    copy.write_row(row)
            return
        dialect = self.conn.dialect
        procs = [(i, t.dialect_impl(dialect).bind_processor(dialect)) for i, t in enumerate(types)]
        processors = {i: p for i, p in procs if p is not None}  # datetimes, JSON, booleans
        if processors:
            rows = [
                tuple(v if (p := processors.get(i)) is None else p(v) for i, v in enumerate(row))
                for row in rows
            ]
        marks = ", ".join("?" * len(columns))
        self.conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


RESPONSE_COLUMNS = (
    "survey_id", "stage_id", "service_id", "from_service_id", "to_service_id", "role", "channel",
    "status", "about_you_given", "started_at", "updated_at", "completed_at", "pages_done",
)  # fmt: skip
PROFILE_COLUMNS = ("response_id", *DIMENSIONS)


def _insert(journeys: list[tuple[datetime, list]], ids: random.Random) -> None:
    jt, rt = Journey.__table__, Response.__table__
    bulk = _Bulk(db.session.connection())
    codes = _unused(jt.c.code, len(journeys), lambda: journey_code.generate(ids.randrange))
    pairs = zip(codes, journeys, strict=True)
    journey_ids = bulk.with_ids(jt, ("code", "created_at"), [(c, w) for c, (w, _) in pairs])
    flat = [(jid, r) for jid, (_, rs) in zip(journey_ids, journeys, strict=True) for r in rs]
    tokens = _unused(rt.c.token, len(flat), lambda: f"demo-{ids.getrandbits(96):024x}")
    rows = [
        (*(row[c] for c in RESPONSE_COLUMNS), jid, token)
        for (jid, (row, *_)), token in zip(flat, tokens, strict=True)
    ]
    response_ids = bulk.with_ids(rt, (*RESPONSE_COLUMNS, "journey_id", "token"), rows)
    answers, links, scores, profiles = [], [], [], []
    for rid, (_, (_, given, versions, scored, profile)) in zip(response_ids, flat, strict=True):
        answers += [(rid, *answer) for answer in given]
        links += [(rid, v) for v in versions]
        scores += [
            (rid, s.measure, s.value, s.answered, s.asked, s.top, s.bottom)
            for s in scored
            if s.value is not None
        ]
        profiles.append((rid, *profile))
    bulk.rows(
        Answer.__table__, ("response_id", "instrument_id", "item_id", "code", "text"), answers
    )
    bulk.rows(response_instruments, ("response_id", "instrument_version_id"), links)
    score_columns = ("response_id", "measure", "score", "answered", "asked", "top", "bottom")
    bulk.rows(ResponseScore.__table__, score_columns, scores)
    bulk.rows(ResponseProfile.__table__, PROFILE_COLUMNS, profiles)
    db.session.commit()


def generate(
    n: int,
    seed: int,
    instruments: Mapping[str, Instrument],
    until: date | None = None,
    plants: Collection[str] = PLANTS,
) -> int:
    """Add ``n`` complete synthetic responses to the demo pathway; return how many were made.
    ``plants``: the planted patterns to keep (names in ``PLANTS``; the module docstring)."""
    unknown = set(plants) - set(PLANTS)
    if unknown:
        raise ValueError(f"unknown plants {sorted(unknown)}; choose from {PLANTS}")
    rng = random.Random(seed)
    # Codes and tokens have their own stream, so re-drawing a clash changes no answers.
    ids = random.Random(f"{seed}:ids")
    run = _load(instruments, until)
    run.plants = frozenset(plants)
    made = 0
    while made < n and run.stages:
        batch: list[tuple[datetime, list]] = []
        size = 0
        while made + size < n and size < BATCH:
            batch.append(_journey(rng, run, n - made - size))
            size += len(batch[-1][1])
        _insert(batch, ids)
        made += size
    return made
