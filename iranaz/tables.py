"""Load the tidy tables, validated, with the columns every chapter derives from them.

Derived columns (Goldstein weight, quad class, period, corroboration) are computed here
from the lookup tables, never typed into ``events.csv``, so a change of codebook or
period boundaries flows through every chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import datapackage, paths, validate
from . import places as places_module

TABLES = (
    "outlets",
    "sources",
    "actors",
    "actor_names",
    "actor_roles",
    "cameo_codes",
    "quad_classes",
    "domains",
    "periods",
    "places",
    "events",
    "event_domains",
    "evidence",
    "excluded_mentions",
    "claim_checks",
    "claim_check_sources",
    "milestones",
    "search_log",
    "search_candidates",
    "releases",
    "changes",
)

#: Countries whose actors make an event part of the bilateral relationship.
DYAD = ("IRN", "AZE")


@dataclass(frozen=True)
class Tables:
    """The data package as DataFrames; ``events`` and ``sources`` carry derived columns."""

    outlets: pd.DataFrame
    sources: pd.DataFrame
    actors: pd.DataFrame
    actor_names: pd.DataFrame
    actor_roles: pd.DataFrame
    cameo_codes: pd.DataFrame
    quad_classes: pd.DataFrame
    domains: pd.DataFrame
    periods: pd.DataFrame
    #: The gazetteer; each event's ``place_id`` (derived from its ``location``) points into it.
    places: pd.DataFrame
    events: pd.DataFrame
    event_domains: pd.DataFrame
    evidence: pd.DataFrame
    excluded_mentions: pd.DataFrame
    claim_checks: pd.DataFrame
    claim_check_sources: pd.DataFrame
    milestones: pd.DataFrame
    search_log: pd.DataFrame
    search_candidates: pd.DataFrame
    releases: pd.DataFrame
    changes: pd.DataFrame
    #: Events withdrawn since a release: kept so that citations resolve, counted nowhere.
    withdrawn: pd.DataFrame


def read_raw(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table as strings, exactly as stored (empty cells as '')."""
    data_dir = Path(data_dir or paths.DATA)
    return {name: datapackage.frame(name, data_dir) for name in TABLES}


def origin_of(sources: pd.DataFrame) -> pd.Series:
    """Per source, who originated its text: the outlet it copies (``origin_id``), else its
    own outlet; a page reprinting another stored page takes that page's origin; a page of
    unknown outlet stands for itself."""
    s = sources.set_index("source_id")
    own = s["origin_id"].where(s["origin_id"] != "", s["outlet_id"])
    own = own.where(own != "", "source:" + s.index.to_series())
    rep = s["republishes"]
    return own.where(rep == "", rep.map(own))


