"""Chart builders: each a function from tables to an Altair chart.

The data behind each chart comes from a ``*_data`` function (tested on its own against
hand-computed values); the chart only encodes it. Charts fill the width of the text
column, carry a text ``description`` for screen readers, and use the Okabe–Ito palette,
which stays distinguishable for colour-blind readers.

The look shared by every chart is the ``iranaz`` Altair theme (:func:`theme`), switched on by
:func:`use_theme` (the book's renderer calls it; nothing is registered on import).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import measures
from .tables import Tables

#: Okabe–Ito colours for the four quad classes, cooperation in blues, conflict in oranges.
QUAD_COLOURS = {
    "Verbal cooperation": "#56B4E9",
    "Material cooperation": "#0072B2",
    "Verbal conflict": "#E69F00",
    "Material conflict": "#D55E00",
}
REPORTING_COLOURS = {"first-hand": "#0072B2", "background": "#56B4E9", "not reported": "#E5E5E5"}
BAR_COLOUR = "#0072B2"
HEIGHT = 260


THEME = "iranaz"


def theme() -> alt.theme.ThemeConfig:
    """Transparent background (the page's light or dark background shows through; the book's
    CSS recolours the guides in dark mode), a type scale that stays legible on a 390 px wide
    phone, and limits computed from the column's width (``containerSize()``) so that labels
    and legends fit it."""
    return alt.theme.ThemeConfig(
        config={
            "background": "transparent",
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
            "view": {"continuousWidth": 300, "continuousHeight": 260, "stroke": None},
            "title": {"anchor": "start", "fontSize": 14, "fontWeight": 600, "offset": 10},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500, "labelColor": "#333", "titleColor": "#333"},
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": "#333",
                "titleColor": "#333",
                "labelLimit": {"expr": "containerSize()[0] < 560 ? 150 : 260"},
                # Symbols of legends that show no colour (sizes): mid grey, seen on light and dark.
                "symbolBaseFillColor": "#8a8f98",
                "symbolBaseStrokeColor": "#8a8f98",
                # At most four entries a row on a wide column (two legends side by side still
                # fit), one entry per line on a phone, so none is cut off.
                "columns": {"expr": "containerSize()[0] < 560 ? 1 : 4"},
            },
            # Row labels take at most 40% of the column, so the plot keeps room on a phone; a
            # horizontal axis title is never wider than the plot it sits under.
            "axisY": {"labelLimit": {"expr": "min(180, containerSize()[0] * 0.4)"}},
            "axisX": {"titleLimit": {"expr": "width"}},
            # A date label near either end of the axis is aligned flush with it, not cut off.
            "axisTemporal": {"labelFlush": 30},
        }
    )


def use_theme() -> None:
    """Register the ``iranaz`` theme with Altair (once) and switch it on."""
    if THEME not in alt.theme.names():
        alt.theme.register(THEME, enable=False)(theme)
    alt.theme.enable(THEME)


def _base(data: pd.DataFrame, description: str, title: str, height: int = HEIGHT) -> alt.Chart:
    return alt.Chart(data, description=description, title=title).properties(width="container", height=height)


def _count(n: int, noun: str) -> str:
    """'1 event', '2 events'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _span(first: str, last: str) -> str:
    """'in 2015' or 'between 2014 and 2016'."""
    return f"in {first}" if first == last else f"between {first} and {last}"


def _quad_scale() -> alt.Scale:
    return alt.Scale(domain=list(QUAD_COLOURS), range=list(QUAD_COLOURS.values()))


def _date_format(events: pd.DataFrame) -> str:
    """Years on a long axis, months on one shorter than two years."""
    if len(events) and (events["date"].max() - events["date"].min()).days < 730:
        return "%b %Y"
    return "%Y"


