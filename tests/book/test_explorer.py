"""The event explorer's table (iranaz.book.explorer) and how the Sphinx extension ships
DataTables: every event once, one event's cells as computed by hand from the CSV files,
table text that stays text, and a build that says what to run when DataTables is missing."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sphinx.errors import ExtensionError

from iranaz import addresses, paths, tables
from iranaz.book import explorer, sphinxext

ROW = re.compile(r'<tr data-event="(E\d{3})"(.*?)</tr>', re.S)


def cells(row_html: str) -> list[str]:
    """The text of a row's cells, tags removed and entities decoded."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


@pytest.fixture(scope="module")
def page() -> str:
    return explorer.table(tables.load())._repr_html_()


def test_every_event_once_in_date_order(page: str) -> None:
    events = pd.read_csv(paths.DATA / "events.csv", dtype=str, keep_default_na=False)
    events = events[events["status"] != "withdrawn"].sort_values(["date", "event_id"])
    assert [m.group(1) for m in ROW.finditer(page)] == events["event_id"].tolist()
    assert len(events) >= 300  # 387 as of this commit: a table of no rows would pass the line above


def test_one_event_by_hand(page: str) -> None:
    """E002, read off the CSV files: 2014-04-09 (day), ilham_aliyev -> hassan_rouhani, CAMEO 040
    'Consult, not specified below' (quad class 1, Verbal cooperation), domain diplomacy,
    occurred in 'Tehran, Iran'; evidence from commonspace-2014-04-09 (outlet commonspace-eu, no
    country) and almonitor-2014-04-11 (al-monitor, USA)."""
    (row,) = [m.group(0) for m in ROW.finditer(page) if m.group(1) == "E002"]
    assert cells(row) == [
        "E002",
        "9 April 2014",
        "Ilham Aliyev → Hassan Rouhani",
        "Consult, not specified below Verbal cooperation",
        "Diplomacy",
        "occurred",
        "Tehran, Iran",
        "United States",
        "2",
        "Aliyev holds talks with President Hassan Rouhani in Tehran.",
    ]
    assert f'<a href="{addresses.event("E002")}">E002</a>' in row and addresses.event("E002") == "../events/E002.html"
    keys = {"year": "2014", "actor": "ilham_aliyev hassan_rouhani", "domain": "diplomacy", "quad": "1", "status": "occurred"}
    keys |= {"place": "Tehran, Iran", "country": "USA"}
    for attr, value in keys.items():
        assert f'data-{attr}="{value}"' in row, attr
    assert 'data-order="2014-04-09"' in row


def test_filter_choices_come_from_the_data() -> None:
    t = tables.load()
    x = explorer.table(t)
    assert [c.value for c in x.choices["year"]] == [str(y) for y in range(2012, 2026)]
    assert [c.label for c in x.choices["quad"]] == ["Verbal cooperation", "Material cooperation", "Verbal conflict", "Material conflict"]
    assert {c.value for c in x.choices["status"]} == set(t.events["status"])
    assert len(x.choices["actor"]) == len(set(t.events["actor1"]) | set(t.events["actor2"]))
    assert "" not in {c.value for c in x.choices["place"]}


def test_country_names_from_cldr_never_guessed() -> None:
    assert [explorer.country_name(c) for c in ("IRN", "AZE", "USA", "GBR", "TUR")] == ["Iran", "Azerbaijan", "United States", "United Kingdom", "Türkiye"]
    assert explorer.country_name("XQZ") == "XQZ"  # unknown: the code as stored, no invented name


def test_table_text_stays_text(tmp_path: Path) -> None:
    """A planted summary, actor name and place holding markup show as text, and cannot leave
    the attribute they are written into."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    events = pd.read_csv(data / "events.csv", dtype=str, keep_default_na=False)
    events.loc[events["event_id"] == "E002", "summary"] = "<script>alert(1)</script> <b>bold</b> & more"
    events.loc[events["event_id"] == "E002", "location"] = 'Tehran" onmouseover="alert(2)'
    events.to_csv(data / "events.csv", index=False)
    actors = pd.read_csv(data / "actors.csv", dtype=str, keep_default_na=False)
    actors.loc[actors["actor_id"] == "hassan_rouhani", "name"] = "<i>Rouhani</i>"
    actors.to_csv(data / "actors.csv", index=False)
    out = explorer.table(tables.load(data, check=False))._repr_html_()
    assert "<script>alert(1)" not in out and "<b>bold" not in out and "<i>Rouhani" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; more" in out
    assert 'data-place="Tehran&#34; onmouseover=&#34;alert(2)"' in out and ' onmouseover="' not in out
    assert '<option value="hassan_rouhani">&lt;i&gt;Rouhani&lt;/i&gt;</option>' in out


def test_the_extension_knows_the_explorer_by_its_marker() -> None:
    assert sphinxext.EXPLORER_MARKER == explorer.MARKER
    assert explorer.MARKER in explorer.table(tables.load())._repr_html_()


def test_datatables_copied_from_the_lock_or_the_build_says_what_to_run(tmp_path: Path) -> None:
    static = tmp_path / "_static"
    static.mkdir()
    (static / "datatables-0.0.1.min.js").write_text("old")
    target = sphinxext.copy_datatables(static)
    lock = (paths.ROOT / "package-lock.json").read_text(encoding="utf-8")
    version = re.search(r'"node_modules/datatables\.net": \{\s*"version": "([^"]+)"', lock).group(1)
    assert target.name == f"datatables-{version}.min.js"
    assert target.read_bytes() == (sphinxext.NODE_MODULES / "datatables.net" / "js" / "dataTables.min.js").read_bytes()
    assert sorted(p.name for p in static.iterdir()) == [target.name]  # the old version is gone
    with pytest.raises(ExtensionError, match="run `npm ci`"):
        sphinxext.copy_datatables(static, node_modules=tmp_path / "no_node_modules")
