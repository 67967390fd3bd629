"""Chart builders: each a function from tables to an Altair chart.

The data behind each chart comes from a ``*_data`` function (tested on its own against
hand-computed values); the chart only encodes it. Charts fill the width of the text
column, carry a text ``description`` for screen readers, and use the Okabe–Ito palette,
which stays distinguishable for colour-blind readers.

The look shared by every chart is the ``iranaz`` Altair theme (:func:`theme`), switched on by
:func:`use_theme` (the book's renderer calls it; nothing is registered on import).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import altair as alt
import pandas as pd

from . import addresses, measures
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
#: Name of a layer of text that works as a guide (labels written above bars): the book's CSS
#: colours it like the axis labels in the dark theme.
GUIDE_TEXT = "iranaz_guide_text"
#: The key of ``DataFrame.attrs`` naming each table of a chart that draws several, for its
#: download ("CSV of milestones", not "CSV 2").
DOWNLOAD_NAME = "iranaz_download"


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


def wrapped_labels(labels: list[str] | pd.Series, width: int = 18, phone_only: bool = True) -> str:
    """A Vega ``labelExpr`` that writes each label whole, broken at spaces into lines of about
    ``width`` characters: on a phone (under 560 px) only, or at every width."""
    lines = {str(lab): textwrap.wrap(str(lab), width) or [str(lab)] for lab in labels}
    table = json.dumps({lab: ls for lab, ls in lines.items() if len(ls) > 1}, ensure_ascii=False)
    when = "containerSize()[0] < 560 && " if phone_only else ""
    return f"{when}{table}[datum.label] ? {table}[datum.label] : datum.label"


def _quad_scale() -> alt.Scale:
    return alt.Scale(domain=list(QUAD_COLOURS), range=list(QUAD_COLOURS.values()))


def _date_format(events: pd.DataFrame) -> str:
    """Years on a long axis, months on one shorter than two years."""
    if len(events) and (events["date"].max() - events["date"].min()).days < 730:
        return "%b %Y"
    return "%Y"


def _month_step(events: pd.DataFrame, most: int = 5) -> int:
    """Months between labels on a phone's month axis: 1, 2, 3, 6 or 12, so that about
    ``most`` labels fit (five months: each; two years: January and July)."""
    months = (events["date"].max() - events["date"].min()).days / 30.4 + 1 if len(events) else 1
    return next((k for k in (1, 2, 3, 6) if months / k <= most), 12)


def timeline_data(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event with what its tooltip shows; ``slot`` places same-day events of one
    kind above and below one another (0 on the row's line, ±0.5, ±1 ... around it)."""
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
            "sources": ev["source_labels"],
            "reported_as": ev["reported_as"],
            "href": ev["event_id"].map(addresses.event),
        }
    )
    # Events of one day and kind stack up and down around their row's centre line.
    slot = out.groupby(["date", "quad_label"]).cumcount()
    out["slot"] = slot - (out.groupby(["date", "quad_label"])["event_id"].transform("size") - 1) / 2
    return out.reset_index(drop=True)


