"""Text from sources is shown as text, never run as script: markup planted in event summaries
(a closing ``</script>``, an ``<img onerror>``, a ``<script>``) reaches the chart's tooltip and
axis labels as literal characters, in a real browser, whether the chart's data travel
compressed (a big table) or as plain JSON (a small one)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iranaz import charts, paths, tables
from iranaz.book import offline

from .conftest import book_pages

PLANT = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold</b> & "q"'


@pytest.fixture(scope="module")
def planted() -> tables.Tables:
    """The real tables with every event summary and outlet name replaced by the planted markup."""
    t = tables.load()
    events = t.events.copy()
    events["summary"] = PLANT + " " + events["event_id"]
    sources = t.sources.copy()
    sources["outlet"] = PLANT + " " + sources["outlet"]
    return dataclasses.replace(t, events=events, sources=sources)


def _page(*charts_html: str) -> str:
    figures = "".join(f"<figure>{h}<figcaption>Planted chart {i}</figcaption></figure>" for i, h in enumerate(charts_html))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>planted</title>'
        '<link rel="stylesheet" href="../_static/iranaz.css">'
        f'<script defer src="../_static/{offline.bundle_filename()}"></script>'
        f"</head><body><main>{figures}</main></body></html>"
    )


_HOVER_ALL = """async (id) => {
  const svg = document.getElementById(id).querySelector('svg.marks');
  const marks = [...svg.querySelectorAll('.role-mark > path')].filter(m => m.getBoundingClientRect().width > 0);
  return marks.slice(0, 3).map(m => { const r = m.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; });
}"""


def test_planted_markup_stays_text(browsing, planted: tables.Tables) -> None:
    offline.reset()
    big = offline.chart_html(charts.timeline(planted.events).to_dict())
    small = offline.chart_html(charts.timeline(planted.events.head(2)).to_dict())
    busiest = planted.evidence["source_id"].value_counts().index[:2].tolist()
    grid = offline.chart_html(charts.coverage_chart(planted, busiest).to_dict())
    assert all('"$schema":"https://vega.github.io/schema/vega/' in h for h in (big, small)), "specs travel as plain JSON"
    for h in (big, small, grid):  # in the HTML, only the chart's own two scripts end
        assert PLANT not in h and h.count("</script>") == 2 and "<img" not in h
    visit = browsing.open("planted/index.html", html=_page(big, small, grid))
    p = visit.page
    ids = p.evaluate("() => [...document.querySelectorAll('div.iranaz-chart')].map(d => [d.id, d.dataset.iranazState])")
    assert [s for _, s in ids] == ["drawn"] * 3
    for chart_id, _ in ids:  # the timelines' points and the grid's cells
        p.locator(f"#{chart_id}").scroll_into_view_if_needed()
        for point in p.evaluate(_HOVER_ALL, chart_id):
            p.mouse.move(point["x"], point["y"])
            p.wait_for_function("() => document.querySelector('#vg-tooltip-element.visible')")
            tip = p.evaluate("() => { const t = document.getElementById('vg-tooltip-element'); return {text: t.textContent, html: t.innerHTML} }")
            assert PLANT in tip["text"], tip
            assert "<img" not in tip["html"] and "<script" not in tip["html"] and "<b>" not in tip["html"], tip
            p.mouse.move(1, 1)
    labels = p.evaluate(f"() => document.getElementById('{ids[2][0]}').querySelector('svg.marks').textContent")
    assert "</script><script>window.__pwned = 1</script>" in labels, "the grid's outlet labels should show the planted markup as text"
    assert p.evaluate("() => window.__pwned") is None
    assert p.evaluate("() => document.querySelectorAll('main img, main b').length") == 0
    scripts = p.evaluate("() => [...document.querySelectorAll('main script')].map(s => s.type || s.textContent)")
    assert scripts == ["application/json", "window.iranazDraw&&window.iranazDraw()"] * 3, scripts
    assert not [u for u in visit.requested if u.rstrip("/").endswith("/x")], "the planted <img src=x> was requested"
    assert visit.problems() == []


def test_ad_loader_in_a_seed_never_reaches_the_book(book_html: Path) -> None:
    """One raw seed capture carries an ad loader (``__ATA.cmd.push(function() {...``); neither it
    nor any other script from a source appears in any built page."""
    raw = "\n".join(p.read_text(encoding="utf-8") for p in sorted(paths.RAW_DIR.glob("*.txt")))
    assert "__ATA.cmd.push" in raw, "the seed with the ad loader has changed: update this test"
    for page in book_pages(book_html):
        html = (book_html / page).read_text(encoding="utf-8")
        assert "__ATA" not in html and "initDynamicSlot" not in html, page
