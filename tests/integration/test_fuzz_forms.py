"""Malformed requests never reach a 500: every form, query string and URL, public and staff.

The routes come from the URL map, filled in with real slugs and ids (the demo area, a started
response, a batch with a keyed form, a print run, another account), and each page's fields
are read from its own HTML, so a new route or field is fuzzed without editing this file.
Hypothesis then sends hostile values: wrong types, 1 MB strings, NUL bytes, lone surrogates
(as the bytes a careless client sends), right-to-left overrides, huge numbers, bad dates,
repeated fields, JSON bodies, and file parts where the form expects text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.auth.access import PUBLIC, access_of
from app.data import users as user_data
from app.data.audit import SYSTEM
from app.extensions import db
from app.models import PaperForm, Pathway, Service
from tests.integration.walker import Walker, start

SURVEY = "lh-leaving-hospital"
EXAMPLES = 60  # per test: a few seconds each (queries, cheaper, get twice as many)

# Pieces of hostile input, and the kinds of field each is most hostile to.
BAD_DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "31/12/2026"]
BAD_NUMBERS = ["2147483648", "9" * 40, "-1", "1e309", "NaN"]
ATOMS = [
    "\x00",
    "\ud800",  # lone surrogates: sent as the bytes ED A0 80, which UTF-8 does not allow
    "\udfff",
    "\u202e",  # right-to-left override
    "x" * 1_000_000,
    "[]",
    "true",
    "<script>alert(1)</script>",
    "=1+1",
    "%00",
    "\r\n",
    *BAD_DATES,
    *BAD_NUMBERS,
]
ANY = st.sampled_from(ATOMS)
MIXED = st.lists(ANY | st.text(max_size=8), min_size=1, max_size=3).map("".join)
# A field gets a value hostile to its own kind (half the time), a hostile piece, or a mix.
VALUES = {
    "date": st.one_of(st.sampled_from(BAD_DATES), st.sampled_from(BAD_DATES), ANY, MIXED),
    "number": st.one_of(st.sampled_from(BAD_NUMBERS), st.sampled_from(BAD_NUMBERS), ANY, MIXED),
    "text": st.one_of(ANY, ANY, MIXED),
}
# Query parameters the views read themselves, beside the fields of each page's GET forms.
QUERY_NAMES = {"page": "number"} | dict.fromkeys(
    ("code", "change", "next", "reason", "download", "survey"), "text"
)
# Signing out would end the session every later staff request needs.
NOT_POSTED = {"auth.sign_out"}
# Renders a whole print run's PDF (seconds) and reads no query: its run id is fuzzed in the URL.
NOT_FETCHED = {"paper.home_print_pdf"}
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")


@dataclass(frozen=True)
class Target:
    endpoint: str
    url: str
    post_fields: tuple[tuple[str, str], ...]  # (name, kind); none if the route takes no POST
    query_fields: tuple[tuple[str, str], ...]  # (name, kind); none if it takes no GET


def _encoded(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _urlencoded(pairs) -> str:
    return "&".join(f"{_encoded(name)}={_encoded(value)}" for name, value in pairs)


def _short(fields: dict) -> dict:
    return {name: value[:40] + ("..." if len(value) > 40 else "") for name, value in fields.items()}


class Addresses:
    """A new network address for each request: the sign-in and journey-code limits have
    their own tests, and here they would turn later examples into 429s that parse nothing."""

    def __init__(self):
        self._numbers = itertools.count(1)

    def next(self) -> dict:
        n = next(self._numbers)
        return {"REMOTE_ADDR": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}


def _kind(page: BeautifulSoup, tag) -> str:
    """ "date", "number" or "text", from what the page tells a person about the field."""
    described = [tag.get("id", ""), *tag.get("aria-describedby", "").split()]
    said = " ".join(
        found.get_text()
        for found in page.find_all(["label", "div", "span"])
        if found.get("for") == tag.get("id") or found.get("id") in described[1:]
    )
    if "YYYY-MM-DD" in said:
        return "date"
    if tag.get("inputmode") == "numeric" or tag.get("type") == "number":
        return "number"
    return "text"


def _form_fields(html: str) -> dict[str, dict[str, str]]:
    """Field names and kinds of the page's forms, by method."""
    page = BeautifulSoup(html, "html.parser")
    found = {"post": {}, "get": {}}
    for form in page.find_all("form"):
        fields = form.find_all(["input", "select", "textarea"], attrs={"name": True})
        found.setdefault(form.get("method", "get").lower(), {}).update(
            (tag["name"], _kind(page, tag)) for tag in fields
        )
    return found


