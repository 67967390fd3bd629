"""The event explorer (reference/explorer) in a browser with the network cut off: its filters
count what pandas counts, its address reproduces a view, its rows lead to their entries, its
CSV holds the rows shown, nothing leaves the machine, and without JavaScript the table is whole.

The expected rows are computed here from the CSV files with pandas, independently of
iranaz.book.explorer.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pandas as pd
import pytest

from iranaz import paths

PAGE = "reference/explorer.html"
READY = ".iranaz-explorer[data-ready=yes]"
SHOWN_IDS = "() => [...document.querySelectorAll('table.iranaz-explorer-table tbody tr[data-event]')].map(tr => tr.dataset.event)"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.DATA / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """Every event a reader can see, with the text of the fields the table shows and searches
    (id, date, actors' names, CAMEO label, quad class, domains, status, place, outlet
    countries, number of sources, summary), joined from the CSV files."""
    ev = read("events")
    ev = ev[ev["status"] != "withdrawn"].copy()
    names = read("actors").set_index("actor_id")["name"]
    codes = read("cameo_codes").set_index("cameo_code")
    quads = read("quad_classes").set_index("quad_class")["label"]
    domains = read("event_domains").merge(read("domains"), on="domain").groupby("event_id")["label"].agg(" ".join)
    evidence = read("evidence").merge(read("sources")[["source_id", "outlet_id"]], on="source_id")
    countries = evidence.merge(read("outlets")[["outlet_id", "country"]], on="outlet_id").groupby("event_id")["country"].agg(" ".join)
    n_sources = evidence.groupby("event_id")["source_id"].nunique().astype(str)
    ev["year"] = ev["date"].str[:4].astype(int)
    ev["text"] = (
        ev["event_id"]
        + " " + ev["date"]
        + " " + ev["actor1"].map(names) + " " + ev["actor2"].map(names)
        + " " + ev["cameo_code"].map(codes["label"]) + " " + ev["cameo_code"].map(codes["quad_class"]).map(quads)
        + " " + ev["event_id"].map(domains).fillna("")
        + " " + ev["status"] + " " + ev["location"]
        + " " + ev["event_id"].map(countries).fillna("") + " " + ev["event_id"].map(n_sources).fillna("0")
        + " " + ev["summary"]
    )  # fmt: skip
    return ev


def open_ready(browsing, query: str = "", width: int = 1280):
    visit = browsing.open(PAGE + query, width)
    visit.page.wait_for_selector(READY, timeout=15_000)
    return visit


def test_2023_and_embassy_shows_exactly_what_pandas_counts(browsing, events: pd.DataFrame) -> None:
    """Filtering to 2023 (from and to) and searching "embassy", as a reader does it, leaves
    exactly the events of 2023 whose row text contains "embassy" (any case)."""
    expected = events[(events["year"] == 2023) & events["text"].str.contains("embassy", case=False, regex=False)]
    assert len(expected) >= 5, "too few rows for the test to mean anything"
    visit = open_ready(browsing)
    p = visit.page
    p.select_option("#iranaz-explorer-year_from", "2023")
    p.select_option("#iranaz-explorer-year_to", "2023")
    p.fill("#iranaz-explorer-q", "embassy")
    assert sorted(p.evaluate(SHOWN_IDS)) == sorted(expected["event_id"])
    assert p.locator(".iranaz-explorer-status").text_content() == f"Showing {len(expected)} of {len(events)} events."
    assert urlsplit(p.url).query == "q=embassy&year_from=2023&year_to=2023"
    assert visit.problems() == []


def test_a_filtered_address_reproduces_its_view(browsing, events: pd.DataFrame) -> None:
    """Opened from an address with filters, search and sort, the page shows those rows in that
    order, its fields show the filters, and the address stays as it was."""
    query = "?q=visit&actor=ilham_aliyev&domain=diplomacy&sort=date.desc"
    in_domain = set(read("event_domains").query("domain == 'diplomacy'")["event_id"])
    expected = events[
        ((events["actor1"] == "ilham_aliyev") | (events["actor2"] == "ilham_aliyev"))
        & events["event_id"].isin(in_domain)
        & events["text"].str.contains("visit", case=False, regex=False)
    ]
    assert len(expected) >= 3
    visit = open_ready(browsing, query)
    p = visit.page
    shown = p.evaluate(SHOWN_IDS)
    assert sorted(shown) == sorted(expected["event_id"])
    dates = expected.set_index("event_id")["date"]
    assert [dates[e] for e in shown] == sorted(dates, reverse=True)  # newest first
    assert p.input_value("#iranaz-explorer-actor") == "ilham_aliyev" and p.input_value("#iranaz-explorer-domain") == "diplomacy"
    assert p.input_value("#iranaz-explorer-q") == "visit"
    assert p.get_attribute("th[data-key=date]", "aria-sort") == "descending"
    assert "?" + urlsplit(p.url).query == query
    assert visit.problems() == []


def test_sorting_by_a_header_is_written_into_the_address(browsing) -> None:
    visit = open_ready(browsing)
    p = visit.page
    p.click("th[data-key=sources]")
    assert urlsplit(p.url).query == "sort=sources.asc"
    n = p.evaluate("() => [...document.querySelectorAll('table.iranaz-explorer-table tbody tr')].map(tr => Number(tr.cells[8].textContent))")
    assert n == sorted(n) and n[0] < n[-1]
    p.click("text=Show every event")
    assert urlsplit(p.url).query == ""
    assert visit.problems() == []


def test_a_row_link_lands_on_its_entry(browsing, server: str) -> None:
    visit = open_ready(browsing, "?q=Kalashnikov")
    p = visit.page
    (event,) = p.evaluate(SHOWN_IDS)
    with p.expect_navigation():
        p.click(f"tr[data-event={event}] a")
    assert p.url == f"{server}/events/{event}.html"
    assert p.locator(f'article.iranaz-entry[data-event-id="{event}"] h1').text_content().startswith(event)
    assert visit.problems() == []


def test_csv_holds_the_rows_shown_in_their_order(browsing, server: str) -> None:
    visit = open_ready(browsing, "?year_from=2023&year_to=2023&q=embassy&sort=sources.desc")
    p = visit.page
    shown = p.evaluate(SHOWN_IDS)
    with p.expect_download() as download:
        p.click("text=Download these rows (CSV)")
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    head, body = rows[0], rows[1:]
    columns = ["Date", "Actors", "Action (CAMEO)", "Quad class", "Domains", "Status", "Place", "Outlet countries", "Sources", "Summary"]
    assert head == ["event_id", *columns, "entry_url"]
    assert [r[0] for r in body] == shown
    e = body[0]
    assert e[-1] == f"{server}/events/{e[0]}.html"
    summary = read("events").set_index("event_id").loc[e[0], "summary"]
    assert e[head.index("Summary")] == summary  # quotes and commas survive the quoting
    assert visit.problems() == []


def test_nothing_is_requested_from_outside(browsing) -> None:
    """Loading, filtering, sorting and downloading: every request goes to 127.0.0.1, and
    DataTables is among them."""
    visit = open_ready(browsing, "?q=gas")
    p = visit.page
    p.select_option("#iranaz-explorer-country", "IRN")
    p.click("th[data-key=place]")
    with p.expect_download():
        p.click("text=Download these rows (CSV)")
    assert visit.blocked == [] and visit.problems() == []
    assert any("/_static/datatables-" in u for u in visit.requested)


def test_without_javascript_the_table_is_whole(browser, server: str, events: pd.DataFrame) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        blocked: list[str] = []
        ctx.route("**/*", lambda r: (blocked.append(r.request.url), r.abort()) if urlsplit(r.request.url).hostname != "127.0.0.1" else r.continue_())
        p = ctx.new_page()
        p.goto(f"{server}/{PAGE}?year_from=2023&q=embassy")
        assert p.evaluate(SHOWN_IDS) == events.sort_values(["date", "event_id"])["event_id"].tolist()
        assert p.locator("table.iranaz-explorer-table tbody tr").first.locator("td").count() == 10
        assert not p.locator("form.iranaz-explorer-filters").is_visible()
        assert blocked == []
    finally:
        ctx.close()


def test_in_print_the_whole_table_fits_the_page(browser, server: str, events: pd.DataFrame) -> None:
    """Printed (A4 is about 794 CSS px wide; the PDF route prints the screen's page), the
    filters are gone and every row and column fits: nothing sticks out of the text column."""
    ctx = browser.new_context(viewport={"width": 794, "height": 1123})
    try:
        p = ctx.new_page()
        p.goto(f"{server}/{PAGE}")
        p.wait_for_selector(READY, timeout=15_000)
        p.emulate_media(media="print")
        fit = p.evaluate(
            """() => { const t = document.querySelector('table.iranaz-explorer-table').getBoundingClientRect();
                       const a = document.querySelector('article.bd-article').getBoundingClientRect();
                       return {table: t.right, article: a.right, rows: document.querySelectorAll('table.iranaz-explorer-table tbody tr').length,
                               form: getComputedStyle(document.querySelector('form.iranaz-explorer-filters')).display}; }"""
        )
        assert fit["table"] <= fit["article"] + 1, fit
        assert fit["rows"] == len(events) and fit["form"] == "none", fit
    finally:
        ctx.close()
