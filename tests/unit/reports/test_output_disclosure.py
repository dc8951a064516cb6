"""Issue 4, end to end: no report output (JSON, CSV, XLSX, the PDF's HTML, the charts) shows a
figure about fewer than the threshold, every output hides the same figures, and no hidden
figure can be worked out from the shown ones.

Hypothesis draws a plain survey (responses, each at a stage with a service or a move between
two services, in a quarter, with a role, equality answers and scores on a few measures) in
groups of 1-25 (a group not drawn holds 0), around the threshold. The test aggregates it as the
SQL queries do into a ``ReportInput``, builds the report and every output, reads each output
back as a reader would (csv, openpyxl, BeautifulSoup, the figures' JSON) and checks it against
counts and means it works out from the responses itself. The reader is taken to hold every
output at once, and to read a group that no output lists as a group nobody is in (the
dashboard says so of moves).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple
from unittest import mock

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from scipy.optimize import linprog

from reports.aggregate import ReportInput, build_report
from reports.charts import figures
from reports.disclosure import recoverable, recoverable_table
from reports.pdf import report_html
from reports.svg import to_svgs
from reports.tables import to_csv, to_xlsx

# --- the survey -----------------------------------------------------------------------------

STAGES = [
    {"slug": "ward", "name": "On the ward", "position": 1, "kind": "episode"},
    {"slug": "leaving", "name": "Leaving hospital", "position": 2, "kind": "transition"},
    {"slug": "home", "name": "Back home", "position": 3, "kind": "episode"},
]
TRANSITION_STAGE = "leaving"
SERVICES = {
    "wards": {"name": "County Hospital wards", "sector": "acute"},
    "beds": {"name": "Hillford step-down beds", "sector": "community"},
    "oakview": {"name": "Oakview Care Home", "sector": "social_care"},
    "reablement": {"name": "Reablement team", "sector": "social_care"},
}
SECTORS = {"acute": "Acute hospital", "community": "Community health", "social_care": "Social care"}
ROLES = {"patient": "Patient", "carer": "Carer"}
QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3"]
MEASURES = {"ctm": "CTM-15", "ist": "I statements", "ist:info": "I statements: Information"}
EQUALITY = {  # dimension -> (group, weight): common groups and rare ones
    "age_band": [("16-64", 3), ("65-74", 4), ("75+", 4), ("Prefer not to say", 1)],
    "ethnic_broad": [
        ("White", 20),
        ("Asian or Asian British", 3),
        ("Black, Black British, Caribbean or African", 1),
        ("Not answered", 1),
        ("Prefer not to say", 1),
    ],
}
STATEMENTS = {("ctm", "c2"): "Preferences taken into account", ("ist", "i4"): "Told who to call"}
ANSWERS = [("1", 1), ("2", 2), ("3", 6), ("4", 6), ("dk", 1)]
AGREEMENT = {"1": 0.0, "2": 100 / 3, "3": 200 / 3, "4": 100.0}


@dataclass
class Survey:
    """A survey: how many responded at each place and quarter; who they were and what they
    answered come from ``seed`` (so a failing example prints the sizes, not every response)."""

    threshold: int
    services: dict[str, dict]
    sizes: dict[tuple, int]  # (stage, service, moved to or None, quarter) -> responses
    scored: dict[str, float]  # measure -> the chance that a response has a score on it
    seed: int

    @cached_property
    def responses(self) -> list[dict]:
        rnd = random.Random(self.seed)
        return [
            response(stage, service, to, quarter, rnd, self.scored)
            for (stage, service, to, quarter), n in self.sizes.items()
            for _ in range(n)
        ]


def response(stage, service, to, quarter, rnd: random.Random, scored: dict) -> dict:
    """One complete response; ``rnd`` draws who answered and what they said."""

    def pick(weighted):
        return rnd.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    scores = {m: round(rnd.uniform(0, 100), 1) for m, p in scored.items() if rnd.random() < p}
    if "ist" in scores and rnd.random() < 0.9:
        scores["ist:info"] = round(rnd.uniform(0, 100), 1)
    return {
        "stage": stage,
        "service": service,  # for a move, the service left (app.data.responses.set_services)
        "from_service": service if to else None,
        "to_service": to,
        "quarter": quarter,
        "role": "carer" if rnd.random() < 0.15 else "patient",
        "channel": "paper" if rnd.random() < 0.1 else "web",
        "journey": rnd.randrange(10**9),
        **{dim: pick(groups) for dim, groups in EQUALITY.items()},
        "scores": scores,
        "answers": {item: pick(ANSWERS) for item in STATEMENTS if rnd.random() < 0.8},
        "comment": f"Comment {rnd.randrange(10**6)}" if rnd.random() < 0.4 else None,
    }


@st.composite
def surveys(draw, big: bool = False) -> Survey:
    """Responses in groups of 1-25 by place and quarter (``big``: every place in every
    quarter, each group at least the threshold). A place is an episode stage at a service,
    or the transition stage with a move from one service to another, never to itself (the
    survey refuses that). Who answered and their answers come from a drawn seed, so that
    hypothesis shrinks the group sizes quickly."""
    threshold = draw(st.one_of(st.just(10), st.integers(3, 15)))
    codes = list(SERVICES)[: draw(st.integers(2, 4))]
    quarters = QUARTERS[: draw(st.integers(1, 3))]
    places = [(s, c, None) for s in ("ward", "home") for c in codes]
    places += [(TRANSITION_STAGE, f, t) for f in codes for t in codes if f != t]
    sizes: dict[tuple, int] = defaultdict(int)
    if big:
        for place in places:
            for quarter in quarters:
                sizes[place, quarter] = draw(st.integers(threshold, threshold + 10))
    else:
        group = st.tuples(st.sampled_from(places), st.sampled_from(quarters), st.integers(1, 25))
        for place, quarter, n in draw(st.lists(group, min_size=1, max_size=14)):
            sizes[place, quarter] += n
    # Every response has a CTM score (a report with no figure at all has its own test); the I
    # statements' scores are missing from some, so their groups are smaller.
    scored = {"ctm": 1.0, "ist": 1.0 if big else draw(st.sampled_from([0.6, 0.9, 1.0]))}
    sizes = {(*place, quarter): n for (place, quarter), n in sorted(sizes.items(), key=str)}
    seed = draw(st.integers(0, 2**16))
    return Survey(threshold, {c: SERVICES[c] for c in codes}, sizes, scored, seed)


# --- the survey aggregated, as app/data/report_queries and app/data/reports do it -----------

BREAKDOWNS = {
    "pathway": (),
    "stage": ("stage",),
    "service": ("service",),
    "sector": ("sector",),
    "role": ("role",),
    "transition": ("from_service", "to_service"),
    "quarter": ("quarter",),
    "stage_quarter": ("stage", "quarter"),
    "stage_role": ("stage", "role"),
    **{f"equality:{d}": (d,) for d in EQUALITY},
}
STAGE_OF = {s["slug"]: s for s in STAGES}


def _value(survey: Survey, r: dict, key: str):
    """A response's group for one grouping key, in the words the report uses."""
    if key == "sector":
        return SECTORS[survey.services[r["service"]]["sector"]]
    if key == "role":
        return ROLES[r["role"]]
    return r[key]


