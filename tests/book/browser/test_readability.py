"""Readable, not only drawn: every chart and table of every page as a reader sees it, at 1280
and 390 px, light and dark (``readability.js`` measures; these tests judge).

- no chart text ends in an ellipsis, unless the figure's caption says why;
- no two texts of one chart overlap;
- an axis that counts things has whole-number ticks, each once;
- every colour a legend shows is a colour the chart's marks use (a grey legend, for a
  paleness or a size that applies to every colour, is neutral), and every coloured mark has
  its colour on the chart's colour gradient, if it has one;
- every tooltip field has a human title;
- at 1280 px no table hides columns behind sideways scrolling; at 390 px a table may
  scroll, and then a visible line above it says so.

Each check is first run on a planted page whose charts and tables have exactly those defects
(drawn by the book's own loader), and must find every one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from iranaz.book import offline

from .conftest import MODES, WIDTHS, Visit
from .test_pages import page_specs

READABILITY_JS = (Path(__file__).parent / "readability.js").read_text(encoding="utf-8")
TABLES_JS = (Path(__file__).parents[3] / "iranaz" / "book" / "static" / "iranaz-tables.js").read_text(encoding="utf-8")
#: A caption that explains a cut label says so in these words.
EXPLAINS_CUT = re.compile(r"\b(shortened|cut|truncated)\b", re.I)
#: Tooltip titles that name no thing a reader knows.
VAGUE_TITLES = {"group", "value", "label", "field", "category", "count", "x", "y"}


def read(visit: Visit) -> dict:
    """What ``readability.js`` measures on the visited page (once per page load)."""
    if visit.readability is None:
        visit.readability = visit.page.evaluate("() => {" + READABILITY_JS + "; return iranazReadability(); }")
    return visit.readability


# -- the judgements, shared by the book's pages and the planted page ------------------------


def cut_texts(chart: dict) -> list[str]:
    return [] if EXPLAINS_CUT.search(chart["caption"]) else chart["ellipsis"]


def bad_count_axes(chart: dict) -> list[dict]:
    """Axes of numbers whose labels repeat ("0 1 1 2 2"), and count axes with fractions."""
    return [
        a
        for a in chart["countAxes"]
        if len(set(a["labels"])) < len(a["labels"]) or (a["counts"] and any(not re.fullmatch(r"[−-]?[\d,]+", lab) for lab in a["labels"]))
    ]


def legend_problems(chart: dict) -> list[str]:
    return [f"legend colour rgb({c}) is on no mark" for c in chart["legendColours"]] + [
        f"mark colour rgb({c}) is not on the legend's gradient" for c in chart["unexplained"]
    ]


def table_problems(table: dict, width: int) -> list[str]:
    if table["hidden"] <= 1:
        return []
    if width >= 1280:
        return [f"{table['where']}: {table['hidden']:.0f} px hidden behind sideways scrolling at {width} px"]
    return [] if table["cue"] else [f"{table['where']}: scrolls sideways at {width} px with no visible cue"]


def tooltip_titles(vega: dict) -> list[str]:
    """The field titles of every tooltip a compiled Vega spec shows (its signal's keys)."""
    titles = []
    for node in offline.nested_dicts(vega):
        tip = node.get("tooltip")
        if isinstance(tip, dict) and isinstance(tip.get("signal"), str):
            titles += re.findall(r'(?:^\{|, )"((?:[^"\\]|\\.)*)": ', tip["signal"])
    return titles


def raw_titles(vega: dict, fields: set[str]) -> list[str]:
    """Tooltip titles that are a column's name or say nothing ("quarter_label", "Group")."""
    return [t for t in tooltip_titles(vega) if "_" in t or t in fields or t.lower() in VAGUE_TITLES]


def _fields(vega: dict) -> set[str]:
    return {k for d in vega.get("data", []) for row in d.get("values", [])[:1] if isinstance(row, dict) for k in row}


# -- the planted page ----------------------------------------------------------------------


def _chart_html(chart_id: str, chart: alt.TopLevelMixin, caption: str = "") -> str:
    spec = offline.json_for_html(offline.page_spec(chart.to_dict()))
    return (
        f'<figure><div class="{offline.CHART_CLASS}" id="{chart_id}" data-iranaz-state="pending"></div>'
        f'<script type="application/json" id="{chart_id}-spec">{spec}</script><figcaption>{caption}</figcaption></figure>'
    )


def planted_charts() -> dict[str, alt.TopLevelMixin]:
    long = pd.DataFrame({"label": ["Environment and emergencies", "Transport and corridors"], "n": [2, 1]})
    kinds = pd.DataFrame({"kind": ["a", "b"], "n": [1, 2]})
    return {
        "cut": alt.Chart(long).mark_bar().encode(x="n:Q", y=alt.Y("label:N", axis=alt.Axis(labelLimit=60))).properties(width=300),
        "overlap": alt.Chart(pd.DataFrame({"t": ["12", "13"], "x": [1, 1]})).mark_text(fontSize=14).encode(x="x:Q", text="t:N").properties(width=300),
        "halves": alt.Chart(long)
        .mark_bar()
        .encode(x=alt.X("n:Q", title="Number of agreements", axis=alt.Axis(format="d")), y="label:N")
        .properties(width=300),
        "legend": alt.Chart(kinds)
        .mark_bar()
        .encode(x="n:Q", y="kind:N", color=alt.Color("kind:N", scale=alt.Scale(domain=["a", "b", "c"], range=["#0072B2", "#56B4E9", "#E69F00"])))
        .properties(width=300),
        "gradient": alt.layer(
            alt.Chart(kinds).mark_rect().encode(x="kind:N", color=alt.Color("n:Q", scale=alt.Scale(scheme="blues"))),
            alt.Chart(kinds).mark_bar(color="#D55E00").encode(x="kind:N", y="n:Q"),
        ).properties(width=300),
    }


def planted_page(with_tables_js: bool) -> str:
    charts = "".join(_chart_html(name, chart) for name, chart in planted_charts().items())
    explained = _chart_html("explained", planted_charts()["cut"], "Domain names are shortened to fit.")
    wide = "<table><tr>" + "".join(f"<td>column{i}_with_a_long_unbreakable_value</td>" for i in range(5)) + "</tr></table>"
    script = f"<script>{TABLES_JS}</script>" if with_tables_js else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>planted</title>'
        f'<link rel="stylesheet" href="../_static/iranaz.css"><script src="../_static/{offline.bundle_filename()}"></script></head>'
        f'<body><main><article class="bd-article" style="max-width:640px"><section><h2>Planted</h2>{charts}{explained}{wide}</section></article></main>'
        f"{script}</body></html>"
    )