def _survey_pages(app) -> list[str]:
    """The page URLs of one started, unfinished response, up to its check page."""
    client = app.test_client()
    started, _ = start(client, SURVEY)
    url, walker, pages = started.location, Walker(client), []
    while not url.endswith("/check"):
        pages.append(url)
        url = walker.step(url)
        assert len(pages) < 60, "the survey never reached its check page"
    return [*pages, url]


def _staff_values(client) -> dict[str, object]:
    """Real ids for the staff routes, made through the app as a volunteer would."""
    pathway = db.session.scalars(select(Pathway).order_by(Pathway.id)).first()
    other = user_data.create_user_with_password(
        SYSTEM, "other@test.invalid", "Other Person", ["volunteer"], "lantern-otter-quartz-x"
    )
    batch = client.post(
        "/paper/batches/new",
        data={
            "survey": SURVEY,
            "place": "Ward 7",
            "collected_on": "2026-03-02",
            "forms_expected": "3",
            "double_entry": "yes",
        },
    )
    batch_id = int(re.search(r"/batches/(\d+)/key", batch.location).group(1))
    keyed = client.post(
        f"/paper/batches/{batch_id}/key",
        data={"form_number": "1", "who_answered": "1", "moved_from": "2", "moved_to": "5"}
        | {f"ctm-15.ctm{n:02d}": "3" for n in range(1, 16)},
    )
    assert keyed.status_code == 302, keyed.text[:2000]
    printed = client.post(
        "/paper/print",
        data={
            "survey": SURVEY,
            "forms": "1",
            "large_print": "no",
            "journey_codes": "no",
            "return_text": "Freepost, Healthwatch",
        },
    )
    assert printed.status_code == 302, printed.text[:2000]
    return {
        "slug": SURVEY,
        "service_id": db.session.scalar(select(func.min(Service.id))),
        "pathway_id": pathway.id,
        "stage_id": pathway.stages[0].id,
        "direction": "down",
        "user_id": other.id,
        "batch_id": batch_id,
        "form_id": db.session.scalar(select(func.max(PaperForm.id))),
        "run_id": int(re.search(r"/print/(\d+)", printed.location).group(1)),
    }


def _public_values() -> dict[str, object]:
    pathway = db.session.scalars(select(Pathway).order_by(Pathway.id)).first()
    account = user_data.create_user_with_password(
        SYSTEM, "invited@test.invalid", "Invited Person", ["volunteer"], "lantern-otter-quartz-y"
    )
    return {"slug": SURVEY, "pathway": pathway.slug, "token": user_data.reset_link(SYSTEM, account)}


def _fill(rule, values: dict, hostile: tuple[str, str] | None = None) -> str:
    """The rule's URL with real values, and optionally one argument replaced by a hostile one."""

    def value(match):
        converter, name = match.groups()
        if hostile and name == hostile[0]:
            return _encoded(hostile[1])
        if converter == "any":
            return sorted(rule._converters[name].items)[0]
        if rule.endpoint == "survey.pathway":
            return values["pathway"]
        return str(values[name])

    return ARGUMENT.sub(value, rule.rule)


def routes(app, public: bool):
    """(rule, values) for every public or every staff route, static files aside."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static" and (access_of(app, rule.endpoint) == PUBLIC) == public:
            yield rule


def targets(app, client, public: bool) -> list[Target]:
    values = _public_values() if public else _staff_values(client)
    urls = []
    for rule in routes(app, public):
        if rule.endpoint == "survey.page":
            urls += [(url, rule) for url in _survey_pages(app)]
        elif rule.endpoint != "survey.done":  # needs a finished response: reached below
            urls.append((_fill(rule, values), rule))
    found = []
    for url, rule in urls:
        fields = {"post": {}, "get": {}}
        if "GET" in rule.methods and rule.endpoint not in NOT_FETCHED:
            page = client.get(url)
            page.close()
            if page.mimetype == "text/html":
                fields = _form_fields(page.get_data(as_text=True))
        post = ()
        if "POST" in rule.methods and rule.endpoint not in NOT_POSTED:
            post = tuple(sorted((fields["post"] or {"confirm": "text"}).items()))
        gettable = "GET" in rule.methods and rule.endpoint not in NOT_FETCHED
        query = tuple(sorted((QUERY_NAMES | fields["get"]).items())) if gettable else ()
        found.append(Target(rule.endpoint, url, post, query))
    return found


def by_endpoint(targets: list[Target]) -> st.SearchStrategy[Target]:
    """A route first, then one of its URLs: the survey's many pages count as one route."""
    groups: dict[str, list[Target]] = {}
    for target in targets:
        groups.setdefault(target.endpoint, []).append(target)
    return st.sampled_from(sorted(groups)).flatmap(lambda name: st.sampled_from(groups[name]))


