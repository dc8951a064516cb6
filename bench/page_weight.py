"""Page weight: bytes on the wire for the first survey pages, cold cache, served by gunicorn.

    .venv/bin/python bench/page_weight.py

Two pages: the start page /s/<survey> and the first question page (reached by starting
the survey). Two measurements of each, both with an empty cache:
  parsed   httpx with "Accept-Encoding: gzip, br"; fetches the HTML and what it references
           (link href, script src, img src, JS module imports, CSS url(...)), each once;
           counts compressed body + response headers. CSS url(...) are all counted, used
           or not, so this is an upper bound on what a browser would fetch.
  chromium real headless Chromium (Playwright, /usr/bin/chromium; it asks for
           "gzip, deflate, br, zstd"), a fresh context per page; sums request.sizes()
           responseBodySize + responseHeadersSize over every finished request. Also: the
           question page reached by pressing "Start now" (the cache then warm). Chromium
           cannot resolve any host but 127.0.0.1; failed requests are listed.
Each row shows the Content-Encoding gunicorn sent: are static files compressed?
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli
import httpx
from load import form_fields
from server import bench_server, code_version

ACCEPT = {"Accept-Encoding": "gzip, br"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
FETCHED_REL = {
    "stylesheet",
    "icon",
    "shortcut",
    "mask-icon",
    "apple-touch-icon",
    "manifest",
    "modulepreload",
    "preload",
}
# Any host but 127.0.0.1 fails to resolve: the benchmark never leaves the machine.
LOOPBACK_ONLY = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
JS_IMPORT = re.compile(r"""(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?['"]([^'"]+)['"]""")
GOAL_BYTES = 60 * 1024


class Refs(HTMLParser):
    """Collect the URLs an HTML page makes a browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rels = set((a.get("rel") or "").lower().split())
        if tag == "link" and a.get("href") and rels & FETCHED_REL:
            self.urls.append(("css" if "stylesheet" in rels else "icon", a["href"]))
        elif tag == "script" and a.get("src"):
            self.urls.append(("js", a["src"]))
        elif tag == "img" and a.get("src"):
            self.urls.append(("img", a["src"]))


def fetch(client: httpx.Client, url: str) -> dict:
    """One GET; wire size (compressed body + headers) and the decoded body."""
    with client.stream("GET", url, headers=ACCEPT) as r:
        raw = b"".join(r.iter_raw())
    encoding = r.headers.get("content-encoding", "")
    body = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding, bytes)(raw)
    head = len(f"HTTP/1.1 {r.status_code} {r.reason_phrase}\r\n") + 2
    head += sum(len(k) + len(v) + 4 for k, v in r.headers.raw)
    return {
        "url": urlsplit(url).path,
        "status": r.status_code,
        "encoding": encoding or "-",
        "type": r.headers.get("content-type", "").split(";")[0],
        "body_wire": len(raw),
        "body_decoded": len(body),
        "headers": head,
        "text": body,
    }


def parsed_weight(client: httpx.Client, page_url: str) -> dict:
    """The page and everything it references, each fetched once (a cold cache)."""
    rows, seen, queue = [], set(), [("html", page_url)]
    while queue:
        kind, url = queue.pop(0)
        if url in seen or urlsplit(url).hostname != "127.0.0.1":
            continue
        seen.add(url)
        row = fetch(client, url)
        text = row.pop("text").decode("utf-8", "replace")
        rows.append(row | {"kind": kind})
        if row["status"] != 200:
            continue
        if kind == "html":
            refs = Refs()
            refs.feed(text)
            queue += [(k, urljoin(url, u)) for k, u in refs.urls]
        elif kind == "css":
            queue += [
                ("img", urljoin(url, a or b))
                for a, b in CSS_URL.findall(text)
                if not (a or b).startswith("data:")
            ]
        elif kind == "js":
            queue += [("js", urljoin(url, u)) for u in JS_IMPORT.findall(text) if u[0] in "./"]
    return summarise(rows)


