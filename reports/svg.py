"""Plotly figures as SVG through one long-lived kaleido (headless Chromium) browser.

One browser per process, started on first use (about 5 s) and kept, with ``TABS`` tabs that
draw figures side by side and keep plotly.js loaded between figures. ``draw`` sends a report's
figures in one batch and returns at once (the PDF is laid out meanwhile); ``to_svgs`` waits.
The browser runs on its own asyncio loop in a daemon thread, so callers on any thread (a Flask
request, the command line) just block on the result. SVGs are kept by figure, so a report
downloaded again draws nothing, and are ``lighten``-ed for WeasyPrint.

MathJax is off: with it on, kaleido tries to fetch MathJax from a CDN and every few exports
stall for seconds on a machine with no internet (a ward, our CI).
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from xml.etree import ElementTree

import kaleido
import plotly.graph_objects as go

# kaleido and choreographer log every export at INFO: dozens of lines per report.
for _name in ("kaleido", "choreographer"):
    logging.getLogger(_name).setLevel(logging.WARNING)

TABS = 2  # the machines have 2 CPUs: one tab draws while the other's result is read back
RELOAD_EVERY = 50  # figures a tab draws before a fresh page (bounds any leak in the page)
START_TIMEOUT = 60  # seconds: Chromium's start on a busy machine
EXPORT_TIMEOUT = 120  # seconds for one batch
CACHE_SIZE = 256  # SVGs kept, by figure: a report downloaded again redraws nothing
# Chromium's tabs keep about 1 MB per figure drawn, reloads or not: after this many figures
# (about a dozen reports) the browser is replaced by a new one, between two exports.
RECYCLE_AFTER = 200


class _Kaleido(kaleido.Kaleido):
    """Kaleido that keeps a tab's page between figures.

    Kaleido reloads the tab after every figure, which parses plotly.js (4.6 MB) again: about
    two thirds of each export (0.2 of 0.3 s here). Plotly.toImage draws each figure on a
    detached element of its own and purges it, so nothing is left from one figure to the next;
    a tab still gets a fresh page every ``RELOAD_EVERY`` figures.
    """

    async def _return_kaleido_tab(self, tab) -> None:
        tab.cj_drawn = getattr(tab, "cj_drawn", 0) + 1
        if tab.cj_drawn >= RELOAD_EVERY:
            tab.cj_drawn = 0
            await tab.reload()
        await self.tabs_ready.put(tab)


class _Server:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: _Kaleido | None = None
        self._thread: threading.Thread | None = None
        self._drawn = 0  # figures sent to this browser
        self._busy = 0  # batches it is drawing

    def start(self) -> tuple[_Kaleido, asyncio.AbstractEventLoop]:
        with self._lock:
            if self._browser is not None and self._loop is not None:
                return self._browser, self._loop
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
            thread.start()
            try:
                browser = asyncio.run_coroutine_threadsafe(self._open(), loop).result(START_TIMEOUT)
            except BaseException:
                self._end(loop, thread)
                raise
            self._browser, self._loop, self._thread = browser, loop, thread
            self._drawn = self._busy = 0
            # Registered after the browser made its temporary folders, so that at exit it
            # closes (and removes them) before their own clean-up runs.
            atexit.register(self.stop)
            return browser, loop

    @staticmethod
    async def _open() -> _Kaleido:
        browser = _Kaleido(n=TABS, mathjax=False)
        await browser.open()
        return browser

    def stop(self) -> None:
        with self._lock:
            browser, loop, thread = self._browser, self._loop, self._thread
            self._browser = self._loop = self._thread = None
        self._close(browser, loop, thread)

    def _close(self, browser, loop, thread) -> None:
        if browser is None or loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
        except Exception:  # a browser that is already gone is closed
            logging.getLogger(__name__).warning("Chromium did not close cleanly", exc_info=True)
        finally:
            self._end(loop, thread)

    @staticmethod
    def _end(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        if not thread.is_alive():
            loop.close()

    def submit(self, specs: list[tuple[go.Figure, dict]]) -> Future:
        """Start drawing; the future holds the SVGs (bytes or str), in order."""
        browser, loop = self.start()
        with self._lock:
            self._drawn += len(specs)
            self._busy += 1

        async def draw() -> list:
            return await asyncio.gather(*(browser.calc_fig(fig, opts=opts) for fig, opts in specs))

        future = asyncio.run_coroutine_threadsafe(draw(), loop)
        future.add_done_callback(lambda _: self._done(browser))
        return future

    def _done(self, browser: _Kaleido) -> None:
        """A batch is drawn: replace a browser that has drawn enough, once it is idle. It is
        taken out of use here, so no new batch can start on it; the next export starts the
        new one, or waits for it."""
        with self._lock:
            if self._browser is not browser:
                return
            self._busy -= 1
            if self._busy or self._drawn < RECYCLE_AFTER:
                return
            old = (self._browser, self._loop, self._thread)
            self._browser = self._loop = self._thread = None
        threading.Thread(target=self._replace, args=old, name="kaleido-new", daemon=True).start()

    def _replace(self, *old) -> None:
        self._close(*old)
        self.start()


_server = _Server()
_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def start() -> None:
    """Start the browser now (it starts on the first export otherwise)."""
    _server.start()


def stop() -> None:
    _server.stop()


def _opts(figure: go.Figure, width: int) -> dict:
    return {"format": "svg", "width": width, "height": figure.layout.height or 360}


def _key(figure: go.Figure, opts: dict) -> str:
    text = f"{opts['width']}x{opts['height']}:{figure.to_json()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"


def lighten(document: str) -> str:
    """The same drawing in fewer, plainer elements: each element's ``style`` as attributes and
    no empty groups. WeasyPrint parses every ``style`` with its CSS parser and walks every
    group; Plotly writes a style on each element and dozens of empty groups per chart. A
    quarter fewer Python calls to draw the charts, the same picture (checked pixel by pixel)."""
    root = ElementTree.fromstring(document)

    def walk(element: ElementTree.Element) -> None:
        for child in list(element):
            walk(child)
            if child.tag == f"{{{SVG}}}g" and len(child) == 0 and not (child.text or "").strip():
                element.remove(child)
        if style := element.attrib.pop("style", None):
            for declaration in style.split(";"):
                name, colon, value = declaration.partition(":")
                if colon and name.strip():
                    element.set(name.strip(), value.strip())

    walk(root)
    for element in root.iter():  # written back without namespace prefixes
        element.tag = element.tag.rpartition("}")[2]
        for key in [k for k in element.attrib if k.startswith(f"{{{XLINK}}}")]:
            element.set("xlink:" + key.rpartition("}")[2], element.attrib.pop(key))
    root.set("xmlns", SVG)
    root.set("xmlns:xlink", XLINK)
    return ElementTree.tostring(root, encoding="unicode")


class Pending:
    """SVGs being drawn: ``result()`` waits for them (and keeps them in the cache)."""

    def __init__(self, keys: list[str], found: dict[str, str], todo: list[str], future):
        self._keys, self._found, self._todo, self._future = keys, found, todo, future

    def result(self, timeout: float = EXPORT_TIMEOUT) -> list[str]:
        if self._future is not None:
            try:
                drawn = self._future.result(timeout)
            except BaseException:
                _server.stop()  # a crashed or stuck browser: the next export starts a new one
                raise
            self._future = None
            svgs = [lighten(d.decode("utf-8") if isinstance(d, bytes) else d) for d in drawn]
            self._found.update(zip(self._todo, svgs, strict=True))
            with _cache_lock:
                for key in self._todo:
                    _cache[key] = self._found[key]
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
        return [self._found[k] for k in self._keys]


def draw(figures: Sequence[go.Figure], width: int = 720) -> Pending:
    """Start drawing each figure as an SVG document (vector: text stays text in the PDF) and
    return at once, so the caller can work meanwhile. Figures drawn before in this process
    come from the cache; the others are drawn in one batch, ``TABS`` at a time."""
    opts = [_opts(f, width) for f in figures]
    keys = [_key(f, o) for f, o in zip(figures, opts, strict=True)]
    with _cache_lock:
        found = {k: _cache[k] for k in keys if k in _cache}
        for key in found:
            _cache.move_to_end(key)
    todo = {k: (f, o) for k, f, o in zip(keys, figures, opts, strict=True) if k not in found}
    future = _server.submit(list(todo.values())) if todo else None
    return Pending(keys, found, list(todo), future)


def to_svgs(figures: Sequence[go.Figure], width: int = 720) -> list[str]:
    """Each figure as an SVG document, in order."""
    return draw(figures, width).result()


def to_svg(figure: go.Figure, width: int = 720) -> str:
    """One figure as an SVG document."""
    return to_svgs([figure], width)[0]


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
