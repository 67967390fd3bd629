"""The reference entries without a book build: citation labels, event entries, links to ids,
the chronology, the claim checks, the sources a chapter counts, "Cite this event"."""

from __future__ import annotations

import base64
import dataclasses
import json
import re

import pandas as pd
import pytest

from iranaz import addresses, tables
from iranaz.book import entries


@pytest.fixture(scope="module")
def t() -> tables.Tables:
    return tables.load()


# --- Citation labels ---------------------------------------------------------------------


def test_labels_are_outlet_and_year_with_letters_only_when_needed() -> None:
    outlets = pd.DataFrame({"outlet_id": ["tt", "irna"], "name": ["Tehran Times", "IRNA"]})
    sources = pd.DataFrame(
        {
            "source_id": ["tt-b", "tt-a", "tt-solo", "irna-x", "irna-y", "anon"],
            "outlet_id": ["tt", "tt", "tt", "irna", "irna", ""],
            "title": ["", "", "", "", "", "Who met whom"],
            "published": ["2023-05-01", "2023-01-27", "2024-02-02", "", "", "2025-01-08"],
        }
    )
    labels = tables.citation_labels(sources, outlets)
    assert labels.to_dict() == {
        "tt-b": "Tehran Times 2023b",  # later in 2023 than tt-a
        "tt-a": "Tehran Times 2023a",
        "tt-solo": "Tehran Times 2024",  # the only piece of its year: no letter
        "irna-x": "IRNA n.d.-a",  # undated, APA's form, ordered by id
        "irna-y": "IRNA n.d.-b",
        "anon": "“Who met whom” 2025",  # unknown outlet: cited by its title
    }


def test_real_labels_are_unique_and_known_ones_read_as_expected(t: tables.Tables) -> None:
    labels = t.sources.set_index("source_id")["label"]
    assert not labels.duplicated().any()
    # Read off data/sources.csv by hand: the only Tehran Times piece dated 2023.
    assert labels["tehrantimes-2023-01-27"] == "Tehran Times 2023"
    assert labels["almonitor-2014-04-11"].startswith("Al-Monitor 2014")


def test_timeline_tooltips_name_sources_in_words_not_ids(t: tables.Tables) -> None:
    e300 = t.events.set_index("event_id").loc["E300"]
    assert "tehrantimes-2023-01-27" in e300["source_ids"]
    assert "Tehran Times 2023" in e300["source_labels"].split("; ")
    assert not re.search(r"[a-z]+-\d{4}-\d{2}-\d{2}", e300["source_labels"])


# --- One event's entry -------------------------------------------------------------------


def test_entry_of_the_embassy_attack_holds_what_the_tables_say(t: tables.Tables) -> None:
    # Hand-read from data/events.csv, event_domains.csv, evidence.csv and cameo_codes.csv.
    e = entries.event_context(t, "E300")
    assert e["date"] == "27 January 2023" and e["iso_date"] == "2023-01-27"
    assert e["alt_date"] == "23 January 2023"
    assert [a["name"] for a in e["actors"]] == ["Yasin Hosseinzadeh", "Azerbaijan"]
    assert [a["href"] for a in e["actors"]] == ["../reference/who.html#actor-yasin-hosseinzadeh", "../reference/who.html#actor-aze"]
    assert (e["cameo_code"], e["goldstein"], e["quad_class"]) == ("180", "-9.0", 4)
    assert e["domains"] == ["Consular and legal", "Diplomacy", "Security and defence"]
    assert e["status"] == "occurred" and e["place"] == "Tehran, Iran"
    assert len(e["sources"]) == 7
    assert [s["reporting"] for s in e["sources"]].count("first-hand") == 6
    assert e["sources"][-1]["reporting"] == "background"  # first-hand reports come first
    assert "../notebooks/06_rupture_repair.html" in [c["href"] for c in e["chapters"]]
    assert e["period"]["href"] == "../notebooks/06_rupture_repair.html"
    # Our notes name sources by id; the entry shows them as a reader cites them.
    assert "tehrantimes-2023-01-27" not in e["notes"] and "Tehran Times 2023" in e["notes"]


def test_entry_of_a_seed_event_quotes_the_seed_and_lists_its_claim_check(t: tables.Tables) -> None:
    e = entries.event_context(t, "E015")
    seeds = [s for s in e["sources"] if s["seed"]]
    assert seeds and all(s["quote"] for s in seeds)
    assert [c["id"] for c in e["checks"]] == ["C01"]
    assert e["checks"][0]["href"] == "../reference/claims.html#check-c01"


def test_unknown_event_is_an_error_naming_it(t: tables.Tables) -> None:
    with pytest.raises(KeyError, match="E999"):
        entries.event_context(t, "E999")