def timeline_data(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event with what its tooltip shows; ``slot`` stacks same-day events."""
    ev = events.sort_values(["date", "quad_class", "event_id"])
    out = pd.DataFrame(
        {
            "event_id": ev["event_id"],
            "date": ev["date"].dt.strftime("%Y-%m-%d"),
            "when": [measures.date_label(d, p) for d, p in zip(ev["date"], ev["date_precision"])],
            "actors": ev["actor1_name"] + " → " + ev["actor2_name"],
            "event_type": ev["cameo_code"] + " " + ev["cameo_label"],
            "quad_label": ev["quad_label"],
            "summary": ev["summary"],
            "sources": ev["source_ids"],
            "reported_as": ev["reported_as"],
        }
    )
    out["slot"] = out.groupby(["date", "quad_label"]).cumcount()
    return out.reset_index(drop=True)


def timeline(events: pd.DataFrame, title: str = "Events by date and kind") -> alt.Chart:
    """Every event as a point: date across, quad class down; hover for date, actors, summary, source."""
    data = timeline_data(events)
    n = len(data)
    desc = (
        (
            f"Timeline of {_count(n, 'event')} dated {_span(data['date'].min()[:4], data['date'].max()[:4])}, one point per event, "
            "placed by date and by kind (verbal or material, cooperation or conflict). "
            "Filled points are reported first-hand, hollow ones only as background."
        )
        if n
        else "Timeline with no events."
    )
    return (
        _base(data, desc, title, height=220)
        .mark_point(size=70, strokeWidth=2)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                # One tick per month or per year, as the labels say (no "Oct 2021" twice).
                axis=alt.Axis(format=_date_format(events), labelOverlap=True, tickCount="month" if _date_format(events) == "%b %Y" else "year"),
                scale=alt.Scale(padding=12),
            ),
            y=alt.Y("quad_label:N", title=None, sort=list(QUAD_COLOURS), scale=alt.Scale(domain=list(QUAD_COLOURS))),
            yOffset=alt.YOffset("slot:O"),
            color=alt.Color("quad_label:N", scale=_quad_scale(), legend=None),
            fill=alt.condition(alt.datum.reported_as == "first-hand", alt.Color("quad_label:N", scale=_quad_scale(), legend=None), alt.value("transparent")),
            tooltip=[
                alt.Tooltip("when:N", title="Date"),
                alt.Tooltip("actors:N", title="Actors"),
                alt.Tooltip("event_type:N", title="CAMEO"),
                alt.Tooltip("summary:N", title="Event"),
                alt.Tooltip("sources:N", title="Source(s)"),
                alt.Tooltip("event_id:N", title="Event id"),
            ],
        )
    )


def index_chart(index: pd.DataFrame, x: str = "period_label", title: str = "Cooperation–conflict index") -> alt.Chart:
    """Bars of the mean Goldstein weight per group (from :func:`measures.cooperation_index`)."""
    desc = (
        "Bar chart of the mean Goldstein weight of Iran–Azerbaijan events per group: "
        + "; ".join(f"{g}: {v:+.2f} over {_count(n, 'event')}" for g, v, n in zip(index[x], index["index"], index["n_events"]))
        + "."
    )
    return (
        _base(index, desc, title)
        .mark_bar()
        .encode(
            # Labels: the years of "2012–2013: the strained years" (the tooltip names the period), upright on a phone.
            x=alt.X(
                f"{x}:N",
                title=None,
                sort=None,
                axis=alt.Axis(labelAngle=alt.ExprRef("containerSize()[0] < 560 ? -90 : 0"), labelLimit=160, labelExpr="split(datum.label, ': ')[0]"),
            ),
            y=alt.Y("index:Q", title="Mean Goldstein weight", scale=alt.Scale(domain=[-10, 10])),
            color=alt.condition(alt.datum.index >= 0, alt.value(QUAD_COLOURS["Material cooperation"]), alt.value(QUAD_COLOURS["Material conflict"])),
            tooltip=[
                alt.Tooltip(f"{x}:N", title="Group"),
                alt.Tooltip("index:Q", title="Mean Goldstein", format="+.2f"),
                alt.Tooltip("n_events:Q", title="Events"),
                alt.Tooltip("total:Q", title="Sum of weights"),
            ],
        )
    )


def domain_bars(counts: pd.DataFrame, title: str, what: str = "events") -> alt.Chart:
    """Horizontal bars of counts per domain (from :func:`measures.counts_by_domain`)."""
    desc = f"Bar chart of {what} per domain: " + "; ".join(f"{lab}: {n}" for lab, n in zip(counts["label"], counts["n_events"])) + "."
    return (
        _base(counts, desc, title, height=max(80, 28 * len(counts)))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            # Domain names are short: written whole, even on a phone (labelLimit 0: no limit).
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=0)),
            x=alt.X("n_events:Q", title=f"Number of {what}", axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[alt.Tooltip("label:N", title="Domain"), alt.Tooltip("n_events:Q", title=what.capitalize())],
        )
    )


def coverage_data(t: Tables, source_ids: list[str], events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The event × source grid of :func:`measures.coverage`, with labels for the chart."""
    cov = measures.coverage(t, source_ids, events)
    ev = t.events.set_index("event_id")
    cov["event"] = cov["event_id"] + " " + cov["event_id"].map(ev["summary"]).str.slice(0, 60)
    cov["when"] = [measures.date_label(d, p) for d, p in zip(cov["event_id"].map(ev["date"]), cov["event_id"].map(ev["date_precision"]))]
    return cov[["event_id", "event", "when", "source_id", "outlet", "source_label", "reporting", "summary"]]


def coverage_chart(t: Tables, source_ids: list[str], events: pd.DataFrame | None = None, title: str = "Which outlet reports which event") -> alt.Chart:
    """A grid: one row per event, one column per source, coloured by how the source reports it."""
    data = coverage_data(t, source_ids, events)
    summary = measures.coverage_summary(data)
    desc = (
        "Grid of events (rows) by source (columns), coloured by how each source reports each event. "
        + "; ".join(
            f"{r['source_label']}: {r['first-hand']} first-hand, {r['background']} as background, {r['not reported']} not reported"
            for r in summary.to_dict("records")
        )
        + "."
    )
    order = data.drop_duplicates("event_id")["event"].tolist()
    return (
        _base(data, desc, title, height=max(120, 16 * len(order)))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=0, orient="top", labelLimit=alt.ExprRef("bandwidth('x') - 4"))),
            # Labels take at most 45% of the column (360 px at most), so the grid stays visible on a phone.
            y=alt.Y("event:N", title=None, sort=order, axis=alt.Axis(labelLimit=alt.ExprRef("min(360, containerSize()[0] * 0.45)"))),
            color=alt.Color(
                "reporting:N",
                title="Reported",
                scale=alt.Scale(domain=list(REPORTING_COLOURS), range=list(REPORTING_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("when:N", title="Date"),
                alt.Tooltip("summary:N", title="Event"),
                alt.Tooltip("source_label:N", title="Source"),
                alt.Tooltip("reporting:N", title="Reported"),
            ],
        )
    )


