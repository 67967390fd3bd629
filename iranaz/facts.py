"""The numbers and names each chapter's prose quotes, computed from the tables.

A chapter calls one function here and glues every value with :func:`glue_facts`, so no
number in the text is ever typed by hand and each is tested here, not in a notebook.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import measures
from .tables import Tables

THAW_SOURCES = ["commonspace-2014-04-09", "almonitor-2014-04-11"]
THAW_VISIT = "E001"


def _join(words: list[str]) -> str:
    """'a', 'a; and b', 'a; b; and c' (items may contain 'and' themselves)."""
    words = list(words)
    if not words:
        return ""
    return words[0] if len(words) == 1 else "; ".join(words[:-1]) + "; and " + words[-1]


def overview(t: Tables) -> dict[str, Any]:
    """Facts for the introduction: size and span of the data."""
    ev = t.events
    idx = measures.cooperation_index(ev, by="year")
    return {
        "n_events": len(ev),
        "n_bilateral": int(ev["bilateral"].sum()),
        "n_sources": len(t.sources),
        "n_seed_sources": int((t.sources["raw_file"] != "").sum()),
        "n_outlets": int(t.sources["outlet"].replace("", pd.NA).nunique()),
        "n_actors": int(pd.concat([ev["actor1"], ev["actor2"]]).nunique()),
        "n_periods": len(t.periods),
        "n_quotes": int((t.evidence["quote"] != "").sum()),
        "n_background": int((ev["reported_as"] == "background").sum()),
        "first_year": int(ev["date"].dt.year.min()),
        "last_year": int(ev["date"].dt.year.max()),
        "n_years_with_events": int(idx["year"].nunique()),
        "overall_index": float(measures.cooperation_index(ev.assign(all="all"), by="all")["index"].iloc[0]),
        "max_events_one_day": int(ev[ev["date_precision"] == "day"].groupby("date").size().max()),
        "goldstein_min": float(t.cameo_codes["goldstein"].astype(float).min()),
        "goldstein_max": float(t.cameo_codes["goldstein"].astype(float).max()),
    }


def thaw_2014(t: Tables) -> dict[str, Any]:
    """Facts for the chapter on the 2014 thaw."""
    ev = t.events
    y2014 = measures.in_period(ev, "p2014")
    visit = ev.set_index("event_id").loc[THAW_VISIT]
    on_visit_day = y2014[y2014["date"] == visit["date"]]
    signed = on_visit_day[on_visit_day["cameo_code"] == "057"]
    cov = measures.coverage(t, THAW_SOURCES)
    summary = measures.coverage_summary(cov).set_index("source_id")
    reported = cov[cov["reporting"] != "not reported"]
    bg_before = ev[(ev["date"] < pd.Timestamp("2014-01-01"))]
    idx = measures.cooperation_index(y2014).iloc[0]
    conflict = y2014[y2014["goldstein"] < 0]
    published = t.sources.set_index("source_id")["published"]
    signed_domains = t.event_domains[t.event_domains["event_id"].isin(signed["event_id"])].merge(t.domains, on="domain")
    recalled = cov[(cov["reporting"] == "background")]["event_id"].unique()
    return {
        "visit_date": measures.date_label(visit["date"], visit["date_precision"]),
        "days_between_articles": int((published[THAW_SOURCES[1]] - published[THAW_SOURCES[0]]).days),
        "visit_corroboration": int(visit["corroboration"]),
        "n_events_2014": len(y2014),
        "n_events_visit_day": len(on_visit_day),
        "n_agreements": len(signed),
        "agreement_subjects": _join(sorted(signed["subject"].tolist())),
        "n_agreement_domains": int(signed_domains["domain"].nunique()),
        "agreement_domains": _join(sorted(signed_domains["label"].str.lower().unique())),
        "n_recalled_background": len(recalled),
        "n_coverage_events": int(cov["event_id"].nunique()),
        "n_almonitor": int(summary.loc["almonitor-2014-04-11", ["first-hand", "background"]].sum()),
        "n_almonitor_background": int(summary.loc["almonitor-2014-04-11", "background"]),
        "n_commonspace": int(summary.loc["commonspace-2014-04-09", ["first-hand", "background"]].sum()),
        "n_shared": measures.shared_events(cov),
        "n_only_almonitor": int((reported.groupby("event_id")["source_id"].agg(set) == {"almonitor-2014-04-11"}).sum()),
        "n_background_before_2014": len(bg_before),
        "index_2014": float(idx["index"]),
        "n_bilateral_2014": int(idx["n_events"]),
        "n_conflict_2014": len(conflict),
    }


def period(t: Tables, period_id: str) -> dict[str, Any]:
    """Standard facts of one period, for any chapter: sizes, balance, visits, sources.

    Keys: n_events, n_bilateral, n_third_party, index, n_cooperative, n_conflictual,
    n_visits, n_agreements, n_sources, n_outlets, n_iranian_outlets, n_azerbaijani_outlets,
    n_international_outlets, n_date_disputes, n_single_source, top_domain, top_domain_n,
    first_event, last_event, most_corroborated, max_corroboration.
    """
    ev = measures.in_period(t.events, period_id)
    bil = ev[ev["bilateral"]]
    balance = measures.cooperation_index(ev.assign(all="all"), by="all")
    cited = t.evidence[t.evidence["event_id"].isin(ev["event_id"])]
    src = t.sources[t.sources["source_id"].isin(cited["source_id"])]
    outlets = src[src["outlet_id"] != ""].drop_duplicates("outlet_id")
    doms = measures.counts_by_domain(ev, t.event_domains, t.domains)
    top = ev.sort_values(["corroboration", "date"], ascending=[False, True]).iloc[0]
    first, last = ev.iloc[0], ev.iloc[-1]
    return {
        "n_events": len(ev),
        "n_bilateral": len(bil),
        "n_third_party": len(ev) - len(bil),
        # The same index as the charts: bilateral events, allegations left out.
        "index": float(balance["index"].iloc[0]) if len(balance) else float("nan"),
        "n_cooperative": int(balance["n_cooperative"].iloc[0]) if len(balance) else 0,
        "n_conflictual": int(balance["n_conflictual"].iloc[0]) if len(balance) else 0,
        "n_visits": int((ev["cameo_code"] == "042").sum()),
        "n_agreements": int((ev["cameo_code"] == "057").sum()),
        "n_sources": len(src),
        "n_outlets": len(outlets),
        "n_iranian_outlets": int((outlets["outlet_country"] == "IRN").sum()),
        "n_azerbaijani_outlets": int((outlets["outlet_country"] == "AZE").sum()),
        "n_international_outlets": int(outlets["international"].sum()),
        "n_date_disputes": int((ev["date_alt"] != "").sum()),
        "n_single_source": int((ev["corroboration"] == 1).sum()),
        "top_domain": doms.iloc[0]["label"].lower(),
        "top_domain_n": int(doms.iloc[0]["n_events"]),
        "first_event": measures.date_label(first["date"], first["date_precision"]),
        "last_event": measures.date_label(last["date"], last["date_precision"]),
        "most_corroborated": top["event_id"],
        "max_corroboration": int(top["corroboration"]),
    }


def event(t: Tables, event_id: str) -> dict[str, Any]:
    """Facts of one event, keyed ``<event_id>_<fact>``: date, date_alt, actors, corroboration, sources.

    Lets prose cite a specific event's date and corroboration without typing them.
    """
    e = t.events.set_index("event_id").loc[event_id]
    alt = pd.Timestamp(e["date_alt"]) if e["date_alt"] else None
    return {
        f"{event_id}_date": measures.date_label(e["date"], e["date_precision"]),
        f"{event_id}_date_alt": measures.date_label(alt, e["date_alt_precision"]) if alt is not None else "",
        f"{event_id}_actors": f"{e['actor1_name']} and {e['actor2_name']}",
        f"{event_id}_corroboration": int(e["corroboration"]),
        f"{event_id}_n_sources": int(e["n_sources"]),
    }


def events(t: Tables, *event_ids: str) -> dict[str, Any]:
    """:func:`event` for several events, merged."""
    out: dict[str, Any] = {}
    for eid in event_ids:
        out.update(event(t, eid))
    return out


def whole_arc(t: Tables) -> dict[str, Any]:
    """Facts for the chapter on patterns across periods."""
    ev = t.events
    q = measures.quarterly_index(ev, t.milestones)
    low, high = q.loc[q["index"].idxmin()], q.loc[q["index"].idxmax()]
    ledger = measures.visits_ledger(ev)
    per_dir = ledger.groupby("direction").size()
    heads = ledger[ledger["rank"] == "head of state or government"]
    years = set(range(int(ev["year"].min()), int(ev["year"].max()) + 1))
    mix = measures.domain_mix(ev, t.event_domains, t.domains)
    sec = mix[mix["domain"] == "security"].set_index("period_short")
    third = measures.third_party_presence(ev).groupby("party")["n_events"].sum().sort_values(ascending=False)
    groups = measures.outlet_group_profile(t).set_index("group")
    prof = measures.outlet_profile(t, min_events=measures.MIN_EVENTS_PROFILED)
    return {
        "n_quarters": len(q),
        "n_quarters_negative": int((q["index"] < 0).sum()),
        "lowest_quarter": low["quarter_label"],
        "lowest_index": float(low["index"]),
        "highest_quarter": high["quarter_label"],
        "highest_index": float(high["index"]),
        "n_milestones": len(t.milestones),
        "n_visits": len(ledger),
        "n_visits_az_ir": int(per_dir.get("Azerbaijan → Iran", 0)),
        "n_visits_ir_az": int(per_dir.get("Iran → Azerbaijan", 0)),
        "n_head_visits": len(heads),
        "n_years_without_visits": len(years - set(ledger["year"])),
        "visits_balance": (
            "neither capital received more visits than it paid"
            if per_dir.get("Azerbaijan → Iran", 0) == per_dir.get("Iran → Azerbaijan", 0)
            else f"more visits went {per_dir.idxmax().replace(' → ', ' to ')} than the other way"
        ),
        "visit_years": (
            f"every year from {min(years)} to {max(years)} saw at least one visit"
            if not years - set(ledger["year"])
            else "no visit is recorded in " + _join([str(y) for y in sorted(years - set(ledger["year"]))])
        ),
        "security_peak_period": sec["share"].idxmax(),
        "security_peak_share": float(sec["share"].max()),
        "top_third_party": third.index[0],
        "top_third_party_n": int(third.iloc[0]),
        "second_third_party": third.index[1],
        "second_third_party_n": int(third.iloc[1]),
        "tone_iranian": float(groups.loc["Iranian", "tone"]),
        "tone_azerbaijani": float(groups.loc["Azerbaijani", "tone"]),
        "tone_international": float(groups.loc["International", "tone"]),
        "conflict_share_international": float(groups.loc["International", "conflictual"]),
        "conflict_share_iranian": float(groups.loc["Iranian", "conflictual"]),
        "conflict_share_azerbaijani": float(groups.loc["Azerbaijani", "conflictual"]),
        "n_outlets_profiled": len(prof),
        "min_events_profiled": measures.MIN_EVENTS_PROFILED,
    }


def methods(t: Tables) -> dict[str, Any]:
    """Facts for the methods page: the corpus, the codebook in use, the checks."""
    src, ev = t.sources, t.events
    verdicts = t.claim_checks["verdict"].value_counts()
    status = ev["status"].value_counts()
    reporting = t.evidence["reporting"].value_counts()
    langs = src["language"].value_counts()
    return {
        "n_sources": len(src),
        "n_seed_sources": int((src["raw_file"] != "").sum()),
        "n_other_sources": int((src["raw_file"] == "").sum()),
        "n_outlets": int(src["outlet_id"].replace("", pd.NA).nunique()),
        "n_iranian_sources": int((src["outlet_country"] == "IRN").sum()),
        "n_azerbaijani_sources": int((src["outlet_country"] == "AZE").sum()),
        "n_international_sources": int(src["international"].sum()),
        "n_unknown_country_sources": int((src["outlet_country"] == "").sum()),
        "n_copies": int(((src["origin_id"] != "") | (src["republishes"] != "")).sum()),
        "n_no_title": int((src["title"] == "").sum()),
        "n_no_date": int(src["published"].isna().sum()),
        "n_no_url": int((src["url"] == "").sum()),
        "n_languages": int(langs.size),
        "n_english": int(langs.get("en", 0)),
        "n_events": len(ev),
        "n_codes_used": int(ev["cameo_code"].nunique()),
        "n_alleged": int(status.get("alleged", 0)),
        "n_announced": int(status.get("announced", 0)),
        "n_evidence": len(t.evidence),
        "n_first_hand": int(reporting.get("first-hand", 0)),
        "n_background": int(reporting.get("background", 0)),
        "n_advance": int(reporting.get("advance", 0)),
        "n_quotes": int((t.evidence["quote"] != "").sum()),
        "n_date_notes": int((ev["date_note"] != "").sum()),
        "n_date_alt": int((ev["date_alt"] != "").sum()),
        "n_checks": len(t.claim_checks),
        "n_confirmed": int(verdicts.get("confirmed", 0)),
        "n_refined": int(verdicts.get("refined", 0)),
        "n_disputed": int(verdicts.get("disputed", 0)),
        "n_contradicted": int(verdicts.get("contradicted", 0)),
        "n_unconfirmed": int(verdicts.get("unconfirmed", 0)),
        "n_excluded": len(t.excluded_mentions),
        "n_single_source": int((ev["corroboration"] == 1).sum()),
        **sweep(t),
        "median_corroboration": float(ev["corroboration"].median()),
    }


def glue_facts(facts: dict[str, Any]) -> None:
    """Glue each fact for the prose: numbers for ``{glue:text}``, strings for ``{glue:md}``."""
    from IPython.display import Markdown
    from myst_nb import glue

    for key, value in facts.items():
        glue(key, Markdown(value) if isinstance(value, str) else value, display=False)


def sweep(t: Tables) -> dict[str, Any]:
    """Facts of the systematic sweep and of the versions (methods page)."""
    ev = t.events
    flow = measures.sweep_flow(t.search_log, t.search_candidates).set_index("label")["n_events"]
    searches = measures.searches_by_kind_and_year(t.search_log)
    kinds = measures.kinds_by_year(ev)
    swept = kinds[kinds["kind"] != "other"]
    empty = swept[swept["n_events"] == 0]
    version = t.releases.iloc[-1]
    previous = t.releases[t.releases["commit"] != ""].iloc[-1]
    changed = t.changes[t.changes["version"] == version["version"]]
    return {
        "n_searches": int(flow["Searches run"]),
        "n_candidates": int(flow["Candidates found"]),
        "n_included_candidates": int(flow["Included as new events"]),
        "n_excluded_candidates": int(flow["Candidates found"] - flow["Included as new events"]),
        "n_kind_year_pairs": len(searches),
        "n_pairs_unsearched": int((searches["n_searches"] == 0).sum()),
        "n_pairs_without_events": len(empty),
        "share_corroborated": float((ev["corroboration"] >= 2).mean()),
        "version": str(version["version"]),
        "previous_version": str(previous["version"]),
        "n_changes": len(changed),
        "n_events_added": int(((changed["table"] == "events") & (changed["field"] == "(row)") & (changed["new_value"] == "added")).sum()),
        "n_events_changed": int(changed.loc[(changed["table"] == "events") & (changed["field"] != "(row)"), "record_id"].nunique()),
        "n_withdrawn": len(t.withdrawn),
    }
