"""The reference entries: one page per event, the chronology and the claim checks.

Every event has its own page, ``events/E300.html`` (:mod:`iranaz.addresses`), made by the
Sphinx extension at every build from the tables (``html-collect-pages``), never kept by hand.
An entry gathers what a researcher checking one event needs: the date as precisely as it is
known and how it was found, both actors (linked to the who's who), the CAMEO code with its
Goldstein weight and quad class, domains, status, place, the summary, every source (first-hand
or background, with the verbatim sentence for a seed article), the claim checks, the chapters
that discuss it, and "Cite this event" in APA, Chicago, BibTeX and CSL-JSON, naming the
version of the data.

The chronology (``reference/chronology``) and the claim checks (``reference/claims``) are
notebook pages whose one cell calls :func:`chronology` or :func:`claim_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from .. import addresses, measures, paths
from ..tables import Tables
from ..tables import load as load_tables
from .cite import KEY_PREFIX, bibtex_entry, bibtex_escape, block_html
from .markup import render, trusted
from .metadata import metadata
from .toc import Page, pages

STATUS_WORDS = {
    "occurred": "occurred: reported as having happened",
    "alleged": "alleged: a claim one side made and we could not confirm",
    "announced": "announced: reported as planned or decided, not yet seen done",
    "withdrawn": "withdrawn: no longer counted (kept so that citations resolve)",
}
PRECISION_WORDS = {
    "day": "to the day",
    "month": "to the month",
    "year": "to the year",
    "before": "by that day at the latest (the sources report it as done by then)",
}
REPORTING_WORDS = {
    "first-hand": "first-hand: reports the event as news",
    "background": "background: recalls the event in a piece about something else",
    "advance": "advance: announced the event before it took place",
}


class Html:
    """HTML for a notebook cell (Jupyter shows it; the book inserts it as it is)."""

    def __init__(self, html: str, text: str = "") -> None:
        self.html, self.text = html, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or self.html


# --------------------------------------------------------------------------------------
# Which chapters discuss which event


@cache
def _chapters(root: str) -> tuple[Page, ...]:
    return tuple(p for p in pages(Path(root)) if p.docname.startswith("notebooks/"))


def chapters_naming(root: Path | None = None) -> dict[str, list[Page]]:
    """Per event id, the chapters whose text or code names it, in reading order."""
    out: dict[str, list[Page]] = {}
    for page in _chapters(str(root or paths.ROOT)):
        for event_id in sorted(set(addresses.EVENT_ID.findall(page.path.read_text(encoding="utf-8")))):
            out.setdefault(event_id, []).append(page)
    return out


def period_chapters(t: Tables, root: Path | None = None) -> dict[str, Page]:
    """Per period id, the chapter that tells it (``periods.chapter``)."""
    by_name = {p.docname.rsplit("/", 1)[-1]: p for p in _chapters(str(root or paths.ROOT))}
    return {r.period_id: by_name[r.chapter] for r in t.periods.itertuples() if r.chapter in by_name}


# --------------------------------------------------------------------------------------
# One event


def _all_events(t: Tables) -> pd.DataFrame:
    return pd.concat([t.events, t.withdrawn], ignore_index=True)


def event_title(ev: pd.Series) -> str:
    """A citable title: 'Event E300, 27 January 2023: Yasin Hosseinzadeh and Azerbaijan'."""
    return f"Event {ev['event_id']}, {measures.date_label(ev['date'], ev['date_precision'])}: {ev['actor1_name']} and {ev['actor2_name']}"


def event_csl(ev: pd.Series, root: Path | None = None) -> dict[str, Any]:
    """The CSL-JSON item of one event: an entry of the book's data set, with its version."""
    meta = metadata(root)
    d = meta.date_released
    docname = addresses.event_docname(ev["event_id"])
    item: dict[str, Any] = {
        "id": f"{KEY_PREFIX}-{ev['event_id']}",
        "type": "dataset",
        "title": event_title(ev),
        "container-title": meta.title,
        "author": [{"literal": a} for a in meta.authors],
        "issued": {"date-parts": [[d.year, d.month, d.day]]},
        "version": meta.version,
        "medium": f"event {ev['event_id']}, {docname}.html",
    }
    if meta.page_url(docname):
        item["URL"] = meta.page_url(docname)
    return item


