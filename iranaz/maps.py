"""Maps of the events by place: the data (:func:`map_data`, :func:`map_facts`) and the chart
(:func:`event_map`), drawn over the clipped Natural Earth boundaries of :mod:`iranaz.places`.

A place is drawn as one circle, sized by its number of events and coloured by the kind
(quad class) most of them are, ties going to the more conflictual kind, so a place where
conflict is as frequent as cooperation does not look calm; the tooltip gives every kind in
words. Events whose location is empty ("no place stated"), names a place with no point (a
country, a sea, a vague area) or lies outside :data:`iranaz.places.FRAME` are not drawn;
:func:`map_facts` counts them so that the text around a map says so.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from . import addresses, places
from .charts import QUAD_COLOURS, _count
from .tables import Tables

#: The value of the period filter that shows every period.
ALL = "All periods"
LAND = "#d9d4c7"
BORDER = "#7a7367"
HEIGHT = 440
#: The land layer's name (its Vega marks are ``iranaz_land_marks``, recoloured by iranaz.css in dark mode).
LAND_NAME = "iranaz_land"
#: The town labels' layer names begin so (iranaz.css recolours them in dark mode).
LABEL_NAME = "iranaz_place_label"
#: Towns with at least this many events are named on the map (the others in their tooltips).
LABEL_FROM = 5
#: Circle areas (px²): one event, and the most events of any place.
AREA = (40, 1600)


def _points(t: Tables) -> pd.DataFrame:
    """The places with a point, as floats, and whether the map's frame holds them."""
    p = t.places[(t.places["latitude"] != "") & (t.places["longitude"] != "")].copy()
    p["latitude"], p["longitude"] = p["latitude"].astype(float), p["longitude"].astype(float)
    west, south, east, north = places.FRAME
    p["in_frame"] = p["longitude"].between(west, east) & p["latitude"].between(south, north)
    return p.set_index("place_id")


def _in_period(events: pd.DataFrame, period: str | None) -> pd.DataFrame:
    return events if period is None else events[events["period_id"] == period]


def _by_kind(group: pd.DataFrame) -> str:
    """'3 verbal cooperation, 1 material conflict' (in the quad classes' order)."""
    counts = group.groupby("quad_class")["quad_label"].agg(["first", "size"]).sort_index()
    return ", ".join(f"{n} {label.lower()}" for label, n in zip(counts["first"], counts["size"]))


def map_data(t: Tables, period: str | None = None) -> pd.DataFrame:
    """One row per place drawn: its point, number of events, main kind and kinds in words."""
    pts = _points(t)
    ev = _in_period(t.events, period)
    ev = ev[ev["place_id"].isin(pts.index[pts["in_frame"]])]
    rows = []
    for pid, g in ev.groupby("place_id", sort=True):
        counts = g["quad_class"].value_counts()
        main = int(max(counts.index, key=lambda q: (counts[q], q)))
        p = pts.loc[pid]
        rows.append(
            {
                "place_id": pid,
                "place": p["name"],
                "kind": p["kind"],
                "latitude": p["latitude"],
                "longitude": p["longitude"],
                "n_events": len(g),
                "main_kind": g.loc[g["quad_class"] == main, "quad_label"].iloc[0],
                "by_kind": _by_kind(g),
                "point": "the place's own point" if p["coord_method"].startswith("geonames:") else f"a representative point ({p['kind']})",
                "href": addresses.place(str(pid)),
            }
        )
    cols = ["place_id", "place", "kind", "latitude", "longitude", "n_events", "main_kind", "by_kind", "point", "href"]
    out = pd.DataFrame(rows, columns=cols)
    # What a screen reader says of each circle (and what the browser tests read back).
    out["label"] = [f"{p}: {_count(n, 'event')} ({k}), drawn at {w}" for p, n, k, w in zip(out["place"], out["n_events"], out["by_kind"], out["point"])]
    # Larger circles first, so smaller ones at the same spot are drawn on top and can be hovered.
    return out.sort_values(["n_events", "place_id"], ascending=[False, True]).reset_index(drop=True)


def map_facts(t: Tables, period: str | None = None, prefix: str = "map") -> dict[str, Any]:
    """What a map shows and leaves out, for the text around it (computed, never typed)."""
    pts = _points(t)
    ev = _in_period(t.events, period)
    drawn = ev["place_id"].isin(pts.index[pts["in_frame"]])
    no_place = ev["place_id"] == ""
    no_point = (~no_place) & ~ev["place_id"].isin(pts.index)
    outside = ev["place_id"].isin(pts.index[~pts["in_frame"]])
    out_names = sorted(t.places.set_index("place_id").loc[sorted(set(ev.loc[outside, "place_id"])), "name"])
    return {
        f"{prefix}_events": len(ev),
        f"{prefix}_drawn": int(drawn.sum()),
        f"{prefix}_places": int(ev.loc[drawn, "place_id"].nunique()),
        f"{prefix}_no_place": int(no_place.sum()),
        f"{prefix}_no_point": int(no_point.sum()),
        f"{prefix}_outside": int(outside.sum()),
        f"{prefix}_outside_names": ", ".join(out_names) if out_names else "none",
    }


def _describe(f: dict[str, Any], prefix: str) -> str:
    return (
        f"Map of the South Caucasus and the Caspian's western shore with {_count(f[prefix + '_drawn'], 'event')} "
        f"at {_count(f[prefix + '_places'], 'place')}, one circle per place, sized by its number of events and coloured by "
        f"the kind most of them are. Not drawn: {f[prefix + '_no_place']} events that name no place, "
        f"{f[prefix + '_no_point']} at a country, sea or area with no point, and {f[prefix + '_outside']} at places outside "
        f"the map ({f[prefix + '_outside_names']})."
    )


