"""Altair charts that draw with no network: in the book, in JupyterLab and in a test browser.

Altair's default output loads Vega, Vega-Lite and Vega-Embed from a CDN when a page opens, so
an offline reader sees an error box instead of each chart. This module replaces that output:

* Each chart is compiled from Vega-Lite to Vega when it is rendered (by vl-convert, in
  Python), so the page needs neither the Vega-Lite compiler nor Vega-Embed: only the Vega
  modules the book's charts use (:data:`VEGA_MODULES`) and vega-tooltip.
* :func:`wrapped_bundle` is the one JavaScript file a page needs: vl-convert's bundle of
  those modules, wrapped in a function scope so that its top-level names cannot clash with
  Sphinx's own scripts, followed by the chart loader, ``static/iranaz-loader.js``, which
  draws every chart on the page (SVG, with tooltips).
* The ``iranaz`` Altair renderer emits, for each chart, a ``<div>``, the compiled Vega spec as
  plain, inert JSON (inside ``<script type="application/json">``, with ``<``, ``>`` and ``&``
  escaped so text from sources can never close the tag and become markup) and a one-line
  call to the loader. Element ids are derived from the spec, so two builds give identical pages.
* In the book build (:data:`iranaz.book.BOOK_BUILD_ENV` is set) the bundle is *not*
  inlined: the Sphinx extension serves it once from the book's static files. Anywhere else
  (JupyterLab, VS Code, nbclient) the first chart a kernel displays to each frontend
  connection carries the bundle and the chart CSS inline, so a student re-running a chapter
  without network sees the charts too. A frontend connection is the ``session`` of the
  requests' Jupyter message headers: a reloaded JupyterLab tab, or a notebook reopened on a
  kernel that has already drawn charts, connects anew and gets the bundle again (issue 12).
  Standard Vega mimetypes would not help: JupyterLab ranks ``text/html`` (50) above its
  Vega renderer (57), so it shows the HTML output whenever both are present.

:func:`enable` switches the renderer and the book's chart theme (:func:`iranaz.charts.theme`)
on; :func:`iranaz.book.downloads.figure` calls it, and nothing is registered on import. Set
:data:`OUTPUT_ENV` to ``cdn`` to keep Altair's default CDN output (the benchmark's comparison
build uses this); the theme stays on either way.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from typing import Any

import altair as alt

from .. import charts, paths
from . import BOOK_BUILD_ENV, STATIC_DIR
from .markup import render as render_template
from .markup import trusted

#: ``offline`` (default) or ``cdn`` (Altair's default output, for comparison only).
OUTPUT_ENV = "IRANAZ_CHART_OUTPUT"
#: Where the generated bundle is cached between builds (default: the user cache dir).
CACHE_ENV = paths.CACHE_ENV

RENDERER = "iranaz"
CHART_CLASS = "iranaz-chart"
CSS_FILE = STATIC_DIR / "iranaz.css"
#: The chart loader; it names :data:`CHART_CLASS`, :data:`LIBRARY_GLOBAL` and :data:`TOOLTIP_OPTIONS` too.
LOADER_FILE = STATIC_DIR / "iranaz-loader.js"

#: The global the bundle defines: ``{View, parse, Handler}`` (Vega's and vega-tooltip's).
LIBRARY_GLOBAL = "iranazVega"
#: vega-tooltip as vendored by vl-convert (the bundle fails to build if that ever changes).
VEGA_TOOLTIP_VERSION = "1.0.0"

#: vega-tooltip's options: the tooltip is styled by ``iranaz.css``; vega-tooltip escapes its
#: text as HTML, so source text shown in a tooltip stays text.
TOOLTIP_OPTIONS = {"theme": "custom"}

def _vegalite_minor() -> str:
    """The Vega-Lite version Altair's specs declare, as vl-convert names it (``6.4``)."""
    return ".".join(alt.VEGALITE_VERSION.split(".")[:2])


#: The Vega modules the bundle carries, at the versions vl-convert vendors for its Vega (the
#: bundle fails to build if those change). Vega's own entry point would also register the
#: hierarchy, force, label, regression, voronoi, wordcloud and crossfilter transforms, which
#: no chart of the book uses: leaving them out makes the bundle a quarter smaller.
VEGA_MODULES = {
    "vega-util": "2.1.0",
    "vega-dataflow": "6.1.0",
    "vega-transforms": "5.1.0",
    "vega-view-transforms": "5.1.0",
    "vega-encode": "5.1.0",
    "vega-parser": "7.1.0",
    "vega-view": "6.1.0",
    # The maps (iranaz.maps): projections, geoshape, geopoint, geojson (for fitting).
    "vega-geo": "5.1.0",
}
#: What the modules left out would provide: Vega transforms, by the module that has them. A
#: chart that needs one is refused when it is rendered (:func:`check_bundled`).
LEFT_OUT = {
    # vega-geo is bundled for the maps but only with the transforms they use registered.
    **dict.fromkeys(["contour", "heatmap", "isocontour", "kde2d"], "vega-geo's density transforms"),
    **dict.fromkeys(["nest", "pack", "partition", "stratify", "tree", "treelinks", "treemap"], "vega-hierarchy"),
    "force": "vega-force",
    "label": "vega-label",
    "loess": "vega-regression",
    "regression": "vega-regression",
    "voronoi": "vega-voronoi",
    "wordcloud": "vega-wordcloud",
    "crossfilter": "vega-crossfilter",
    "resolvefilter": "vega-crossfilter",
}