def event_bibtex(ev: pd.Series, root: Path | None = None) -> str:
    meta = metadata(root)
    docname = addresses.event_docname(ev["event_id"])
    fields = [
        ("author", " and ".join("{" + bibtex_escape(a) + "}" for a in meta.authors)),
        ("title", "{" + bibtex_escape(event_title(ev)) + "}"),
        ("booktitle", "{" + bibtex_escape(meta.title) + "}"),
        ("year", str(meta.year)),
        ("date", meta.date_released.isoformat()),
        ("version", meta.version),
        ("note", bibtex_escape(f"Data set entry {ev['event_id']}, {docname}.html")),
    ]
    if meta.page_url(docname):
        fields.append(("url", meta.page_url(docname)))
    return bibtex_entry("misc", f"{KEY_PREFIX}-{ev['event_id']}", fields)


def cite_event(ev: pd.Series, root: Path | None = None) -> str:
    """'Cite this event': APA, Chicago, BibTeX and CSL-JSON, naming the version and the address."""
    item = event_csl(ev, root)
    return block_html(item, event_bibtex(ev, root), "this event", accessed="URL" not in item)


def _link(href: str, text: str) -> dict[str, str]:
    return {"href": href, "text": text}


def _sources(t: Tables, event_id: str) -> list[dict[str, Any]]:
    src = t.sources.set_index("source_id")
    rows = t.evidence[t.evidence["event_id"] == event_id].merge(src, left_on="source_id", right_index=True, how="left")
    rows = rows.assign(_order=rows["reporting"].map({"first-hand": 0, "advance": 1, "background": 2})).sort_values(["_order", "published", "source_id"])
    out = []
    for r in rows.itertuples():
        published = "" if pd.isna(r.published) else f"{r.published.day} {r.published:%B %Y}"
        out.append(
            {
                "id": r.source_id,
                "label": r.label,
                "outlet": r.outlet,
                "title": r.title,
                "title_en": r.title_en,
                "published": published,
                "url": r.url,
                "copy_at": r.copy_at,
                "reporting": r.reporting,
                "reporting_words": REPORTING_WORDS.get(r.reporting, r.reporting),
                "seed": bool(r.raw_file),
                "quote": r.quote,
                "note": r.note,
            }
        )
    return out


def _neighbour(ev: pd.Series | None) -> dict[str, str] | None:
    if ev is None:
        return None
    return _link(addresses.event(ev["event_id"]), f"{ev['event_id']}, {measures.date_label(ev['date'], ev['date_precision'])}")


def _source_ids_as_labels(text: str, labels: pd.Series) -> str:
    """Our notes name sources by id; a reader sees them as cited: 'Tehran Times 2023'."""
    return re.sub(r"\b[a-z0-9][a-z0-9-]*-(?:\d{4}-\d{2}-\d{2}|nodate)[a-z0-9-]*\b", lambda m: labels.get(m.group(0), m.group(0)), text)