def _by_id(reading: dict) -> dict[str, dict]:
    return {c["id"]: c for c in reading["charts"]}


def test_checks_find_every_planted_defect(browsing) -> None:
    """Each check fails on the defect planted for it, and only there."""
    visit = browsing.open("notebooks/planted-readability.html", 1280, html=planted_page(with_tables_js=False))
    charts = _by_id(read(visit))
    assert [c["id"] for c in read(visit)["charts"]] == ["cut", "overlap", "halves", "legend", "gradient", "explained"]
    assert cut_texts(charts["cut"]) and all(t.endswith("…") for t in cut_texts(charts["cut"])), charts["cut"]
    assert charts["explained"]["ellipsis"] and cut_texts(charts["explained"]) == []  # the caption says why
    assert charts["overlap"]["overlapping"] == ["12 / 13"]
    assert [a["labels"] for a in bad_count_axes(charts["halves"])] == [["0", "1", "1", "2", "2"]]
    assert legend_problems(charts["legend"]) == ["legend colour rgb(230,159,0) is on no mark"]
    assert legend_problems(charts["gradient"]) == ["mark colour rgb(213,94,0) is not on the legend's gradient"]
    for name in ("overlap", "halves", "legend", "gradient"):
        assert cut_texts(charts[name]) == [], name
    for name in ("cut", "legend", "gradient"):
        assert charts[name]["overlapping"] == [] and bad_count_axes(charts[name]) == [], name
    (table,) = read(visit)["tables"]
    assert table_problems(table, 1280) and table_problems(table, 390), table  # no cue without iranaz-tables.js
    assert visit.problems() == []


