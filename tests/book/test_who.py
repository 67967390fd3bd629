"""The who's who (iranaz.book.who): one entry per actor, with its spellings, offices and events.

Expectations are computed here from the CSV files with plain pandas, or are literals read off
the CSV by hand (ilham_aliyev's spellings, mahmoud_vaezi's offices), never taken from the code
under test.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from iranaz import addresses, paths, tables
from iranaz.book import who

from ..conftest import edit_csv


class Entries(HTMLParser):
    """Each who's who entry of a page: its id, heading, text and links, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict] = []
        self.depth = 0  # <section> nesting inside the current entry

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "section" and "iranaz-who-entry" in (a.get("class") or "").split():
            self.entries.append({"id": a["id"], "text": "", "hrefs": [], "h3": ""})
            self.depth = 1
        elif tag == "section" and self.depth:
            self.depth += 1
        elif tag == "a" and self.depth:
            self.entries[-1]["hrefs"].append(a.get("href"))
        self._in_h3 = tag == "h3" and bool(self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1
        if tag == "h3":
            self._in_h3 = False

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.entries[-1]["text"] += data
            if getattr(self, "_in_h3", False):
                self.entries[-1]["h3"] += data


def entries_of(html: str) -> list[dict]:
    parser = Entries()
    parser.feed(html)
    return parser.entries


@pytest.fixture(scope="module")
def page() -> str:
    return who.entries(tables.load())._repr_html_()


@pytest.fixture(scope="module")
def by_id(page: str) -> dict[str, dict]:
    return {e["id"]: e for e in entries_of(page)}


def csv(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def test_every_actor_has_exactly_one_entry(page: str):
    actors = csv("actors")
    ids = Counter(e["id"] for e in entries_of(page))
    assert sum(ids.values()) == len(actors)
    assert all(n == 1 for n in ids.values())
    assert set(ids) == {"actor-" + re.sub(r"[^a-z0-9]+", "-", a.lower()).strip("-") for a in actors["actor_id"]}


def test_entry_ids_are_where_addresses_and_actor_link_point(by_id: dict):
    for actor_id, name in csv("actors")[["actor_id", "name"]].itertuples(index=False):
        page_part, fragment = addresses.actor(actor_id).split("#")
        assert page_part == "../reference/who.html"
        assert fragment in by_id
        assert by_id[fragment]["h3"] == name
        assert who.actor_link(actor_id) == (name, addresses.actor(actor_id))
    # the other side of each event is named with a link to its own entry
    aliyev = by_id["actor-ilham-aliyev"]["hrefs"]
    assert aliyev[aliyev.index("../events/E001.html") + 1] == "../reference/who.html#actor-irn"
    inner = {h.split("#")[1] for e in by_id.values() for h in e["hrefs"] if h.startswith("../reference/who.html#")}
    assert inner and inner <= set(by_id)
    with pytest.raises(KeyError, match="nobody"):
        who.actor_link("nobody")


def test_every_event_of_an_actor_on_either_side_is_listed_in_date_order(by_id: dict):
    ev = csv("events")
    ev = ev[ev["status"] != "withdrawn"].sort_values(["date", "event_id"])
    for actor_id in csv("actors")["actor_id"]:
        mine = ev[(ev["actor1"] == actor_id) | (ev["actor2"] == actor_id)]["event_id"].tolist()
        entry = by_id[addresses.anchor("actor", actor_id)]
        listed = [re.fullmatch(r"\.\./events/(E\d{3})\.html", h).group(1) for h in entry["hrefs"] if "/events/" in h]
        assert listed == mine, actor_id
        if mine:
            assert f"{len(mine)} event{'s' if len(mine) != 1 else ''}, in date order" in entry["text"]
    # a withdrawn event is counted nowhere, so it is listed nowhere either
    gone = set(csv("events").query("status == 'withdrawn'")["event_id"])
    assert all(f"../events/{g}.html" not in e["hrefs"] for g in gone for e in by_id.values())


def test_ilham_aliyev_spellings_with_who_attests_them(by_id: dict):
    text = " ".join(by_id["actor-ilham-aliyev"]["text"].split())
    # read off data/actor_names.csv: 11 spellings, 4 attested in two seed articles
    spellings = [
        "Aliev",
        "Aliyev",
        "Elham Aliev",
        "Elham Aliyaf",
        "Ilham Aliev",
        "Ilham Alijew",
        "Ilham Aliyev",
        "Ilkham Aliyev",
        "İlham Əliyev",
        "Ильхам Алиев",
        "عليوف",
    ]
    assert all(s in text for s in spellings)
    assert "Aliev (commonspace.eu 2014)" in text and "Ilham Aliyev (Al-Monitor 2014)" in text
    assert "Ilkham Aliyev (" not in text  # no seed attests it: no source is claimed
    assert text.count("(commonspace.eu 2014)") == 2 and text.count("(Al-Monitor 2014)") == 2


def test_offices_by_year(by_id: dict):
    vaezi = " ".join(by_id["actor-mahmoud-vaezi"]["text"].split())
    assert "2016 Minister of Communications and Information Technology of Iran; co-chair of the joint economic commission" in vaezi
    assert "2017–2020 Head (chief of staff) of the Iranian President's Office" in vaezi
    assert vaezi.index("2016 Minister") < vaezi.index("2017–2020 Head")
    assert "2014–2020 President of Iran (2013–2021)" in " ".join(by_id["actor-hassan-rouhani"]["text"].split())


def test_dates_are_no_more_precise_than_known(by_id: dict):
    text = " ".join(by_id["actor-ilham-aliyev"]["text"].split())
    assert "E372 by 21 January 2016:" in text  # events.csv: date 2016-01-21, precision 'before'
    assert "E001 9 April 2014: Make a visit, towards Iran" in text
    assert "E001 9 April 2014: Make a visit, by Ilham Aliyev" in " ".join(by_id["actor-irn"]["text"].split())


def test_groups_people_by_country_then_collective_actors(page: str):
    headings = re.findall(r"<h2 id=\"who-\d+\">([^<]+)</h2>", page)
    assert headings == ["People of Azerbaijan", "People of Iran", "People of Armenia", "States", "Organisations", "Groups"]


def test_planted_markup_in_the_tables_shows_as_text(data_copy: Path):
    bad = '<img src=x onerror="alert(1)">'
    edit_csv(
        data_copy / "actors.csv",
        lambda rows: [r | ({"name": f"Ilham {bad}", "role": f"<b>{bad}</b>"} if r["actor_id"] == "ilham_aliyev" else {}) for r in rows],
    )
    edit_csv(data_copy / "actor_roles.csv", lambda rows: [r | ({"role": "<script>x()</script>"} if r["actor_id"] == "hassan_rouhani" else {}) for r in rows])
    html = who.entries(tables.load(data_copy, check=False))._repr_html_()
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "Ilham &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    # the event lists name the planted actor as text too
    assert re.search(r'(towards|by) <a href="\.\./reference/who\.html#actor-ilham-aliyev">Ilham &lt;img', html)
