"""The who's who (reference/who): one entry per actor, built from the tables at every build.

Each entry gathers what the tables know of an actor: the canonical name, every spelling the
sources use (``actor_names``) with the source that attests it, the offices the sources show by
year (``actor_roles``) and every event where the actor stands on either side (``events``). The
entry's HTML id is :func:`iranaz.addresses.anchor`, so :func:`iranaz.addresses.actor` links to
it from anywhere in the book; :func:`actor_link` gives the name and that address together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import addresses, datapackage, measures
from ..tables import Tables
from . import markup

#: Entry groups in page order: people by country (the dyad first), then the collective actors.
PEOPLE_FIRST = ("AZE", "IRN")
COLLECTIVE = (("state", "States"), ("organisation", "Organisations"), ("group", "Groups"))


@dataclass(frozen=True)
class Entry:
    """One actor's entry, every field plain text (the template escapes it)."""

    actor_id: str
    anchor: str
    name: str
    kind: str
    country: str
    description: str
    variants: list[tuple[str, str]] = field(default_factory=list)  # (spelling, who attests it)
    offices: list[tuple[str, str]] = field(default_factory=list)  # (years, office)
    events: list[dict[str, str]] = field(default_factory=list)  # id, href, date, what, other, other_href


class Html:
    """Trusted HTML (rendered by an autoescaping template) that a notebook cell shows as HTML."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<{len(self.html)} characters of HTML>"


def actor_link(actor_id: str, actors: pd.DataFrame | None = None) -> tuple[str, str]:
    """``(name, href)`` of an actor's entry, for linking a name anywhere in the book."""
    if actors is None:
        actors = datapackage.frame("actors")
    row = actors.loc[actors["actor_id"] == actor_id]
    if row.empty:
        raise KeyError(f"'{actor_id}' is not an actor_id of data/actors.csv")
    return str(row["name"].iloc[0]), addresses.actor(actor_id)


def surname_key(name: str) -> tuple[str, str]:
    """Sort people as a who's who does, by the last word of the name, then the whole name."""
    return (name.split()[-1].casefold(), name.casefold())


def attestation(source_id: str, sources: pd.DataFrame) -> str:
    """'Outlet 2014' for a source id (the outlet's name and year, as a reader knows it); the id
    itself where the outlet is not confirmed; '' for no source."""
    if not source_id:
        return ""
    row = sources.loc[sources["source_id"] == source_id]
    if row.empty or not row["outlet"].iloc[0]:
        return source_id
    published = row["published"].iloc[0]
    return f"{row['outlet'].iloc[0]} {published.year}" if pd.notna(published) else f"{row['outlet'].iloc[0]}, undated"


def label(cameo_label: str) -> str:
    """A CAMEO label as a reader needs it: 'Consult', not the codebook's 'Consult, not specified below'."""
    return cameo_label.removesuffix(", not specified below")


def years(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


def build_entries(t: Tables) -> list[tuple[str, list[Entry]]]:
    """The entries, grouped and sorted: ``[(group heading, [Entry, ...]), ...]``."""
    actors = t.actors
    state_names = dict(zip(actors.loc[actors["kind"] == "state", "actor_id"], actors.loc[actors["kind"] == "state", "name"]))
    names = dict(zip(actors["actor_id"], actors["name"]))
    roles = t.actor_roles.assign(from_year=lambda d: d["from_year"].astype(int), to_year=lambda d: d["to_year"].astype(int))
    ev = t.events.sort_values(["date", "event_id"])

    def entry(a: pd.Series) -> Entry:
        variants = [
            (str(v.name_variant), attestation(str(v.attested_in), t.sources))
            for v in t.actor_names[t.actor_names["actor_id"] == a.actor_id].sort_values("name_variant").itertuples()
        ]
        offices = [
            (years(r.from_year, r.to_year), str(r.role))
            for r in roles[roles["actor_id"] == a.actor_id].sort_values(["from_year", "to_year", "role"]).itertuples()
        ]
        mine = ev[(ev["actor1"] == a.actor_id) | (ev["actor2"] == a.actor_id)]
        events = []
        for e in mine.itertuples():
            acts = e.actor1 == a.actor_id
            other = e.actor2 if acts else e.actor1
            events.append(
                {
                    "id": e.event_id,
                    "href": addresses.event(e.event_id),
                    "date": measures.date_label(e.date, e.date_precision),
                    "what": f"{label(e.cameo_label)}, {'towards' if acts else 'by'}",
                    "other": names.get(other, other),
                    "other_href": addresses.actor(other),
                }
            )
        return Entry(
            actor_id=a.actor_id,
            anchor=addresses.anchor("actor", a.actor_id),
            name=a["name"],
            kind=a.kind,
            country=state_names.get(a.country, a.country),
            description=a.role,
            variants=variants,
            offices=offices,
            events=events,
        )

    groups: list[tuple[str, list[Entry]]] = []
    people = actors[actors["kind"] == "person"]
    countries = [*PEOPLE_FIRST, *sorted(set(people["country"]) - set(PEOPLE_FIRST), key=lambda c: state_names.get(c, c))]
    for country in countries:
        rows = people[people["country"] == country]
        if not rows.empty:
            heading = f"People of {state_names.get(country, country)}" if country else "People"
            groups.append((heading, sorted((entry(a) for _, a in rows.iterrows()), key=lambda x: surname_key(x.name))))
    for kind, heading in COLLECTIVE:
        rows = actors[actors["kind"] == kind]
        if not rows.empty:
            groups.append((heading, sorted((entry(a) for _, a in rows.iterrows()), key=lambda x: x.name.casefold())))
    return groups


def entries(t: Tables) -> Html:
    """The who's who as HTML: one ``<section>`` per actor, its events in a ``<details>`` list."""
    return Html(markup.render("who.html", groups=build_entries(t)))
