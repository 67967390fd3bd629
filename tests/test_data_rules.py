"""Rules of evidence, checked on the real tables (the validator enforces them; these tests
state them one by one so a reader of the suite sees what the data promise)."""

from __future__ import annotations

import pytest

from iranaz import corpus, tables


@pytest.fixture(scope="module")
def t() -> tables.Tables:
    return tables.load()


def test_no_event_without_a_source(t):
    cited = set(t.evidence["event_id"])
    assert [e for e in t.events["event_id"] if e not in cited] == []
    assert (t.events["n_sources"] >= 1).all()


def test_no_two_rows_describe_the_same_event(t):
    ev = t.events.assign(pair=[tuple(sorted(p)) for p in zip(t.events["actor1"], t.events["actor2"])])
    dup = ev[ev.duplicated(["date", "pair", "cameo_code", "subject"], keep=False)]
    assert dup["event_id"].tolist() == []


def test_every_source_is_used(t):
    used = set(t.evidence["source_id"]) | set(t.claim_check_sources["source_id"])
    assert sorted(set(t.sources["source_id"]) - used) == []
    # Sources cited only to check a seed's claim are few and named here on purpose.
    only_checks = set(t.sources["source_id"]) - set(t.evidence["source_id"])
    assert only_checks <= {"todayaz-2021-12-09", "trend-nodate-d"}


def test_seed_rows_still_carry_verbatim_quotes(t):
    seeds = set(t.sources.loc[t.sources["raw_file"] != "", "source_id"])
    rows = t.evidence[t.evidence["source_id"].isin(seeds)]
    assert len(rows) >= 40
    for r in rows.itertuples():
        assert r.quote and r.quote in corpus.read_clean(r.source_id), (r.event_id, r.source_id)


def test_other_sources_are_never_quoted(t):
    seeds = set(t.sources.loc[t.sources["raw_file"] != "", "source_id"])
    assert (t.evidence.loc[~t.evidence["source_id"].isin(seeds), "quote"] == "").all()


def test_every_non_seed_source_has_outlet_and_url(t):
    other = t.sources[t.sources["raw_file"] == ""]
    assert (other["outlet_id"] != "").all()
    assert other["url"].str.match(r"^https?://").all()


def test_the_arc_is_covered_beyond_the_seeds(t):
    seeds = set(t.sources.loc[t.sources["raw_file"] != "", "source_id"])
    beyond = t.evidence[~t.evidence["source_id"].isin(seeds)]
    events_beyond = set(t.events["event_id"]) - set(t.evidence.loc[t.evidence["source_id"].isin(seeds), "event_id"])
    assert len(events_beyond) >= 60
    assert len(t.events) >= 100
    assert t.sources[t.sources["source_id"].isin(beyond["source_id"])]["outlet_id"].nunique() >= 20
    groups = set(t.sources["outlet_country"].map({"IRN": "IRN", "AZE": "AZE"}).fillna("other"))
    assert {"IRN", "AZE", "other"} <= groups
    assert set(t.events["period_id"]) == set(t.periods["period_id"])


def test_disagreements_are_recorded_where_sources_conflict(t):
    ev = t.events.set_index("event_id")
    # The seed dates Amir-Abdollahian's Baku visit 'two months' after November 2021; other sources give 22 December.
    assert (ev.loc["E036", "date"].strftime("%Y-%m-%d"), ev.loc["E036", "date_alt"]) == ("2021-12-22", "2022-01-01")
    assert "irandaily-2022-01-28" in ev.loc["E036", "date_note"]
    verdicts = t.claim_checks.set_index("check_id")["verdict"]
    assert verdicts["C01"] == "contradicted" and verdicts["C07"] == "contradicted"