def measure_rows(survey: Survey, keys: tuple[str, ...]) -> list[dict]:
    """Per group and measure: n, sum and sum of squares of the scores (measure_stats)."""
    groups: dict[tuple, list[float]] = defaultdict(list)
    for r in survey.responses:
        for measure, score in r["scores"].items():
            groups[tuple(_value(survey, r, k) for k in keys), measure].append(score)
    rows = []
    for (key, measure), scores in sorted(groups.items(), key=str):
        row = dict(zip(keys, key, strict=True))
        if "stage" in keys:
            row |= {"stage_position": STAGE_OF[row["stage"]]["position"]}
            row |= {"stage_name": STAGE_OF[row["stage"]]["name"]}
        row |= {"measure": measure, "n": len(scores), "total": sum(scores)}
        rows.append(row | {"total_sq": sum(s * s for s in scores)})
    return rows


def counts_by(survey: Survey, key: str) -> dict:
    out: dict = defaultdict(int)
    for r in survey.responses:
        out[r[key]] += 1
    return dict(sorted(out.items()))


def report_input(survey: Survey) -> ReportInput:
    items: dict[tuple, int] = defaultdict(int)
    for r in survey.responses:
        for (instrument, item), code in r["answers"].items():
            items[r["stage"], instrument, item, code] += 1
    group_counts = {}
    for dim in EQUALITY:
        counts = counts_by(survey, dim)
        counts["prefer_not_to_say"] = counts.pop("Prefer not to say", 0)  # as report_input
        group_counts[dim] = counts
    return ReportInput(
        meta={
            "pathway": "leaving-hospital",
            "pathway_name": "Leaving hospital",
            "period_text": "All responses so far",
            "filters_text": "",
            "generated_at": "1 January 2027, 09:00 UTC",
        },
        stages=STAGES,
        services=survey.services,
        sectors=SECTORS,  # as report_input: the sector rows carry these labels
        measures=MEASURES,
        instruments=[
            {"id": "ctm", "version": 1, "title": "CTM", "attribution": "", "scoring": "Mean."},
            {"id": "ist", "version": 1, "title": "I", "attribution": "", "scoring": "Mean."},
        ],
        overview={
            "responses": len(survey.responses),
            "journeys": len({r["journey"] for r in survey.responses}),
            "services": len({r["service"] for r in survey.responses}),
            "stages": len({r["stage"] for r in survey.responses}),
            "channels": counts_by(survey, "channel"),
            "roles": counts_by(survey, "role"),
        },
        rows={name: measure_rows(survey, keys) for name, keys in BREAKDOWNS.items()},
        items=[
            {
                "stage": stage,
                "stage_position": STAGE_OF[stage]["position"],
                "stage_name": STAGE_OF[stage]["name"],
                "instrument_id": instrument,
                "item_id": item,
                "code": code,
                "n": n,
            }
            for (stage, instrument, item, code), n in sorted(items.items())
        ],
        item_text=STATEMENTS,
        comments=[
            {"stage": r["stage"], "service": r["service"], "text": r["comment"], "role": r["role"]}
            for r in survey.responses
            if r["comment"]
        ],
        group_counts=group_counts,
        threshold=survey.threshold,
    )


# --- what the survey holds: the oracle ------------------------------------------------------

# Output table (reports/tables.py) -> the keys that name a cell, and where the JSON has it.
KEYS = {
    "stages": ("stage",),
    "transitions": ("from_service", "to_service"),
    "services": ("service",),
    "sectors": ("sector",),
    "roles": ("role",),
    "quarters": ("quarter",),
    "stage_quarters": ("stage", "quarter"),
    "stage_roles": ("stage", "role"),
    **{f"equality_{d}": (d,) for d in EQUALITY},
}
REPORT_PARTS = {
    "stages": "journey",
    "transitions": "transitions",
    "services": "services",
    "sectors": "sectors",
    "roles": "roles",
    "quarters": "trend",
    "stage_quarters": "stage_trend",
    "stage_roles": "stage_roles",
}
PARTITIONS = [t for t, keys in KEYS.items() if len(keys) == 1]  # each adds up to the pathway
TWO_WAY = {"stage_quarters": ("stages", "quarters"), "stage_roles": ("stages", "roles")}


class Truth(NamedTuple):
    n: int
    mean: float


def truth(survey: Survey) -> dict[tuple, Truth]:
    """(table, measure, key) -> n and mean, for every group with at least one score."""
    out = {}
    for table, keys in KEYS.items():
        scores: dict[tuple, list[float]] = defaultdict(list)
        for r in survey.responses:
            if table == "transitions" and not r["to_service"]:
                continue  # an episode is not a move
            key = tuple(_value(survey, r, k) for k in keys)
            for measure, score in r["scores"].items():
                scores[table, measure, key].append(score)
        out |= {k: Truth(len(v), sum(v) / len(v)) for k, v in scores.items()}
    return out


def pathway_truth(survey: Survey) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for r in survey.responses:
        for measure in r["scores"]:
            out[measure] += 1
    return dict(out)


