"""Altair charts that draw with no network: in the book, in JupyterLab and in a test browser.

Altair's default output loads Vega, Vega-Lite and Vega-Embed from a CDN when a page opens, so
an offline reader sees an error box instead of each chart. This module replaces that output:

* :func:`wrapped_bundle` is the one JavaScript file a page needs: vl-convert's bundle of the
  three libraries, wrapped in a function scope so that its top-level names (``_``, ``t``, ...)
  cannot clash with Sphinx's own scripts, followed by a small loader that draws every chart
  on the page. It also presets ``window.VEGA_DEBUG`` to Altair's version constants, so
  Altair's stock HTML output, run after the bundle (a notebook cell after the first chart),
  skips the CDN too.
* The ``iranaz`` Altair renderer emits, for each chart, a ``<div>``, the Vega-Lite spec as
  inert JSON (``<script type="application/json">``, with ``<``, ``>`` and ``&`` escaped so
  text from sources can never close the tag and become markup) and a one-line call to the
  loader. Element ids are derived from the spec, so two builds give identical pages.
* In the book build (:data:`BOOK_BUILD_ENV` is set by :mod:`iranaz.sphinxext` and inherited by
  the notebook kernels) the bundle is *not* inlined: the extension serves it once from the
  book's static files. Anywhere else (JupyterLab, VS Code, nbclient) the first chart a
  kernel displays carries the bundle and the chart CSS inline, once per notebook, so a
  student re-running a chapter without network sees the charts too.
* The ``iranaz`` Altair theme: transparent background (the page's light or dark background
  shows through; ``book/_static/iranaz.css`` recolours the guides in dark mode), a type
  scale that stays legible down to a 390 px wide phone, and limits computed from the
  column's width (``containerSize()``) so labels and legends fit it; the loader also wraps
  long titles to the chart's width.

Set :data:`OUTPUT_ENV` to ``cdn`` to keep Altair's default CDN output (the benchmark's
comparison build uses this); the theme stays on either way.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import altair as alt

from . import build, paths

#: Set to ``1`` by the book build (:mod:`iranaz.sphinxext`); notebook kernels inherit it.
BOOK_BUILD_ENV = build.BOOK_BUILD_ENV
#: ``offline`` (default) or ``cdn`` (Altair's default output, for comparison only).
OUTPUT_ENV = "IRANAZ_CHART_OUTPUT"
#: Where the generated bundle is cached between builds (default: the user cache dir).
CACHE_ENV = paths.CACHE_ENV

RENDERER = "iranaz"
THEME = "iranaz"
CHART_CLASS = "iranaz-chart"
STATIC_DIR = Path(__file__).resolve().parent.parent / "book" / "_static"
CSS_FILE = STATIC_DIR / "iranaz.css"

#: What Altair's stock HTML checks before fetching each library from the CDN.
VEGA_DEBUG = {
    "vega_version": alt.VEGA_VERSION,
    "vegalite_version": alt.VEGALITE_VERSION,
    "vegaembed_version": alt.VEGAEMBED_VERSION,
}

#: Every chart's spec travels gzip-compressed (base64) in the page, as ``{PACK_KEY: "..."}``;
#: the loader inflates it with the browser's ``DecompressionStream`` before drawing. A
#: 170-event timeline shrinks from 84 KB to 26 KB, a chapter's five charts from 19 KB to 12 KB.
PACK_KEY = "iranaz:gzip-base64"

#: vega-embed options shared by every chart: SVG (styleable in dark mode, hoverable in tests,
#: readable by screen readers), export actions only (the online editor needs the network),
#: tooltips styled by ``iranaz.css``. Tooltip text is HTML-escaped by vega-tooltip.
EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    "tooltip": {"theme": "custom"},
}

# Draws every pending chart on the page; runs once when the bundle loads and again each time
# a chart's own one-line script calls it (in JupyterLab the outputs arrive one by one).
_LOADER_JS = """
(function () {
  "use strict";
  var EMBED = %(embed)s;
  var PACK_KEY = %(pack_key)s;
  function inflate(b64) {
    var bin = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bin]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  // Vega does not wrap titles: break a long one into lines that fit the chart's width.
  function wrapTitle(spec, width) {
    var t = spec.title;
    var text = typeof t === "string" ? t : (t && typeof t.text === "string" ? t.text : null);
    var max = Math.max(16, Math.floor((width - 40) / 8.8));  // 40 px: the actions button
    if (!text || !width || text.length <= max) { return; }
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    spec.title = typeof t === "string" ? lines : Object.assign({}, t, {text: lines});
  }
  function unpack(spec) {
    return typeof spec[PACK_KEY] === "string" ? inflate(spec[PACK_KEY]) : Promise.resolve(spec);
  }
  function fail(div, err) {
    div.setAttribute("data-iranaz-state", "error");
    div.textContent = "This chart could not be drawn: " + err;
    console.error(err);
  }
  function draw() {
    var divs = document.querySelectorAll("div.%(cls)s[data-iranaz-state='pending']");
    Array.prototype.forEach.call(divs, function (div) {
      var src = document.getElementById(div.id + "-spec");
      if (!src) { return; }
      div.setAttribute("data-iranaz-state", "drawing");
      var spec;
      try { spec = JSON.parse(src.textContent); } catch (err) { fail(div, err); return; }
      unpack(spec).then(function (full) {
        wrapTitle(full, div.clientWidth);
        return window.vegaEmbed(div, full, EMBED);
      }).then(function () {
        // When it was drawn, in ms since navigation began (read by the benchmark).
        div.setAttribute("data-iranaz-drawn-ms", String(Math.round(performance.now())));
        var summary = div.querySelector("details > summary");
        if (summary) { summary.setAttribute("aria-label", "Chart actions: save as SVG or PNG"); }
        div.setAttribute("data-iranaz-state", "drawn");
      }, function (err) { fail(div, err); });
    });
  }
  // Run once the page's stylesheets apply, so each chart measures its final column width.
  function whenStyled(fn) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var pending = Array.prototype.filter.call(links, function (l) { return !l.sheet; });
    var left = pending.length;
    if (!left) { fn(); return; }
    pending.forEach(function (l) {
      var done = function () { left -= 1; if (!left) { fn(); } };
      l.addEventListener("load", done);
      l.addEventListener("error", done);
    });
  }
  window.iranazDraw = draw;
  if (document.readyState === "loading") {
    // Loaded async while the page is still parsed: draw the charts already parsed now (each
    // later chart calls iranazDraw itself), the rest when parsing ends.
    whenStyled(draw);
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
"""


def _vegalite_minor() -> str:
    """The Vega-Lite version Altair's specs declare, as vl-convert names it (``6.4``)."""
    return ".".join(alt.VEGALITE_VERSION.split(".")[:2])


def _raw_bundle() -> str:
    """vl-convert's bundle of Vega, Vega-Lite and Vega-Embed (2-3 s to make; cached on disk)."""
    import vl_convert

    key = f"vl-convert-{metadata.version('vl-convert-python')}-vega-lite-{_vegalite_minor()}"
    path = paths.cache_dir() / f"vega-bundle-{key}.js"
    if path.exists():
        return path.read_text(encoding="utf-8")
    text = vl_convert.javascript_bundle(vl_version=_vegalite_minor())
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
    versions = {k: v for k, v in VEGA_DEBUG.items()}
    return (
        f"/* Vega {versions['vega_version']}, Vega-Lite {alt.VEGALITE_VERSION}, Vega-Embed {versions['vegaembed_version']}"
        " (bundled by vl-convert), wrapped so its top-level names stay private; then the iranaz chart loader. */\n"
        "(function () {\n" + raw + "\n})();\n"
        f"window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, {json.dumps(versions)});\n"
        + _LOADER_JS % {"embed": json.dumps(EMBED_OPTIONS), "cls": CHART_CLASS, "pack_key": json.dumps(PACK_KEY)}
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


def pack(spec: dict) -> dict:
    """The spec gzip-compressed as ``{PACK_KEY: base64}`` (deterministically: no timestamp)."""
    raw = _compact(spec).encode("utf-8")
    return {PACK_KEY: base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")}


def unpack(spec: dict) -> dict:
    """Inverse of :func:`pack` (what the browser loader does), for tests and tools."""
    if isinstance(spec.get(PACK_KEY), str):
        return json.loads(gzip.decompress(base64.b64decode(spec[PACK_KEY])).decode("utf-8"))
    return spec


def in_book_build() -> bool:
    return os.environ.get(BOOK_BUILD_ENV) == "1"


class _Session:
    """What this kernel has already sent: chart ids (to keep them unique) and the bundle."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.bundle_sent = False
        self.bundle_cell: str | None = None


_session = _Session()


def reset() -> None:
    """Forget what was sent: the next chart inlines the bundle again (tests; a fresh notebook)."""
    global _session
    _session = _Session()


def _current_cell_id() -> str | None:
    """The id of the executing cell, when the frontend sends it (JupyterLab does)."""
    try:
        from IPython import get_ipython

        ip = get_ipython()
        parent = ip.kernel.get_parent() if ip is not None and hasattr(ip, "kernel") else {}
        return (parent or {}).get("metadata", {}).get("cellId")
    except Exception:  # noqa: BLE001 - outside a kernel there is simply no cell
        return None


def _needs_bundle() -> bool:
    if in_book_build():
        return False
    cell = _current_cell_id()
    if not _session.bundle_sent or (cell is not None and cell == _session.bundle_cell):
        # First chart of this kernel, or the cell that carried the bundle is being re-run
        # (its new output replaces the old one, so it must carry the bundle again).
        _session.bundle_sent = True
        _session.bundle_cell = cell
        return True
    return False


#: Vega's legend layout (which Vega-Lite passes through but Altair cannot validate): several
#: legends under a chart are stacked, not set side by side past the chart's right edge.
LEGEND_LAYOUT = {"bottom": {"anchor": "start", "direction": "vertical", "margin": 8}}


def page_spec(spec: dict) -> dict:
    """The spec as the page carries it: stacked bottom legends, then compressed."""
    config = dict(spec.get("config") or {})
    config["legend"] = {"layout": LEGEND_LAYOUT, **(config.get("legend") or {})}
    return pack({**spec, "config": config})


def chart_html(spec: dict, inline_bundle: bool = False) -> str:
    """The HTML of one chart; with ``inline_bundle`` it also carries the libraries and the CSS."""
    spec_json = json_for_html(page_spec(spec))
    base = f"{CHART_CLASS}-{hashlib.sha256(spec_json.encode()).hexdigest()[:12]}"
    n = _session.ids.get(base, 0)
    _session.ids[base] = n + 1
    chart_id = base if n == 0 else f"{base}-{n}"
    parts = []
    if inline_bundle:
        parts.append(f"<style>{chart_css()}</style>")
        parts.append(f"<script>{wrapped_bundle()}</script>")
    height = spec.get("height") if isinstance(spec.get("height"), int) else None
    style = f' style="min-height:{height + 60}px"' if height else ""
    parts.append(
        f'<div class="{CHART_CLASS}" id="{chart_id}" data-iranaz-state="pending"{style}></div>'
        f'<script type="application/json" id="{chart_id}-spec">{spec_json}</script>'
        "<script>window.iranazDraw&&window.iranazDraw()</script>"
    )
    return "".join(parts)


def render(spec: dict, **metadata: Any) -> dict[str, str]:
    """The ``iranaz`` Altair renderer: HTML that draws offline, and a plain-text fallback."""
    desc = spec.get("description") or spec.get("title") or "chart"
    if isinstance(desc, dict):
        desc = desc.get("text", "chart")
    return {"text/html": chart_html(spec, inline_bundle=_needs_bundle()), "text/plain": f"<Chart: {desc}>"}


def theme() -> alt.theme.ThemeConfig:
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


def enable() -> None:
    """Register the renderer and the theme and switch them on (unless ``IRANAZ_CHART_OUTPUT=cdn``)."""
    if THEME not in alt.theme.names():
        alt.theme.register(THEME, enable=False)(theme)
    alt.theme.enable(THEME)
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, render)
    if os.environ.get(OUTPUT_ENV, "offline") == "cdn":
        alt.renderers.enable("default")
    else:
        alt.renderers.enable(RENDERER)


enable()
