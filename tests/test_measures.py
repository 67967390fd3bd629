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
