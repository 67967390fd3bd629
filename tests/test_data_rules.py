"""Rules of evidence, checked on the real tables (the validator enforces them; these tests
state them one by one so a reader of the suite sees what the data promise)."""

from __future__ import annotations

import pandas as pd
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


# --- Issue 13: what the independent check found, and the sweep --------------------------


def test_the_expulsion_is_dated_to_the_act_not_the_announcement(t):
    e = t.events.set_index("event_id")
    assert (str(e.loc["E312", "date"].date()), e.loc["E312", "date_precision"]) == ("2023-04-01", "month")
    assert "5 May 2023" in e.loc["E312", "date_note"] and "announcement" in e.loc["E312", "date_note"]


def test_the_envoys_arrival_and_his_meeting_with_aliyev_are_two_events(t):
    e = t.events.set_index("event_id")
    assert (str(e.loc["E204", "date"].date()), e.loc["E204", "cameo_code"]) == ("2020-10-27", "042")
    assert (str(e.loc["E342", "date"].date()), e.loc["E342", "actor2"]) == ("2020-10-28", "ilham_aliyev")
    assert pd.Timestamp("2020-10-28").day_name() == "Wednesday"  # Fars: "on Wednesday"


def test_the_business_forum_is_dated_to_the_day_it_met(t):
    e = t.events.set_index("event_id")
    assert (str(e.loc["E133", "date"].date()), e.loc["E133", "date_precision"], e.loc["E133", "date_alt"]) == ("2018-03-29", "day", "")


def test_a_weekday_slip_of_a_source_is_not_an_alternative_date(t):
    e = t.events.set_index("event_id")
    assert e.loc["E331", "date_alt"] == "" and "slip" in e.loc["E331", "notes"]
    assert pd.Timestamp("2025-04-28").day_name() == "Monday"


def test_details_once_unsourced_now_rest_on_a_cited_page(t):
    cited = t.evidence.groupby("event_id")["source_id"].agg(set)
    assert "iswnews-2020-11-03" in cited["E205"] or "Armenians" not in t.events.set_index("event_id").loc["E205", "summary"]
    assert any(s.startswith("azadliq") for s in cited["E102"]) or "invitation" not in t.events.set_index("event_id").loc["E102", "summary"]


def test_no_source_links_to_a_cdn_mirror_without_saying_so(t):
    mirrors = t.sources[t.sources["url"].str.contains(r"worldcdn\.net|pangea-cms\.com|cloudfront\.net", regex=True)]
    assert mirrors["notes"].str.contains("mirror").all(), list(mirrors["source_id"])


#: Hosts of copies of other outlets' pages (forums, document mirrors, archives, CDN and proxy
#: hosts, aggregators) among the sources' URLs.
COPY_HOSTS = "|".join(
    rf"{h}$".replace(".", r"\.")
    for h in ("armeniandiaspora.com", "ecoi.net", "armenianclub.com", "muslimnetwork.tv", "masress.com", "anl.az")
    + ("worldcdn.net", "oszar.com", "cloudfront.net", "lfwp.net", "pangea-cms.com")
)


def test_a_link_to_a_copy_hosted_elsewhere_says_so(t):
    """A reference that names one outlet but links to a copy on another site says where the link
    goes (copy_at); one that links to the outlet's own page says nothing of the kind."""
    s = t.sources
    host = s["url"].str.extract(r"^https?://([^/]+)", expand=False).fillna("")
    elsewhere = host.str.contains(COPY_HOSTS, regex=True) & (s["outlet_id"] != "armenian-club")
    assert s.loc[elsewhere & (s["copy_at"] == ""), "source_id"].tolist() == []
    assert s.loc[~elsewhere & (s["copy_at"] != ""), "source_id"].tolist() == []
    forum = s.set_index("source_id").loc[["globalinsight-2012-03-15", "nowlebanon-2012-03-13"], "copy_at"]
    assert (forum == "Copy posted on the armeniandiaspora.com forum").all()


def test_every_non_english_title_has_an_english_gloss(t):
    s = t.sources
    foreign = (s["language"] != "en") & (s["title"] != "")
    assert s.loc[foreign & (s["title_en"] == ""), "source_id"].tolist() == []
    assert s.loc[~foreign & (s["title_en"] != ""), "source_id"].tolist() == []
    assert foreign.sum() >= 54


def test_the_sweep_covers_every_kind_in_every_year_and_reaches_its_targets(t):
    from iranaz import measures

    searched = measures.searches_by_kind_and_year(t.search_log)
    assert (searched["n_searches"] > 0).all(), searched[searched["n_searches"] == 0]
    assert len(t.events) >= 300
    assert (t.events["corroboration"] >= 2).mean() >= 0.70
    included = t.search_candidates[t.search_candidates["decision"] == "included"]
    assert set(included["event_id"]) <= set(t.events["event_id"]), "an included candidate names no event"


def test_no_staging_id_is_left_in_the_texts(t):
    texts = pd.concat([t.events["notes"], t.events["date_note"], t.events["summary"], t.evidence["note"]])
    assert not texts.str.contains(r"\bh[1-9]-\d{3}\b", regex=True).any()