def summarise(rows: list[dict]) -> dict:
    total = sum(r["body_wire"] + r["headers"] for r in rows)
    network = sum(r["encoding"] != "cache" for r in rows)
    return {"requests": network, "cache_hits": len(rows) - network, "bytes": total, "rows": rows}


def question_page_url(base: str, survey: str) -> tuple[str, str]:
    """Start the survey like a person; the start page URL and the first question page URL."""
    start = f"{base}/s/{survey}"
    with httpx.Client(timeout=30) as client:
        data = form_fields(client.get(start).text)
        r = client.post(start, data=data)
        assert r.status_code == 302, r.status_code
    return start, urljoin(base, r.headers["location"])


def chromium_weight(urls: dict[str, str]) -> dict:
    """Real Chromium, a fresh context (empty cache, no cookies) per page.

    No page.route(): Playwright turns the HTTP cache off while routing, which would hide
    what a second page gets from the cache. Other hosts are made unresolvable instead.
    """
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + LOOPBACK_ONLY)
        for name, url in urls.items():
            context = browser.new_context(locale="en-GB")
            page = context.new_page()
            rows, failed = [], []

            def finished(request, rows=rows):
                sizes, resp = request.sizes(), request.response()
                body, head = sizes["responseBodySize"], sizes["responseHeadersSize"]
                cached = body + head <= 0  # a cache hit: nothing crossed the network
                encoding = resp.headers.get("content-encoding", "-")
                rows.append(
                    {
                        "url": urlsplit(request.url).path,
                        "status": resp.status,
                        "encoding": "cache" if cached else encoding,
                        "body_wire": 0 if cached else body,
                        "headers": 0 if cached else head,
                    }
                )

            page.on("requestfinished", finished)
            page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
            page.goto(url, wait_until="networkidle")
            page.wait_for_timeout(500)  # late favicon requests
            out[name] = summarise(list(rows)) | {"failed": list(failed)}
            if name == "start page":  # then press Start: the next page, with a warm cache
                rows.clear()
                page.get_by_role("button", name="Start now").click()
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                out["question page after Start now (warm cache)"] = summarise(list(rows))
            context.close()
        browser.close()
    return out


def print_weight(title: str, w: dict) -> None:
    kb = w["bytes"] / 1024
    verdict = "met" if w["bytes"] <= GOAL_BYTES else "MISSED"
    hits = f" (+{w['cache_hits']} from cache)" if w["cache_hits"] else ""
    print(
        f"\n{title}: {w['requests']} requests{hits}, {w['bytes']:,} bytes ({kb:.1f} KB); "
        f"goal <= 60 KB {verdict}"
    )
    print(f"  {'status':>6} {'enc':>5} {'wire body':>10} {'headers':>8} {'decoded':>9}  url")
    for r in w["rows"]:
        decoded = f"{r['body_decoded']:>9,}" if "body_decoded" in r else f"{'':>9}"
        print(
            f"  {r['status']:>6} {r['encoding']:>5} {r['body_wire']:>10,} {r['headers']:>8,} "
            f"{decoded}  {r['url']}"
        )
    if w.get("failed"):
        print(f"  failed: {w['failed']}")
    missing = [r["url"] for r in w["rows"] if r["status"] >= 400]
    if missing:
        print(f"  WARNING: {missing} missing: built assets absent? (bench/README.md, end)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--survey", default="lh-leaving-hospital")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    print(f"measuring commit {code_version()}")

    with bench_server("sqlite", workers=2, threads=4, demo_responses=0, quiet=True) as server:
        start, question = question_page_url(server.url, args.survey)
        urls = {"start page": start, "first question page": question}
        results = {}
        for name, url in urls.items():
            with httpx.Client(timeout=30) as client:  # a fresh client: nothing cached
                results[f"parsed, {name}"] = parsed_weight(client, url)
        if not args.no_browser:
            for name, w in chromium_weight(urls).items():
                results[f"chromium, {name}"] = w
    for title, w in results.items():
        print_weight(title, w)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        results["commit"] = code_version()
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