def statement_truth(survey: Survey) -> dict[tuple, tuple[int, int, float | None]]:
    """(stage, instrument, item) -> (answers, agreement answers, their mean 0-100)."""
    codes: dict[tuple, list[str]] = defaultdict(list)
    for r in survey.responses:
        for (instrument, item), code in r["answers"].items():
            codes[r["stage"], instrument, item].append(code)
    out = {}
    for key, answered in codes.items():
        valued = [AGREEMENT[c] for c in answered if c in AGREEMENT]
        out[key] = (len(answered), len(valued), sum(valued) / len(valued) if valued else None)
    return out


# --- reading each output back ---------------------------------------------------------------


class Shown(NamedTuple):
    n: int | None  # None where the output shows no count (most charts)
    mean: float
    low: float | None
    high: float | None


View = dict[tuple, Shown | None]  # (table, measure, key) -> what is shown; None: hidden
WORDS = {  # fields that name a cell rather than give a figure about it
    "table",
    "measure",
    "measure_name",
    "suppressed",
    "stage_name",
    "from_name",
    "to_name",
    "service_name",
    "instrument",
    "item",
    "text",
    *(k for keys in KEYS.values() for k in keys),
}


def _number(value) -> float | None:
    return None if value in ("", None) else float(value)


def _cell(table: str, record: dict, where: str) -> tuple[tuple, Shown | None]:
    """One figure from a record (a JSON cell, a CSV or spreadsheet row)."""
    key = (table, record["measure"], tuple(record[k] or None for k in KEYS[table]))
    if record["suppressed"] in (True, "True"):
        numbers = {k: v for k, v in record.items() if k not in WORDS and v not in ("", None)}
        assert not numbers, f"{where}: hidden {key} carries figures {numbers}"
        return key, None
    figures_ = (_count(record["n"]), float(record["mean"]))
    return key, Shown(*figures_, _number(record["low"]), _number(record["high"]))


def _count(value) -> int:
    """A count as a CSV or spreadsheet gives it ("12", or "12.0" in a column with gaps)."""
    assert float(value).is_integer(), value
    return int(float(value))


def _add(view: dict, key: tuple, value, where: str) -> None:
    assert key not in view, f"{where}: {key} appears twice"
    view[key] = value


def _statement(record: dict, where: str) -> tuple | None:
    if record["suppressed"] in (True, "True"):
        numbers = {k: v for k, v in record.items() if k not in WORDS and v not in ("", None)}
        assert not numbers, f"{where}: a hidden statement carries figures {numbers}"
        return None
    return _count(record["n"]), float(record["mean"])


def json_view(report: dict) -> tuple[View, dict]:
    parts = {t: report[k] for t, k in REPORT_PARTS.items()}
    parts |= {f"equality_{d}": data["groups"] for d, data in report["equality"].items()}
    view: View = {}
    for table, cells in parts.items():
        for c in cells:
            _add(view, *_cell(table, c, "JSON"), "JSON")
    statements: dict = {}
    for s in report["statements"]:
        _add(statements, (s["stage"], s["instrument"], s["item"]), _statement(s, "JSON"), "JSON")
    return view, statements


def csv_view(body: bytes) -> tuple[View, dict]:
    view: View = {}
    statements: dict = {}
    for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))):
        table = row["table"]
        if table == "statements":
            key = (row["stage"], row["instrument"], row["item"])
            _add(statements, key, _statement(row, "CSV"), "CSV")
        else:
            _add(view, *_cell(table, row, "CSV"), "CSV")
    return view, statements


def xlsx_view(body: bytes) -> tuple[View, dict]:
    view: View = {}
    statements: dict = {}
    for sheet in load_workbook(io.BytesIO(body), read_only=True).worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows)
        for values in rows:
            record = dict(zip(header, values, strict=True))
            if header == ("note",):
                continue
            if sheet.title == "statements":
                key = (record["stage"], record["instrument"], record["item"])
                _add(statements, key, _statement(record, "XLSX"), "XLSX")
            else:
                _add(view, *_cell(sheet.title, record, "XLSX"), "XLSX")
    return view, statements


def labels(survey: Survey) -> dict[str, dict[str, tuple]]:
    """Per table, the words an HTML table or a chart shows for a cell -> the cell's key."""
    out = {
        "stages": {s["name"]: (s["slug"],) for s in STAGES},
        "services": {s["name"]: (code,) for code, s in survey.services.items()},
        "transitions": {
            f"{a['name']}|{b['name']}": (x, y)
            for x, a in survey.services.items()
            for y, b in survey.services.items()
        },
        "sectors": {v: (v,) for v in SECTORS.values()},
        "roles": {v: (v,) for v in ROLES.values()},
        "quarters": {q: (q,) for q in QUARTERS},
        "stage_roles": {f"{s['name']}|{r}": (s["slug"], r) for s in STAGES for r in ROLES.values()},
    }
    for dim, groups in EQUALITY.items():
        out[f"equality_{dim}"] = {g: (g,) for g, _ in groups}
    return out


MEASURE_OF = {label: m for m, label in MEASURES.items()}
STATEMENT_OF = {text: key for key, text in STATEMENTS.items()}
ROW_TABLES = {  # tables with a row per group: caption -> table
    "Score at each stage": "stages",
    "Score for each move (moved from, moved to)": "transitions",  # the PDF
    "Score for each move between services": "transitions",  # the dashboard
    "Score by service": "services",
    "Score by sector": "sectors",
    "Score by who answered": "roles",
    "Patients and carers at each stage": "stage_roles",  # the PDF
    "Score by quarter": "quarters",
    **{f"Score by {d.replace('_', ' ')}": f"equality_{d}" for d in EQUALITY},
}
GRID_TABLES = [  # a row per stage, a column per quarter or role (and measure)
    (re.compile(r"Score at each stage by quarter: (?P<m>.+)"), "stage_quarters"),  # the PDF
    (re.compile(r"(?P<m>.+): each stage by quarter"), "stage_quarters"),  # the dashboard
    (re.compile(r"Patients and carers at each stage, side by side"), "stage_roles"),
]
ABSENT = "absent"  # a cell an HTML table marks as having nobody in it
DASH = "\N{EN DASH}"  # the PDF's mark for "nobody"


