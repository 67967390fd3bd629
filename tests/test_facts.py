"""The numbers the chapters quote, checked against what the seed articles say."""

from __future__ import annotations

import pytest

from iranaz import facts, tables


@pytest.fixture(scope="module")
def t() -> tables.Tables:
    return tables.load()


def test_thaw_facts_match_the_articles(t):
    f = facts.thaw_2014(t)
    assert f["visit_date"] == "9 April 2014"
    assert f["days_between_articles"] == 2  # 9 and 11 April 2014
    # Al-Monitor lists one agreement and three memoranda.
    assert f["n_agreements"] == 4
    assert f["agreement_subjects"] == "disaster management; hydroelectric plant; roads and ecology; and youth and sports"
    assert f["n_commonspace"] == 3 and f["n_shared"] == 3
    assert f["visit_corroboration"] >= 2


def test_overview_counts_are_table_sizes(t):
    f = facts.overview(t)
    assert f["n_events"] == len(t.events)
    assert f["n_sources"] == len(t.sources)
    assert f["n_seed_sources"] == 5
    assert f["n_quotes"] == int((t.evidence["quote"] != "").sum())
    assert (f["goldstein_min"], f["goldstein_max"]) == (-10.0, 10.0)


def test_join_reads_well():
    assert facts._join(["a"]) == "a"
    assert facts._join(["a", "b and c"]) == "a; and b and c"
