"""The whole book as one PDF, printed offline from the built HTML by Debian's Chromium.

``make pdf`` (after ``make book``) runs ``python -m iranaz pdf``. Each page of ``_toc.yml``
is opened in headless Chromium (Python Playwright pointed at ``/usr/bin/chromium``; never a
downloaded browser), laid out for print from the start in a window as wide as the printed
text column, so that its charts are drawn at the width they print; its charts are waited
for, then it is printed with the book's print style sheet (``static/iranaz-print.css``: no
toggles or other controls, tables and charts the column's full width). The pages are merged by pypdf behind a title page and a table of contents with
page numbers and links, every page is numbered, links between pages of the book become
links inside the PDF, and the outline (bookmarks) holds every page and its sections.

Charts print as vector graphics: the book's own loader (:mod:`iranaz.book.offline`) draws them
with Vega's SVG renderer (Altair's stock output, which would fetch its libraries from a CDN,
never draws offline and is reported as not drawn). A page whose charts cannot be drawn,
because the Vega libraries (``window.iranazVega``) never appear, is an error: the PDF would
otherwise show "could not be drawn" boxes in place of figures.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, NameObject, TextStringObject

from .. import paths
from . import STATIC_DIR, offline, toc
from .chromium import CHARTS_SETTLED_JS, CHROMIUM, launch
from .markup import render
from .metadata import Metadata, metadata

MARGIN = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
A4_PT = (595.28, 841.89)
PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in
CHART_TIMEOUT_MS = 60_000  # drawing every chart of a page, once the libraries are there
LIBRARY_TIMEOUT_MS = 5_000  # the libraries appearing after the page's load event

CHART_REPORT_JS = """
() => ({
  vega: typeof window.iranazVega,
  charts: Array.from(document.querySelectorAll("div.iranaz-chart, div[id^='altair-viz']")).map((d) => ({
    id: d.id, state: d.getAttribute("data-iranaz-state"), svg: d.querySelectorAll("svg.marks").length,
    canvas: d.querySelectorAll("canvas").length, text: d.textContent.slice(0, 120)})),
})
"""

#: Added to every page for the PDF only: the PDF has its own contents and outline. (Every
#: page of the book already carries the print style sheet, ``iranaz-print.css``.)
PDF_CSS = STATIC_DIR / "iranaz-pdf.css"
MM_TO_PX = 96 / 25.4
#: The printed text column in CSS px: A4's width less the left and right margins.
COLUMN_PX = (210 - sum(float(MARGIN[side].removesuffix("mm")) for side in ("left", "right"))) * MM_TO_PX
#: Pages are laid out for print, in a window as wide as the printed text column, before their
#: charts are drawn: each chart measures its box once, so it is drawn as wide as it prints.
#: (Rounded down: a chart a fraction of a pixel too wide would make Chromium shrink the page.)
VIEWPORT = {"width": int(COLUMN_PX), "height": 1000}

HEADINGS_JS = """
() => Array.from(document.querySelectorAll("article.bd-article section > h2")).map((h) => {
  const c = h.cloneNode(true); c.querySelectorAll(".headerlink").forEach((a) => a.remove());
  return c.textContent.trim();
})
"""


class ChartsNotDrawn(RuntimeError):
    """A page's charts did not draw; printing it would lose its figures."""


@dataclass
class Printed:
    """One page of the book, printed."""

    page: toc.Page
    pdf: bytes
    sections: list[str] = field(default_factory=list)
    n_charts: int = 0
    n_pages: int = 0
    section_pages: list[int] = field(default_factory=list)  # page (within this PDF) of each section

    @property
    def label(self) -> str:
        return f"{self.page.number}  {self.page.title}" if self.page.number else self.page.title


