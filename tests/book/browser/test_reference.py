"""The reference in the built book: one entry per event, ids linked everywhere, in-text
citations as outlet and year, chapters' Sources lists, chart marks opening entries."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from iranaz import tables

from ..reference import bare_ids
from .conftest import book_pages
from .test_pages import page_specs


@pytest.fixture(scope="module")
def t() -> tables.Tables:
    return tables.load()


def all_pages(html_dir: Path) -> list[Path]:
    return [p for p in sorted(html_dir.rglob("*.html")) if not p.relative_to(html_dir).as_posix().startswith(("_static/", "_sources/"))]


def test_every_event_has_exactly_one_entry_and_nothing_else_is_there(book_html: Path, t: tables.Tables) -> None:
    built = sorted(p.stem for p in (book_html / "events").glob("*.html"))
    expected = sorted(set(t.events["event_id"]) | set(t.withdrawn["event_id"]))
    assert built == expected
    assert [p.name for p in (book_html / "events").iterdir() if p.suffix != ".html"] == []


def test_no_bare_event_or_check_id_is_left_on_any_page(book_html: Path) -> None:
    """Every E300 and C04 in the text of every built page (entries included) is a link."""
    left = {}
    for p in all_pages(book_html):
        own = p.stem if p.parent.name == "events" else ""
        ids = bare_ids(p.read_text(encoding="utf-8"), own)
        if ids:
            left[p.relative_to(book_html).as_posix()] = sorted(set(ids))[:10]
    assert left == {}


def test_id_links_land_on_existing_entries(book_html: Path) -> None:
    for page in book_pages(book_html):
        text = (book_html / page).read_text(encoding="utf-8")
        for href in re.findall(r'<a class="iranaz-id" href="([^"]+)"', text):
            target = (book_html / page).parent / href.split("#")[0]
            assert target.resolve().is_file(), f"{page}: {href}"
            if "#" in href:
                assert f'id="{href.split("#")[1]}"' in target.read_text(encoding="utf-8"), f"{page}: {href}"


def test_entry_links_resolve_to_who_is_who_and_chapters(book_html: Path) -> None:
    text = (book_html / "events" / "E300.html").read_text(encoding="utf-8")
    for href in set(re.findall(r'href="(\.\./(?:notebooks|reference)/[^"#]+)', text)):
        assert ((book_html / "events") / href).resolve().is_file(), href


CITATION = re.compile(r'<span class="bibtex-citation" id="id\d+">\((.*?)\)</span>', re.S)


def sources_section(text: str) -> str:
    return text.split('<section id="sources">', 1)[1].split('<section id="cite-this-chapter">', 1)[0]


def test_in_text_citations_read_as_outlet_and_year(book_html: Path, t: tables.Tables) -> None:
    """'(Tehran Times 2023; TRT World 2023)', each label linking to the bibliography."""
    labels = set(t.sources["label"])
    text = (book_html / "notebooks" / "06_rupture_repair.html").read_text(encoding="utf-8")
    groups = CITATION.findall(text)
    assert groups, "no citation found in the chapter"
    cited = [htmllib.unescape(re.sub(r"<[^>]+>", "", a)) for g in groups for a in re.findall(r"<a [^>]*>(.*?)</a>", g)]
    assert "Tehran Times 2023" in cited
    assert [c for c in cited if c not in labels] == []  # no source id, no braces: labels only
    assert "(Tehran Times 2023; TRT World 2023)" in re.sub(r"<[^>]+>", "", text)


def test_chapter_sources_lists_hold_the_sources_behind_the_events_they_count(book_html: Path, t: tables.Tables) -> None:
    """A period's chapter lists every source of every event of its period, which its charts
    count, besides those it cites; computed here with pandas, independently of the build."""
    urls = t.sources.set_index("source_id")["url"]
    for chapter in ("06_rupture_repair", "02_thaw_2014"):
        sources = sources_section((book_html / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8"))
        period_ids = t.periods.loc[t.periods["chapter"] == chapter, "period_id"]
        events = t.events.loc[t.events["period_id"].isin(period_ids), "event_id"]
        expected = set(t.evidence.loc[t.evidence["event_id"].isin(events), "source_id"])
        assert sources.count("<li id=") >= len(expected) > 0
        missing = [s for s in sorted(expected) if urls[s] and htmllib.escape(urls[s], quote=True) not in sources and urls[s] not in sources]
        assert missing == [], f"{chapter}: sources of counted events not listed: {missing[:5]}"


def test_one_event_marks_open_their_entry(book_html: Path) -> None:
    """Timeline points, coverage cells and visit dots carry a link to their event's entry (map
    circles, to their place's row); every link resolves."""
    found = 0
    for page in ("notebooks/06_rupture_repair.html", "notebooks/08_whole_arc.html"):
        for spec in page_specs(book_html, page).values():
            for data in spec.get("data", []):
                for row in data.get("values", []) or []:
                    if isinstance(row, dict) and "href" in row:
                        target = (book_html / "notebooks" / row["href"].split("#")[0]).resolve()
                        assert target.is_file(), row["href"]
                        if "#" in row["href"]:  # a map's circle: the place's row on the places page
                            assert f'id="{row["href"].split("#")[1]}"' in target.read_text(encoding="utf-8"), row["href"]
                        else:
                            assert re.fullmatch(r"\.\./events/E\d{3}\.html", row["href"]), row["href"]
                            found += 1
    assert found > 50


def test_clicking_a_timeline_point_opens_the_event(browsing) -> None:
    """A click on a point of the timeline lands on the entry of the event its tooltip names."""
    visit = browsing.visit("notebooks/06_rupture_repair.html")
    p = visit.page
    point = p.locator("div.iranaz-chart svg .mark-symbol.role-mark path").first
    point.scroll_into_view_if_needed()
    event_id = re.search(r"Event id: (E\d{3})", point.get_attribute("aria-label") or "").group(1)
    box = point.bounding_box()
    p.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    p.wait_for_url(re.compile(r"/events/E\d{3}\.html$"))
    assert p.url.endswith(f"/events/{event_id}.html")
    assert p.locator(f'article.iranaz-entry[data-event-id="{event_id}"]').count() == 1
    browsing.close()


def test_chronology_links_every_event_in_date_order(book_html: Path, t: tables.Tables) -> None:
    text = (book_html / "reference" / "chronology.html").read_text(encoding="utf-8")
    ids = re.findall(r'class="iranaz-chronology-id" href="\.\./events/(E\d{3})\.html"', text)
    assert ids == t.events.sort_values(["date", "event_id"])["event_id"].tolist()