#: The geo operators registered from vega-geo (the maps' projection, geoshape, geopoint, geojson for
#: fitting, geopath and graticule) and the projections the maps are tested with.
GEO_TRANSFORMS = ("geojson", "geopath", "geopoint", "geoshape", "graticule", "projection")
PROJECTIONS = ("mercator", "equalEarth")


def nested_dicts(node: Any) -> Iterator[dict]:
    """Every dict in a JSON-like tree, parents before children (a spec's marks, transforms...)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nested_dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from nested_dicts(value)


def check_bundled(vega: dict) -> None:
    """Refuse a Vega spec that needs a module the bundle leaves out (it would not draw)."""
    missing: set[str] = set()
    for node in nested_dicts(vega):
        for proj in node.get("projections") or []:
            if isinstance(proj, dict) and proj.get("type", "mercator") not in PROJECTIONS:
                missing.add(f"the {proj.get('type')!r} projection (only {', '.join(PROJECTIONS)} are used)")
        for t in node.get("transform") or []:
            if isinstance(t, dict) and t.get("type") in LEFT_OUT:
                missing.add(f"the {t['type']!r} transform ({LEFT_OUT[t['type']]})")
    if missing:
        raise ValueError(
            f"this chart needs {', '.join(sorted(missing))}, which the book's Vega bundle leaves out;"
            " add the module to iranaz.book.offline.VEGA_MODULES and register it in _bundle_snippet"
        )


def _bundle_snippet() -> str:
    """The ES module vl-convert bundles: Vega's parser and view with the transforms the book's
    charts use, and vega-tooltip's handler. The URLs only name vl-convert's vendored copies;
    nothing is fetched."""
    versions = {**VEGA_MODULES, "vega-tooltip": VEGA_TOOLTIP_VERSION}
    imports = [
        ("{extend}", "vega-util"),
        ("{transforms}", "vega-dataflow"),
        ("* as tx", "vega-transforms"),
        ("* as vtx", "vega-view-transforms"),
        ("* as encode", "vega-encode"),
        ("{" + ", ".join(GEO_TRANSFORMS) + "}", "vega-geo"),
        ("{parse}", "vega-parser"),
        ("{View}", "vega-view"),
        ("{Handler}", "vega-tooltip"),
    ]
    lines = [f'import {names} from "https://cdn.jsdelivr.net/npm/{module}@{versions[module]}/+esm";' for names, module in imports]
    lines.append("extend(transforms, tx, vtx, encode, {" + ", ".join(GEO_TRANSFORMS) + "});")
    lines.append(f"window.{LIBRARY_GLOBAL} = {{View: View, parse: parse, Handler: Handler}};")
    return "\n".join(lines) + "\n"


def _raw_bundle() -> str:
    """vl-convert's bundle of those modules (a few seconds to make; cached on disk)."""
    import vl_convert

    snippet = _bundle_snippet()
    key = f"vl-convert-{metadata.version('vl-convert-python')}-{hashlib.sha256(snippet.encode()).hexdigest()[:12]}"
    path = paths.cache_dir() / f"vega-bundle-{key}.js"
    if path.exists():
        return path.read_text(encoding="utf-8")
    text = vl_convert.javascript_bundle(snippet=snippet)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return text


@cache
def wrapped_bundle() -> str:
    """The one script a page with charts needs: the libraries in a private scope, then the loader."""
    raw = _raw_bundle()
    if "</script" in raw.lower():  # would end an inline <script> early; never seen, but check
        raw = raw.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    import vl_convert

    return (
        f"/* Vega {vl_convert.get_vega_version()} ({', '.join(f'{n} {v}' for n, v in VEGA_MODULES.items())})"
        f" and vega-tooltip {VEGA_TOOLTIP_VERSION}, bundled by vl-convert and wrapped so their top-level names"
        " stay private; then the iranaz chart loader. */\n"
        "(function () {\n" + raw + "\n})();\n"
        + LOADER_FILE.read_text(encoding="utf-8")
    )


def bundle_filename() -> str:
    """Content-addressed name of the bundle in the book's ``_static`` (a new bundle, a new URL)."""
    return f"iranaz-vega-{hashlib.sha256(wrapped_bundle().encode()).hexdigest()[:12]}.js"


def chart_css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