#: Human titles of the columns charts group by.
GROUP_TITLES = {"year": "Year", "quarter_label": "Quarter", "period_label": "Period", "period_short": "Period"}


def quad_bars(counts: pd.DataFrame, by: str, title: str) -> alt.Chart:
    """Stacked bars of events per quad class per group (from :func:`measures.counts_by_quad`)."""
    desc = (
        f"Stacked bar chart of events per kind and {by}: "
        + "; ".join(f"{g}, {q}: {n}" for g, q, n in zip(counts[by], counts["quad_label"], counts["n_events"]))
        + "."
    )
    return (
        _base(counts, desc, title)
        .mark_bar()
        .encode(
            x=alt.X(f"{by}:N", title=None, sort=None, axis=alt.Axis(labelAngle=alt.ExprRef("containerSize()[0] < 560 ? -90 : 0"), labelLimit=160)),
            y=alt.Y("n_events:Q", title="Number of events", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("quad_label:N", title="Kind", scale=_quad_scale(), legend=alt.Legend(orient="bottom")),
            order=alt.Order("quad_class:Q"),
            tooltip=[
                alt.Tooltip(f"{by}:N", title=GROUP_TITLES.get(by, by)),
                alt.Tooltip("quad_label:N", title="Kind"),
                alt.Tooltip("n_events:Q", title="Events"),
            ],
        )
    )


RANK_COLOURS = {
    "head of state or government": "#0072B2",
    "minister or equivalent": "#56B4E9",
    "deputy minister": "#009E73",
    "other": "#CC79A7",
    "delegation (no named visitor)": "#666666",  # not #999999: too close to #CC79A7 for deuteranopes
}
GROUP_COLOURS = {"Iranian": "#009E73", "Azerbaijani": "#0072B2", "International": "#E69F00"}


def index_timeline(quarters: pd.DataFrame, marks: pd.DataFrame, title: str = "Cooperation–conflict index by quarter") -> alt.LayerChart:
    """Bars of the quarterly index (from :func:`measures.quarterly_index`) with milestones as labelled rules."""
    desc = (
        f"Bar chart of the mean Goldstein weight of Iran–Azerbaijan events in each of {len(quarters)} quarters with events, "
        f"from {quarters['quarter_label'].iloc[0]} to {quarters['quarter_label'].iloc[-1]}; "
        f"lowest {quarters['index'].min():+.2f} in {quarters.loc[quarters['index'].idxmin(), 'quarter_label']}, "
        f"highest {quarters['index'].max():+.2f} in {quarters.loc[quarters['index'].idxmax(), 'quarter_label']}. "
        "Numbered vertical lines mark milestones: " + "; ".join(f"{n}, {w}: {lab}" for n, w, lab in zip(marks["number"], marks["when"], marks["label"])) + "."
    )
    q = quarters.assign(quarter=quarters["quarter"].dt.strftime("%Y-%m-%d"))
    m = marks.assign(date=marks["date"].dt.strftime("%Y-%m-%d"), top=9.3)
    x = alt.X("quarter:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True))
    bars = (
        alt.Chart(q)
        .mark_bar(width={"band": 0.9})
        .encode(
            x=x,
            y=alt.Y("index:Q", title="Mean Goldstein weight", scale=alt.Scale(domain=[-10, 10])),
            color=alt.condition(alt.datum.index >= 0, alt.value(QUAD_COLOURS["Material cooperation"]), alt.value(QUAD_COLOURS["Material conflict"])),
            opacity=alt.Opacity(
                "n_events:Q", title="Events in the quarter", scale=alt.Scale(domain=[1, 5], range=[0.35, 1], clamp=True), legend=alt.Legend(orient="bottom")
            ),
            tooltip=[
                alt.Tooltip("quarter_label:N", title="Quarter"),
                alt.Tooltip("index:Q", title="Mean Goldstein", format="+.2f"),
                alt.Tooltip("n_events:Q", title="Events"),
                alt.Tooltip("milestones:N", title="Milestones"),
            ],
        )
    )
    tips = [alt.Tooltip("number:Q", title="Milestone"), alt.Tooltip("when:N", title="Date"), alt.Tooltip("label:N", title="Event")]
    rules = alt.Chart(m).mark_rule(color="#666666", strokeDash=[3, 3]).encode(x="date:T", tooltip=tips)
    numbers = (
        alt.Chart(m)
        .mark_text(fontSize=10, fontWeight="bold", color="#333333", dy=-2)
        .encode(x="date:T", y=alt.Y("top:Q", scale=alt.Scale(domain=[-10, 10])), text="number:Q", tooltip=tips)
    )
    return alt.layer(bars, rules, numbers).properties(width="container", height=300, title=title, description=desc)


def visits_chart(ledger: pd.DataFrame, title: str = "Official visits by year, direction and rank") -> alt.Chart:
    """One dot per visit: year across, direction down, coloured by the visitor's rank."""
    data = ledger.assign(slot=ledger.groupby(["year", "direction"]).cumcount())
    counts = data.groupby("direction").size()
    desc = (
        "Dot chart of official visits between Iran and Azerbaijan by year: "
        + "; ".join(f"{d}: {n} visits" for d, n in counts.items())
        + (". Each dot is one visit, coloured by the visitor's rank.")
    )
    ranks = [r for r in RANK_COLOURS if r in set(data["rank"])]
    return (
        _base(data, desc, title, height=170)
        .mark_circle(size=110, opacity=0.9)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y("direction:N", title=None),
            yOffset=alt.YOffset("slot:O"),
            color=alt.Color(
                "rank:N",
                title="Visitor's rank",
                scale=alt.Scale(domain=ranks, range=[RANK_COLOURS[r] for r in ranks]),
                legend=alt.Legend(orient="bottom", columns=alt.ExprRef("containerSize()[0] < 560 ? 1 : 2")),  # one column on a phone
            ),
            tooltip=[
                alt.Tooltip("when:N", title="Date"),
                alt.Tooltip("visitor:N", title="Visitor"),
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("direction:N", title="Direction"),
                alt.Tooltip("event_id:N", title="Event id"),
            ],
        )
    )


def heatmap(data: pd.DataFrame, x: str, y: str, value: str, title: str, what: str, x_title: str | None = None) -> alt.LayerChart:
    """A grid of ``value`` (a share, 0–1) by ``x`` and ``y``, in one sequential colour, with the count written in each cell."""
    desc = f"Grid of {what}: " + "; ".join(f"{r[y]}, {r[x]}: {r['n_events']} ({r[value]:.0%})" for r in data.to_dict("records") if r["n_events"]) + "."
    base = alt.Chart(data).encode(
        # On a phone: column labels turned upright, row labels at most 40% of the width.
        x=alt.X(f"{x}:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=alt.ExprRef("containerSize()[0] < 560 ? -90 : 0"), labelLimit=120, orient="top")),
        y=alt.Y(f"{y}:N", title=None, sort=None, axis=alt.Axis(labelLimit=alt.ExprRef("min(260, containerSize()[0] * 0.4)"))),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            f"{value}:Q", title="Share of events", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(format=".0%", orient="bottom")
        ),
        tooltip=[
            alt.Tooltip(f"{y}:N"),
            alt.Tooltip(f"{x}:N"),
            alt.Tooltip("n_events:Q", title="Events"),
            alt.Tooltip(f"{value}:Q", title="Share", format=".0%"),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("n_events:Q"),
        tooltip=cells.encoding.tooltip,  # the number sits on top of its cell: hovering it shows the cell's tooltip
        color=alt.condition(f"datum.{value} > 0.5", alt.value("white"), alt.value("#222222")),
    )
    n_rows = data[y].nunique()
    return alt.layer(cells, labels).properties(width="container", height=max(120, 30 * n_rows), title=title, description=desc)


def outlet_tone_chart(profile: pd.DataFrame, title: str = "What each outlet reports, and in what tone") -> alt.Chart:
    """One dot per outlet: mean Goldstein weight of the events it reports, sized by how many, coloured by origin."""
    desc = (
        f"Dot chart of {len(profile)} outlets by the mean Goldstein weight of the events they report: "
        + "; ".join(
            f"{o} ({g}): {tn:+.2f} over {_count(n, 'event')}" for o, g, tn, n in zip(profile["outlet"], profile["group"], profile["tone"], profile["n_events"])
        )
        + "."
    )
    return (
        _base(profile, desc, title, height=max(200, 18 * len(profile)))
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("tone:Q", title="Mean Goldstein weight of events reported", scale=alt.Scale(domain=[-10, 10])),
            y=alt.Y(
                "outlet:N",
                title=None,
                sort=alt.EncodingSortField("tone", order="ascending"),
                axis=alt.Axis(labelLimit=alt.ExprRef("min(220, containerSize()[0] * 0.4)")),
            ),
            size=alt.Size("n_events:Q", title="Events reported", scale=alt.Scale(range=[40, 400]), legend=alt.Legend(orient="bottom")),
            color=alt.Color(
                "group:N", title="Outlet", scale=alt.Scale(domain=list(GROUP_COLOURS), range=list(GROUP_COLOURS.values())), legend=alt.Legend(orient="bottom")
            ),
            tooltip=[
                alt.Tooltip("outlet:N", title="Outlet"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("n_events:Q", title="Events reported"),
                alt.Tooltip("tone:Q", title="Mean Goldstein", format="+.2f"),
                alt.Tooltip("conflictual:Q", title="Share conflictual", format=".0%"),
            ],
        )
    )


#: Name of a layer of text that works as a guide (labels written above bars): the book's CSS
#: colours it like the axis labels in the dark theme.
GUIDE_TEXT = "iranaz_guide_text"
#: The steps of a flow from searches to decisions, in reading order, with their colours.
FLOW_COLOURS = {"searching": "#8a8f98", "included": "#0072B2", "excluded": "#E69F00"}


def flow_bars(flow: pd.DataFrame, title: str) -> alt.LayerChart:
    """The steps of a flow (from :func:`measures.sweep_flow`) in their own order: each step's
    label and count written whole above its bar, so nothing is cut on a narrow screen."""
    desc = "Bar chart of the sweep, step by step: " + "; ".join(f"{lab}: {n}" for lab, n in zip(flow["label"], flow["n_events"])) + "."
    data = flow.assign(order=range(len(flow)), text=[f"{lab}: {n}" for lab, n in zip(flow["label"], flow["n_events"])])
    y = alt.Y("order:O", axis=None, scale=alt.Scale(paddingInner=0.05))
    base = alt.Chart(data)
    bars = base.mark_bar(height={"band": 0.42}, yOffset=7).encode(
        y=y,
        x=alt.X("n_events:Q", title="Number of searches or candidates", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("step:N", scale=alt.Scale(domain=list(FLOW_COLOURS), range=list(FLOW_COLOURS.values())), legend=None),
        tooltip=[alt.Tooltip("label:N", title="Step"), alt.Tooltip("n_events:Q", title="Count")],
    )
    # Named as a guide: in the dark theme the book's CSS recolours it with the axis labels.
    labels = base.mark_text(align="left", baseline="top", dy=-19, fontSize=12).encode(y=y, x=alt.value(0), text="text:N").properties(name=GUIDE_TEXT)
    return alt.layer(bars, labels).properties(width="container", height=44 * len(flow), title=title, description=desc)