def post_malformed(client, found: list[Target]) -> None:
    addresses = Addresses()
    posts = by_endpoint([t for t in found if t.post_fields])

    @st.composite
    def cases(draw):
        target = draw(posts)
        chosen = draw(st.lists(st.sampled_from(target.post_fields), min_size=1, unique=True))
        how = draw(st.sampled_from(["urlencoded", "repeated", "files", "json"]))
        return target, {name: draw(VALUES[kind]) for name, kind in chosen}, how

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(case=cases())
    def run(case):
        target, fields, how = case
        environ = addresses.next()
        if how == "files":
            # Every field as a file part: where the form expects text, this is the hostile case.
            # Encoded here, in memory: the test client would spool a large body to a temporary
            # file that it leaves open when the app refuses the body unread (413).
            boundary, body = encode_multipart(
                {
                    name: FileStorage(BytesIO(value.encode("utf-8", "surrogatepass")), "answer.txt")
                    for name, value in fields.items()
                }
            )
            response = client.post(
                target.url,
                data=body,
                content_type=f"multipart/form-data; boundary={boundary}",
                environ_base=environ,
            )
        elif how == "json":
            response = client.post(target.url, json=fields, environ_base=environ)
        else:
            pairs = list(fields.items())
            if how == "repeated":
                pairs += [(name, "1") for name in fields]
            response = client.post(
                target.url,
                data=_urlencoded(pairs),
                content_type="application/x-www-form-urlencoded",
                environ_base=environ,
            )
        response.close()
        assert response.status_code < 500, f"POST {target.url} as {how}: {_short(fields)}"

    run()


def query_malformed(client, found: list[Target]) -> None:
    addresses = Addresses()
    # Pages with a filter form half the time: they are the ones that read their queries.
    filtered = [t for t in found if {name for name, _ in t.query_fields} - set(QUERY_NAMES)]
    gets = by_endpoint([t for t in found if t.query_fields])
    if filtered:
        gets = st.sampled_from(filtered) | gets

    @st.composite
    def cases(draw):
        target = draw(gets)
        # Every parameter at once, each one a chance to find a 500; at most 4 KB, as gunicorn
        # refuses a longer request line before the app sees it.
        return target, {name: draw(VALUES[kind])[:4096] for name, kind in target.query_fields}

    @settings(max_examples=2 * EXAMPLES, deadline=None, database=None)
    @given(case=cases())
    def run(case):
        target, args = case
        query = _urlencoded(args.items())
        response = client.get(target.url, query_string=query, environ_base=addresses.next())
        response.close()
        assert response.status_code < 500, f"GET {target.url}: {_short(args)}"

    run()


def paths_malformed(app, client, public: bool) -> None:
    values = _public_values() if public else _staff_values(client)
    rules = [rule for rule in routes(app, public) if rule.arguments - {"token", "page_id"}]
    addresses = Addresses()

    @st.composite
    def cases(draw):
        rule = draw(st.sampled_from(rules))
        name = draw(st.sampled_from(sorted(rule.arguments)))
        return rule, name, draw(VALUES["number"] | st.integers(min_value=2**31 - 2).map(str))

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(case=cases())
    def run(case):
        rule, name, value = case
        url = _fill(rule, values | {"token": "x", "page_id": "x"}, hostile=(name, value))
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, environ_base=addresses.next())
            response.close()
            assert response.status_code < 500, f"{method} {rule.rule} with {name}={value[:40]!r}"

    run()


@pytest.fixture
def everyone(staff_client, demo_area):
    """A client signed in with every staff role."""
    return staff_client("admin", "volunteer", "commissioner")


def test_public_forms_refuse_malformed_posts_without_a_500(app, client, demo_area):
    found = targets(app, client, public=True)
    posted = {t.url for t in found if t.post_fields}
    assert {"/staff/sign-in", "/resume", f"/s/{SURVEY}"} <= posted
    assert sum(url.startswith("/r/") for url in posted) > 5, "survey pages were not found"
    post_malformed(client, found)


def test_public_pages_refuse_malformed_queries_without_a_500(app, client, demo_area):
    query_malformed(client, targets(app, client, public=True))


def test_staff_forms_refuse_malformed_posts_without_a_500(app, everyone):
    found = targets(app, everyone, public=False)
    posted = {t.url for t in found if t.post_fields}
    assert {"/admin/services/new", "/paper/import", "/paper/batches/new"} <= posted
    post_malformed(everyone, found)


def test_staff_pages_refuse_malformed_queries_without_a_500(app, everyone):
    found = targets(app, everyone, public=False)
    filters = {t.url: dict(t.query_fields) for t in found}
    assert filters["/reports/"]["date_to"] == filters["/admin/audit"]["until"] == "date"
    query_malformed(everyone, found)


@pytest.mark.parametrize("public", [True, False], ids=["public", "staff"])
def test_malformed_urls_are_refused_without_a_500(app, client, everyone, public):
    paths_malformed(app, client if public else everyone, public)
