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


def cooperation_index(
    events: pd.DataFrame, by: str | list[str] = ("period_id", "period_label"), bilateral_only: bool = True, include_alleged: bool = False
) -> pd.DataFrame:
    """Goldstein-weighted cooperation–conflict index per group.

    ``index`` is the mean Goldstein weight of the group's events (from -10, all conflict,
    to +10, all cooperation); ``total`` is their sum, so a busy quarter weighs more than a
    quiet one. ``by`` is a column (or columns) of ``events``, or ``"quarter"``/``"year"`` of the date.
    Only Iran–Azerbaijan (bilateral) events count unless ``bilateral_only`` is False, and
    events whose status is ``alleged`` (reported but unconfirmed) count only if
    ``include_alleged``: an allegation is not an act.
    """
    ev = events[events["bilateral"]] if bilateral_only else events
    if not include_alleged and "status" in ev.columns:
        ev = ev[ev["status"] != "alleged"]
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
    src = t.sources.set_index("source_id")
    grid["outlet"] = grid["source_id"].map(src["outlet"].replace("", None)).fillna(grid["source_id"])
    grid["source_label"] = grid["source_id"].map(source_label(t.sources.set_index("source_id")))
    return grid.sort_values(["date", "event_id", "source_id"]).reset_index(drop=True)


def source_label(sources: pd.DataFrame) -> pd.Series:
    """A reader's name for each source: outlet and publication date, e.g. 'Al-Monitor, 11 Apr 2014'.

    Two pages of one outlet stay apart; a page of unknown outlet is named by its id.
    """
    outlet = sources["outlet"].where(sources["outlet"] != "", "source " + sources.index.to_series())
    date = sources["published"].dt.strftime("%-d %b %Y").fillna("undated")
    return outlet + ", " + date


def coverage_summary(cov: pd.DataFrame) -> pd.DataFrame:
    """Per source: events reported first-hand, as background, not at all."""
    out = cov.pivot_table(index=["source_id", "outlet", "source_label"], columns="reporting", values="event_id", aggfunc="count", fill_value=0)
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


COUNTRY_NAMES = {"IRN": "Iran", "AZE": "Azerbaijan"}

#: Third parties followed in the whole-arc chapter, with the words that name them in summaries.
THIRD_PARTIES = {
    "Israel": ("ISR", r"\bIsrael"),
    "Russia": ("RUS", r"\bRussia|\bMoscow\b|\bKremlin\b"),
    "Turkey": ("TUR", r"\bTurkey|\bTurkish|\bAnkara\b|\bTürkiye"),
    "Armenia": ("ARM", r"\bArmenia|\bYerevan\b|\bPashinyan\b"),
    "United States": ("USA", r"\bUnited States\b|\bUS\b|\bU\.S\.|\bWashington\b|\bAmerican"),
}


def outlet_group(country: pd.Series, unknown: str | None = None) -> pd.Series:
    """Iranian, Azerbaijani or International, by the outlet's home country; with ``unknown``,
    an outlet whose country is not confirmed ("") gets that label instead of International."""
    names = {"IRN": "Iranian", "AZE": "Azerbaijani"} | ({"": unknown} if unknown else {})
    return country.map(names).fillna("International")


def quarterly_index(events: pd.DataFrame, milestones: pd.DataFrame) -> pd.DataFrame:
    """The cooperation–conflict index per quarter, with the quarter's milestone labels (if any)."""
    idx = cooperation_index(events, by=["quarter", "quarter_label"])
    marks = milestone_marks(events, milestones)
    labels = marks.groupby("quarter")["label"].agg("; ".join)
    idx["milestones"] = idx["quarter"].map(labels).fillna("")
    return idx


def milestone_marks(events: pd.DataFrame, milestones: pd.DataFrame) -> pd.DataFrame:
    """One row per milestone: its date and label, for annotating a time axis."""
    out = milestones.merge(events[["event_id", "date", "date_precision", "quarter"]], on="event_id").sort_values("date").reset_index(drop=True)
    out["when"] = [date_label(d, p) for d, p in zip(out["date"], out["date_precision"])]
    out["number"] = range(1, len(out) + 1)
    return out


def visits_ledger(events: pd.DataFrame) -> pd.DataFrame:
    """Official visits (CAMEO 042) between the two countries: who went where, at what rank, when."""
    v = events[(events["cameo_code"] == "042") & events["bilateral"]].copy()
    v["direction"] = v["actor1_country"].map(COUNTRY_NAMES) + " → " + v["actor2_country"].map(COUNTRY_NAMES)
    v["rank"] = v["actor1_rank"].replace("", "delegation (no named visitor)")
    v["when"] = [date_label(d, p) for d, p in zip(v["date"], v["date_precision"])]
    cols = ["event_id", "year", "when", "direction", "actor1_name", "actor1_role", "rank", "summary", "corroboration"]
    return v[cols].rename(columns={"actor1_name": "visitor", "actor1_role": "role"}).reset_index(drop=True)