def test_table_cue_shows_only_when_the_table_scrolls(browsing) -> None:
    """With the book's table script, a table too wide for a phone scrolls in a box that the
    keyboard can reach, under a visible line saying so; a table that fits has no such line."""
    visit = browsing.open("notebooks/planted-tables.html", 390, html=planted_page(with_tables_js=True))
    (table,) = read(visit)["tables"]
    assert table["hidden"] > 1 and table["cue"] and table_problems(table, 390) == [], table
    box = visit.page.locator(".iranaz-table-scroll")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    visit.page.evaluate("() => document.querySelector('article').style.maxWidth = 'none'")
    visit.page.set_viewport_size({"width": 2400, "height": 900})  # the resize makes the script look again
    visit.page.wait_for_function("() => document.querySelector('.iranaz-table-scroll').dataset.iranazScroll === 'no'", timeout=5_000)
    assert visit.page.locator(".iranaz-scroll-cue").is_hidden()


def test_tooltip_check_finds_raw_field_names() -> None:
    """A tooltip titled by its column's name ("quarter_label"), or by a word that names
    nothing ("Group"), is found; human titles pass."""
    data = pd.DataFrame({"quarter_label": ["2014 Q2"], "group": ["Iranian"], "n": [3]})
    raw = alt.Chart(data).mark_bar().encode(x="n:Q", tooltip=["quarter_label:N", alt.Tooltip("group:N", title="Group"), alt.Tooltip("n:Q", title="Events")])
    vega = offline.page_spec(raw.properties(width=200).to_dict())
    assert sorted(raw_titles(vega, _fields(vega))) == ["Group", "quarter_label"]
    human = raw.encode(tooltip=[alt.Tooltip("quarter_label:N", title="Quarter"), alt.Tooltip("n:Q", title="Events")])
    assert raw_titles(offline.page_spec(human.properties(width=200).to_dict()), set()) == []


# -- the book's pages ----------------------------------------------------------------------


def test_every_tooltip_field_has_a_human_title(book_html: Path, chapter: str) -> None:
    """Every field of every tooltip of every chart on the page has a human title."""
    bad = {cid: raw_titles(vega, _fields(vega)) for cid, vega in page_specs(book_html, chapter).items()}
    assert {cid: t for cid, t in bad.items() if t} == {}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
def test_charts_and_tables_read_whole(browsing, chapter: str, width: int, mode: str) -> None:
    """On the page at this width and mode: no chart text cut with an ellipsis (unless its
    caption says why), no texts over one another, whole-number ticks on count axes, legends
    whose colours the marks use, and tables that fit (1280 px) or say that they scroll."""
    visit = browsing.visit(chapter, width, mode)
    reading = read(visit)
    problems = {}
    for c in reading["charts"]:
        found = {
            "cut": cut_texts(c),
            "overlapping": c["overlapping"],
            "count axes": bad_count_axes(c),
            "legend": legend_problems(c),
        }
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[f"{c['id']} ({c['caption'][:60]})"] = found
    tables = [p for t in reading["tables"] for p in table_problems(t, width)]
    assert problems == {} and tables == [], json.dumps({"charts": problems, "tables": tables}, ensure_ascii=False, indent=1)
    assert visit.problems() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_one_search_box_at_a_time(browsing, chapter: str, width: int) -> None:
    """Exactly one search box is visible on the page, wide or narrow."""
    visit = browsing.visit(chapter, width, "light")
    shown = visit.page.evaluate(
        "() => [...document.querySelectorAll('.search-button__button, form.bd-search')]"
        ".filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden').length"
    )
    assert shown == 1



def test_no_sources_heading_is_empty(book_html: Path, chapter: str) -> None:
    """A "Sources" section holds a list of sources or says where they are: never a bare heading."""
    html = (book_html / chapter).read_text(encoding="utf-8")
    for body in re.findall(r'<section id="sources[^"]*">(.*?)</section>', html, re.S):
        text = re.sub(r"<h\d.*?</h\d>", "", body, flags=re.S)
        assert re.sub(r"<[^>]+>|\s", "", text), f"{chapter}: empty Sources section"


def test_empty_sources_check_finds_a_bare_heading(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text('<section id="sources"><h2>Sources<a class="headerlink" href="#sources">#</a></h2>\n</section>', encoding="utf-8")
    with pytest.raises(AssertionError, match="empty Sources section"):
        test_no_sources_heading_is_empty(tmp_path, "p.html")
