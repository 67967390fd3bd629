"""The who's who and the glossary in the built book: the glossary page holds every term of
reference/glossary.md, every {term} role of a chapter became a link to one of its anchors, the
who's who holds one entry per actor where addresses.actor points, and its folded event lists
print open."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from iranaz import addresses, paths

from ..test_glossary import ENTRIES, pages, prose

GLOSSARY_LINK = re.compile(r'href="\.\./reference/glossary\.html#(term-[^"]+)"')
# the open-in-print rule of iranaz-print.css, removed to show that the print test can fail
PRINT_RULE = re.compile(r"details\.iranaz-who-events::details-content\s*\{[^}]*\}")


def dt_terms(html: str) -> dict[str, str]:
    """The terms of a page's Sphinx glossaries: {term text: anchor}."""
    dls = re.findall(r'<dl class="[^"]*\bglossary\b[^"]*">(.*?)</dl>', html, re.S)
    strip = lambda text: re.sub(r"<[^>]+>", "", re.sub(r'<a class="headerlink".*?</a>', "", text, flags=re.S)).strip()  # noqa: E731
    return {strip(text): anchor for dl in dls for anchor, text in re.findall(r'<dt id="([^"]+)"[^>]*>(.*?)</dt>', dl, re.S)}


def test_glossary_page_defines_every_term(book_html: Path) -> None:
    terms = dt_terms((book_html / "reference" / "glossary.html").read_text(encoding="utf-8"))
    assert set(terms) == {t for entry in ENTRIES for t in entry}
    assert all(a.startswith("term-") for a in terms.values())


def test_chapters_link_their_terms_to_the_glossary(book_html: Path) -> None:
    anchors = set(dt_terms((book_html / "reference" / "glossary.html").read_text(encoding="utf-8")).values())
    for source in pages():
        roles = prose(source.read_text(encoding="utf-8"))[1]
        built = book_html / source.parent.name / (source.stem + ".html")
        links = GLOSSARY_LINK.findall(built.read_text(encoding="utf-8"))
        assert len(links) == len(roles) > 0, source.name
        assert set(links) <= anchors, source.name


def test_who_has_one_entry_per_actor_where_addresses_point(book_html: Path) -> None:
    html = (book_html / "reference" / "who.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section class="iranaz-who-entry" id="([^"]+)"', html)
    actors = pd.read_csv(paths.DATA / "actors.csv", dtype=str, keep_default_na=False)["actor_id"]
    assert sorted(ids) == sorted(addresses.actor(a).split("#")[1] for a in actors)
    assert all(addresses.actor(a).startswith("../reference/who.html#") for a in actors)


def _print_state(browsing, html: str | None = None) -> dict:
    visit = browsing.open("reference/who.html", 1280, "light", wait_charts=False, html=html)
    p = visit.page
    p.emulate_media(media="print")
    return p.evaluate(
        """() => {
          const li = document.querySelector('#actor-ilham-aliyev details:not([open]) li');
          return {closed: !!li, shown: li ? li.checkVisibility() && li.getBoundingClientRect().height > 0 : false};
        }"""
    )


def test_event_lists_print_open(browsing, book_html: Path) -> None:
    state = _print_state(browsing)
    assert state == {"closed": True, "shown": True}
    # the same page with the print rule taken out prints the list folded: the check can fail
    css = (book_html / "_static" / "iranaz-print.css").read_text(encoding="utf-8")
    assert PRINT_RULE.search(css)
    page = (book_html / "reference" / "who.html").read_text(encoding="utf-8")
    page = re.sub(r'<link rel="stylesheet"[^>]*iranaz-print\.css[^>]*>', f"<style>{PRINT_RULE.sub('', css)}</style>", page)
    assert _print_state(browsing, html=page) == {"closed": True, "shown": False}
