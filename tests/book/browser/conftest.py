"""Fixtures for the reader's-experience tests: one clean build of the book per session, a
local server, Debian's chromium driven by Playwright with every non-local request blocked,
and axe-core from npm.

Nothing here is skipped: without chromium, the build or axe-core, the tests fail and say why.
``IRANAZ_TEST_BOOK=/path/to/_build/html`` reuses an existing build (for local iteration
only; CI never sets it).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from iranaz import paths
from iranaz.book import toc
from iranaz.book.chromium import CHARTS_SETTLED_JS, CHROMIUM, CHROMIUM_ARGS

from ..bookbuild import project_book

HERE = Path(__file__).resolve().parent
AXE_JS = paths.ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = paths.ROOT / "artifacts" / "screenshots"
WIDTHS = (1280, 390)
MODES = ("light", "dark")

# JavaScript conditions the tests wait on (Playwright polls them; no sleeps): the page loaded
# and every chart settled, as the PDF waits for it.
ALL_CHARTS_SETTLED = f"() => document.readyState === 'complete' && ({CHARTS_SETTLED_JS.strip()})()"


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The HTML of one clean build of the project, shared by every test of the session (and by
    the tests that read the executed chapters); ``IRANAZ_TEST_BOOK`` reuses an earlier one."""
    book = project_book()
    if book.returncode != 0:
        pytest.fail(f"book build failed (exit {book.returncode}):\n{book.log[-6000:]}")
    return book.html


#: The event entries every page test visits: one page per event is made from one template,
#: so three stand for all of them (a seed event with a claim check, the embassy attack with a
#: background source and an alternative date, an event of month precision). The others are
#: checked without a browser (tests/book/browser/test_reference.py).
EVENT_SAMPLES = ("events/E015.html", "events/E300.html", "events/E312.html")


def book_pages(html_dir: Path) -> list[str]:
    """Every HTML page of a built book, as paths relative to its root (the redirect and the
    event entries beyond :data:`EVENT_SAMPLES` excluded)."""
    pages = []
    for p in sorted(html_dir.rglob("*.html")):
        rel = p.relative_to(html_dir).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")) or rel == "index.html":
            continue
        if rel.startswith("events/") and rel not in EVENT_SAMPLES:
            continue
        pages.append(rel)
    return pages


def chapter_pages(html_dir: Path) -> list[str]:
    """The pages made from the table of contents (not the generated index and search pages)."""
    return [p for p in book_pages(html_dir) if p not in ("genindex.html", "search.html") and not p.startswith("events/")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise ``page`` over the pages of the book (read from a build's output dir).

    The list of pages must be known at collection time, before the session build exists, so
    it is derived from the table of contents, which is what the build turns into pages.
    """
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", toc_pages())
    if "chapter" in metafunc.fixturenames:
        metafunc.parametrize("chapter", [p for p in toc_pages() if p not in ("genindex.html", "search.html") and not p.startswith("events/")])


@functools.cache
def toc_pages() -> list[str]:
    """The pages of the table of contents, as built HTML paths, then the generated ones."""
    return [f"{page.docname}.html" for page in toc.pages(paths.ROOT)] + ["genindex.html", "search.html", *EVENT_SAMPLES]


#: Paths the test server could not find, whoever asked (pages, scripts, or the browser itself).
NOT_FOUND: list[str] = []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            NOT_FOUND.append(self.path)
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def server(book_html: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving the built book, stopped at the end of the session."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium under Playwright. Missing chromium is a failure, never a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install it (apt-get install -y chromium); the browser tests must run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Visit:
    """One page load: the page, and everything that went wrong while it loaded and ran."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    #: What ``readability.js`` measured on the page, once (see test_readability.read).
    readability: dict | None = None

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"request left the machine (blocked): {u}" for u in self.blocked]
            + [f"request failed: {u}" for u in self.failed]
        )


class Browsing:
    """Opens pages in fresh browser contexts with the network cut off but for 127.0.0.1.

    ``open(path, width, mode)`` always loads afresh. ``visit(path, width, mode)`` loads once
    and hands the same :class:`Visit` to every test of that page, width and mode (the tests
    are ordered so that they run one after the other: see ``pytest_collection_modifyitems``);
    only that one context stays open.
    """

    def __init__(self, browser: object, server: str) -> None:
        self.browser = browser
        self.server = server
        self._contexts: list = []
        self._key: tuple | None = None
        self._visit: Visit | None = None

    def open(self, path: str, width: int = 1280, mode: str = "light", wait_charts: bool = True, html: str | None = None) -> Visit:
        """Load ``path`` from the book's server (or, with ``html``, serve that text at ``path``)."""
        ctx = self.browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode)
        self._contexts.append(ctx)
        ctx.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        page = ctx.new_page()
        visit = Visit(page)
        target = f"{self.server}/{path}"

        def route(r: object) -> None:
            url = r.request.url
            visit.requested.append(url)
            if urlsplit(url).hostname != "127.0.0.1":
                visit.blocked.append(url)
                r.abort()
            elif html is not None and url == target:
                r.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                r.continue_()

        ctx.route("**/*", route)
        page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: visit.failed.append(r.url) if urlsplit(r.url).hostname == "127.0.0.1" else None)
        page.on("response", lambda r: visit.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(target, wait_until="load")
        if wait_charts:
            page.wait_for_function(ALL_CHARTS_SETTLED, timeout=30_000)
        return visit

    def visit(self, path: str, width: int = 1280, mode: str = "light") -> Visit:
        key = (path, width, mode)
        if key != self._key:
            self.close()
            self._visit = self.open(path, width, mode)
            self._key = key
        return self._visit

    def close(self) -> None:
        for ctx in self._contexts:
            ctx.close()
        self._contexts.clear()
        self._key = self._visit = None


@pytest.fixture(scope="session")
def browsing(browser: object, server: str) -> Iterator[Browsing]:
    b = Browsing(browser, server)
    yield b
    b.close()


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests of one page, width and mode one after the other (those of test_pages and
    test_readability together), so the page loads once."""

    def key(item: pytest.Item) -> tuple:
        params = getattr(getattr(item, "callspec", None), "params", {})
        page = params.get("page", params.get("chapter", ""))
        return (page, params.get("width", 1280), params.get("mode", "light"))

    mine = [i for i, item in enumerate(items) if item.path.parent == HERE and item.path.name in ("test_pages.py", "test_readability.py")]
    ordered = sorted((items[i] for i in mine), key=key)
    for i, item in zip(mine, ordered):
        items[i] = item


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the project's package-lock.json by ``npm ci`` if missing."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm not found: cannot install axe-core for the accessibility tests")
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=paths.ROOT, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not AXE_JS.exists():
            pytest.fail(f"npm ci in {paths.ROOT} failed:\n{proc.stdout}\n{proc.stderr}")
    return AXE_JS.read_text(encoding="utf-8")


def slug(path: str) -> str:
    return path.replace("/", "_").removesuffix(".html")
