"""A chapter's citation in a book published without an address carries the reader's date of
access (``iranaz-accessed.js``): in the APA and Chicago lines, the CSL-JSON and the BibTeX."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import urlsplit

from pybtex.database import parse_string

from iranaz import paths
from iranaz.book import cite

CHAPTER = "notebooks/02_thaw_2014"
#: The reader's clock, fixed: the test never depends on today's date.
READ_ON = dt.datetime(2027, 2, 3, 10, 30)


def data_uri_text(uri: str) -> str:
    return base64.b64decode(uri.split(";base64,", 1)[1]).decode("utf-8")


def test_citation_gets_the_readers_date_of_access(browser, server):
    assert "URL" not in cite.chapter_csl(CHAPTER, paths.ROOT), "html.baseurl is set: this test is about a book without one"
    ctx = browser.new_context()
    try:
        ctx.route("**/*", lambda r: r.abort() if urlsplit(r.request.url).hostname != "127.0.0.1" else r.continue_())
        page = ctx.new_page()
        page.clock.set_fixed_time(READ_ON)
        page.goto(f"{server}/{CHAPTER}.html", wait_until="load")
        page.wait_for_function("() => document.querySelector('.iranaz-cite').dataset.accessed !== ''")
        block = page.locator(".iranaz-cite")
        assert block.get_attribute("data-accessed") == "2027-02-03"
        for style in ("apa", "chicago"):
            assert block.locator(f"dd.iranaz-cite-{style}").inner_text().endswith("Accessed February 3, 2027."), style
        csl = json.loads(data_uri_text(block.locator("a.iranaz-cite-csl").get_attribute("href")))
        assert csl == [{**cite.chapter_csl(CHAPTER, paths.ROOT), "accessed": {"date-parts": [[2027, 2, 3]]}}]
        bibtex = data_uri_text(block.locator("a.iranaz-cite-bib").get_attribute("href"))
        assert bibtex == block.locator("pre.iranaz-cite-bibtex").inner_text()
        entry = parse_string(bibtex, "bibtex").entries["iranaz-02_thaw_2014"]
        assert entry.fields["urldate"] == "2027-02-03" and entry.fields["title"] == "{2014: the thaw}"
        assert "  urldate   = {2027-02-03},\n}" in bibtex  # aligned with the other fields
    finally:
        ctx.close()
