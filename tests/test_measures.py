"""Measures against values computed by hand from five made-up events (conftest.toy_events)."""

from __future__ import annotations

import pandas as pd
import pytest

from iranaz import measures


def test_date_is_written_no_more_precisely_than_known():
    d = pd.Timestamp("2022-01-26")
    assert measures.date_label(d, "day") == "26 January 2022"
    assert measures.date_label(d, "month") == "January 2022"
    assert measures.date_label(d, "year") == "2022"
    assert measures.date_label(d, "before") == "by 26 January 2022"


def test_index_per_period_counts_only_bilateral_events(toy_events):
    idx = measures.cooperation_index(toy_events).set_index("period_id")
    # 2014: 1.9 + 8.0 - 2.0 = 7.9 over 3 events; 2015: only E904 (4.0) is bilateral.
    assert idx.loc["p2014", "index"] == pytest.approx(2.63)
    assert idx.loc["p2014", "total"] == pytest.approx(7.9)
    assert (idx.loc["p2014", "n_events"], idx.loc["p2014", "n_cooperative"], idx.loc["p2014", "n_conflictual"]) == (3, 2, 1)
    assert idx.loc["p2015", "index"] == pytest.approx(4.0)


def test_index_with_third_party_events(toy_events):
    idx = measures.cooperation_index(toy_events, by="period_id", bilateral_only=False).set_index("period_id")
    assert idx.loc["p2015", "index"] == pytest.approx(-3.0)  # (4.0 - 10.0) / 2


def test_index_by_quarter(toy_events):
    idx = measures.cooperation_index(toy_events, by="quarter")
    assert idx["quarter"].dt.strftime("%Y-%m").tolist() == ["2014-04", "2014-10", "2015-01"]
    assert idx["index"].tolist() == pytest.approx([4.95, -2.0, 4.0])


def test_counts_by_domain_count_an_event_in_each_of_its_domains(toy_events):
    event_domains = pd.DataFrame({"event_id": ["E901", "E902", "E902", "E903"], "domain": ["diplomacy", "energy", "diplomacy", "security"]})
    domains = pd.DataFrame({"domain": ["diplomacy", "energy", "security"], "label": ["Diplomacy", "Energy", "Security"]})
    got = measures.counts_by_domain(toy_events, event_domains, domains)
    assert dict(zip(got["domain"], got["n_events"])) == {"diplomacy": 2, "energy": 1, "security": 1}
    agreements = measures.agreements(toy_events, event_domains, domains)
    assert dict(zip(agreements["domain"], agreements["n_events"])) == {"diplomacy": 1, "energy": 1}


def test_counts_by_quad_are_one_row_per_group_not_per_event(toy_events):
    got = measures.counts_by_quad(toy_events, by="period_label")
    assert sorted(zip(got["period_label"], got["quad_label"], got["n_events"])) == [
        ("2014", "Verbal conflict", 1),
        ("2014", "Verbal cooperation", 2),
        ("2015", "Material conflict", 1),
        ("2015", "Verbal cooperation", 1),
    ]


def test_window_and_period_filters(toy_events):
    assert measures.in_window(toy_events, "2014-05-01", "2015-03-01")["event_id"].tolist() == ["E903", "E904"]
    assert measures.in_period(toy_events, "p2015")["event_id"].tolist() == ["E904", "E905"]


def test_allegations_do_not_move_the_index(toy_events):
    ev = toy_events.assign(status=["occurred", "occurred", "alleged", "occurred", "occurred"])
    idx = measures.cooperation_index(ev).set_index("period_id")
    assert idx.loc["p2014", "index"] == pytest.approx(4.95)  # (1.9 + 8.0) / 2: the alleged criticism is left out
    with_alleged = measures.cooperation_index(ev, include_alleged=True).set_index("period_id")
    assert with_alleged.loc["p2014", "index"] == pytest.approx(2.63)


def test_sweep_flow_counts_searches_candidates_and_decisions_by_hand():
    log = pd.DataFrame({"search_id": ["s1", "s2", "s3"]})
    cands = pd.DataFrame({"reason": ["included", "included", "already_coded", "undatable", "already_coded"]})
    flow = measures.sweep_flow(log, cands).set_index("label")["n_events"]
    assert flow.to_dict() == {
        "Searches run": 3,
        "Candidates found": 5,
        "Included as new events": 2,
        "Excluded: already in the table": 2,
        "Excluded: cannot be dated to the month": 1,
    }


def test_kinds_by_year_lists_every_kind_and_year_with_zeros(toy_events):
    ev = toy_events.assign(kind=["visit", "agreement", "other", "visit", "other"])
    k = measures.kinds_by_year(ev).set_index(["kind", "year"])["n_events"]
    assert len(k) == len(measures.KINDS) * 14  # eleven kinds, 2012-2025
    assert (k.loc[("visit", 2014)], k.loc[("visit", 2015)], k.loc[("agreement", 2014)], k.loc[("other", 2015)]) == (1, 1, 1, 1)
    assert k.sum() == 5 and k.loc[("phone_call", 2020)] == 0


def test_searches_by_kind_and_year_shows_unsearched_pairs():
    log = pd.DataFrame({"kind": ["visit", "visit", "agreement"], "year": ["2012", "2012", "2025"]})
    s = measures.searches_by_kind_and_year(log).set_index(["kind", "year"])["n_searches"]
    assert (s.loc[("visit", 2012)], s.loc[("agreement", 2025)], s.loc[("visit", 2013)]) == (2, 1, 0)
    assert (s == 0).sum() == 10 * 14 - 2


def test_changes_are_summed_by_version_and_table(toy_events):
    changes = pd.DataFrame(
        {
            "version": ["0.2.0"] * 4 + ["0.3.0"],
            "table": ["events", "events", "sources", "events", "events"],
            "record_id": ["E901", "E902", "s9", "E903", "E904"],
            "field": ["date", "(row)", "(row)", "notes", "(row)"],
            "old_value": ["2014-04-08", "", "", "a", ""],
            "new_value": ["2014-04-09", "added", "added", "b", "removed"],
            "reason": ["r"] * 5,
        }
    )
    counts = measures.change_counts(changes).set_index(["version", "table"])
    assert counts.loc[("0.2.0", "events"), "added"] == 1 and counts.loc[("0.2.0", "events"), "fields changed"] == 2
    assert counts.loc[("0.3.0", "events"), "removed"] == 1 and counts.loc[("0.2.0", "sources"), "added"] == 1
    assert list(measures.corrections(changes, "0.2.0")["event_id"]) == ["E901", "E903"]
    assert list(measures.added_events(changes, toy_events.assign(kind="visit"), "0.2.0")["event_id"]) == ["E902"]


def test_outlets_are_grouped_by_home_country():
    country = pd.Series(["IRN", "AZE", "TUR", ""])
    assert list(measures.outlet_group(country)) == ["Iranian", "Azerbaijani", "International", "International"]
    assert list(measures.outlet_group(country, unknown="Unknown")) == ["Iranian", "Azerbaijani", "International", "Unknown"]