def _cells(row) -> tuple[int, list[str]]:
    """A table row's texts, and how many of them lead as row headers."""
    for heading in row.select(".nhsuk-table-responsive__heading"):  # the dashboard's phone labels
        heading.decompose()
    cells = row.find_all(["td", "th"], recursive=False)
    leading = next((i for i, c in enumerate(cells) if c.name != "th"), len(cells))
    return leading, [c.get_text(" ", strip=True) for c in cells]


def _read(text: str, threshold: int, where: str) -> Shown | str | None:
    """One figure as an HTML cell words it: hidden, nobody, or a score with its n."""
    if "fewer than" in text:
        rest = text.replace(f"fewer than {threshold}", "")
        assert f"fewer than {threshold}" in text and not re.search(r"\d", rest), (where, text)
        return None
    if text in (DASH, "No responses"):
        return ABSENT
    mean = float(re.search(r"-?\d+\.\d", text)[0])
    n = re.search(r"\bn (\d+)|\((\d+) responses\)", text)
    interval = re.search(r"(-?\d+\.\d) to (-?\d+\.\d)", text)
    low, high = (float(interval[1]), float(interval[2])) if interval else (None, None)
    return Shown(int(n[1] or n[2]) if n else None, mean, low, high)


def _tables(html: str):
    """(caption, header, rows) of every table; a row is (leading row headers, texts)."""
    for tag in BeautifulSoup(html, "html.parser").find_all("table"):
        caption = tag.caption.get_text(" ", strip=True) if tag.caption else ""
        header = [th.get_text(strip=True) for th in tag.thead.find_all("th")] if tag.thead else []
        rows = [_cells(row) for row in tag.tbody.find_all("tr")] if tag.tbody else []
        yield caption, header, rows


def _grid_column(match: re.Match, head: str) -> tuple[str, str]:
    """A grid column's group and measure: from the caption ("CTM-15: each stage by quarter")
    or from the column ("Carer: CTM-15")."""
    if "m" in match.re.groupindex:
        return head, MEASURE_OF[match["m"]]
    group, _, label = head.rpartition(": ")
    return group, MEASURE_OF[label]


def html_view(html: str, survey: Survey) -> View:
    """The figures in the tables of the PDF's HTML or of the dashboard, by caption: a row
    per figure (the dashboard), a row per group and a column per measure (the PDF), or a
    row per stage and a column per quarter or role, for one measure or each measure."""
    names = labels(survey)
    threshold = survey.threshold
    view: View = {}
    for caption, header, rows in _tables(html):
        grid = [(p.fullmatch(caption), t) for p, t in GRID_TABLES if p.fullmatch(caption)]
        if caption in ROW_TABLES and "Measure" in header:
            table = ROW_TABLES[caption]
            first = header.index("Measure")
            for _, texts in rows:
                key = (table, MEASURE_OF[texts[first]], names[table]["|".join(texts[:first])])
                if len(texts) < len(header):
                    _add(view, key, _read(texts[first + 1], threshold, caption), caption)
                    continue
                cols = dict(zip(header, texts, strict=True))
                score = next(v for k, v in cols.items() if k.startswith("Score"))
                words = f"{score} ({cols['Responses']} responses) {cols.get('95% interval', '')}"
                _add(view, key, _read(words, threshold, caption), caption)
            continue
        if grid:
            (match, table), *_ = grid
        elif caption in ROW_TABLES:
            table = ROW_TABLES[caption]
        else:
            continue
        for leading, texts in rows:
            width = leading or 1
            if grid:  # the row is a stage; a column a quarter or role, or "role: measure"
                stages, other = TWO_WAY[table]
                heads = []
                for head in header[width:]:
                    group, measure = _grid_column(match, head)
                    heads.append((measure, names[stages][texts[0]] + names[other][group]))
            else:
                key = names[table]["|".join(texts[:width])]
                heads = [(MEASURE_OF[h], key) for h in header[width:]]
            for (measure, key), text in zip(heads, texts[width:], strict=True):
                if (shown := _read(text, threshold, caption)) != ABSENT:
                    _add(view, (table, measure, key), shown, caption)
    return view


def html_statements(html: str, survey: Survey) -> dict[tuple, int | None]:
    """(stage, instrument, item) -> the number who answered, or None where hidden."""
    stage_of = {s["name"]: s["slug"] for s in STAGES}
    threshold = survey.threshold
    out: dict[tuple, int | None] = {}
    for caption, header, rows in _tables(html):
        if caption.startswith("Statements: "):  # the dashboard: a table per stage
            stage = stage_of[caption.removeprefix("Statements: ")]
            for _, texts in rows:
                text = re.sub(r" \([^)]*\)$", "", texts[0])
                n = None if f"fewer than {threshold} answers" in texts[1] else int(texts[1])
                _add(out, (stage, *STATEMENT_OF[text]), n, caption)
        elif caption.endswith(": top box and answers to each statement by stage"):  # the PDF
            for _, texts in rows:
                for stage, text in zip(header[1:], texts[1:], strict=True):
                    if text != DASH:
                        key = (stage_of[stage], *STATEMENT_OF[texts[0]])
                        n = re.search(r"\bn (\d+)", text)
                        _add(out, key, None if "fewer than" in text else int(n[1]), caption)
    return out


def headline_counts(html: str) -> list[int]:
    """The counts in the PDF's points tables, its answers by channel and "preferred not to
    say" notes (the number of responses and of people on the cover is the report's scope)."""
    found = []
    for caption, header, rows in _tables(html):
        if caption.startswith("Three "):
            found += [int(texts[header.index("Responses")]) for _, texts in rows]
        if caption == "What the report covers":
            channels = [t[1] for _, t in rows if t[0].startswith("Answered on")]
            found += [int(n) for n in channels if n.isdigit()]
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    found += [int(n) for n in re.findall(r"Preferred not to say: (\d+)", text)]
    return found