def independent_sources(evidence: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """Per event, the number of independent originators reporting it (its corroboration).

    Copies of one outlet's text (wire copies, reprints, syndication) count once, as do
    several pages of one outlet; an advance notice of a planned event corroborates nothing.
    """
    evidence = evidence[evidence["reporting"] != "advance"]
    roots = evidence["source_id"].map(origin_of(sources))
    return roots.groupby(evidence["event_id"]).nunique()


def _letters(i: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'aa': the suffix that tells apart one outlet's pieces of a year."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def citation_labels(sources: pd.DataFrame, outlets: pd.DataFrame) -> pd.Series:
    """Per source, its in-text citation label, outlet and year as a reader cites it:
    'Tehran Times 2023a'; 'IRNA n.d.-c' when undated (APA's form).

    Letters follow the date of publication, then the source id, among all of an outlet's
    pieces of that year, so a label depends only on the sources table, never on which page
    cites it. A letter is added only when the outlet has several pieces in that year. A
    piece of unknown outlet is cited by its title, in quotation marks, as APA cites an
    unsigned work (by its id if it has no title either).
    """
    names = outlets.set_index("outlet_id")["name"]
    who = sources["outlet_id"].map(names).fillna("")
    title = sources["title"].where(sources["title"] == "", "“" + sources["title"] + "”")
    who = who.where(who != "", title.where(title != "", sources["source_id"]))
    published = sources["published"].astype(str).replace({"NaT": "", "nan": ""})
    year = published.str[:4].where(published != "", "n.d.")
    frame = pd.DataFrame({"who": who, "year": year, "published": published, "source_id": sources["source_id"]})
    frame = frame.sort_values(["who", "year", "published", "source_id"])
    rank = frame.groupby(["who", "year"]).cumcount()
    size = frame.groupby(["who", "year"])["source_id"].transform("size")
    dash = frame["year"].eq("n.d.").map({True: "-", False: ""})
    suffix = [(d + _letters(r)) if n > 1 else "" for d, r, n in zip(dash, rank, size)]
    labels = frame["who"] + " " + frame["year"] + pd.Series(suffix, index=frame.index)
    return pd.Series(labels.reindex(sources.index).to_numpy(), index=sources["source_id"].to_numpy(), name="label")


def derive_sources(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``sources`` with its outlet's name, country and type, and the derived ``international``."""
    outlets = raw["outlets"].set_index("outlet_id")
    src = raw["sources"].copy()
    src["outlet"] = src["outlet_id"].map(outlets["name"]).fillna("")
    src["outlet_country"] = src["outlet_id"].map(outlets["country"]).fillna("")
    src["outlet_type"] = src["outlet_id"].map(outlets["type"]).fillna("")
    src["international"] = (src["outlet_country"] != "") & ~src["outlet_country"].isin(DYAD)
    src["origin"] = src["source_id"].map(origin_of(raw["sources"]))
    src["label"] = src["source_id"].map(citation_labels(raw["sources"], raw["outlets"]))
    src["published"] = pd.to_datetime(src["published"].replace("", None))
    return src


def derive_events(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``events`` with codebook, actor, period and evidence columns joined on."""
    ev = raw["events"].copy()
    ev["date"] = pd.to_datetime(ev["date"])
    codes = raw["cameo_codes"].assign(goldstein=lambda d: d["goldstein"].astype(float), quad_class=lambda d: d["quad_class"].astype(int))
    ev = ev.merge(
        codes[["cameo_code", "label", "goldstein", "quad_class"]].rename(columns={"label": "cameo_label"}), on="cameo_code", how="left", validate="many_to_one"
    )
    quads = raw["quad_classes"].assign(quad_class=lambda d: d["quad_class"].astype(int))
    ev = ev.merge(quads[["quad_class", "label"]].rename(columns={"label": "quad_label"}), on="quad_class", how="left")
    actors = raw["actors"].set_index("actor_id")
    for side in ("actor1", "actor2"):
        ev[f"{side}_name"] = ev[side].map(actors["name"])
        ev[f"{side}_country"] = ev[side].map(actors["country"])
    ev["year"] = ev["date"].dt.year
    ev["quarter"] = ev["date"].dt.to_period("Q").dt.start_time
    ev["quarter_label"] = ev["date"].dt.year.astype(str) + " Q" + ev["date"].dt.quarter.astype(str)
    roles = raw["actor_roles"].assign(from_year=lambda d: d["from_year"].astype(int), to_year=lambda d: d["to_year"].astype(int))
    # The first matching row per actor and year, as role_at() picks it: one pass over the
    # roles rather than a DataFrame filter per event and column (1.4 s of every chapter).
    held: dict[tuple[str, int], tuple[str, str]] = {}
    for r in roles.itertuples(index=False):
        for y in range(r.from_year, r.to_year + 1):
            held.setdefault((r.actor_id, y), (str(r.rank), str(r.role)))
    for side in ("actor1", "actor2"):
        found = [held.get((a, y), ("", "")) for a, y in zip(ev[side], ev["year"])]
        ev[f"{side}_rank"] = [f[0] for f in found]
        ev[f"{side}_role"] = [f[1] for f in found]
    ev["bilateral"] = ev["actor1_country"].isin(DYAD) & ev["actor2_country"].isin(DYAD) & (ev["actor1_country"] != ev["actor2_country"])
    periods = raw["periods"]
    ev["period_id"] = None
    for p in periods.itertuples():
        inside = ev["date"].between(pd.Timestamp(p.start), pd.Timestamp(p.end))
        ev.loc[inside, "period_id"] = p.period_id
    ev = ev.merge(periods[["period_id", "label", "short"]].rename(columns={"label": "period_label", "short": "period_short"}), on="period_id", how="left")
    # The place its free-text location names ('' when none is stated): iranaz.places.
    ev["place_id"] = places_module.place_ids(ev["location"], raw["places"].to_dict("records"))
    evid = raw["evidence"]
    ev["n_sources"] = ev["event_id"].map(evid.groupby("event_id")["source_id"].nunique()).fillna(0).astype(int)
    ev["corroboration"] = ev["event_id"].map(independent_sources(evid, raw["sources"])).fillna(0).astype(int)
    ev["reported_as"] = ev["event_id"].map(
        evid.groupby("event_id")["reporting"].agg(
            lambda r: "first-hand" if (r == "first-hand").any() else "background" if (r == "background").any() else "advance"
        )
    )
    ev["source_ids"] = ev["event_id"].map(evid.groupby("event_id")["source_id"].agg(lambda s: ", ".join(sorted(s))))
    # The same sources as a reader cites them, outlet and year ("Tehran Times 2023; IRNA 2023b").
    labels = citation_labels(raw["sources"], raw["outlets"])
    ev["source_labels"] = ev["event_id"].map(evid.groupby("event_id")["source_id"].agg(lambda s: "; ".join(sorted(labels[list(s)]))))
    dom = raw["event_domains"].merge(raw["domains"][["domain", "label"]], on="domain")
    ev["domains"] = ev["event_id"].map(dom.groupby("event_id")["label"].agg(lambda s: ", ".join(sorted(s))))
    return ev.sort_values(["date", "event_id"]).reset_index(drop=True)


@lru_cache(maxsize=4)
def _load(data_dir: str, check: bool) -> Tables:
    if check:
        validate.check(Path(data_dir))
    raw = read_raw(Path(data_dir))
    out = dict(raw)
    events = derive_events(raw)
    gone = events["status"] == "withdrawn"
    out["events"] = events[~gone].reset_index(drop=True)
    out["withdrawn"] = events[gone].reset_index(drop=True)
    out["sources"] = derive_sources(raw)
    return Tables(**out)


def load(data_dir: Path | None = None, check: bool = True) -> Tables:
    """The validated tables. Raises :class:`iranaz.validate.DataError` on any broken rule."""
    return _load(str(Path(data_dir or paths.DATA).resolve()), check)


def resolve_actor(name: str, actor_names: pd.DataFrame | None = None) -> str:
    """The actor_id of a spelling found in a source (case-insensitive): 'Aliev' -> 'ilham_aliyev'."""
    if actor_names is None:
        actor_names = read_raw()["actor_names"]
    lookup = dict(zip(actor_names["name_variant"].str.casefold(), actor_names["actor_id"]))
    try:
        return lookup[name.strip().casefold()]
    except KeyError:
        raise KeyError(f"'{name}' is not a known name variant; add it to data/actor_names.csv") from None