def event_context(t: Tables, event_id: str, root: Path | None = None) -> dict[str, Any]:
    """Everything an entry shows, as plain values (escaped by the template)."""
    events = _all_events(t)
    order = events.sort_values(["date", "event_id"]).reset_index(drop=True)
    hits = order.index[order["event_id"] == event_id]
    if len(hits) != 1:
        raise KeyError(f"no event {event_id!r} in data/events.csv")
    i = int(hits[0])
    ev = order.loc[i]
    checks = t.claim_checks[t.claim_checks["event_id"] == event_id]
    labels = t.sources.set_index("source_id")["label"]
    domains = t.event_domains.merge(t.domains, on="domain")
    period = period_chapters(t, root).get(ev["period_id"]) if isinstance(ev["period_id"], str) else None
    alt_date = ""
    if ev["date_alt"]:
        alt_date = measures.date_label(pd.Timestamp(ev["date_alt"]), ev["date_alt_precision"] or "day")
    prev_ev = order.loc[i - 1] if i > 0 else None
    next_ev = order.loc[i + 1] if i + 1 < len(order) else None
    return {
        "id": event_id,
        "title": f"{event_id}: {measures.date_label(ev['date'], ev['date_precision'])}",
        "summary": ev["summary"],
        "date": measures.date_label(ev["date"], ev["date_precision"]),
        "iso_date": ev["date"].strftime("%Y-%m-%d"),
        "precision": PRECISION_WORDS.get(ev["date_precision"], ev["date_precision"]),
        "date_note": _source_ids_as_labels(ev["date_note"], labels),
        "alt_date": alt_date,
        "actors": [
            {"name": ev[f"{side}_name"], "href": addresses.actor(ev[side]), "role": ev[f"{side}_role"], "country": ev[f"{side}_country"]}
            for side in ("actor1", "actor2")
        ],
        "cameo_code": ev["cameo_code"],
        "cameo_label": ev["cameo_label"],
        "goldstein": f"{ev['goldstein']:+.1f}",
        "quad_class": int(ev["quad_class"]),
        "quad_label": ev["quad_label"],
        "domains": domains.loc[domains["event_id"] == event_id, "label"].sort_values().tolist(),
        "status": ev["status"],
        "status_words": STATUS_WORDS.get(ev["status"], ev["status"]),
        "place": ev["location"],
        "place_href": addresses.place(ev["place_id"]) if "place_id" in ev and isinstance(ev["place_id"], str) and ev["place_id"] else "",
        "notes": _source_ids_as_labels(ev["notes"], labels),
        "corroboration": int(ev["corroboration"]),
        "sources": _sources(t, event_id),
        "checks": [
            {"id": c.check_id, "href": addresses.claim(c.check_id), "verdict": c.verdict, "finding": c.finding, "quote": c.quote}
            | {"label": labels.get(c.source_id, c.source_id)}
            for c in checks.itertuples()
        ],
        "chapters": [_link(f"../{p.docname}.html", f"{p.number}. {p.title}" if p.number else p.title) for p in chapters_naming(root).get(event_id, [])],
        "period": _link(f"../{period.docname}.html", f"{period.number}. {period.title}" if period.number else period.title) if period else None,
        "period_label": ev["period_label"] if isinstance(ev["period_label"], str) else "",
        "previous": _neighbour(prev_ev),
        "next": _neighbour(next_ev),
        "chronology": f"../{addresses.CHRONOLOGY}.html#{addresses.anchor('event', event_id)}",
        "explorer": f"../{addresses.EXPLORER}.html",
        "cite": trusted(cite_event(ev, root)),
    }


def event_page(t: Tables, event_id: str, root: Path | None = None) -> tuple[str, str]:
    """The title and body HTML of one event's entry."""
    ctx = event_context(t, event_id, root)
    return ctx["title"], render("event.html", e=ctx)


@dataclass(frozen=True)
class EntryPage:
    pagename: str
    title: str
    body: str


def event_pages(root: Path | None = None, t: Tables | None = None) -> Iterator[EntryPage]:
    """Every event's entry (the withdrawn ones too, marked so), for the Sphinx extension."""
    t = t or load_tables()
    for event_id in sorted(_all_events(t)["event_id"]):
        title, body = event_page(t, event_id, root)
        yield EntryPage(addresses.event_docname(event_id), title, body)


# --------------------------------------------------------------------------------------
# The chronology and the claim checks


