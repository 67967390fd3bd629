"""Chart builders encode the data they are given, aggregated, with descriptions."""

from __future__ import annotations

import pandas as pd

from iranaz import charts, measures, tables


def test_timeline_data_stacks_same_day_events(toy_events):
    data = charts.timeline_data(toy_events)
    assert data["event_id"].tolist() == ["E901", "E902", "E903", "E904", "E905"]
    assert data["slot"].tolist() == [0, 1, 0, 0, 0]  # E901 and E902: same day, same kind
    assert data["when"].tolist() == ["9 April 2014", "9 April 2014", "20 November 2014", "March 2015", "19 March 2015"]
    assert data.loc[0, "actors"] == "Ilham Aliyev → Iran"
    assert data.loc[1, "event_type"] == "057 Sign formal agreement"


def test_timeline_spec_has_one_mark_per_event_and_tooltips(toy_events):
    spec = charts.timeline(toy_events).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 5
    tips = [t["field"] for t in spec["encoding"]["tooltip"]]
    assert {"when", "actors", "summary", "sources"} <= set(tips)
    assert "Timeline of 5 events dated between 2014 and 2015" in spec["description"]
    one = charts.timeline(toy_events.head(1)).to_dict()["description"]
    assert one.startswith("Timeline of 1 event dated in 2014")
    assert spec["width"] == "container"


def test_index_chart_draws_the_measure(toy_events):
    idx = measures.cooperation_index(toy_events)
    spec = charts.index_chart(idx).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["index"] for v in values] == idx["index"].tolist()
    assert "+2.63 over 3 events" in spec["description"]


def test_quad_bars_size_does_not_grow_with_events(toy_events):
    many = toy_events.loc[toy_events.index.repeat(50)].assign(event_id=lambda d: [f"E{i}" for i in range(len(d))])
    spec_few = charts.quad_bars(measures.counts_by_quad(toy_events, "period_label"), "period_label", "t").to_dict()
    spec_many = charts.quad_bars(measures.counts_by_quad(many, "period_label"), "period_label", "t").to_dict()
    few, lots = (next(iter(s["datasets"].values())) for s in (spec_few, spec_many))
    assert len(few) == len(lots) == 4
    assert sum(v["n_events"] for v in lots) == 250


def test_coverage_of_the_2014_visit():
    t = tables.load()
    data = charts.coverage_data(t, ["commonspace-2014-04-09", "almonitor-2014-04-11"])
    reported = data[data["reporting"] != "not reported"]
    by_outlet = reported.groupby("outlet")["event_id"].agg(set).to_dict()
    # commonspace.eu, written on the morning of the visit, reports the visit and the two meetings.
    assert by_outlet["commonspace.eu"] == {"E001", "E002", "E003"}
    assert {"E001", "E004", "E013", "E014", "E015"} <= by_outlet["Al-Monitor"]
    assert set(data[(data["outlet"] == "Al-Monitor") & (data["reporting"] == "background")]["event_id"]) == {"E013", "E014", "E015"}
    spec = charts.coverage_chart(t, ["commonspace-2014-04-09", "almonitor-2014-04-11"]).to_dict()
    assert "commonspace.eu, 9 Apr 2014: 3 first-hand, 0 as background" in spec["description"]


def test_domain_bars_description_lists_every_bar():
    import pandas as pd

    counts = pd.DataFrame({"domain": ["energy", "culture"], "label": ["Energy", "Culture"], "n_events": [2, 1]})
    spec = charts.domain_bars(counts, "t", "agreements").to_dict()
    assert spec["description"] == "Bar chart of agreements per domain: Energy: 2; Culture: 1."


def test_long_timelines_label_each_year_once(toy_events):
    long = toy_events.assign(date=toy_events["date"].where(toy_events["event_id"] != "E905", pd.Timestamp("2018-06-01")))
    spec = charts.timeline(long).to_dict()
    assert (spec["encoding"]["x"]["axis"]["format"], spec["encoding"]["x"]["axis"]["tickCount"]) == ("%Y", "year")
    short = charts.timeline(toy_events[toy_events["year"] == 2014]).to_dict()
    assert short["encoding"]["x"]["axis"]["format"] == "%b %Y"
