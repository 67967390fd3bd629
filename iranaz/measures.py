"""Measures computed from the tables: the numbers the chapters quote and the charts draw.

Every function takes DataFrames (usually ``Tables.events``) and returns a small
aggregated DataFrame, so charts receive one row per mark rather than one per event.
"""

from __future__ import annotations

import pandas as pd

from .tables import Tables

PRECISION_FORMATS = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}


def date_label(date: pd.Timestamp, precision: str) -> str:
    """A date written no more precisely than it is known: '9 April 2014', 'January 2022', 'by 8 January 2025'."""
    if precision == "before":
        return "by " + date.strftime(PRECISION_FORMATS["day"])
    return date.strftime(PRECISION_FORMATS[precision])


def in_window(events: pd.DataFrame, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Events whose date lies in [start, end] (ISO dates, inclusive)."""
    mask = pd.Series(True, index=events.index)
    if start:
        mask &= events["date"] >= pd.Timestamp(start)
    if end:
        mask &= events["date"] <= pd.Timestamp(end)
    return events[mask]


def in_period(events: pd.DataFrame, *period_ids: str) -> pd.DataFrame:
    """Events of the given periods."""
    return events[events["period_id"].isin(period_ids)]


def cooperation_index(events: pd.DataFrame, by: str | list[str] = ("period_id", "period_label"), bilateral_only: bool = True) -> pd.DataFrame:
    """Goldstein-weighted cooperation–conflict index per group.

    ``index`` is the mean Goldstein weight of the group's events (from -10, all conflict,
    to +10, all cooperation); ``total`` is their sum, so a busy quarter weighs more than a
    quiet one. ``by`` is a column (or columns) of ``events``, or ``"quarter"``/``"year"`` of the date.
    Only Iran–Azerbaijan (bilateral) events count unless ``bilateral_only`` is False.
    """
    ev = events[events["bilateral"]] if bilateral_only else events
    ev = ev.assign(
        cooperative=ev["goldstein"] > 0,
        conflictual=ev["goldstein"] < 0,
    )
    out = (
        ev.groupby(list(by) if not isinstance(by, str) else by, sort=True)
        .agg(
            n_events=("event_id", "size"),
            index=("goldstein", "mean"),
            total=("goldstein", "sum"),
            n_cooperative=("cooperative", "sum"),
            n_conflictual=("conflictual", "sum"),
        )
        .reset_index()
    )
    out["index"] = out["index"].round(2)
    out["total"] = out["total"].round(1)
    return out


def counts_by_domain(events: pd.DataFrame, event_domains: pd.DataFrame, domains: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Events per domain (an event with two domains counts once in each), optionally per ``by``."""
    keys = ["domain"] + ([by] if by else [])
    cols = ["event_id"] + ([by] if by else [])
    joined = event_domains.merge(events[cols], on="event_id", how="inner")
    out = joined.groupby(keys).size().rename("n_events").reset_index()
    out = out.merge(domains[["domain", "label"]], on="domain", how="left")
    return out.sort_values(["n_events", "domain"], ascending=[False, True]).reset_index(drop=True)


def counts_by_quad(events: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Events per quad class, optionally per ``by`` (e.g. ``period_label``)."""
    keys = ([by] if by else []) + ["quad_class", "quad_label"]
    return events.groupby(keys).size().rename("n_events").reset_index()


def agreements(events: pd.DataFrame, event_domains: pd.DataFrame, domains: pd.DataFrame) -> pd.DataFrame:
    """Formal agreements signed (CAMEO 057) per domain."""
    signed = events[events["cameo_code"] == "057"]
    return counts_by_domain(signed, event_domains, domains)


def coverage(t: Tables, source_ids: list[str], events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which of ``source_ids`` reports which event, and how (first-hand or background).

    One row per (event, source) pair in the window, including ``reporting = 'not reported'``
    for pairs where the source is silent, so a chart shows gaps as well as overlap.
    """
    ev = t.events if events is None else events
    ev = ev[ev["event_id"].isin(t.evidence.loc[t.evidence["source_id"].isin(source_ids), "event_id"])]
    grid = ev[["event_id", "date", "summary"]].merge(pd.DataFrame({"source_id": source_ids}), how="cross")
    grid = grid.merge(t.evidence[["event_id", "source_id", "reporting"]], on=["event_id", "source_id"], how="left")
    grid["reporting"] = grid["reporting"].fillna("not reported")
    outlets = t.sources.set_index("source_id")
    grid["outlet"] = grid["source_id"].map(outlets["outlet"].replace("", None)).fillna(grid["source_id"])
    return grid.sort_values(["date", "event_id", "source_id"]).reset_index(drop=True)


def coverage_summary(cov: pd.DataFrame) -> pd.DataFrame:
    """Per source: events reported first-hand, as background, not at all."""
    out = cov.pivot_table(index=["source_id", "outlet"], columns="reporting", values="event_id", aggfunc="count", fill_value=0)
    for col in ("first-hand", "background", "not reported"):
        if col not in out.columns:
            out[col] = 0
    return out[["first-hand", "background", "not reported"]].reset_index().rename_axis(columns=None)


def shared_events(cov: pd.DataFrame) -> int:
    """How many events every source in the coverage grid reports."""
    reported = cov[cov["reporting"] != "not reported"]
    n_sources = cov["source_id"].nunique()
    per_event = reported.groupby("event_id")["source_id"].nunique()
    return int((per_event == n_sources).sum())


def event_list(events: pd.DataFrame) -> pd.DataFrame:
    """A reader's list of events: date as precisely as known, who, what, how well sourced."""
    return pd.DataFrame(
        {
            "Date": [date_label(d, p) for d, p in zip(events["date"], events["date_precision"])],
            "Event": events["event_id"],
            "Actors": events["actor1_name"] + " → " + events["actor2_name"],
            "What happened": events["summary"],
            "Kind": events["cameo_label"],
            "Independent sources": events["corroboration"],
        }
    ).reset_index(drop=True)
