"""Chart builders: each a function from tables to an Altair chart.

The data behind each chart comes from a ``*_data`` function (tested on its own against
hand-computed values); the chart only encodes it. Charts fill the width of the text
column, carry a text ``description`` for screen readers, and use the Okabe–Ito palette,
which stays distinguishable for colour-blind readers.
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


def _base(data: pd.DataFrame, description: str, title: str, height: int = HEIGHT) -> alt.Chart:
    return alt.Chart(data, description=description, title=title).properties(width="container", height=height)


def _quad_scale() -> alt.Scale:
    return alt.Scale(domain=list(QUAD_COLOURS), range=list(QUAD_COLOURS.values()))


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
        f"Timeline of {n} events dated between {data['date'].min()[:4]} and {data['date'].max()[:4]}, one point per event, "
        "placed by date and by kind (verbal or material, cooperation or conflict). "
        "Filled points are reported first-hand, hollow ones only as background."
    ) if n else "Timeline with no events."
    return (
        _base(data, desc, title, height=220)
        .mark_point(size=70, strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", labelOverlap=True), scale=alt.Scale(padding=12)),
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
    desc = "Bar chart of the mean Goldstein weight of Iran–Azerbaijan events per group: " + "; ".join(
        f"{g}: {v:+.2f} over {n} events" for g, v, n in zip(index[x], index["index"], index["n_events"])
    ) + "."
    return (
        _base(index, desc, title)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
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
            y=alt.Y("label:N", title=None, sort="-x"),
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
    return cov[["event_id", "event", "when", "source_id", "outlet", "reporting", "summary"]]


def coverage_chart(t: Tables, source_ids: list[str], events: pd.DataFrame | None = None, title: str = "Which outlet reports which event") -> alt.Chart:
    """A grid: one row per event, one column per source, coloured by how the source reports it."""
    data = coverage_data(t, source_ids, events)
    summary = measures.coverage_summary(data)
    desc = "Grid of events (rows) by source (columns), coloured by how each source reports each event. " + "; ".join(
        f"{r['outlet']}: {r['first-hand']} first-hand, {r['background']} as background, {r['not reported']} not reported"
        for r in summary.to_dict("records")
    ) + "."
    order = data.drop_duplicates("event_id")["event"].tolist()
    return (
        _base(data, desc, title, height=max(120, 16 * len(order)))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=0, orient="top")),
            y=alt.Y("event:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
            color=alt.Color(
                "reporting:N",
                title="Reported",
                scale=alt.Scale(domain=list(REPORTING_COLOURS), range=list(REPORTING_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("when:N", title="Date"),
                alt.Tooltip("summary:N", title="Event"),
                alt.Tooltip("outlet:N", title="Outlet"),
                alt.Tooltip("reporting:N", title="Reported"),
            ],
        )
    )


def quad_bars(counts: pd.DataFrame, by: str, title: str) -> alt.Chart:
    """Stacked bars of events per quad class per group (from :func:`measures.counts_by_quad`)."""
    desc = f"Stacked bar chart of events per kind and {by}: " + "; ".join(
        f"{g}, {q}: {n}" for g, q, n in zip(counts[by], counts["quad_label"], counts["n_events"])
    ) + "."
    return (
        _base(counts, desc, title)
        .mark_bar()
        .encode(
            x=alt.X(f"{by}:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
            y=alt.Y("n_events:Q", title="Number of events", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("quad_label:N", title="Kind", scale=_quad_scale(), legend=alt.Legend(orient="bottom")),
            order=alt.Order("quad_class:Q"),
            tooltip=[alt.Tooltip(f"{by}:N"), alt.Tooltip("quad_label:N", title="Kind"), alt.Tooltip("n_events:Q", title="Events")],
        )
    )
