"""Every page of the built book in a real browser with no network: clean console, charts
drawn, tooltips, layout at 1280 and 390 px in light and dark mode, accessibility (axe-core)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from iranaz.book import offline

from .conftest import MODES, NOT_FOUND, SCREENSHOTS, WIDTHS, book_pages, chapter_pages, slug, toc_pages

SPEC_RE = re.compile(r'<script type="application/json" id="(iranaz-chart-[0-9a-f-]+)-spec">(.*?)</script>', re.S)


def page_specs(html_dir: Path, page: str) -> dict[str, dict]:
    """The Vega specs embedded in a built page (plain JSON), by chart id."""
    text = (html_dir / page).read_text(encoding="utf-8")
    return {m.group(1): json.loads(m.group(2)) for m in SPEC_RE.finditer(text)}


def test_every_built_page_is_tested(book_html: Path) -> None:
    """The pages the tests visit (from the table of contents) are exactly the pages built."""
    assert sorted(book_pages(book_html)) == sorted(toc_pages())


def test_some_page_has_charts(book_html: Path) -> None:
    """Guard against a vacuous pass: the book's chapters do carry charts."""
    assert sum(len(page_specs(book_html, p)) for p in chapter_pages(book_html)) >= 2


def test_console_clean_and_nothing_leaves_the_machine(browsing, page: str) -> None:
    """Zero console errors (the theme's THEBE_JS_URL and theme-mode errors included), zero
    failed requests, and not a single request to anything but 127.0.0.1."""
    visit = browsing.visit(page)
    assert visit.requested, "the page made no request at all: the test server is not being used"
    assert visit.problems() == []


def test_every_chart_draws_with_description_and_caption(browsing, book_html: Path, page: str) -> None:
    """Each chart's SVG appears, labelled with the chart's text description, inside a figure
    with a caption; no Vega output on the page escaped the offline renderer."""
    specs = page_specs(book_html, page)
    html = (book_html / page).read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in html and "VEGA_DEBUG" not in html, "a chart uses Altair's CDN output"
    visit = browsing.visit(page)
    charts = visit.page.evaluate(
        """() => [...document.querySelectorAll('div.iranaz-chart')].map(d => {
             const svg = d.querySelector('svg.marks');
             const fig = d.closest('figure');
             const cap = fig && fig.querySelector('figcaption');
             const doc = d.querySelector('[role="graphics-document"]');
             return {id: d.id, state: d.dataset.iranazState, hasSvg: !!svg,
                     svgItems: svg ? svg.querySelectorAll('.role-mark > *').length : 0,
                     label: doc ? doc.getAttribute('aria-label') : null,
                     caption: cap ? cap.textContent.trim() : ''};
           })"""
    )
    assert sorted(c["id"] for c in charts) == sorted(specs)
    for c in charts:
        assert c["state"] == "drawn", c
        assert c["hasSvg"] and c["svgItems"] > 0, c
        description = specs[c["id"]].get("description")
        assert description, f"{c['id']} has no text description"
        assert c["label"] == description, c
        assert len(c["caption"]) > 10, f"{c['id']} has no caption"
    assert visit.problems() == []


_FIND_MARK = """(id) => {
  // The centre of the largest visible data mark of a chart, scrolled into the window, in viewport coordinates.
  const svg = document.getElementById(id).querySelector('svg.marks');
  let best = null;
  for (const el of svg.querySelectorAll('.role-mark > path, .role-mark > rect, .role-mark > circle')) {
    const r = el.getBoundingClientRect();
    if (r.width * r.height > 0 && (!best || r.width * r.height > best.a)) best = {a: r.width * r.height, el};
  }
  if (!best) return null;
  best.el.scrollIntoView({block: 'center', inline: 'center'});  // a tall chart's mark may lie below the window
  const r = best.el.getBoundingClientRect();
  return {a: best.a, x: r.x + r.width / 2, y: r.y + r.height / 2};
}"""

_TOOLTIP = """() => {
  const t = document.getElementById('vg-tooltip-element');
  if (!t || !t.classList.contains('visible')) return null;
  const alpha = (getComputedStyle(t).backgroundColor.match(/[\\d.]+/g) || []).map(Number)[3];
  return {text: t.textContent, keys: t.querySelectorAll('td.key').length, opaque: alpha === undefined || alpha === 1};
}"""