def domain_mix(events: pd.DataFrame, event_domains: pd.DataFrame, domains: pd.DataFrame) -> pd.DataFrame:
    """Share of each period's events that touch each domain (an event may touch several)."""
    counts = counts_by_domain(events, event_domains, domains, by="period_short")
    grid = pd.MultiIndex.from_product([domains["domain"], events["period_short"].unique()], names=["domain", "period_short"])
    counts = counts.set_index(["domain", "period_short"])["n_events"].reindex(grid, fill_value=0).reset_index()
    counts = counts.merge(domains[["domain", "label"]], on="domain")
    totals = events.groupby("period_short").size()
    counts["share"] = (counts["n_events"] / counts["period_short"].map(totals)).round(3)
    counts["period_events"] = counts["period_short"].map(totals)
    order = {d: i for i, d in enumerate(domains["domain"])}
    periods = {p: i for i, p in enumerate(events.sort_values("date")["period_short"].unique())}
    return counts.sort_values(["period_short", "domain"], key=lambda c: c.map(periods) if c.name == "period_short" else c.map(order)).reset_index(drop=True)


def third_party_presence(events: pd.DataFrame) -> pd.DataFrame:
    """Per period and third party: events in which it acts or is acted on, or which our summary names it in."""
    rows = []
    for party, (code, pattern) in THIRD_PARTIES.items():
        as_actor = (events["actor1_country"] == code) | (events["actor2_country"] == code)
        named = events["summary"].str.contains(pattern, regex=True)
        hit = events.assign(hit=as_actor | named)
        per = hit.groupby("period_short").agg(n_events=("hit", "sum"), period_events=("hit", "size")).reset_index()
        per["party"] = party
        rows.append(per)
    out = pd.concat(rows, ignore_index=True)
    out["share"] = (out["n_events"] / out["period_events"]).round(3)
    return out[["period_short", "party", "n_events", "period_events", "share"]]


#: An outlet's tone is shown only if it reports at least this many events.
MIN_EVENTS_PROFILED = 4


def outlet_profile(t: Tables, min_events: int = MIN_EVENTS_PROFILED) -> pd.DataFrame:
    """Per outlet: how many events it reports and their tone (mean Goldstein weight, share conflictual).

    Only first-hand and background reports count, and only outlets reporting at least
    ``min_events`` events, so that a mean rests on more than a handful of reports.
    """
    ev = t.evidence[t.evidence["reporting"] != "advance"].merge(t.sources[["source_id", "outlet_id", "outlet", "outlet_country"]], on="source_id")
    ev = ev[ev["outlet_id"] != ""].drop_duplicates(["event_id", "outlet_id"])
    ev = ev.merge(t.events[["event_id", "goldstein", "bilateral"]], on="event_id")
    prof = (
        ev.groupby(["outlet_id", "outlet", "outlet_country"])
        .agg(n_events=("event_id", "size"), tone=("goldstein", "mean"), conflictual=("goldstein", lambda g: (g < 0).mean()))
        .reset_index()
    )
    prof = prof[prof["n_events"] >= min_events].copy()
    prof["group"] = outlet_group(prof["outlet_country"])
    prof["tone"] = prof["tone"].round(2)
    prof["conflictual"] = prof["conflictual"].round(3)
    return prof.sort_values(["tone", "outlet"]).reset_index(drop=True)


def outlet_group_profile(t: Tables) -> pd.DataFrame:
    """The same tone measures per group of outlets (Iranian, Azerbaijani, international), every outlet counted."""
    prof = outlet_profile(t, min_events=1)
    ev = t.evidence[t.evidence["reporting"] != "advance"].merge(t.sources[["source_id", "outlet_id", "outlet_country"]], on="source_id")
    ev = ev[ev["outlet_id"] != ""].drop_duplicates(["event_id", "outlet_id"]).merge(t.events[["event_id", "goldstein"]], on="event_id")
    ev["group"] = outlet_group(ev["outlet_country"])
    out = ev.groupby("group").agg(n_reports=("event_id", "size"), tone=("goldstein", "mean"), conflictual=("goldstein", lambda g: (g < 0).mean())).reset_index()
    out["n_outlets"] = out["group"].map(prof.groupby("group").size())
    out["tone"] = out["tone"].round(2)
    out["conflictual"] = out["conflictual"].round(3)
    return out


def corpus_composition(t: Tables) -> pd.DataFrame:
    """Sources per outlet country group and outlet type: what the book's evidence rests on."""
    src = t.sources.assign(
        origin=outlet_group(t.sources["outlet_country"], unknown="Unknown"),
        kind=t.sources["outlet_type"].replace("", "unknown"),
    )
    out = src.groupby(["origin", "kind"]).size().rename("n_sources").reset_index()
    return out.sort_values(["origin", "n_sources"], ascending=[True, False]).reset_index(drop=True)