def test_source_text_is_escaped_on_the_entry_and_in_the_chronology(t: tables.Tables) -> None:
    planted = '<script>alert("x")</script><b>bold</b>'
    events = t.events.copy()
    events.loc[events["event_id"] == "E300", "summary"] = planted
    sources = t.sources.copy()
    sources.loc[sources["source_id"] == "tehrantimes-2023-01-27", "title"] = planted
    bad = dataclasses.replace(t, events=events, sources=sources)
    _, body = entries.event_page(bad, "E300")
    chron = entries.chronology(bad)._repr_html_()
    for html in (body, chron):
        assert "<script>alert" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;alert(" in html


def test_cite_this_event_names_version_and_address(t: tables.Tables) -> None:
    ev = pd.concat([t.events, t.withdrawn]).set_index("event_id", drop=False).loc["E300"]
    item = entries.event_csl(ev)
    assert item["version"] == "0.2.0" and item["id"] == "iranaz-E300"
    assert "events/E300.html" in item["medium"]
    bib = entries.event_bibtex(ev)
    assert "version      = {0.2.0}" in bib or "version = {0.2.0}" in re.sub(r"\s+", " ", bib)
    assert "events/E300.html" in bib
    block = entries.cite_event(ev)
    apa = re.search(r'class="iranaz-cite-apa">(.*?)</dd>', block, re.S).group(1)
    assert "Version 0.2.0" in apa and "events/E300.html" in apa and "27 January 2023" in apa
    encoded = re.search(r'href="data:application/vnd.citationstyles.csl\+json;charset=utf-8;base64,([^"]+)"', block).group(1)
    csl = json.loads(base64.b64decode(encoded))
    assert csl[0]["title"].startswith("Event E300, 27 January 2023")


# --- The chronology and the claim checks -------------------------------------------------


def test_chronology_lists_every_event_once_in_date_order_by_year(t: tables.Tables) -> None:
    html = entries.chronology(t)._repr_html_()
    ids = re.findall(r'<li id="event-(e\d{3})"><a class="iranaz-chronology-id" href="\.\./events/(E\d{3})\.html">', html)
    assert [b for _, b in ids] == t.events.sort_values(["date", "event_id"])["event_id"].tolist()
    assert all(a == b.lower() for a, b in ids)
    years = [int(y) for y in re.findall(r'<h2 id="year-(\d{4})-h">', html)]
    assert years == sorted(t.events["year"].unique().tolist())


def test_claim_checks_page_has_one_anchor_per_check(t: tables.Tables) -> None:
    html = entries.claim_checks(t)._repr_html_()
    anchors = re.findall(r'<section class="iranaz-check" id="([^"]+)"', html)
    assert anchors == [addresses.claim(c).split("#")[1] for c in t.claim_checks["check_id"]]


# --- Ids in the prose become links -------------------------------------------------------


def test_ids_in_text_become_links_but_not_inside_code_links_or_scripts() -> None:
    html = (
        '<p>The attack (E300) and check C01; unknown E999.</p><pre>E300</pre><code>E300</code>'
        '<a href="x">E300</a><script>var a = "E300";</script><p title="E300">ok</p>'
    )
    out = entries.link_ids(html, {"E300"}, {"C01"}, prefix="../")
    assert '(<a class="iranaz-id" href="../events/E300.html">E300</a>)' in out
    assert '<a class="iranaz-id" href="../reference/claims.html#check-c01">C01</a>' in out
    assert "unknown E999." in out  # not an id of the tables: left for the bare-id test to report
    assert "<pre>E300</pre><code>E300</code>" in out and '<a href="x">E300</a>' in out
    assert 'var a = "E300";' in out and 'title="E300"' in out


def test_bare_id_finder_catches_a_planted_id() -> None:
    from tests.book.reference import bare_ids

    assert bare_ids('<p>see <a href="../events/E300.html">E300</a></p>') == []
    assert bare_ids("<p>see E300 and C04</p><pre>E301</pre>") == ["E300", "C04"]
    assert bare_ids("<h1>E300: 27 January 2023</h1>", own="E300") == []


# --- Sources behind what a chapter counts ------------------------------------------------


def test_a_period_chapter_counts_the_sources_of_every_event_of_its_period(t: tables.Tables) -> None:
    chapter = "06_rupture_repair"
    period_ids = t.periods.loc[t.periods["chapter"] == chapter, "period_id"].tolist()
    in_period = t.events.loc[t.events["period_id"].isin(period_ids), "event_id"]
    expected = set(t.evidence.loc[t.evidence["event_id"].isin(in_period), "source_id"])
    got = set(entries.counted_sources(t, chapter, "named: E015"))
    assert expected <= got
    assert set(t.evidence.loc[t.evidence["event_id"] == "E015", "source_id"]) <= got


def test_an_entry_does_not_change_when_rows_are_reordered_or_added(t: tables.Tables) -> None:
    """The address comes from the id alone, and the page from the data, not from row order."""
    _, before = entries.event_page(t, "E300")
    shuffled = t.events.sample(frac=1, random_state=7).reset_index(drop=True)
    extra = t.events[t.events["event_id"] == "E001"].assign(event_id="E998", date=pd.Timestamp("2012-01-01"))
    grown = dataclasses.replace(t, events=pd.concat([shuffled, extra], ignore_index=True))
    _, after = entries.event_page(grown, "E300")
    assert after == before
    assert addresses.event("E300") == "../events/E300.html"