def _off_the_loop(fn):
    """Run ``fn`` on a worker thread when this thread already runs an asyncio loop.

    Playwright's sync API refuses to start inside a running loop: a Jupyter kernel has one,
    and so does a test session that keeps another sync Playwright open. A fresh thread has
    none, so printing works from anywhere; exceptions come back unchanged.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop here: call it directly
            return fn(*args, **kwargs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args, **kwargs).result()

    return wrapper


def _wait_for_charts(pg, docname: str) -> int:
    report = pg.evaluate(CHART_REPORT_JS)
    n = len(report["charts"])
    if not n:
        return 0
    try:
        pg.wait_for_function(f"() => typeof window.{offline.LIBRARY_GLOBAL} === 'object'", timeout=LIBRARY_TIMEOUT_MS)
    except Exception as err:
        raise ChartsNotDrawn(f"{docname}: {n} charts but no window.{offline.LIBRARY_GLOBAL}: the Vega libraries did not load") from err
    try:
        pg.wait_for_function(CHARTS_SETTLED_JS, timeout=CHART_TIMEOUT_MS)
    except Exception as err:  # playwright's TimeoutError: report what was (not) there
        report = pg.evaluate(CHART_REPORT_JS)
        seconds = CHART_TIMEOUT_MS / 1000
        lib = f"window.{offline.LIBRARY_GLOBAL} is {report['vega']}"
        raise ChartsNotDrawn(f"{docname}: charts not drawn after {seconds:.0f} s ({lib}): {report['charts']}") from err
    report = pg.evaluate(CHART_REPORT_JS)
    bad = [c for c in report["charts"] if c["state"] == "error" or (c["state"] is None and not c["svg"])]
    if report["vega"] == "undefined" or bad:
        raise ChartsNotDrawn(f"{docname}: {len(bad)} of {n} charts not drawn as SVG (window.{offline.LIBRARY_GLOBAL} is {report['vega']}): {bad}")
    return n


def open_for_print(context, target: Path):
    """A new page of ``context`` showing ``target`` laid out for print from the start, so that
    its charts are drawn for the printed column (the charts are not yet waited for)."""
    pg = context.new_page()
    pg.emulate_media(media="print")
    pg.goto(target.as_uri(), wait_until="load")
    return pg


@_off_the_loop
def print_pages(html_dir: Path, pages: list[toc.Page], executable: str = CHROMIUM) -> list[Printed]:
    """Print every page of the built book, in order, each to its own PDF."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = launch(p, executable)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            # Offline by design: anything not in the built book (a CDN's MathJax, fonts) is
            # refused at once instead of waiting for the network to time out.
            context.route(lambda url: not url.startswith(("file:", "data:", "blob:")), lambda route: route.abort())
            for page in pages:
                target = html_dir / f"{page.docname}.html"
                if not target.is_file():
                    raise FileNotFoundError(f"{target}: build the book first (make book)")
                pg = open_for_print(context, target)
                n_charts = _wait_for_charts(pg, page.docname)
                sections = pg.evaluate(HEADINGS_JS)
                pg.add_style_tag(path=PDF_CSS)
                pdf = pg.pdf(format="A4", margin=MARGIN, print_background=True, tagged=True, outline=True)
                pg.close()
                reader = PdfReader(io.BytesIO(pdf))
                out.append(Printed(page, pdf, sections, n_charts, len(reader.pages), _section_pages(reader, sections)))
        finally:
            browser.close()
    return out


# --------------------------------------------------------------------------------------
# Title page, contents and page numbers


def _front_html(meta: Metadata, entries: list[tuple[str, str, int]]) -> str:
    """Title page, then contents; ``entries`` are (number, title, first page)."""
    return render("pdf_front.html", meta=meta, text=meta.licence("text"), code=meta.licence("code"), entries=entries)


def _numbers_html(n: int, skip: int) -> str:
    """``n`` blank A4 sheets, numbered from 1 after the first ``skip``."""
    return render("pdf_numbers.html", n=n, skip=skip)


def _render_html(pg, markup: str) -> tuple[bytes, list[dict]]:
    pg.set_content(markup, wait_until="load")
    pg.emulate_media(media="print")
    rects = pg.evaluate(
        "() => Array.from(document.querySelectorAll('.entry')).map((a) => {"
        " const r = a.getBoundingClientRect(); return {target: +a.dataset.target, x: r.left, y: r.top + window.scrollY, w: r.width, h: r.height}; })"
    )
    return pg.pdf(format="A4", margin={"top": "0", "bottom": "0", "left": "0", "right": "0"}, print_background=True, tagged=True), rects


