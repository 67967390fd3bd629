"""Chart builders encode the data they are given, aggregated, with descriptions."""

from __future__ import annotations

import pandas as pd

from iranaz import charts, measures, tables


def test_timeline_data_stacks_same_day_events(toy_events):
    data = charts.timeline_data(toy_events)
    assert data["event_id"].tolist() == ["E901", "E902", "E903", "E904", "E905"]
    assert data["slot"].tolist() == [-0.5, 0.5, 0, 0, 0]  # E901 and E902: same day, same kind, either side of the line
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


def test_integer_ticks_are_whole_and_cover_the_largest_count():
    # Worked by hand: steps of 1 up to 7 ticks' worth, then 2, 5, 10, 20 ...
    assert charts.integer_ticks(0) == [0, 1]
    assert charts.integer_ticks(2) == [0, 1, 2]  # never 0, 0.5, 1, 1.5, 2 ("0 1 1 2 2")
    assert charts.integer_ticks(7) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert charts.integer_ticks(9) == [0, 2, 4, 6, 8, 10]
    assert charts.integer_ticks(55) == [0, 10, 20, 30, 40, 50, 60]
    assert charts.integer_ticks(120, most=5) == [0, 50, 100, 150]


def test_milestone_numbers_that_would_touch_go_on_lower_rows():
    dates = pd.Series(pd.to_datetime(["2012-01-10", "2012-03-01", "2014-04-10", "2021-10-01", "2022-01-20", "2022-03-01", "2023-06-01"]))
    # 2012-03 is 51 days after 2012-01: row 1; 2014 is clear of both: row 0; 2022-01 is 111 days
    # after 2021-10: row 1; 2022-03 is 40 days after that and 151 after 2021-10: row 2;
    # 2023-06 is over 300 days after 2021-10: row 0.
    assert charts.milestone_tiers(dates) == [0, 1, 0, 0, 1, 2, 0]


def test_wrapped_labels_break_long_names_whole_on_a_phone():
    expr = charts.wrapped_labels(["Environment and emergencies", "Energy"], width=16)
    assert expr.startswith("containerSize()[0] < 560 && ")
    assert '{"Environment and emergencies": ["Environment and", "emergencies"]}' in expr
    assert "Energy" not in expr  # a short label stays as it is
    always = charts.wrapped_labels(["Institute for Reporters' Freedom and Safety"], width=24, phone_only=False)
    assert always.startswith('{"Institute') and "[\"Institute for Reporters'\", \"Freedom and Safety\"]" in always


def test_three_events_of_one_day_sit_below_on_and_above_the_line(toy_events):
    day = toy_events.iloc[[0, 0, 0]].assign(event_id=["E1", "E2", "E3"])
    assert charts.timeline_data(day)["slot"].tolist() == [-1, 0, 1]


def test_coverage_legend_lists_only_the_reporting_the_grid_shows():
    t = tables.load()
    first = t.evidence[t.evidence["reporting"] == "first-hand"]
    source = first["source_id"].iloc[0]
    events = t.events[t.events["event_id"].isin(first.loc[first["source_id"] == source, "event_id"])]
    spec = charts.coverage_chart(t, [source], events).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["first-hand"]


def test_domain_bars_write_each_name_whole_above_its_bar():
    counts = pd.DataFrame({"label": ["Energy", "Environment and emergencies"], "n_events": [1, 2]})
    spec = charts.domain_bars(counts, "Domains").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["text"] for v in values] == ["Environment and emergencies: 2", "Energy: 1"]  # largest first, whole
    bars, labels = spec["layer"]
    assert bars["encoding"]["x"]["axis"]["values"] == [0, 1, 2]
    assert labels["encoding"]["text"]["field"] == "text"


def test_a_phone_month_axis_labels_about_five_months():
    def span(a, b):
        return pd.DataFrame({"date": pd.to_datetime([a, b])})

    # Worked by hand: months spanned (days / 30.4 + 1), then the first step of 1, 2, 3, 6 giving at most 5 labels.
    assert charts._month_step(span("2021-08-01", "2021-12-20")) == 2  # 5.6 months: Sep, Nov
    assert charts._month_step(span("2022-01-01", "2022-12-31")) == 3  # 13 months: 2022, Apr, Jul, Oct
    assert charts._month_step(span("2012-01-01", "2013-12-31")) == 6  # 25 months: 2012, Jul, 2013, Jul
    assert charts._month_step(span("2014-04-09", "2014-04-09")) == 1


def test_timeline_points_link_their_entry_and_name_sources_in_words(toy_events):
    data = charts.timeline_data(toy_events)
    assert data["href"].tolist() == ["../events/E901.html", "../events/E902.html", "../events/E903.html", "../events/E904.html", "../events/E905.html"]
    assert data.loc[1, "sources"] == "Outlet One 2014; Outlet Two 2014"
    spec = charts.timeline(toy_events).to_dict()
    assert spec["encoding"]["href"] == {"field": "href", "type": "nominal"}