def timeline(events: pd.DataFrame, title: str = "Events by date and kind") -> alt.Chart:
    """Every event as a point: date across, quad class down; hover for date, actors, summary,
    sources (outlet and year); a click opens the event's entry."""
    data = timeline_data(events)
    n = len(data)
    reach = max(3.0, float(data["slot"].abs().max()) + 0.5) if n else 3.0
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
                axis=alt.Axis(
                    format=_date_format(events),
                    labelOverlap="greedy",  # hides only labels that collide (parity would drop every other one)
                    tickCount="month" if _date_format(events) == "%b %Y" else "year",
                    # Month ticks on a phone: a label every `step` months, the year at January
                    # (a label a month would be thinned to the axis' two ends).
                    labelExpr=(
                        f"containerSize()[0] < 560 ? (month(datum.value) % {_month_step(events)} ? ''"
                        " : month(datum.value) === 0 ? timeFormat(datum.value, '%Y') : timeFormat(datum.value, '%b')) : datum.label"
                    )
                    if _date_format(events) == "%b %Y"
                    else "datum.label",
                ),
                scale=alt.Scale(padding=12),
            ),
            y=alt.Y("quad_label:N", title=None, sort=list(QUAD_COLOURS), scale=alt.Scale(domain=list(QUAD_COLOURS)), axis=alt.Axis(labelLimit=0)),
            # Stacked points centred on their row: the offset's zero is the middle of the band.
            yOffset=alt.YOffset("slot:Q", scale=alt.Scale(domain=[-reach, reach])),
            color=alt.Color("quad_label:N", scale=_quad_scale(), legend=None),
            fill=alt.condition(alt.datum.reported_as == "first-hand", alt.Color("quad_label:N", scale=_quad_scale(), legend=None), alt.value("transparent")),
            href="href:N",
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
                alt.Tooltip(f"{x}:N", title=GROUP_TITLES.get(x, x)),
                alt.Tooltip("index:Q", title="Mean Goldstein", format="+.2f"),
                alt.Tooltip("n_events:Q", title="Events"),
                alt.Tooltip("total:Q", title="Sum of weights"),
            ],
        )
    )


def domain_bars(counts: pd.DataFrame, title: str, what: str = "events") -> alt.LayerChart:
    """Horizontal bars of counts per domain (from :func:`measures.counts_by_domain`), largest
    first, each domain's name and count written whole above its bar."""
    desc = f"Bar chart of {what} per domain: " + "; ".join(f"{lab}: {n}" for lab, n in zip(counts["label"], counts["n_events"])) + "."
    data = counts.sort_values("n_events", ascending=False, kind="stable").reset_index(drop=True)
    return _labelled_bars(
        data.assign(text=[f"{lab}: {n}" for lab, n in zip(data["label"], data["n_events"])]),
        x_title=f"Number of {what}",
        colour=alt.value(BAR_COLOUR),
        tooltip=[alt.Tooltip("label:N", title="Domain"), alt.Tooltip("n_events:Q", title=what.capitalize())],
        title=title,
        description=desc,
    )