def chart_view(figure: dict, name: str, survey: Survey) -> tuple[View, set]:
    """What one chart (its figure JSON) draws, and the cells it marks as hidden."""
    names = labels(survey)
    kind = name.split(":")[0]
    measure = name.split(":")[-1]
    drawn: View = {}
    hidden = set()
    for trace in figure["data"]:
        counts = None
        if kind in ("journey", "trend"):
            table = "stages" if kind == "journey" else "quarters"
            measure, means, error = MEASURE_OF[trace["name"]], trace["y"], trace["error_y"]
            keys = [names[table][x] for x in trace["x"]]
        elif kind == "stage_trend":
            table, means, error = "stage_quarters", trace["y"], None
            keys = [names["stages"][trace["name"]] + (q,) for q in trace["x"]]
        elif kind == "transitions":
            table = "transitions"
            keys = [names[table][f"{y}|{x}"] for x, y in zip(trace["x"], trace["y"], strict=True)]
            if trace["name"].startswith("Suppressed"):
                assert set(trace["text"]) == {f"n<{survey.threshold}"}, trace["text"]
                hidden |= {(table, measure, k) for k in keys}
                continue
            means, error = trace["marker"]["color"], None
            counts = [int(re.search(r"n=(\d+)$", h)[1]) for h in trace["hovertext"]]
        else:  # bars: services:<measure> or equality:<dimension>:<measure>
            table = "services" if kind == "services" else f"equality_{name.split(':')[1]}"
            means, error = trace["x"], trace["error_x"]
            keys = [names[table][y] for y in trace["y"]]
        for i, key in enumerate(keys):
            low = high = None
            if error:
                low, high = means[i] - error["arrayminus"][i], means[i] + error["array"][i]
            n = counts[i] if counts else None
            _add(drawn, (table, measure, key), Shown(n, means[i], low, high), name)
    if kind == "stage_trend":  # hidden points are named in a note under the axis
        note = (figure["layout"].get("xaxis", {}).get("title") or {}).get("text", "")
        note = note.replace("<br>", " ").split("responses: ", 1)[-1] if "Not shown" in note else ""
        for part in filter(None, note.split("; ")):
            stage, quarters = part.rsplit(": ", 1)
            for q in quarters.split(", "):
                hidden.add(("stage_quarters", measure, names["stages"][stage] + (q,)))
    return drawn, hidden


# --- building the outputs -------------------------------------------------------------------


def outputs(survey: Survey) -> dict:
    """Every output of the report. The PDF's chart pictures are stubbed (kaleido is slow):
    the stub keeps the figures the PDF would draw, and they are checked as figures."""
    report = build_report(report_input(survey))
    drawn: list[dict] = []

    def pictures(figs, width=720):
        drawn.extend(json.loads(f.to_json()) for f in figs)
        return ["<svg xmlns='http://www.w3.org/2000/svg'/>" for _ in figs]

    with mock.patch("reports.pdf.to_svgs", pictures):
        html = report_html(report, "Test Trust")
    return {
        "json": json.loads(json.dumps(report, ensure_ascii=False)),  # as the download
        "csv": to_csv(report),
        "xlsx": to_xlsx(report),
        "pdf_html": html,
        "charts": {name: json.loads(fig.to_json()) for name, fig in figures(report).items()},
        "pdf_charts": dict(zip(figures(report, compact=True), drawn, strict=True)),
    }


# --- checks ---------------------------------------------------------------------------------


def check_figures(view: View, facts: dict[tuple, Truth], threshold: int, where: str, tol: float):
    """Every shown figure is about at least ``threshold`` people: its count and its mean are
    those of a group that big (``tol``: what the output's rounding allows)."""
    for key, shown in view.items():
        assert key in facts, f"{where} shows {key}, a group nobody is in"
        if shown is None:
            continue
        fact = facts[key]
        assert fact.n >= threshold, f"{where} shows {key}, a group of {fact.n}: {shown}"
        assert shown.n in (None, fact.n), f"{where}: {key} has n={shown.n}, not {fact.n}"
        assert math.isclose(shown.mean, fact.mean, abs_tol=tol), (where, key, shown, fact)
        if shown.low is not None:
            assert shown.low - tol <= shown.mean <= shown.high + tol, (where, key, shown)


def check_same(view: View, reference: View, where: str, scope=lambda key: True) -> None:
    """The output lists, shows and hides exactly the cells the JSON does (within the part of
    the report it covers), with the same numbers."""
    expected = {k: v for k, v in reference.items() if scope(k)}
    hidden = {k for k, v in view.items() if v is None}
    assert hidden == {k for k, v in expected.items() if v is None}, f"{where} hides other cells"
    assert view.keys() == expected.keys(), f"{where} lists other cells than the JSON"
    for key, shown in view.items():
        if shown is not None:
            ref = expected[key]
            assert shown.n in (None, ref.n), (where, key, shown, ref)
            for a, b in ((shown.low, ref.low), (shown.high, ref.high)):
                assert a is None or math.isclose(a, b, abs_tol=0.051), (where, key, shown, ref)


def chart_scope(name: str) -> set[tuple[str, str]]:
    """The (table, measure) pairs a chart draws every shown figure of."""
    parts = name.split(":")
    if parts[0] in ("journey", "trend"):
        table = "stages" if parts[0] == "journey" else "quarters"
        return {(table, m) for m in MEASURES if ":" not in m}
    table = {"stage_trend": "stage_quarters", "equality": f"equality_{parts[1]}"}
    return {(table.get(parts[0], parts[0]), parts[-1])}


def check_charts(charts: dict[str, dict], reference: View, facts, survey: Survey, where: str):
    """A chart draws exactly the shown cells of its measure, and marks hidden ones (where it
    marks any) as the JSON does."""
    for name, figure in charts.items():
        drawn, hidden = chart_view(figure, name, survey)
        where_ = f"{where} chart {name}"
        check_figures(drawn, facts, survey.threshold, where_, 1e-9)
        covered = chart_scope(name)
        shown_ref = {k for k, v in reference.items() if v is not None and k[:2] in covered}
        assert drawn.keys() == shown_ref, f"{where_} draws other cells than the JSON shows"
        check_same(drawn, {k: reference[k] for k in drawn}, where_)
        if name.startswith(("transitions:", "stage_trend:")):
            hidden_ref = {k for k, v in reference.items() if v is None and k[:2] in covered}
            assert hidden == hidden_ref, f"{where_} marks other cells hidden than the JSON"


def main_measure(key: tuple) -> bool:
    return ":" not in key[1]


