"""The maps in a browser with no network: every place the data put on a map is drawn, as
one circle named by its tooltip's place, the period drop-down redraws the whole-arc map
with exactly that period's places, and each map's circles link to the places page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iranaz import maps, tables

from .test_pages import page_specs

#: The pages with maps, and the period each map shows (None: all periods).
MAP_PAGES = {
    "reference/places.html": None,
    "notebooks/04a_corridors_caspian.html": "p2016_2019",
    "notebooks/04b_war_crisis_repair.html": "p2020_2021",
    "notebooks/06_rupture_repair.html": "p2023_2024",
    "notebooks/08_whole_arc.html": None,
}

_CIRCLES = """(id) => [...document.getElementById(id).querySelectorAll('svg.marks .mark-symbol.role-mark path')]
  .map(el => { const r = el.getBoundingClientRect(); return {label: el.getAttribute('aria-label') || '', w: r.width, h: r.height}; })"""


def _map_ids(html: Path, page: str) -> list[str]:
    return [cid for cid, spec in page_specs(html, page).items() if any(p.get("type") == "mercator" for p in spec.get("projections", []))]


def _places(circles: list[dict]) -> list[str]:
    """The place of each circle, from its accessible label ('Baku: 132 events (...), drawn at ...')."""
    return sorted(re.match(r"(.*?): \d+ events? \(", c["label"]).group(1) for c in circles)


@pytest.mark.parametrize("map_page", sorted(MAP_PAGES))
def test_every_place_is_drawn_once_offline(browsing, book_html: Path, map_page: str) -> None:
    t = tables.load()
    [chart_id] = _map_ids(book_html, map_page)
    visit = browsing.open(map_page)
    circles = visit.page.evaluate(_CIRCLES, chart_id)
    expected = sorted(maps.map_data(t, MAP_PAGES[map_page])["place"])
    assert expected, "a map with no place to draw tests nothing"
    assert _places(circles) == expected
    assert all(c["w"] > 0 and c["h"] > 0 for c in circles), "a circle is not visible"
    land = visit.page.evaluate(f"() => document.getElementById('{chart_id}').querySelectorAll('svg.marks .iranaz_land_marks path').length")
    assert land >= 6, "the country boundaries are not drawn"
    assert visit.problems() == []


def test_the_period_drop_down_redraws_the_whole_arc_map(browsing, book_html: Path) -> None:
    t = tables.load()
    page = "notebooks/08_whole_arc.html"
    [chart_id] = _map_ids(book_html, page)
    visit = browsing.open(page)
    p = visit.page
    select = p.locator(f"#{chart_id} select")
    assert select.evaluate("s => [...s.options].map(o => o.value)") == [maps.ALL, *t.periods["short"]]
    for period in t.periods.itertuples():
        select.select_option(period.short)
        expected = sorted(maps.map_data(t, period.period_id)["place"])
        p.wait_for_function(f"(n) => ({_CIRCLES})('{chart_id}').length === n", arg=len(expected), timeout=5_000)
        assert _places(p.evaluate(_CIRCLES, chart_id)) == expected, period.short
    select.select_option(maps.ALL)
    assert _places(p.evaluate(_CIRCLES, chart_id)) == sorted(maps.map_data(t)["place"])
    assert visit.problems() == []


def test_a_circle_links_to_its_place(browsing, book_html: Path) -> None:
    """Clicking the largest circle (Baku) opens its row of the places table."""
    page = "reference/places.html"
    [chart_id] = _map_ids(book_html, page)
    visit = browsing.open(page)
    p = visit.page
    box = p.evaluate(
        """(id) => { let best = null;
          for (const el of document.getElementById(id).querySelectorAll('svg.marks .mark-symbol.role-mark path')) {
            const r = el.getBoundingClientRect(); if (!best || r.width > best.w) best = {w: r.width, x: r.x + r.width / 2, y: r.y + r.height / 2, el}; }
          best.el.scrollIntoView({block: 'center'}); const r = best.el.getBoundingClientRect();
          return {x: r.x + r.width / 2, y: r.y + r.height / 2}; }""",
        chart_id,
    )
    p.mouse.click(box["x"], box["y"])
    p.wait_for_function("() => location.hash === '#place-baku'", timeout=5_000)
    assert p.locator("#place-baku").count() == 1
    assert visit.problems() == []