def json_for_html(obj: Any) -> str:
    """Compact JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` survive unescaped."""
    text = _compact(obj)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _compact(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def in_book_build() -> bool:
    return os.environ.get(BOOK_BUILD_ENV) == "1"


class _Session:
    """What this kernel has already sent: chart ids (to keep them unique) and, for each
    frontend connection that has the bundle, the cell whose output carried it."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.bundle_cells: dict[str | None, str | None] = {}


_session = _Session()


def reset() -> None:
    """Forget what was sent: the next chart inlines the bundle again (tests; a fresh notebook)."""
    global _session
    _session = _Session()


def _current_request() -> tuple[str | None, str | None]:
    """``(frontend connection, cell id)`` of the executing request, each ``None`` when unknown.

    The connection is the message header's ``session``, which a frontend draws anew each
    time it connects (JupyterLab: each page load, each notebook opened); the cell id is sent
    by JupyterLab and VS Code.
    """
    try:
        from IPython import get_ipython

        ip = get_ipython()
        parent = (ip.kernel.get_parent() if ip is not None and hasattr(ip, "kernel") else None) or {}
        return parent.get("header", {}).get("session") or None, parent.get("metadata", {}).get("cellId")
    except Exception:  # noqa: BLE001 - outside a kernel there is simply no request
        return None, None


def _needs_bundle() -> bool:
    """Whether this chart's output carries the bundle (see the module's docstring)."""
    if in_book_build():
        return False
    frontend, cell = _current_request()
    if frontend not in _session.bundle_cells or (cell is not None and cell == _session.bundle_cells[frontend]):
        # First chart shown to this connection (a fresh kernel, a reloaded tab, a reopened
        # notebook), or the cell that carried the bundle is being re-run (its new output
        # replaces the old one, so it must carry the bundle again).
        _session.bundle_cells[frontend] = cell
        return True
    return False


#: Vega's legend layout (which Vega-Lite passes through but Altair cannot validate): several
#: legends under a chart are stacked, not set side by side past the chart's right edge.
LEGEND_LAYOUT = {"bottom": {"anchor": "start", "direction": "vertical", "margin": 8}}


def to_vega(spec: dict) -> dict:
    """The Vega spec of a Vega-Lite spec, as the Vega-Lite version Altair targets compiles it."""
    import vl_convert

    return vl_convert.vegalite_to_vega(spec, vl_version=_vegalite_minor())


def follow_container(vega: dict) -> dict:
    """The Vega spec without its ``window:resize`` handlers: the loader follows the chart's own
    box instead (a ResizeObserver sets ``width``), which also sees a column that changes width
    without the window doing so, and never reads the box in the middle of a window resize."""
    signals = []
    for sig in vega.get("signals", []):
        handlers = [h for h in sig.get("on", []) if h.get("events") != "window:resize"]
        sig = {k: v for k, v in sig.items() if k != "on"} | ({"on": handlers} if handlers else {})
        signals.append(sig)
    return {**vega, "signals": signals} if "signals" in vega else vega


def page_spec(spec: dict) -> dict:
    """The spec as the page carries it: stacked bottom legends, compiled to Vega, following
    its box's width."""
    config = dict(spec.get("config") or {})
    config["legend"] = {"layout": LEGEND_LAYOUT, **(config.get("legend") or {})}
    vega = follow_container(to_vega({**spec, "config": config}))
    check_bundled(vega)
    return vega


def chart_html(spec: dict, inline_bundle: bool = False) -> str:
    """The HTML of one chart; with ``inline_bundle`` it also carries the libraries and the CSS."""
    spec_json = json_for_html(page_spec(spec))
    base = f"{CHART_CLASS}-{hashlib.sha256(spec_json.encode()).hexdigest()[:12]}"
    n = _session.ids.get(base, 0)
    _session.ids[base] = n + 1
    chart_id = base if n == 0 else f"{base}-{n}"
    height = spec.get("height") if isinstance(spec.get("height"), int) else None
    return render_template(
        "chart.html",
        chart_id=chart_id,
        chart_class=CHART_CLASS,
        min_height=height + 60 if height else None,
        spec_json=trusted(spec_json),  # escaped by json_for_html, for a <script> element
        css=trusted(chart_css()) if inline_bundle else None,
        bundle=trusted(wrapped_bundle()) if inline_bundle else None,
    )


def render(spec: dict, **metadata: Any) -> dict[str, str]:
    """The ``iranaz`` Altair renderer: HTML that draws offline, and a plain-text fallback."""
    desc = spec.get("description") or spec.get("title") or "chart"
    if isinstance(desc, dict):
        desc = desc.get("text", "chart")
    return {"text/html": chart_html(spec, inline_bundle=_needs_bundle()), "text/plain": f"<Chart: {desc}>"}


def enable() -> None:
    """Register the renderer and the theme and switch them on (unless ``IRANAZ_CHART_OUTPUT=cdn``)."""
    charts.use_theme()
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, render)
    if os.environ.get(OUTPUT_ENV, "offline") == "cdn":
        alt.renderers.enable("default")
    else:
        alt.renderers.enable(RENDERER)