# --- the properties -------------------------------------------------------------------------


def examples(n: int) -> settings:
    """``n`` examples; the file runs in under a minute (most time: building outputs)."""
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@examples(10)
@given(survey=surveys())
def test_every_output_shows_only_big_enough_groups_and_hides_the_same_cells(survey):
    out = outputs(survey)
    facts = truth(survey)
    threshold = survey.threshold
    reference, statements = json_view(out["json"])
    # The JSON lists every group of the survey, and hides every one below the threshold.
    assert reference.keys() == facts.keys()
    small = {k for k, fact in facts.items() if fact.n < threshold}
    assert small <= {k for k, v in reference.items() if v is None}
    check_figures(reference, facts, threshold, "JSON", 1e-9)
    for measure, n in pathway_truth(survey).items():
        cell = out["json"]["pathway"][measure]
        assert cell["n"] == (None if n < threshold else n), (measure, n, cell)

    csv_cells, csv_statements = csv_view(out["csv"])
    xlsx_cells, xlsx_statements = xlsx_view(out["xlsx"])
    pdf_cells = html_view(out["pdf_html"], survey)
    check_figures(csv_cells, facts, threshold, "CSV", 1e-9)
    check_figures(xlsx_cells, facts, threshold, "XLSX", 1e-9)
    check_figures(pdf_cells, facts, threshold, "PDF", 0.051)
    check_same(csv_cells, reference, "CSV")
    check_same(xlsx_cells, reference, "XLSX")
    # The PDF: whole-instrument measures; stage by quarter for its headline measure only.
    assert len({k[1] for k in pdf_cells if k[0] == "stage_quarters"}) <= 1
    headline = {k[1] for k in pdf_cells if k[0] == "stage_quarters"}
    check_same(
        pdf_cells,
        reference,
        "PDF",
        lambda k: main_measure(k) and (k[0] != "stage_quarters" or k[1] in headline),
    )
    check_charts(out["charts"], reference, facts, survey, "dashboard")
    check_charts(out["pdf_charts"], reference, facts, survey, "PDF")

    # Statements: shown only when at least the threshold answered, with their own figures.
    answers = statement_truth(survey)
    assert statements.keys() == answers.keys()
    for key, shown in statements.items():
        answered, valued, mean = answers[key]
        if answered < threshold or valued < threshold:
            assert shown is None, f"statement {key} shown with {answered} answers"
        if shown is not None:
            assert shown[0] == answered and math.isclose(shown[1], mean, abs_tol=1e-9)
    for where, other in (("CSV", csv_statements), ("XLSX", xlsx_statements)):
        assert other.keys() == statements.keys(), where
        for key, shown in other.items():
            ref = statements[key]
            assert shown == ref or (math.isclose(shown[1], ref[1]) and shown[0] == ref[0]), where
    pdf_statements = html_statements(out["pdf_html"], survey)
    assert pdf_statements == {k: v and v[0] for k, v in statements.items()}
    # Strongest and weakest points, headline counts and comment groups: about enough people.
    for point in out["json"]["strongest"] + out["json"]["weakest"]:
        assert point["n"] >= threshold, point
    for n in headline_counts(out["pdf_html"]):
        assert n >= threshold, f"the PDF's headline shows a count of {n}"
    for group in out["json"]["comments"]:
        assert len(group["comments"]) >= threshold


# --- what a reader holding every output can work out ----------------------------------------


class Attack(NamedTuple):
    cell: tuple
    at_most: int
    really: int


PATHWAY = ("pathway", ())
HEADLINE = ("headline", ())  # the number of responses, on the cover and the dashboard