def chronology(t: Tables | None = None) -> Html:
    """Every event in date order, grouped by year, each linking to its entry."""
    t = t or load_tables()
    ev = t.events.sort_values(["date", "event_id"])
    years = []
    for year, group in ev.groupby("year", sort=True):
        years.append(
            {
                "year": int(year),
                "anchor": f"year-{int(year)}",
                "events": [
                    {
                        "id": r.event_id,
                        "anchor": addresses.anchor("event", r.event_id),
                        "href": addresses.event(r.event_id),
                        "date": measures.date_label(r.date, r.date_precision),
                        "iso": r.date.strftime("%Y-%m-%d"),
                        "actors": f"{r.actor1_name} and {r.actor2_name}",
                        "summary": r.summary,
                        "status": r.status,
                        "quad_label": r.quad_label,
                    }
                    for r in group.itertuples()
                ],
            }
        )
    text = "\n".join(f"{y['year']}: {len(y['events'])} events" for y in years)
    return Html(render("chronology.html", years=years), text)


def claim_checks(t: Tables | None = None) -> Html:
    """Every claim check: the seed's claim (verbatim), the verdict, what was found, the sources consulted."""
    t = t or load_tables()
    src = t.sources.set_index("source_id")
    consulted = t.claim_check_sources.groupby("check_id")["source_id"].agg(list)
    checks = []
    for c in t.claim_checks.itertuples():
        checks.append(
            {
                "id": c.check_id,
                "anchor": addresses.anchor("check", c.check_id),
                "seed": src["label"].get(c.source_id, c.source_id),
                "quote": c.quote,
                "event": _link(addresses.event(c.event_id), c.event_id) if c.event_id else None,
                "verdict": c.verdict,
                "finding": c.finding,
                "sources": [
                    {"label": src["label"].get(s, s), "url": src["url"].get(s, ""), "title": src["title"].get(s, "")} for s in consulted.get(c.check_id, [])
                ],
            }
        )
    return Html(render("claims.html", checks=checks), "\n".join(f"{c['id']}: {c['verdict']}" for c in checks))


def counted_sources(t: Tables, chapter: str, text: str) -> list[str]:
    """The sources behind what a chapter counts and names: every source of the events its
    text or code names by id and, for a chapter that tells one period
    (``periods.chapter``), of every event of that period, which its charts count."""
    events = set(addresses.EVENT_ID.findall(text))
    periods = set(t.periods.loc[t.periods["chapter"] == chapter, "period_id"])
    events |= set(t.events.loc[t.events["period_id"].isin(periods), "event_id"])
    return sorted(set(t.evidence.loc[t.evidence["event_id"].isin(events), "source_id"]))


# --------------------------------------------------------------------------------------
# Ids in the prose become links


_SKIP = ("a", "pre", "code", "script", "style", "textarea", "title", "svg")
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")
_IDS = re.compile(r"\b(E\d{3}|C\d{2})\b")


def link_ids(html: str, event_ids: set[str], check_ids: set[str], prefix: str = "../") -> str:
    """``html`` with every event id (E300) and claim-check id (C04) in its text made a link
    to its entry, except inside links, code, scripts and SVG. Ids unknown to the tables stay
    text (the test of bare ids then names them)."""
    out: list[str] = []
    skip: list[str] = []
    for part in _TAG.split(html):
        if not part:
            continue
        if part.startswith("<"):
            m = _TAG_NAME.match(part)
            name = m.group(1).lower() if m else ""
            if name in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    if name in skip:
                        del skip[len(skip) - 1 - skip[::-1].index(name)]
                else:
                    skip.append(name)
            out.append(part)
        elif skip:
            out.append(part)
        else:
            out.append(_IDS.sub(lambda m: _id_link(m.group(1), event_ids, check_ids, prefix), part))
    return "".join(out)


def _id_link(key: str, event_ids: set[str], check_ids: set[str], prefix: str) -> str:
    if key in event_ids:
        href = addresses.event(key)
    elif key in check_ids:
        href = addresses.claim(key)
    else:
        return key
    return f'<a class="iranaz-id" href="{prefix}{addresses.from_root(href)}">{key}</a>'


def known_ids(t: Tables | None = None) -> tuple[set[str], set[str]]:
    t = t or load_tables()
    return set(_all_events(t)["event_id"]), set(t.claim_checks["check_id"])
