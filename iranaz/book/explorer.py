"""The event explorer (``reference/explorer``): every event in one plain HTML table.

The table written here is complete on its own: it is what a reader without JavaScript and
the PDF get. ``static/iranaz-explorer.js`` enhances it in the browser with DataTables
(sorting, filters, free-text search, the view in the URL, CSV of the filtered rows), reading
the filters' keys from each row's ``data-*`` attributes and their choices from the form
written here, so every choice a reader sees comes from the tables at build time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from .. import addresses, measures
from ..tables import Tables
from .markup import render

#: The marker of the explorer in a page's HTML (the Sphinx extension adds DataTables there only).
MARKER = 'class="iranaz-explorer"'
#: The table's columns, in order: (key used in the view's URL, header a reader sees). The
#: action's cell also names its quad class (one column fewer, so that the table fits the
#: column at 1280 px); the CSV splits the two.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event", "Event"),
    ("date", "Date"),
    ("actors", "Actors"),
    ("action", "Action (CAMEO) and quad class"),
    ("domains", "Domains"),
    ("status", "Status"),
    ("place", "Place"),
    ("countries", "Outlet countries"),
    ("sources", "Sources"),
    ("summary", "Summary"),
)


@cache
def _territory_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> English name, from CLDR (Babel, pinned with Sphinx)."""
    from babel import Locale
    from babel.core import get_global

    names = Locale("en").territories
    aliases = get_global("territory_aliases").items()
    return {alpha3: names[alpha2[0]] for alpha3, alpha2 in aliases if len(alpha3) == 3 and alpha3.isalpha() and alpha2 and alpha2[0] in names}


def country_name(code: str) -> str:
    """A country's English name from its ISO3 code ('IRN' -> 'Iran'); the code itself if CLDR
    does not know it (never a guessed name)."""
    return _territory_names().get(code, code)


def outlet_countries(t: Tables) -> dict[str, tuple[str, ...]]:
    """Per event, the ISO3 codes of the home countries of the outlets whose pages report it
    (outlets of unconfirmed country left out), sorted by the countries' names."""
    countries = t.evidence[["event_id", "source_id"]].merge(t.sources[["source_id", "outlet_country"]], on="source_id", how="left")
    countries = countries[countries["outlet_country"].fillna("") != ""]
    return {e: tuple(sorted(set(g["outlet_country"]), key=country_name)) for e, g in countries.groupby("event_id")}


@dataclass(frozen=True)
class Row:
    """One event as the explorer shows it: the cells' text and the filters' keys."""

    event_id: str
    href: str
    date: str
    date_iso: str
    year: int
    actors: str
    actor_ids: tuple[str, ...]
    action: str
    quad_class: int
    quad: str
    domains: str
    domain_ids: tuple[str, ...]
    status: str
    place: str
    countries: str
    country_codes: tuple[str, ...]
    sources: int
    summary: str


def rows(t: Tables) -> list[Row]:
    """Every event (withdrawn ones are not in ``t.events``), in date order."""
    by_event = t.event_domains.merge(t.domains[["domain", "label"]], on="domain")
    domain_ids = {e: tuple(sorted(g["domain"])) for e, g in by_event.groupby("event_id")}
    countries = outlet_countries(t)
    out = []
    for e in t.events.itertuples(index=False):
        codes = countries.get(e.event_id, ())
        out.append(
            Row(
                event_id=e.event_id,
                href=addresses.event(e.event_id),
                date=measures.date_label(e.date, e.date_precision),
                date_iso=e.date.strftime("%Y-%m-%d"),
                year=int(e.year),
                actors=f"{e.actor1_name} → {e.actor2_name}",
                actor_ids=tuple(dict.fromkeys((e.actor1, e.actor2))),
                action=e.cameo_label,
                quad_class=int(e.quad_class),
                quad=e.quad_label,
                domains=e.domains if isinstance(e.domains, str) else "",
                domain_ids=domain_ids.get(e.event_id, ()),
                status=e.status,
                place=e.location,
                countries=", ".join(country_name(c) for c in codes),
                country_codes=codes,
                sources=int(e.n_sources),
                summary=e.summary,
            )
        )
    return out


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def _choices(pairs: Iterable[tuple[str, str]]) -> list[Choice]:
    """Distinct (value, label) pairs, sorted by label."""
    return [Choice(v, lab) for v, lab in sorted(set(pairs), key=lambda p: (p[1].casefold(), p[0]))]


def choices(t: Tables, table_rows: list[Row]) -> dict[str, list[Choice]]:
    """The filters' choices: only values that some event has, labelled from the tables."""
    actors = t.actors.set_index("actor_id")["name"]
    domains = t.domains.set_index("domain")["label"]
    quads = t.quad_classes.assign(quad_class=t.quad_classes["quad_class"].astype(int)).set_index("quad_class")["label"]
    years = sorted({r.year for r in table_rows})
    return {
        "year": [Choice(str(y), str(y)) for y in years],
        "actor": _choices((a, actors[a]) for r in table_rows for a in r.actor_ids),
        "domain": _choices((d, domains[d]) for r in table_rows for d in r.domain_ids),
        "quad": [Choice(str(q), quads[q]) for q in sorted({r.quad_class for r in table_rows})],
        "status": _choices((r.status, r.status) for r in table_rows),
        "place": _choices((r.place, r.place) for r in table_rows if r.place),
        "country": _choices((c, country_name(c)) for r in table_rows for c in r.country_codes),
    }


class Explorer:
    """The explorer's HTML (``_repr_html_``): the filter form (shown by the script) and the
    complete table."""

    def __init__(self, t: Tables):
        self.rows = rows(t)
        self.choices = choices(t, self.rows)

    def _repr_html_(self) -> str:
        return render("explorer.html", rows=self.rows, columns=COLUMNS, choices=self.choices, n=len(self.rows))

    def __repr__(self) -> str:
        return f"<event explorer: {len(self.rows)} events>"

    def frame(self) -> pd.DataFrame:
        """The table's cells as a DataFrame (for a reader in a notebook)."""
        return pd.DataFrame(
            [[r.event_id, r.date, r.actors, r.action, r.quad, r.domains, r.status, r.place, r.countries, r.sources, r.summary] for r in self.rows],
            columns=["Event", "Date", "Actors", "Action (CAMEO)", "Quad class", "Domains", "Status", "Place", "Outlet countries", "Sources", "Summary"],
        )


def table(t: Tables) -> Explorer:
    """Every event in one table, for ``reference/explorer``."""
    return Explorer(t)