def _frame() -> dict:
    """The frame as a GeoJSON polygon, so that every map is fitted to the same region."""
    w, s, e, n = places.FRAME
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[w, s], [w, n], [e, n], [e, s], [w, s]]]}}


def _layers(points: pd.DataFrame, max_n: int) -> tuple[alt.Chart, alt.Chart, list[alt.Chart]]:
    kinds = [k for k in QUAD_COLOURS if k in set(points["main_kind"])]
    # The land is context, not data: hidden from screen readers (the chart's description says
    # what it shows); its tooltip names the country. Named, so the book's CSS recolours it in
    # the dark theme.
    land = (
        alt.Chart(alt.Data(values=places.boundaries()["features"]))
        .mark_geoshape(fill=LAND, stroke=BORDER, strokeWidth=0.8, aria=False)
        .encode(tooltip=[alt.Tooltip("properties.name:N", title="Country")])
        .properties(name=LAND_NAME)
    )
    circles = (
        alt.Chart(points)
        .mark_circle(opacity=0.85, stroke="#222", strokeWidth=0.8, cursor="pointer")
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            size=alt.Size(
                "n_events:Q",
                title="Events",
                scale=alt.Scale(domain=[1, max(max_n, 2)], range=list(AREA), zero=False),
                legend=alt.Legend(orient="bottom", values=sorted({1, max(1, max_n // 4), max(1, max_n)})),
            ),
            color=alt.Color(
                "main_kind:N",
                title="Most events are",
                # Only the kinds some circle has: a legend entry with no mark would mislead.
                scale=alt.Scale(domain=kinds, range=[QUAD_COLOURS[k] for k in kinds]),
                legend=alt.Legend(orient="bottom"),
            ),
            href="href:N",
            description="label:N",
            tooltip=[
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("n_events:Q", title="Events"),
                alt.Tooltip("by_kind:N", title="By kind"),
                alt.Tooltip("point:N", title="Drawn at"),
            ],
        )
    )
    # Names of the busiest towns, above their circles (clear of them whatever their size):
    # one text layer per town, as a mark's offset cannot follow the data.
    labels = []
    named = points[(points["kind"] == "city") & (points["n_events"] >= LABEL_FROM)].drop_duplicates("place_id")
    for pid, n in zip(named["place_id"], named["n_events"]):
        area = AREA[0] + (n - 1) / max(max_n - 1, 1) * (AREA[1] - AREA[0])
        labels.append(
            alt.Chart(points)
            .transform_filter(alt.datum.place_id == pid)
            .mark_text(fontSize=12, fontWeight=600, baseline="bottom", dy=-round((area / 3.1416) ** 0.5 + 3), aria=False)
            .encode(longitude="longitude:Q", latitude="latitude:Q", text="place:N")
            .properties(name=f"{LABEL_NAME}_{pid}")  # one name a layer (Vega refuses repeats)
        )
    return land, circles, labels


def _projection() -> dict[str, Any]:
    return {"type": "mercator", "fit": _frame()}


def event_map(t: Tables, period: str | None = None, title: str | None = None) -> alt.LayerChart:
    """The events of ``period`` (or all) by place, over the region's country boundaries."""
    data = map_data(t, period)
    f = map_facts(t, period)
    label = "all periods" if period is None else t.periods.set_index("period_id").loc[period, "short"]
    # One size scale for every period: the largest place of all periods sets it.
    land, circles, labels = _layers(data, int(map_data(t)["n_events"].max()))
    return (
        alt.layer(land, circles, *labels)
        .project(**_projection())
        .properties(width="container", height=HEIGHT, title=title or f"Events by place, {label}", description=_describe(f, "map"))
    )


def map_by_period_data(t: Tables) -> pd.DataFrame:
    """:func:`map_data` for every period and for all of them, with a ``period`` column."""
    frames = [map_data(t).assign(period=ALL)]
    for p in t.periods.itertuples():
        frames.append(map_data(t, p.period_id).assign(period=p.short))
    return pd.concat(frames, ignore_index=True)


def period_map(t: Tables, title: str = "Events by place, by period") -> alt.LayerChart:
    """The map with a period filter (a drop-down of data/periods.csv's periods and "All periods")."""
    data = map_by_period_data(t)
    f = map_facts(t)
    choice = alt.param(
        name="period",
        value=ALL,
        bind=alt.binding_select(options=[ALL, *t.periods["short"]], name="Period "),
    )
    land, circles, labels = _layers(data, int(data["n_events"].max()))
    circles = circles.transform_filter(alt.datum.period == choice).add_params(choice)
    labels = [label.transform_filter(alt.datum.period == choice) for label in labels]
    return (
        alt.layer(land, circles, *labels)
        .project(**_projection())
        .properties(width="container", height=HEIGHT, title=title, description=_describe(f, "map") + " A drop-down chooses the period.")
    )


def gazetteer(t: Tables) -> pd.DataFrame:
    """One row per place, in name order, with its events (withdrawn ones left out) and its
    address on the places page: what the page's table shows."""
    ev = t.events[t.events["place_id"] != ""]
    ids = ev.sort_values("event_id").groupby("place_id")["event_id"].agg(list)
    out = t.places.copy()
    out["anchor"] = [addresses.anchor("place", p) for p in out["place_id"]]
    out["event_ids"] = [ids.get(p, []) for p in out["place_id"]]
    out["n_events"] = out["event_ids"].map(len)
    out["variants_list"] = [[v for v in s.split(places.SEP) if v] for s in out["variants"]]
    return out.sort_values(["name", "place_id"], key=lambda s: s.str.casefold()).reset_index(drop=True)