def _norm(text: str) -> str:
    """Text for matching: ligatures (ﬁ, ﬂ) undone, no whitespace (line breaks add or drop it), lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _section_pages(reader: PdfReader, sections: list[str]) -> list[int]:
    """The page of each section heading, from the outline Chromium writes for the headings.

    Chromium's outline holds the page title (h1) with its sections (h2) below it. If that
    structure does not match the sections found in the page, each heading is looked up
    in the text instead.
    """
    outline = reader.outline
    children = outline[1] if len(outline) >= 2 and isinstance(outline[1], list) else []
    pages = [reader.get_destination_page_number(c) for c in children if not isinstance(c, list)]
    if len(pages) == len(sections):
        return pages
    texts = [_norm(p.extract_text()) for p in reader.pages]
    found, at = [], 0
    for heading in sections:
        at = _first_page_of(texts, heading, at)
        found.append(at)
    return found


def _first_page_of(texts: list[str], heading: str, start: int = 0) -> int:
    """The first page at or after ``start`` whose text holds ``heading`` (``start`` if none does)."""
    want = _norm(heading)
    return next((i for i in range(start, len(texts)) if want in texts[i]), start)


@_off_the_loop
def make_pdf(html_dir: Path | None = None, out: Path | None = None, root: Path | None = None, executable: str = CHROMIUM) -> Path:
    """Print the book built in ``html_dir`` to ``out``; return the path of the PDF."""
    from playwright.sync_api import sync_playwright

    root = Path(root or paths.ROOT).resolve()
    html_dir = Path(html_dir or root / "_build" / "html").resolve()  # file URIs need absolute paths
    meta = metadata(root)
    slug = re.sub(r"[^a-z0-9]+", "-", meta.title.split(":")[0].lower()).strip("-")
    out = Path(out or root / "_build" / "pdf" / f"{slug}-{meta.version}.pdf")
    book_pages = toc.pages(root)
    printed = print_pages(html_dir, book_pages, executable)

    # Front matter: its length decides the page numbers it lists, so lay it out until stable.
    with sync_playwright() as p:
        browser = launch(p, executable)
        try:
            pg = browser.new_page(viewport={"width": 794, "height": 1123})
            n_front = 2
            while True:
                starts, at = [], n_front
                for pr in printed:
                    starts.append(at)
                    at += pr.n_pages
                entries = [(pr.page.number, pr.page.title, s - n_front + 1) for pr, s in zip(printed, starts)]
                front, rects = _render_html(pg, _front_html(meta, entries))
                got = len(PdfReader(io.BytesIO(front)).pages)
                if got == n_front:
                    break
                n_front = got
            total = at
            numbers, _ = _render_html(pg, _numbers_html(total, n_front))
        finally:
            browser.close()

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    for pr in printed:
        writer.append(PdfReader(io.BytesIO(pr.pdf)), import_outline=False)
    number_pages = PdfReader(io.BytesIO(numbers)).pages
    for i, page in enumerate(writer.pages):
        if i >= n_front:
            page.merge_page(number_pages[i])

    # Contents: links to each page's first sheet.
    sheet_h = A4_PT[1] / PX_TO_PT
    for r in rects:
        sheet = int(r["y"] // sheet_h)
        y_top = A4_PT[1] - (r["y"] - sheet * sheet_h) * PX_TO_PT
        rect = (r["x"] * PX_TO_PT, y_top - r["h"] * PX_TO_PT, (r["x"] + r["w"]) * PX_TO_PT, y_top)
        link = writer.add_annotation(page_number=sheet, annotation=Link(rect=rect, target_page_index=starts[r["target"]]))
        link[NameObject("/Dest")] = ArrayObject([writer.pages[starts[r["target"]]].indirect_reference, NameObject("/Fit")])

    # Links between pages of the book become links inside the PDF.
    first_page = {pr.page.docname: s for pr, s in zip(printed, starts)}
    base = html_dir.resolve().as_uri() + "/"
    for page in writer.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            uri = (a.get("/A") or {}).get("/URI")
            if not uri or not str(uri).startswith(base):
                continue
            docname = str(uri)[len(base) :].split("#")[0].removesuffix(".html")
            if docname in first_page:
                del a["/A"]
                a[NameObject("/Dest")] = ArrayObject([writer.pages[first_page[docname]].indirect_reference, NameObject("/Fit")])

    # Links to files of the built book (CITATION.cff, downloads) point to the published book,
    # or are dropped while there is none: a PDF must not link into someone's disk.
    for page in writer.pages:
        annots = page.get("/Annots")
        if not annots:
            continue
        keep = ArrayObject()
        for annot in annots:
            a = annot.get_object()
            uri = str((a.get("/A") or {}).get("/URI", ""))
            if uri.startswith("file:"):
                if not (meta.baseurl and uri.startswith(base)):
                    continue
                a["/A"][NameObject("/URI")] = TextStringObject(meta.baseurl.rstrip("/") + "/" + uri[len(base) :])
            keep.append(annot)
        page[NameObject("/Annots")] = keep

    # Outline: the contents, every page, its sections.
    writer.add_outline_item(title="Contents", page_number=1)
    for pr, s in zip(printed, starts):
        parent = writer.add_outline_item(title=pr.label, page_number=s)
        for heading, at in zip(pr.sections, pr.section_pages):
            writer.add_outline_item(title=heading, page_number=s + at, parent=parent)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": meta.title, "/Author": ", ".join(meta.authors), "/Subject": f"Version {meta.version}, {meta.date_released.isoformat()}"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    return out