def codebook_in_use(events: pd.DataFrame) -> pd.DataFrame:
    """The CAMEO codes the events use, with Goldstein weight, quad class and how often."""
    return (
        events.groupby(["cameo_code", "cameo_label", "goldstein", "quad_label"])
        .size()
        .rename("events")
        .reset_index()
        .sort_values(["goldstein", "cameo_code"], ascending=[False, True])
        .reset_index(drop=True)
    )


#: The kinds of event the sweep covers, in the order the methods page lists them.
KINDS = {
    "head_meeting": "Meetings of heads of state or government",
    "visit": "Visits at minister level or above",
    "commission": "Joint commission sessions",
    "agreement": "Agreements signed",
    "phone_call": "Phone calls",
    "military_exercise": "Military exercises",
    "diplomatic_incident": "Diplomatic incidents",
    "security_incident": "Security incidents and trials",
    "infrastructure": "Shared infrastructure",
    "multilateral_statement": "Statements at multilateral meetings",
    "other": "Other (statements and the rest)",
}
#: The exclusion reasons of the inclusion protocol, as a reader reads them.
REASONS = {
    "already_coded": "already in the table",
    "duplicate": "found twice in the sweep",
    "out_of_span": "outside 2012–2025",
    "not_bilateral": "not an act between the two",
    "below_threshold": "below the level the kind requires",
    "undatable": "cannot be dated to the month",
    "unconfirmed": "no readable page confirms it",
    "not_an_event": "no single dated act",
    "announced_only": "announced, never confirmed",
}


def sweep_flow(search_log: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """The sweep from searches to decisions, one row per step: searches run, candidate
    rows found, then included and excluded by reason (a candidate found by several searches
    counts once per search that found it)."""
    rows = [("Searches run", len(search_log), "searching"), ("Candidates found", len(candidates), "searching")]
    decided = candidates["reason"].value_counts()
    rows.append(("Included as new events", int(decided.get("included", 0)), "included"))
    for reason, words in REASONS.items():
        if decided.get(reason, 0):
            rows.append((f"Excluded: {words}", int(decided[reason]), "excluded"))
    return pd.DataFrame(rows, columns=["label", "n_events", "step"])


def kinds_by_year(events: pd.DataFrame) -> pd.DataFrame:
    """Events per kind and year, every kind and every year of the span (zeros included)."""
    years = range(2012, 2026)
    grid = pd.MultiIndex.from_product([list(KINDS), years], names=["kind", "year"])
    counts = events.groupby(["kind", "year"]).size().reindex(grid, fill_value=0).rename("n_events").reset_index()
    counts["label"] = counts["kind"].map(KINDS)
    return counts


def searches_by_kind_and_year(search_log: pd.DataFrame) -> pd.DataFrame:
    """How many searches were run per kind and year (every pair of the sweep has one or more)."""
    years = range(2012, 2026)
    kinds = [k for k in KINDS if k != "other"]
    grid = pd.MultiIndex.from_product([kinds, years], names=["kind", "year"])
    log = search_log.assign(year=search_log["year"].astype(int))
    return log.groupby(["kind", "year"]).size().reindex(grid, fill_value=0).rename("n_searches").reset_index()


def corrections(changes: pd.DataFrame, version: str) -> pd.DataFrame:
    """The fields of existing events changed in ``version``, with old and new values and why."""
    c = changes[(changes["version"] == version) & (changes["table"] == "events") & (changes["field"] != "(row)")]
    return c[["record_id", "field", "old_value", "new_value", "reason"]].rename(columns={"record_id": "event_id"}).reset_index(drop=True)


def added_events(changes: pd.DataFrame, events: pd.DataFrame, version: str) -> pd.DataFrame:
    """The events added in ``version``, in date order."""
    mine = changes[(changes["version"] == version) & (changes["table"] == "events")]
    ids = mine.loc[(mine["field"] == "(row)") & (mine["new_value"] == "added"), "record_id"]
    out = events[events["event_id"].isin(set(ids))].sort_values(["date", "event_id"])
    return out[["event_id", "date", "date_precision", "kind", "summary"]].reset_index(drop=True)


def change_counts(changes: pd.DataFrame) -> pd.DataFrame:
    """Per version and table: records added, records removed, fields changed."""
    row = changes["field"] == "(row)"
    c = changes.assign(what="fields changed")
    c.loc[row, "what"] = changes.loc[row, "new_value"].where(changes.loc[row, "new_value"] == "added", "removed")
    counts = c.groupby(["version", "table", "what"]).size().rename("n").reset_index()
    wide = counts.pivot_table(index=["version", "table"], columns="what", values="n", fill_value=0, aggfunc="sum").astype(int)
    return wide.rename_axis(columns=None).reset_index()