def integer_ticks(largest: int, most: int = 8) -> list[int]:
    """Whole-number ticks from 0 to at least ``largest``, at most ``most`` of them, in steps of
    1, 2 or 5 times a power of ten: an axis of counts never reads "0 1 1 2 2"."""
    largest = max(int(largest), 1)
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            top = -(-largest // step) * step
            if top // step + 1 <= most:
                return list(range(0, top + 1, step))
        scale *= 10


def _labelled_bars(data: pd.DataFrame, x_title: str, colour: Any, tooltip: list, title: str, description: str) -> alt.LayerChart:
    """One horizontal bar a row of ``data`` (``n_events``, ``text``), in the data's order, with
    ``text`` written whole above its bar: no label is cut, however narrow the column."""
    data = data.assign(order=range(len(data)))
    y = alt.Y("order:O", axis=None, scale=alt.Scale(paddingInner=0.05))
    base = alt.Chart(data)
    bars = base.mark_bar(height={"band": 0.42}, yOffset=7).encode(
        y=y,
        x=alt.X(
            "n_events:Q",
            title=x_title,
            scale=alt.Scale(domain=[0, integer_ticks(int(data["n_events"].max()))[-1]], nice=False),
            axis=alt.Axis(values=integer_ticks(int(data["n_events"].max())), format="d"),
        ),
        color=colour,
        tooltip=tooltip,
    )
    # Named as a guide: in the dark theme the book's CSS recolours it with the axis labels.
    labels = base.mark_text(align="left", baseline="top", dy=-19, fontSize=12).encode(y=y, x=alt.value(0), text="text:N").properties(name=GUIDE_TEXT)
    return alt.layer(bars, labels).properties(width="container", height=44 * len(data), title=title, description=description)


def coverage_data(t: Tables, source_ids: list[str], events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The event × source grid of :func:`measures.coverage`, with labels for the chart."""
    cov = measures.coverage(t, source_ids, events)
    ev = t.events.set_index("event_id")
    cov["when"] = [measures.date_label(d, p) for d, p in zip(cov["event_id"].map(ev["date"]), cov["event_id"].map(ev["date_precision"]))]
    # A row is named by its id and date, whole; its summary is in the tooltip and the table.
    cov["event"] = cov["event_id"] + " · " + cov["when"]
    cov["href"] = cov["event_id"].map(addresses.event)  # a click on a cell opens the event's entry
    return cov[["event_id", "event", "when", "source_id", "outlet", "source_label", "reporting", "summary", "href"]]


def coverage_chart(t: Tables, source_ids: list[str], events: pd.DataFrame | None = None, title: str = "Which outlet reports which event") -> alt.Chart:
    """A grid: one row per event (its id and date), one column per source (its outlet's name,
    upright and whole, on one line: a second line of an upright label would run past the
    chart's right edge), coloured by how the source reports the event."""
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
    shown = [r for r in REPORTING_COLOURS if r in set(data["reporting"])]
    return (
        _base(data, desc, title, height=max(120, 16 * len(order)))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "outlet:N",
                title=None,
                axis=alt.Axis(labelAngle=-90, orient="top", labelLimit=0, labelAlign="left"),
            ),
            y=alt.Y("event:N", title=None, sort=order, axis=alt.Axis(labelLimit=0)),
            href="href:N",
            color=alt.Color(
                "reporting:N",
                title="Reported",
                # Only the kinds of reporting the grid shows: a legend entry with no cell misleads.
                scale=alt.Scale(domain=shown, range=[REPORTING_COLOURS[r] for r in shown]),
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
    ticks = integer_ticks(int(counts.groupby(by)["n_events"].sum().max()) if len(counts) else 1)
    return (
        _base(counts, desc, title)
        .mark_bar()
        .encode(
            x=alt.X(f"{by}:N", title=None, sort=None, axis=alt.Axis(labelAngle=alt.ExprRef("containerSize()[0] < 560 ? -90 : 0"), labelLimit=160)),
            y=alt.Y(
                "n_events:Q",
                title="Number of events",
                scale=alt.Scale(domain=[0, ticks[-1]], nice=False),
                axis=alt.Axis(values=ticks, format="d"),
            ),
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


#: The two kinds of quarter in :func:`index_timeline`, by the sign of its index.
TONES = ("cooperative (0 or above)", "conflictual (below 0)")


def milestone_tiers(dates: pd.Series, min_gap_days: int = 300) -> list[int]:
    """A row (0 = top) for each milestone's number, in date order, so that two numbers on one
    row are at least ``min_gap_days`` apart: about 20 px on a 390 px phone, room for "13"."""
    last: list[pd.Timestamp] = []
    tiers = []
    for d in pd.to_datetime(dates):
        tier = next((i for i, t in enumerate(last) if (d - t).days >= min_gap_days), len(last))
        if tier == len(last):
            last.append(d)
        last[tier] = d
        tiers.append(tier)
    return tiers


def index_timeline(quarters: pd.DataFrame, marks: pd.DataFrame, title: str = "Cooperation–conflict index by quarter") -> alt.LayerChart:
    """Bars of the quarterly index (from :func:`measures.quarterly_index`), each as wide as its
    quarter, with milestones as numbered rules; numbers that would touch go on rows below."""
    desc = (
        f"Bar chart of the mean Goldstein weight of Iran–Azerbaijan events in each of {len(quarters)} quarters with events, "
        f"from {quarters['quarter_label'].iloc[0]} to {quarters['quarter_label'].iloc[-1]}; "
        f"lowest {quarters['index'].min():+.2f} in {quarters.loc[quarters['index'].idxmin(), 'quarter_label']}, "
        f"highest {quarters['index'].max():+.2f} in {quarters.loc[quarters['index'].idxmax(), 'quarter_label']}. "
        "Numbered vertical lines mark milestones: " + "; ".join(f"{n}, {w}: {lab}" for n, w, lab in zip(marks["number"], marks["when"], marks["label"])) + "."
    )
    # A bar spans its quarter, less a gap of 12 days, so neighbours never overlap.
    q = quarters.assign(
        start=quarters["quarter"].dt.strftime("%Y-%m-%d"),
        end=(quarters["quarter"] + pd.DateOffset(months=3) - pd.Timedelta(days=12)).dt.strftime("%Y-%m-%d"),
        tone=[TONES[0] if v >= 0 else TONES[1] for v in quarters["index"]],
    )
    m = marks.assign(date=marks["date"].dt.strftime("%Y-%m-%d"), top=[9.3 - 1.4 * t for t in milestone_tiers(marks["date"])])
    q.attrs[DOWNLOAD_NAME], m.attrs[DOWNLOAD_NAME] = "quarters", "milestones"
    y_scale = alt.Scale(domain=[-10, 10])
    bars = (
        alt.Chart(q)
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True)),
            x2="end:T",
            y=alt.Y("index:Q", title="Mean Goldstein weight", scale=y_scale),
            y2=alt.datum(0),
            # Colour by sign, from a field (not a condition), so that the opacity legend's
            # squares stay neutral grey: paleness means few events for blue and orange alike.
            color=alt.Color(
                "tone:N",
                title="Quarter",
                scale=alt.Scale(domain=list(TONES), range=[QUAD_COLOURS["Material cooperation"], QUAD_COLOURS["Material conflict"]]),
                legend=alt.Legend(orient="bottom"),
            ),
            opacity=alt.Opacity(
                "n_events:Q",
                title="Events in the quarter",
                scale=alt.Scale(domain=[1, 5], range=[0.35, 1], clamp=True),
                legend=alt.Legend(orient="bottom", symbolType="square", values=[1, 2, 3, 4, 5], labelExpr="datum.value >= 5 ? '5 or more' : datum.label"),
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
        .encode(x="date:T", y=alt.Y("top:Q", scale=y_scale), text="number:Q", tooltip=tips)
        .properties(name=GUIDE_TEXT)
    )
    return alt.layer(bars, rules, numbers).properties(width="container", height=300, title=title, description=desc)


def visits_chart(ledger: pd.DataFrame, title: str = "Official visits by year, direction and rank") -> alt.Chart:
    """One dot per visit: year across, direction down, coloured by the visitor's rank."""
    # The visits of one year and direction stack up and down around the row's centre line.
    group = ledger.groupby(["year", "direction"])
    data = ledger.assign(slot=group.cumcount() - (group["event_id"].transform("size") - 1) / 2, href=ledger["event_id"].map(addresses.event))
    reach = max(2.0, float(data["slot"].abs().max()) + 0.5) if len(data) else 2.0
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
            # Every year on a wide column; every fourth year on a phone, where four digits a year would touch.
            x=alt.X(
                "year:O",
                title=None,
                axis=alt.Axis(labelAngle=0, labelExpr="containerSize()[0] < 560 && datum.value % 4 ? '' : datum.label"),
            ),
            y=alt.Y("direction:N", title=None),
            yOffset=alt.YOffset("slot:Q", scale=alt.Scale(domain=[-reach, reach])),
            href="href:N",  # a dot is one visit: a click opens its entry
            color=alt.Color(
                "rank:N",
                title="Visitor's rank",
                scale=alt.Scale(domain=ranks, range=[RANK_COLOURS[r] for r in ranks]),
                legend=alt.Legend(orient="bottom", labelLimit=0, columns=alt.ExprRef("containerSize()[0] < 560 ? 1 : 2")),  # one column on a phone
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


def heatmap(data: pd.DataFrame, x: str, y: str, value: str, title: str, what: str, row_title: str, x_title: str | None = None) -> alt.LayerChart:
    """A grid of ``value`` (a share, 0–1) by ``x`` and ``y``, in one sequential colour, with the
    count written in each cell; ``row_title`` names the rows in tooltips ("Domain")."""
    desc = f"Grid of {what}: " + "; ".join(f"{r[y]}, {r[x]}: {r['n_events']} ({r[value]:.0%})" for r in data.to_dict("records") if r["n_events"]) + "."
    base = alt.Chart(data).encode(
        # On a phone: column labels turned upright, row labels broken into lines (never cut).
        x=alt.X(f"{x}:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=alt.ExprRef("containerSize()[0] < 560 ? -90 : 0"), labelLimit=120, orient="top")),
        y=alt.Y(f"{y}:N", title=None, sort=None, axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(data[y].unique(), 16))),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            f"{value}:Q", title="Share of events", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(format=".0%", orient="bottom")
        ),
        tooltip=[
            alt.Tooltip(f"{y}:N", title=row_title),
            alt.Tooltip(f"{x}:N", title=x_title or GROUP_TITLES.get(x, x)),
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
    lo, hi = (int(profile["n_events"].min()), int(profile["n_events"].max())) if len(profile) else (1, 1)
    return (
        _base(profile, desc, title, height=max(200, 30 * len(profile)))
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("tone:Q", title="Mean Goldstein weight", scale=alt.Scale(domain=[-10, 10])),
            y=alt.Y(
                "outlet:N",
                title=None,
                sort=alt.EncodingSortField("tone", order="ascending"),
                # Outlets' names whole: one line on a wide column, at most two on a phone.
                axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(profile["outlet"], 24)),
            ),
            # The legend shows sizes the chart can have: from the fewest events an outlet needs to be shown.
            size=alt.Size(
                "n_events:Q",
                title="Events reported",
                scale=alt.Scale(domain=[lo, hi], range=[40, 400]),
                legend=alt.Legend(orient="bottom", values=sorted({lo, *[v for v in integer_ticks(hi, 5) if lo < v < hi], hi})),
            ),
            color=alt.Color(
                "group:N",
                title="Kind of outlet",
                scale=alt.Scale(domain=list(GROUP_COLOURS), range=list(GROUP_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("outlet:N", title="Outlet"),
                alt.Tooltip("group:N", title="Kind of outlet"),
                alt.Tooltip("n_events:Q", title="Events reported"),
                alt.Tooltip("tone:Q", title="Mean Goldstein", format="+.2f"),
                alt.Tooltip("conflictual:Q", title="Share conflictual", format=".0%"),
            ],
        )
    )


#: The steps of a flow from searches to decisions, in reading order, with their colours.
FLOW_COLOURS = {"searching": "#8a8f98", "included": "#0072B2", "excluded": "#E69F00"}


def flow_bars(flow: pd.DataFrame, title: str) -> alt.LayerChart:
    """The steps of a flow (from :func:`measures.sweep_flow`) in their own order: each step's
    label and count written whole above its bar, so nothing is cut on a narrow screen."""
    desc = "Bar chart of the sweep, step by step: " + "; ".join(f"{lab}: {n}" for lab, n in zip(flow["label"], flow["n_events"])) + "."
    return _labelled_bars(
        flow.assign(text=[f"{lab}: {n}" for lab, n in zip(flow["label"], flow["n_events"])]),
        x_title="Number of searches or candidates",
        colour=alt.Color("step:N", scale=alt.Scale(domain=list(FLOW_COLOURS), range=list(FLOW_COLOURS.values())), legend=None),
        tooltip=[alt.Tooltip("label:N", title="Step"), alt.Tooltip("n_events:Q", title="Searches or candidates")],
        title=title,
        description=desc,
    )