def test_tooltips_show_on_hover(browsing, book_html: Path, page: str) -> None:
    """Hovering a mark of every chart shows its tooltip table, on an opaque background."""
    specs = page_specs(book_html, page)
    if not specs:
        return  # nothing to hover on this page; test_every_chart_draws_... checks the count
    visit = browsing.visit(page)
    p = visit.page
    for chart_id in specs:
        p.locator(f"#{chart_id}").scroll_into_view_if_needed()
        mark = p.evaluate(_FIND_MARK, chart_id)
        assert mark, f"{chart_id}: no visible mark to hover"
        p.mouse.move(mark["x"], mark["y"])
        try:
            p.wait_for_function(_TOOLTIP, timeout=5_000)
        except PlaywrightTimeoutError:
            pytest.fail(f"{chart_id}: no tooltip after hovering its largest mark at {mark}")
        tip = p.evaluate(_TOOLTIP)
        assert tip["keys"] >= 1 and tip["text"].strip(), f"{chart_id}: empty tooltip {tip}"
        assert tip["opaque"], f"{chart_id}: the page shows through the tooltip's background"
        p.mouse.move(1, 1)
        p.wait_for_function(f"() => !({_TOOLTIP})()", timeout=5_000)
    assert visit.problems() == []


_LAYOUT = """() => {
  function rgba(s) { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; }
  function lum([r, g, b]) {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  }
  function contrast(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
  const column = document.querySelector('article.bd-article') || document.body;
  const col = column.getBoundingClientRect();
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    charts: [...document.querySelectorAll('div.iranaz-chart')].map(d => {
      const svg = d.querySelector('svg.marks');
      const r = svg.getBoundingClientRect();
      const bg = background(svg);
      // The guides' text (axes, legends, titles) against what is behind the chart; text marks
      // drawn over the data are the chart's own business.
      const guides = '.role-axis-label, .role-axis-title, .role-legend-label, .role-legend-title, .role-title-text, .role-title-subtitle';
      const texts = [...svg.querySelectorAll(guides)].flatMap(g => [...g.querySelectorAll('text')])
        .filter(t => t.textContent.trim() && t.getAttribute('opacity') !== '0');
      const worst = Math.min(...texts.map(t => contrast(rgba(getComputedStyle(t).fill), bg)));
      // Guide text cut off by the edge of the SVG, and axis labels drawn over one another.
      const clipped = texts.filter(t => { const b = t.getBoundingClientRect();
        return b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1; }).map(t => t.textContent);
      const overlapping = [];
      for (const axis of svg.querySelectorAll('.role-axis-label')) {
        const boxes = [...axis.querySelectorAll('text')].filter(t => t.getAttribute('opacity') !== '0' && t.textContent.trim())
          .map(t => [t.textContent, t.getBoundingClientRect()]);
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i][1], boxes[j][1]];
          if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
            overlapping.push(boxes[i][0] + ' / ' + boxes[j][0]);
        }
      }
      return {id: d.id, left: r.left, right: r.right, colLeft: col.left, colRight: col.right,
              overflow: d.scrollWidth - d.clientWidth, texts: texts.length, worstContrast: worst,
              clipped: clipped.slice(0, 5), overlapping: overlapping.slice(0, 5)};
    }),
  };
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
def test_layout_fits_and_reads(browsing, chapter: str, width: int, mode: str) -> None:
    """At 1280 and 390 px, light and dark: no horizontal overflow, every chart inside the text
    column, no guide text (axis, legend, title) cut off or overlapping another, every guide
    text at WCAG AA contrast against what is behind it. Saves a screenshot."""
    visit = browsing.visit(chapter, width, mode)
    p = visit.page
    assert p.evaluate("document.documentElement.dataset.theme") == mode
    # Measured before the full-page screenshot, which resizes the viewport for a moment and
    # sets the charts redrawing: measured after it, a loaded machine caught them mid-redraw.
    layout = p.evaluate(_LAYOUT)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / f"{slug(chapter)}-{width}-{mode}.png"), full_page=True)
    assert layout["scrollWidth"] <= layout["innerWidth"], f"page overflows horizontally: {layout['scrollWidth']} > {layout['innerWidth']}"
    for c in layout["charts"]:
        assert c["left"] >= c["colLeft"] - 1 and c["right"] <= c["colRight"] + 1, f"chart outside the text column: {c}"
        assert c["overflow"] <= 1, f"chart wider than its box: {c}"
        assert c["texts"] > 0 and c["worstContrast"] >= 4.5, f"chart text hard to read in {mode} mode: {c}"
        assert c["clipped"] == [], f"chart text cut off at {width} px: {c}"
        assert c["overlapping"] == [], f"axis labels drawn over one another at {width} px: {c}"
    assert visit.problems() == []


@pytest.mark.parametrize("mode", MODES)
def test_accessibility_axe(browsing, axe_source: str, page: str, mode: str) -> None:
    """axe-core finds no serious or critical violation on the page, in light and dark mode."""
    visit = browsing.visit(page, 1280, mode)
    p = visit.page
    p.add_script_tag(content=axe_source)
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert result["passes"], "axe ran no check"
    assert bad == []
    assert visit.problems() == []


def test_bundle_served_once_not_inlined(book_html: Path) -> None:
    """Pages with charts load the one shared bundle from _static; no page inlines it; pages
    without charts do not load it."""
    name = offline.bundle_filename()
    bundle = book_html / "_static" / name
    assert bundle.exists() and bundle.read_text(encoding="utf-8") == offline.wrapped_bundle()
    marker = "window.iranazVega="  # the end of vl-convert's bundle
    for page in book_pages(book_html):
        html = (book_html / page).read_text(encoding="utf-8")
        assert marker not in html, f"{page} inlines the Vega bundle"
        refs = re.findall(r'<script[^>]+src="[^"]*_static/(iranaz-vega-[0-9a-f]+\.js)', html)
        assert refs == ([name] if page_specs(book_html, page) else []), page
        if refs:  # fetched first, and run once the page is parsed, before any other deferred script
            tag = re.search(r'<script[^>]+iranaz-vega-[^>]+>', html)
            assert "defer" in tag.group(0) and 'fetchpriority="high"' in tag.group(0) and "async" not in tag.group(0), tag.group(0)
            deferred = [m.start() for m in re.finditer(r"<script[^>]+\bdefer\b[^>]*>", html)]
            assert deferred and deferred[0] == tag.start(), f"{page}: a deferred script runs before the charts' bundle"
        assert "fontawesome.js" not in html, f"{page} loads the theme's 1.5 MB icon script"
        assert ("searchindex.js" in html) == (page == "search.html"), f"{page}: the search index belongs to the search page only"
        if 'class="sd-' not in html and page not in ("genindex.html", "search.html"):
            assert "sphinx-design.min.css" not in html and "design-tabs.js" not in html, page
            assert "togglebutton.js" not in html and "sphinx-thebe.js" not in html, page


def test_charts_follow_their_column_when_the_window_narrows(browsing, book_html: Path) -> None:
    """Drawn at 1280 px, then the window narrowed to a phone's 390 px: every chart is redrawn
    to its new, narrower column (the loader watches each chart's box)."""
    page = next(p for p in chapter_pages(book_html) if page_specs(book_html, p))
    visit = browsing.open(page, 1280)
    p = visit.page
    wide = p.evaluate("() => [...document.querySelectorAll('div.iranaz-chart svg.marks')].map(s => s.getBoundingClientRect().width)")
    p.set_viewport_size({"width": 390, "height": 900})
    fits = """() => [...document.querySelectorAll('div.iranaz-chart')].every(d => {
      const s = d.querySelector('svg.marks'); return s && s.getBoundingClientRect().width <= d.clientWidth + 1; })"""
    p.wait_for_function(fits, timeout=10_000)
    narrow = p.evaluate("() => [...document.querySelectorAll('div.iranaz-chart svg.marks')].map(s => s.getBoundingClientRect().width)")
    assert all(n < w for n, w in zip(narrow, wide)), (wide, narrow)
    assert p.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert visit.problems() == []


def test_search_from_a_chapter_finds_pages(browsing) -> None:
    """Chapters no longer load the search index; searching from one still works: the theme's
    search dialog sends the query to the search page, which lists matching pages."""
    visit = browsing.open("notebooks/02_thaw_2014.html")
    p = visit.page
    assert p.evaluate("() => typeof window.Search") == "undefined"
    p.locator(".search-button__button >> visible=true").click()  # the one search box shown
    field = p.locator("#pst-search-dialog input[name=q]")
    field.fill("Rouhani")
    with p.expect_navigation():
        field.press("Enter")
    assert "search.html?q=Rouhani" in p.url
    p.wait_for_function("() => document.querySelectorAll('ul.search li a').length > 0", timeout=30_000)
    hits = p.evaluate("() => [...document.querySelectorAll('ul.search li a')].map(a => a.getAttribute('href'))")
    assert any("02_thaw_2014" in h for h in hits), hits
    assert visit.problems() == []


def test_nothing_the_browser_asks_for_is_missing(browser, server: str) -> None:
    """Requests the page never sees (the browser's own, such as /favicon.ico) reach the server
    too: once nothing is left to fetch, none was a 404. Chromium makes such requests only
    when Playwright does not intercept requests, so this context cuts the network through a
    proxy on a closed port instead (127.0.0.1 bypasses it)."""
    NOT_FOUND.clear()
    ctx = browser.new_context(proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"})
    try:
        page = ctx.new_page()
        page.goto(f"{server}/notebooks/02_thaw_2014.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => fetch('https://cdn.jsdelivr.net/npm/vega').then(() => 'reached', () => 'blocked')") == "blocked"
    finally:
        ctx.close()
    assert NOT_FOUND == []
