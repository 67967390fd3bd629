"""Print (issue #5): one PDF of the whole book, every page in order, charts as vector
graphics, a contents page with page numbers and links, and bookmarks."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from iranaz.book import metadata, pdf, toc

from .bookbuild import Built, chart_specs, full_book


@pytest.fixture(scope="module")
def book() -> Built:
    built = full_book()
    assert built.returncode == 0, built.log[-4000:]
    return built


@pytest.fixture(scope="module")
def printed(book, tmp_path_factory) -> PdfReader:
    out = pdf.make_pdf(book.html, tmp_path_factory.mktemp("pdf") / "book.pdf", root=book.src)
    return PdfReader(out)


def squash(text: str) -> str:
    """Whitespace collapsed and ligatures (ﬁ, ﬂ) undone, as text extracted from a PDF needs."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def bare(text: str) -> str:
    """Without any whitespace: a line break inside a heading may add a space or drop one."""
    return re.sub(r"\s+", "", squash(text))


def page_texts(reader: PdfReader) -> list[str]:
    return [squash(p.extract_text()) for p in reader.pages]


def outline(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Top-level bookmarks (title, page index, children)."""
    items, out = reader.outline, []
    for i, item in enumerate(items):
        if isinstance(item, list):
            continue
        children = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else []
        kids = [(c.title, reader.get_destination_page_number(c)) for c in children if not isinstance(c, list)]
        out.append((item.title, reader.get_destination_page_number(item), kids))
    return out


def test_bookmarks_list_every_page_in_order_with_its_sections(book, printed):
    pages = toc.pages(book.src)
    marks = outline(printed)
    assert marks[0][0] == "Contents"
    assert [m[0] for m in marks[1:]] == [f"{p.number}  {p.title}" if p.number else p.title for p in pages]
    starts = [m[1] for m in marks[1:]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    texts = page_texts(printed)
    for (title, start, children), page in zip(marks[1:], pages):
        assert page.title in texts[start], title
        for child, at in children:
            assert start <= at and bare(child) in bare(texts[at]), (title, child)
    chapters_with_sections = [m for m, p in zip(marks[1:], pages) if p.number and m[2]]
    assert len(chapters_with_sections) >= len([p for p in pages if p.number]) // 2


def test_contents_page_gives_each_page_its_printed_number_and_a_link(book, printed):
    marks = outline(printed)[1:]
    contents_at = outline(printed)[0][1]
    contents = page_texts(printed)[contents_at]
    n_front = marks[0][1]
    texts = page_texts(printed)
    for title, start, _ in marks:
        number = start - n_front + 1
        assert texts[start].endswith(str(number)), (title, texts[start][-20:])  # the stamped page number
        assert re.search(re.escape(squash(title.split("  ")[-1])) + r"\s*" + str(number), contents), title
    links = [a.get_object() for a in printed.pages[contents_at].get("/Annots", [])]
    targets = sorted(printed.get_page_number(a["/Dest"][0].get_object()) for a in links if a.get("/Subtype") == "/Link")
    assert targets == [start for _, start, _ in marks]


def test_every_figure_is_printed(book, printed):
    """Each numbered figure of the HTML book appears in the PDF with its caption number."""
    html_figures = set()
    for page in toc.pages(book.src):
        html_figures |= set(re.findall(r'<span class="caption-number">(Fig\. [\d.]+) </span>', book.page(page.docname)))
    text = " ".join(page_texts(printed))
    pdf_figures = set(re.findall(r"Fig\. \d+(?:\.\d+)?(?=\s)", text))
    assert html_figures and pdf_figures == html_figures


def test_charts_are_printed_as_vector_graphics(book, printed):
    """Every chart's title is text in the PDF (a picture of a chart would hold no text), and
    the PDF holds no more raster images than the pages' own <img> elements."""
    text = " ".join(page_texts(printed))
    titles, n_img = [], 0
    for page in toc.pages(book.src):
        html = book.page(page.docname)
        article = html[html.find('<article class="bd-article"'):]
        n_img += len(re.findall(r"<img\b", article[: article.find("</article>")]))
        for spec in chart_specs(html):
            t = spec.get("title", "")
            titles.append(t.get("text", "") if isinstance(t, dict) else t)
    assert titles
    missing = [t for t in titles if squash(t) not in text]
    assert missing == []
    assert sum(len(p.images) for p in printed.pages) <= n_img


def test_pdf_metadata_comes_from_config(book, printed):
    meta = metadata.metadata(book.src)
    assert printed.metadata.title == meta.title and printed.metadata.author == ", ".join(meta.authors)
    first = page_texts(printed)[0]
    assert meta.title.split(":")[0] in first and f"Version {meta.version}" in first


def test_links_between_pages_point_inside_the_pdf(printed):
    uris = [a.get_object().get("/A", {}).get("/URI", "") for p in printed.pages for a in p.get("/Annots", []) or []]
    assert not [u for u in uris if str(u).startswith("file:")]


def test_page_whose_charts_cannot_draw_is_refused(book, tmp_path):
    """Without the Vega libraries a page's charts never draw: printing stops with a reason."""
    html_dir = tmp_path / "html"
    shutil.copytree(book.html, html_dir)
    page = next(p for p in toc.pages(book.src) if chart_specs(book.page(p.docname)))
    target = html_dir / f"{page.docname}.html"
    text = target.read_text(encoding="utf-8")
    stripped = re.sub(r'<script[^>]+src="[^"]*iranaz-vega-[^"]*"[^>]*></script>', "", text)
    assert stripped != text
    target.write_text(stripped, encoding="utf-8")
    with pytest.raises(pdf.ChartsNotDrawn, match="iranazVega"):
        pdf.print_pages(Path(html_dir), [page])


# --------------------------------------------------------------------------------------
# Print as a first-class output (issue #12): every page laid out as make_pdf lays it out
# (print media, a window as wide as the printed text column, charts drawn), then measured.

#: What a reader can press, type in, toggle or download: none of it means anything on paper.
#: (A file named by a sentence, Sphinx's ``{download}`` role, prints as its name. The who's
#: who's event lists print open, their summary line, "64 events, in date order", as their heading.)
CONTROLS = (
    "button, summary:not(.iranaz-who-events summary), input, select, textarea, [role=button], [role=switch], a[download]:not(.reference), .copybtn,"
    " .theme-switch-button, .search-button, .dropdown, .headerlink, .vega-bindings, .prev-next-area,"
    " .iranaz-downloads-links, .iranaz-cite-downloads, .iranaz-notebook"
)

#: Printed: laid out (no display: none), not hidden, not inside a closed <details>.
PRINT_REPORT_JS = """
(controls) => {
  const shown = (e) => e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true});
  const name = (e) => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (/(show|hide) code cell|copy to clipboard/i.test(n.textContent) && shown(n.parentElement)) { texts.push(n.textContent.trim()); }
  }
  const width = (e) => e.getBoundingClientRect().width;
  return {
    column: document.documentElement.clientWidth,
    scroll: document.documentElement.scrollWidth,
    controls: Array.from(document.querySelectorAll(controls)).filter(shown).map((e) => name(e) + " " + e.textContent.trim().slice(0, 40)),
    texts: texts,
    tables: Array.from(document.querySelectorAll("article.bd-article table")).filter(shown).map(width),
    charts: Array.from(document.querySelectorAll("article.bd-article div.iranaz-chart")).map((d) => ({
      box: width(d), svg: Array.from(d.querySelectorAll("svg.marks")).map((s) => Math.max(width(s), s.scrollWidth))})),
  };
}
"""


@pdf._off_the_loop  # the browser tests' session keeps a sync Playwright (and its loop) open
def _print_reports(html_dir: Path, pages: list[toc.Page]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    from iranaz.book.chromium import launch

    out = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport=pdf.VIEWPORT)
            for page in pages:
                pg = pdf.open_for_print(context, html_dir / f"{page.docname}.html")
                pdf._wait_for_charts(pg, page.docname)
                pg.add_style_tag(path=pdf.PDF_CSS)
                out[page.docname] = pg.evaluate(PRINT_REPORT_JS, CONTROLS)
                pg.close()
        finally:
            browser.close()
    return out


@pytest.fixture(scope="module")
def print_layout(book) -> dict[str, dict]:
    """What every page of the book shows in print, by docname (see ``PRINT_REPORT_JS``), laid
    out as :func:`iranaz.book.pdf.print_pages` lays it out."""
    return _print_reports(book.html, toc.pages(book.src))


def test_print_lays_pages_out_at_the_printed_column_width(print_layout):
    """The window pdf.py lays pages out in is the printed text column, to the pixel."""
    assert pdf.COLUMN_PX - 1 < pdf.VIEWPORT["width"] <= pdf.COLUMN_PX
    assert {r["column"] for r in print_layout.values()} == {pdf.VIEWPORT["width"]}


def test_no_toggle_or_other_control_prints(print_layout):
    """No "Show code cell source" toggle, copy button, download link, menu or other control is
    printed on any page (they do nothing on paper)."""
    shown = {doc: r["controls"] + r["texts"] for doc, r in print_layout.items() if r["controls"] or r["texts"]}
    assert shown == {}


def test_tables_and_charts_print_at_the_text_column_width(book, print_layout):
    """Every table and every chart fills the printed text column (97 % or more: the theme's 2rem
    print indent alone leaves 95 %) and nothing is wider than it: a wider page would be shrunk
    whole by Chromium or cut off at the margin, and a chart's labels cut."""
    column = pdf.COLUMN_PX
    narrow, wide, n_tables, n_charts = [], [], 0, 0
    for doc, r in print_layout.items():
        if r["scroll"] > r["column"]:
            wide.append((doc, "page", r["scroll"]))
        for w in r["tables"]:
            n_tables += 1
            if w < 0.97 * column:
                narrow.append((doc, "table", round(w)))
            if w > column:
                wide.append((doc, "table", round(w)))
        for c in r["charts"]:
            n_charts += 1
            assert len(c["svg"]) == 1, (doc, c)
            if min(c["box"], c["svg"][0]) < 0.97 * column:
                narrow.append((doc, "chart", round(c["box"]), round(c["svg"][0])))
            if max(c["box"], c["svg"][0]) > column:
                wide.append((doc, "chart", round(c["box"]), round(c["svg"][0])))
    chapters = [p.docname for p in toc.pages(book.src) if p.number]
    assert n_tables and n_charts and all(print_layout[d]["charts"] for d in chapters)
    assert (narrow, wide) == ([], [])


def test_printed_text_has_no_toggles_and_no_hover(printed):
    """The PDF's text holds no toggle labels or copy buttons, and no sentence asks the reader
    to hover over a chart (the charts' tooltips exist on screen only)."""
    text = " ".join(page_texts(printed))
    for label in ("Show code cell", "Hide code cell", "Copy to clipboard"):
        assert label not in text
    assert re.findall(r"[^.]{0,60}\bhover[^.]{0,60}", text, flags=re.I) == []


def test_chronology_prints_every_event_under_its_year(book, printed):
    """The chronology's printed pages hold every event id, in date order, under year headings."""
    from iranaz import tables

    t = tables.load()
    texts = page_texts(printed)
    starts = [m[1] for m in outline(printed)[1:]]  # each page's first sheet, in reading order
    at = [p.docname for p in toc.pages(book.src)].index("reference/chronology")
    start, end = starts[at], starts[at + 1]
    # Each printed line starts "12. E300 27 January 2023."; a summary may name another event.
    printed_ids = re.findall(r"(?:^|\s)\d+\. (E\d{3})\b", " ".join(texts[start:end]))
    order = t.events.sort_values(["date", "event_id"])["event_id"].tolist()
    seen = list(dict.fromkeys(i for i in printed_ids if i in set(order)))
    assert seen == order
    for year in sorted(t.events["year"].unique()):
        assert f"{year} (" in " ".join(texts[start:end])
