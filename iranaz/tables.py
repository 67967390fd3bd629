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

from . import paths, validate

TABLES = (
    "sources",
    "actors",
    "actor_names",
    "cameo_codes",
    "quad_classes",
    "domains",
    "periods",
    "events",
    "event_domains",
    "evidence",
    "excluded_mentions",
)

#: Countries whose actors make an event part of the bilateral relationship.
DYAD = ("IRN", "AZE")


@dataclass(frozen=True)
class Tables:
    """The data package as DataFrames; ``events`` carries the derived columns."""

    sources: pd.DataFrame
    actors: pd.DataFrame
    actor_names: pd.DataFrame
    cameo_codes: pd.DataFrame
    quad_classes: pd.DataFrame
    domains: pd.DataFrame
    periods: pd.DataFrame
    events: pd.DataFrame
    event_domains: pd.DataFrame
    evidence: pd.DataFrame
    excluded_mentions: pd.DataFrame


def read_raw(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table as strings, exactly as stored (empty cells as '')."""
    data_dir = Path(data_dir or paths.DATA)
    return {
        name: pd.read_csv(data_dir / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        for name in TABLES
    }


def independent_sources(evidence: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """Per event, the number of distinct independent sources reporting it.

    A source that reprints another (``republishes``) counts as the original, so a wire
    story and its reprint are one source, not two.
    """
    origin = sources.set_index("source_id")["republishes"]
    origin = origin.where(origin != "", origin.index.to_series())
    roots = evidence["source_id"].map(origin)
    return roots.groupby(evidence["event_id"]).nunique()


def derive_events(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``events`` with codebook, actor, period and evidence columns joined on."""
    ev = raw["events"].copy()
    ev["date"] = pd.to_datetime(ev["date"])
    codes = raw["cameo_codes"].assign(
        goldstein=lambda d: d["goldstein"].astype(float), quad_class=lambda d: d["quad_class"].astype(int)
    )
    ev = ev.merge(codes[["cameo_code", "label", "goldstein", "quad_class"]].rename(columns={"label": "cameo_label"}), on="cameo_code", how="left", validate="many_to_one")
    quads = raw["quad_classes"].assign(quad_class=lambda d: d["quad_class"].astype(int))
    ev = ev.merge(quads[["quad_class", "label"]].rename(columns={"label": "quad_label"}), on="quad_class", how="left")
    actors = raw["actors"].set_index("actor_id")
    for side in ("actor1", "actor2"):
        ev[f"{side}_name"] = ev[side].map(actors["name"])
        ev[f"{side}_country"] = ev[side].map(actors["country"])
    ev["bilateral"] = ev["actor1_country"].isin(DYAD) & ev["actor2_country"].isin(DYAD) & (ev["actor1_country"] != ev["actor2_country"])
    periods = raw["periods"]
    ev["period_id"] = None
    for p in periods.itertuples():
        inside = ev["date"].between(pd.Timestamp(p.start), pd.Timestamp(p.end))
        ev.loc[inside, "period_id"] = p.period_id
    ev = ev.merge(periods[["period_id", "label"]].rename(columns={"label": "period_label"}), on="period_id", how="left")
    evid = raw["evidence"]
    ev["n_sources"] = ev["event_id"].map(evid.groupby("event_id")["source_id"].nunique()).fillna(0).astype(int)
    ev["corroboration"] = ev["event_id"].map(independent_sources(evid, raw["sources"])).fillna(0).astype(int)
    ev["reported_as"] = ev["event_id"].map(
        evid.groupby("event_id")["reporting"].agg(lambda r: "first-hand" if (r == "first-hand").any() else "background")
    )
    ev["source_ids"] = ev["event_id"].map(evid.groupby("event_id")["source_id"].agg(lambda s: ", ".join(sorted(s))))
    dom = raw["event_domains"].merge(raw["domains"][["domain", "label"]], on="domain")
    ev["domains"] = ev["event_id"].map(dom.groupby("event_id")["label"].agg(lambda s: ", ".join(sorted(s))))
    return ev.sort_values(["date", "event_id"]).reset_index(drop=True)


@lru_cache(maxsize=4)
def _load(data_dir: str, check: bool) -> Tables:
    if check:
        validate.check(Path(data_dir))
    raw = read_raw(Path(data_dir))
    out = dict(raw)
    out["events"] = derive_events(raw)
    for name in ("sources",):
        out[name] = raw[name].assign(published=lambda d: pd.to_datetime(d["published"].replace("", None)))
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