class Constraints:
    """Linear constraints a reader can write on the hidden counts of one measure."""

    def __init__(self, cells: dict[tuple, Shown | None], pathway_n: int | None, responses: int):
        self.cells = cells | {PATHWAY: None if pathway_n is None else Shown(pathway_n, 0, 0, 0)}
        self.hidden = [c for c, v in self.cells.items() if v is None]
        self.cells[HEADLINE] = Shown(responses, 0, 0, 0)
        self.equal: list[tuple[list[float], float]] = []
        self.at_most: list[tuple[list[float], float]] = []

    def add(self, parts: list[tuple], whole: tuple, equal: bool = True) -> None:
        """sum(parts) == whole (or <=); a cell no output lists holds nobody."""
        row = [0.0] * len(self.hidden)
        known = 0.0
        for cell, sign in [(p, 1) for p in parts] + [(whole, -1)]:
            if cell in self.hidden:
                row[self.hidden.index(cell)] += sign
            elif self.cells.get(cell):
                known += sign * self.cells[cell].n
        (self.equal if equal else self.at_most).append((row, -known))

    def largest(self, cell: tuple) -> int | None:
        """The most ``cell`` can hold; None when nothing bounds it."""
        objective = [0.0] * len(self.hidden)
        objective[self.hidden.index(cell)] = -1.0
        result = linprog(
            objective,
            A_eq=[r for r, _ in self.equal] or None,
            b_eq=[b for _, b in self.equal] or None,
            A_ub=[r for r, _ in self.at_most] or None,
            b_ub=[b for _, b in self.at_most] or None,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:  # unbounded
            return None
        assert result.status == 0, f"the survey itself breaks the model: {result.message}"
        return math.floor(-result.fun + 1e-6)


def attack(view: View, report: dict, survey: Survey, facts) -> list[Attack]:
    """For each hidden count, the most it can be given every shown count, the pathway's
    count, the headline's number of responses and how the breakdowns fit together: each
    one-way breakdown adds up to the pathway; stage x quarter and stage x role add up to the
    stages and to the quarters or roles; services add up to their sectors; the moves add up
    to the transition stage, and the moves from a service are at most that service's count.
    A linear programme per hidden count, as reports.disclosure audits one table, but across
    all the outputs. Returns the counts proved to be below the threshold (or below the
    headline's number of responses, if that is smaller: the headline says that already)."""
    responses = report["overview"]["responses"]  # None: "fewer than the threshold"
    found = []
    for measure in sorted({k[1] for k in view}):
        cells = {(t, k): v for (t, m, k), v in view.items() if m == measure}
        system = Constraints(cells, report["pathway"][measure]["n"], responses or 0)
        keys = defaultdict(list)
        for table, key in cells:
            keys[table].append(key)
        for table in PARTITIONS:
            system.add([(table, k) for k in keys[table]], PATHWAY)
        for table, (rows, cols) in TWO_WAY.items():
            for side, whole in ((0, rows), (1, cols)):
                for key in keys[whole]:
                    parts = [(table, k) for k in keys[table] if (k[side],) == key]
                    system.add(parts, (whole, key))
        for sector in keys["sectors"]:
            parts = [("services", k) for k in keys["services"] if _sector(survey, k) == sector]
            system.add(parts, ("sectors", sector))
        moves = [("transitions", k) for k in keys["transitions"]]
        system.add(moves, ("stages", (TRANSITION_STAGE,)))
        for service in keys["services"]:
            from_it = [m for m in moves if (m[1][0],) == service]
            system.add(from_it, ("services", service), equal=False)
        if responses is not None:
            system.add([PATHWAY], HEADLINE, False)
        for cell in system.hidden:
            bound = system.largest(cell)
            if bound is not None and bound < min(survey.threshold, responses or survey.threshold):
                key = (cell[0], measure, cell[1])
                found.append(Attack(key, bound, facts.get(key, Truth(-1, 0)).n))
    return found


def _sector(survey: Survey, key: tuple) -> tuple:
    return (SECTORS[survey.services[key[0]]["sector"]],)


@examples(40)
@given(survey=surveys())
def test_no_hidden_figure_can_be_worked_out_from_its_own_breakdown(survey):
    """reports.disclosure's own checks, run on the cells the JSON download hides (the other
    outputs hide the same, as checked above): a one-way breakdown against the pathway's total,
    a two-way table against its row and column totals (a cell no output lists holds nobody)."""
    report = build_report(report_input(survey))
    view, _ = json_view(json.loads(json.dumps(report)))
    facts = truth(survey)
    threshold = survey.threshold
    tables = defaultdict(dict)
    for (table, measure, key), shown in view.items():
        tables[table, measure][key] = shown
    for (table, measure), cells in tables.items():
        counts = {k: facts[table, measure, k].n for k in cells}
        hidden = {k for k, v in cells.items() if v is None}
        if len(KEYS[table]) == 1:
            found = recoverable(counts, hidden, threshold)
        else:  # recoverable_table counts a cell missing from ``counts`` as a shown zero
            found = [f for f in recoverable_table(counts, hidden, threshold) if f.cells[0] in cells]
        assert found == [], f"{table}, {measure}: {found}"


@examples(30)
@given(survey=surveys())
def test_no_hidden_figure_can_be_worked_out_from_all_the_outputs_together(survey):
    """A reader with every download at once, who knows how the breakdowns fit together (see
    ``attack``), cannot prove any hidden count to be below the threshold."""
    report = build_report(report_input(survey))
    data = json.loads(json.dumps(report))
    view, _ = json_view(data)
    found = attack(view, data, survey, truth(survey))
    assert found == [], f"threshold {survey.threshold}: {found}"


def test_a_sector_cannot_give_away_a_hidden_service():
    # Each table alone: services wards 10 shown, beds 10 and oakview 1 hidden; sectors
    # community (beds only) 10 shown. Together, beds = 10 and oakview = 21 - 10 - 10 = 1: the
    # tables are audited together (reports.linked), so one more figure is hidden.
    survey = Survey(
        threshold=10,
        services={
            "wards": {"name": "County Hospital wards", "sector": "acute"},
            "beds": {"name": "Hillford step-down beds", "sector": "community"},
            "oakview": {"name": "Oakview Care Home", "sector": "social_care"},
        },
        sizes={
            ("ward", "beds", None, "2026-Q1"): 10,
            ("ward", "oakview", None, "2026-Q1"): 1,
            ("ward", "wards", None, "2026-Q1"): 10,
        },
        scored={"ctm": 1.0, "ist": 0.6},
        seed=0,
    )
    data = json.loads(json.dumps(build_report(report_input(survey))))
    view, _ = json_view(data)
    assert attack(view, data, survey, truth(survey)) == []


def test_hidden_stage_and_move_totals_are_not_given_away_by_linked_tables():
    # Fixed: a hidden stage's row in stage x quarter is hidden too (leak 1), and so are the
    # moves of a hidden transition stage (leak 2).
    services = {
        "wards": {"name": "County Hospital wards", "sector": "acute"},
        "beds": {"name": "Hillford step-down beds", "sector": "community"},
    }
    for sizes in (
        {("ward", "wards", None, "2026-Q1"): 10, ("home", "wards", None, "2026-Q2"): 1},
        {("leaving", "wards", "beds", "2026-Q1"): 10, ("ward", "wards", None, "2026-Q1"): 1},
    ):
        survey = Survey(10, services, sizes, {"ctm": 1.0, "ist": 0.6}, 0)
        data = json.loads(json.dumps(build_report(report_input(survey))))
        view, _ = json_view(data)
        assert attack(view, data, survey, truth(survey)) == [], sizes


@examples(30)
@given(survey=surveys())
def test_counts_outside_the_figures_are_hidden_like_them(survey):
    """The headline's counts by channel and by role, and each equality group's count: each
    one shown is at least the threshold, and the hidden ones cannot be had from the total."""
    report = json.loads(json.dumps(build_report(report_input(survey))))
    threshold = survey.threshold
    overview = report["overview"]
    partitions = {"channels": ("channel", overview["channels"])}
    partitions["roles"] = ("role", overview.get("roles", {}))
    for dim, data in report["equality"].items():
        partitions[dim] = (dim, data["counts"])
    leaks = {}
    for name, (key, shown) in partitions.items():
        counts = counts_by(survey, key)
        if key in EQUALITY:  # as app.data.reports.report_input keys it
            counts["prefer_not_to_say"] = counts.pop("Prefer not to say", 0)
        assert set(shown) <= set(counts), name
        for k, n in shown.items():
            assert n in (None, counts[k]), (name, k, n)
        hidden = {k for k in counts if shown.get(k) is None}
        if found := recoverable(counts, hidden, threshold):
            leaks[name] = (shown, found)
    assert not leaks, f"threshold {threshold}: {leaks}"


@examples(15)
@given(survey=surveys(big=True))
def test_a_breakdown_with_no_group_below_the_threshold_hides_nothing(survey):
    """Suppression is only for small groups: a breakdown where every group that can exist
    has at least the threshold shows every figure. (A move from a service to itself cannot
    exist, so its absence is not a small group.)"""
    report = build_report(report_input(survey))
    view, _ = json_view(json.loads(json.dumps(report)))
    facts = truth(survey)
    tables = defaultdict(dict)
    for (table, measure, key), shown in view.items():
        tables[table, measure][key] = shown
    for (table, measure), cells in tables.items():
        if len(KEYS[table]) == 2:  # every cell of the grid that can exist must be there
            rows = {k[0] for k in cells}
            cols = {k[1] for k in cells}
            grid = {(r, c) for r in rows for c in cols if table != "transitions" or r != c}
            if grid - cells.keys():
                continue
        if all(facts[table, measure, k].n >= survey.threshold for k in cells):
            hidden = sorted(k for k, v in cells.items() if v is None)
            assert not hidden, f"{table}, {measure}: {hidden} hidden, all groups are big enough"


# --- hand-made examples ---------------------------------------------------------------------


def hand_survey(threshold: int, sizes: dict[tuple, int], services=("wards", "beds")) -> Survey:
    return Survey(threshold, {c: SERVICES[c] for c in services}, sizes, {"ctm": 1.0}, 0)


def test_the_readers_see_a_hand_made_report():
    """20 on the ward (shown); 12 back home and 3 leaving hospital (hidden: 3 is too few, and
    12 with it, so that 3 cannot be had from the total): each reader sees just that."""
    survey = hand_survey(
        10,
        {
            ("ward", "wards", None, QUARTERS[0]): 20,
            ("home", "beds", None, QUARTERS[0]): 12,
            ("leaving", "wards", "beds", QUARTERS[0]): 3,
        },
    )
    out = outputs(survey)
    ward, home, leaving = (("stages", "ctm", (s,)) for s in ("ward", "home", "leaving"))
    views = {
        "JSON": json_view(out["json"])[0],
        "CSV": csv_view(out["csv"])[0],
        "XLSX": xlsx_view(out["xlsx"])[0],
        "PDF": html_view(out["pdf_html"], survey),
    }
    on_ward = [r["scores"]["ctm"] for r in survey.responses if r["stage"] == "ward"]
    for where, view in views.items():
        assert view[ward].n == 20, where
        assert math.isclose(view[ward].mean, sum(on_ward) / 20, abs_tol=0.051), where
        assert view[home] is None and view[leaving] is None, where
    drawn, _ = chart_view(out["charts"]["journey"], "journey", survey)
    assert list(drawn) == [ward]


def test_a_report_on_fewer_people_than_the_threshold_does_not_say_how_many():
    """Seven responses: the headline says "fewer than 10", not 7, in the JSON and the PDF."""
    survey = hand_survey(10, {("ward", "wards", None, QUARTERS[0]): 7})
    report = json.loads(json.dumps(build_report(report_input(survey))))
    assert report["overview"]["responses"] is None
    assert report["overview"]["journeys"] is None
    text = BeautifulSoup(report_html(report, "Test Trust"), "html.parser").get_text(" ")
    assert "Based on fewer than 10 responses from fewer than 10 people" in " ".join(text.split())
    assert not re.search(r"\b7 responses", text)
    bigger = hand_survey(10, {("ward", "wards", None, QUARTERS[0]): 12})
    assert build_report(report_input(bigger))["overview"]["responses"] == 12


def test_a_report_with_no_responses_still_has_every_output():
    """A period nobody answered in: nothing to show, and every download says so rather than
    failing."""
    survey = hand_survey(10, {})
    report = build_report(report_input(survey))
    assert json_view(json.loads(json.dumps(report)))[0] == {}
    assert xlsx_view(to_xlsx(report))[0] == {}
    assert html_view(report_html(report, "Test Trust"), survey) == {}
    assert csv_view(to_csv(report))[0] == {}


# --- the PDF with its real chart pictures ---------------------------------------------------


def _picture_texts(svg: str) -> dict[str, list[str]]:
    """The words of an SVG chart picture by the kind of element Plotly draws them in."""
    out: dict[str, list[str]] = defaultdict(list)
    for group in BeautifulSoup(svg, "html.parser").find_all("g", class_=True):
        for text in group.find_all("text", recursive=False):
            out[group["class"][0]].append(text.get_text())
    return out


@examples(3)
@given(survey=surveys())
def test_the_pdf_pictures_show_only_what_the_tables_show(survey):
    """kaleido draws the charts (a few examples only: seconds a report). The tables read the
    same as with the pictures stubbed; the pictures are those of the figures checked above; a
    move's picture labels exactly the scores shown and marks exactly the moves hidden; a bar
    chart names only the groups it shows."""
    out = outputs(survey)
    report = build_report(report_input(survey))
    html = report_html(report, "Test Trust")
    assert html_view(html, survey) == html_view(out["pdf_html"], survey)
    compact = figures(report, compact=True)
    pictures = dict(zip(compact, to_svgs(list(compact.values())), strict=True))  # kaleido's cache
    embedded = [
        base64.b64decode(tag["src"].split(",", 1)[1]).decode("utf-8")
        for tag in BeautifulSoup(html, "html.parser").find_all("img", class_="chart")
    ]
    assert sorted(embedded) == sorted(pictures.values())
    reference, _ = json_view(out["json"])
    names = {t: {key: word for word, key in words.items()} for t, words in labels(survey).items()}
    for name, svg in pictures.items():
        texts = _picture_texts(svg)
        (table, measure), *_ = sorted(chart_scope(name))
        cells = {k[2]: v for k, v in reference.items() if k[:2] == (table, measure)}
        if name.startswith("transitions:"):
            expected = [f"{v.mean:.0f}" if v else f"n<{survey.threshold}" for v in cells.values()]
            assert sorted(texts["textpoint"]) == sorted(expected), name
        elif name.startswith(("services:", "equality:")):
            shown = {names[table][k] for k, v in cells.items() if v is not None}
            assert set(texts["ytick"]) == shown, name
