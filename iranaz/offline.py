"""Altair charts that draw with no network: in the book, in JupyterLab and in a test browser.

Altair's default output loads Vega, Vega-Lite and Vega-Embed from a CDN when a page opens, so
an offline reader sees an error box instead of each chart. This module replaces that output:

* Each chart is compiled from Vega-Lite to Vega when it is rendered (by vl-convert, in
  Python), so the page needs neither the Vega-Lite compiler nor Vega-Embed: only the Vega
  modules the book's charts use (:data:`VEGA_MODULES`) and vega-tooltip, half the bytes of
  the three libraries, with no compiler to start on the reader's machine.
* :func:`wrapped_bundle` is the one JavaScript file a page needs: vl-convert's bundle of
  those modules, wrapped in a function scope so that its top-level names (``_``,
  ``t``, ...) cannot clash with Sphinx's own scripts, followed by a small loader that draws
  every chart on the page (SVG, with tooltips) and exposes the libraries as
  ``window.iranazVega``.
* The ``iranaz`` Altair renderer emits, for each chart, a ``<div>``, the Vega spec as
  inert JSON (compressed, see :func:`pack`; inside ``<script type="application/json">``,
  with ``<``, ``>`` and ``&`` escaped so text from sources can never close the tag and
  become markup) and a one-line call to the loader. Element ids are derived from the spec,
  so two builds give identical pages.
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
import hashlib
import json
import os
import zlib
from collections.abc import Iterator
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

#: The global the bundle defines: ``{View, parse, Handler}`` (Vega's and vega-tooltip's).
LIBRARY_GLOBAL = "iranazVega"
#: vega-tooltip as vendored by vl-convert (the bundle fails to build if that ever changes).
VEGA_TOOLTIP_VERSION = "1.0.0"

#: Every chart's spec travels DEFLATE-compressed (raw, RFC 1951; base64) in the page, as
#: ``{PACK_KEY: "..."}``: the whole-arc chapter's five compiled charts take 22 KB instead of
#: 78 KB. The loader inflates them synchronously with a small decoder of its own, not the
#: browser's asynchronous ``DecompressionStream``, so that all of a page's charts are drawn in
#: the task that finds the page parsed, before the theme's deferred scripts run.
PACK_KEY = "iranaz:deflate-base64"

#: vega-tooltip's options: the tooltip is styled by ``iranaz.css``; vega-tooltip escapes its
#: text as HTML, so source text shown in a tooltip stays text.
TOOLTIP_OPTIONS = {"theme": "custom"}

# Draws every pending chart on the page; runs once when the bundle loads and again each time
# a chart's own one-line script calls it (in JupyterLab the outputs arrive one by one).
_LOADER_JS = """
(function () {
  "use strict";
  var TOOLTIP = %(tooltip)s;
  var PACK_KEY = %(pack_key)s;
  var tooltips = null;  // one vega-tooltip handler for every chart of the page
  // Raw DEFLATE (RFC 1951): stored, fixed and dynamic Huffman blocks, as zlib's puff.c reads
  // them, with table lookups for the codes. Bytes in, bytes out; malformed input throws.
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  function inflateRaw(src) {
    var out = new Uint8Array(Math.max(1024, src.length * 8)), len = 0;
    var pos = 0, buf = 0, cnt = 0;
    function bits(n) {
      while (cnt < n) {
        if (pos >= src.length) { throw new Error("compressed chart spec is truncated"); }
        buf |= src[pos++] << cnt; cnt += 8;
      }
      var v = buf & ((1 << n) - 1);
      buf >>>= n; cnt -= n;
      return v;
    }
    function room(n) {
      if (len + n <= out.length) { return; }
      var bigger = new Uint8Array(Math.max(out.length * 2, len + n));
      bigger.set(out.subarray(0, len)); out = bigger;
    }
    // A canonical Huffman code as a lookup table: the next ``max`` input bits (DEFLATE sends a
    // code's bits first-bit-first, so the table is indexed by the reversed code) give
    // ``symbol << 4 | length``; 0 marks a bit pattern no code starts with.
    function huffman(lengths) {
      var counts = new Uint16Array(16), next = new Uint16Array(16), max = 0, i, code = 0;
      for (i = 0; i < lengths.length; i++) { counts[lengths[i]]++; if (lengths[i] > max) { max = lengths[i]; } }
      counts[0] = 0;
      for (i = 1; i < 16; i++) { code = (code + counts[i - 1]) << 1; next[i] = code; }
      var size = 1 << max, table = new Int32Array(size);
      for (i = 0; i < lengths.length; i++) {
        var len = lengths[i];
        if (!len) { continue; }
        var c = next[len]++, rev = 0;
        for (var k = 0; k < len; k++) { rev = (rev << 1) | ((c >> k) & 1); }
        for (var j = rev; j < size; j += 1 << len) { table[j] = (i << 4) | len; }
      }
      return {table: table, mask: size - 1, max: max};
    }
    function symbol(h) {
      while (cnt < h.max && pos < src.length) { buf |= src[pos++] << cnt; cnt += 8; }
      var e = h.table[buf & h.mask], len = e & 15;
      if (!len) { throw new Error("compressed chart spec has an invalid code"); }
      if (len > cnt) { throw new Error("compressed chart spec is truncated"); }
      buf >>>= len; cnt -= len;
      return e >> 4;
    }
    var fixedLit = null, fixedDist = null, last = 0;
    while (!last) {
      last = bits(1);
      var type = bits(2), lit, dist, i;
      if (type === 0) {  // stored: byte-aligned length, its complement, then the bytes
        pos -= cnt >> 3;  // whole bytes read ahead into the bit buffer go back to the input
        buf = 0; cnt = 0;
        if (pos + 4 > src.length) { throw new Error("compressed chart spec is truncated"); }
        var n = src[pos] | (src[pos + 1] << 8);
        if ((n ^ (src[pos + 2] | (src[pos + 3] << 8))) !== 0xffff) { throw new Error("compressed chart spec has a bad stored block"); }
        pos += 4;
        if (pos + n > src.length) { throw new Error("compressed chart spec is truncated"); }
        room(n); out.set(src.subarray(pos, pos + n), len); len += n; pos += n;
        continue;
      }
      if (type === 1) {
        if (!fixedLit) {
          var fl = [];
          for (i = 0; i < 288; i++) { fl.push(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8); }
          fixedLit = huffman(fl);
          fixedDist = huffman(new Array(30).fill(5));
        }
        lit = fixedLit; dist = fixedDist;
      } else if (type === 2) {
        var nlit = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
        var cl = new Array(19).fill(0);
        for (i = 0; i < ncode; i++) { cl[ORDER[i]] = bits(3); }
        var clh = huffman(cl), lengths = [];
        while (lengths.length < nlit + ndist) {
          var sym = symbol(clh), rep = 0, val = 0;
          if (sym < 16) { lengths.push(sym); continue; }
          if (sym === 16) {
            if (!lengths.length) { throw new Error("compressed chart spec repeats no length"); }
            val = lengths[lengths.length - 1]; rep = 3 + bits(2);
          } else if (sym === 17) { rep = 3 + bits(3); } else { rep = 11 + bits(7); }
          while (rep--) { lengths.push(val); }
        }
        if (lengths.length > nlit + ndist) { throw new Error("compressed chart spec has too many lengths"); }
        lit = huffman(lengths.slice(0, nlit)); dist = huffman(lengths.slice(nlit));
      } else {
        throw new Error("compressed chart spec has an invalid block type");
      }
      for (;;) {
        var s = symbol(lit);
        if (s < 256) { room(1); out[len++] = s; continue; }
        if (s === 256) { break; }
        s -= 257;
        if (s >= 29) { throw new Error("compressed chart spec has an invalid length"); }
        var size = LBASE[s] + bits(LEXT[s]);
        var d = symbol(dist);
        if (d >= 30) { throw new Error("compressed chart spec has an invalid distance"); }
        var back = DBASE[d] + bits(DEXT[d]);
        if (back > len) { throw new Error("compressed chart spec points before its start"); }
        room(size);
        for (i = 0; i < size; i++) { out[len] = out[len - back]; len++; }
      }
    }
    return out.subarray(0, len);
  }
  // A packed spec, decoded: base64, then DEFLATE, then UTF-8 JSON (see iranaz.offline.pack).
  function unpack(spec) {
    if (typeof spec[PACK_KEY] !== "string") { return spec; }
    var bin = atob(spec[PACK_KEY]), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(inflateRaw(bytes)));
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
  // A chart as wide as its box ("width": "container") follows the box, not the window.
  function followWidth(view, box, spec, width) {
    var sized = (spec.signals || []).some(function (x) {
      return x.name === "width" && String(x.init || "").indexOf("containerSize") >= 0;
    });
    if (!sized || typeof ResizeObserver === "undefined") { return; }
    var last = width;
    new ResizeObserver(function () {
      var w = box.clientWidth;
      if (w > 0 && w !== last) { last = w; view.signal("width", w).runAsync(); }
    }).observe(box);
  }
  function fail(div, err) {
    div.setAttribute("data-iranaz-state", "error");
    div.textContent = "This chart could not be drawn: " + err;
    console.error(err);
  }
  function drawOne(div, full, width) {
    wrapTitle(full, width);
    var lib = window.%(lib)s;
    tooltips = tooltips || new lib.Handler(TOOLTIP);
    var box = document.createElement("div");  // the view's own element (role graphics-document)
    box.className = "iranaz-chart-view";
    div.appendChild(box);
    var view = new lib.View(lib.parse(full), {renderer: "svg", container: box, hover: true, tooltip: tooltips.call});
    if (full.description) { view.description(full.description); }  // the chart's aria-label
    followWidth(view, box, full, width);
    return view.runAsync();
  }
  // Everything up to Vega's first run happens in this task, and the run itself continues in
  // microtasks (the data is inline), so every chart is drawn before anything else runs. Every
  // chart's width is read first, before anything on the page changes: read after a change
  // (another chart, even a changed attribute), each would lay the page out again.
  function draw() {
    var jobs = [];
    Array.prototype.forEach.call(document.querySelectorAll("div.%(cls)s[data-iranaz-state='pending']"), function (div) {
      var src = document.getElementById(div.id + "-spec");
      if (src) { jobs.push({div: div, src: src, width: div.clientWidth}); }
    });
    jobs.forEach(function (job) {
      var div = job.div, run;
      div.setAttribute("data-iranaz-state", "drawing");
      try { run = drawOne(div, unpack(JSON.parse(job.src.textContent)), job.width); } catch (err) { fail(div, err); return; }
      run.then(function () {
        // When it was drawn, in ms since navigation began (read by the benchmark).
        div.setAttribute("data-iranaz-drawn-ms", String(Math.round(performance.now())));
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
  // A chart takes the width of its column when drawn, so draw only once the page is parsed
  // (a column measured earlier can still be wider than it will be, before the sidebar that
  // follows it in the page exists) and styled; that is before the theme's deferred scripts
  // run. In a notebook the page is long loaded: each chart draws as its output arrives.
  window.iranazDraw = function () {
    if (document.readyState !== "loading") { draw(); }
  };
  // A chart's Vega spec as the page carries it, decoded (for readers' tools and the tests).
  window.iranazDraw.unpack = unpack;
  if (document.readyState === "loading") {
    document.addEventListener("readystatechange", function parsed() {
      document.removeEventListener("readystatechange", parsed);
      whenStyled(draw);
    });
  } else {
    whenStyled(draw);
  }
})();
"""


def _vegalite_minor() -> str:
    """The Vega-Lite version Altair's specs declare, as vl-convert names it (``6.4``)."""
    return ".".join(alt.VEGALITE_VERSION.split(".")[:2])


#: The Vega modules the bundle carries, at the versions vl-convert vendors for its Vega (the
#: bundle fails to build if those change). Vega's own entry point would also register the geo,
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
}
#: What the modules left out would provide: Vega transforms, by the module that has them. A
#: chart that needs one is refused when it is rendered (:func:`check_bundled`).
LEFT_OUT = {
    **dict.fromkeys(["contour", "geojson", "geopath", "geopoint", "geoshape", "graticule", "heatmap", "isocontour", "kde2d", "projection"], "vega-geo"),
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
        if node.get("projections"):
            missing.add("map projections (vega-geo)")
        for t in node.get("transform") or []:
            if isinstance(t, dict) and t.get("type") in LEFT_OUT:
                missing.add(f"the {t['type']!r} transform ({LEFT_OUT[t['type']]})")
    if missing:
        raise ValueError(
            f"this chart needs {', '.join(sorted(missing))}, which the book's Vega bundle leaves out;"
            " add the module to iranaz.offline.VEGA_MODULES and register it in _bundle_snippet"
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
        ("{parse}", "vega-parser"),
        ("{View}", "vega-view"),
        ("{Handler}", "vega-tooltip"),
    ]
    lines = [f'import {names} from "https://cdn.jsdelivr.net/npm/{module}@{versions[module]}/+esm";' for names, module in imports]
    lines.append("extend(transforms, tx, vtx, encode);")
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
        + _LOADER_JS % {"tooltip": json.dumps(TOOLTIP_OPTIONS), "cls": CHART_CLASS, "pack_key": json.dumps(PACK_KEY), "lib": LIBRARY_GLOBAL}
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


def deflate_raw(data: bytes) -> bytes:
    """Raw DEFLATE (no zlib or gzip header), as the loader's decoder reads it. Deterministic."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return comp.compress(data) + comp.flush()


def pack(spec: dict) -> dict:
    """The spec compressed as ``{PACK_KEY: base64 of raw DEFLATE}``."""
    return {PACK_KEY: base64.b64encode(deflate_raw(_compact(spec).encode("utf-8"))).decode("ascii")}


def unpack(spec: dict) -> dict:
    """Inverse of :func:`pack` (what the browser loader does), for tests and tools."""
    if isinstance(spec.get(PACK_KEY), str):
        return json.loads(zlib.decompress(base64.b64decode(spec[PACK_KEY]), -15).decode("utf-8"))
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
    its box's width, compressed."""
    config = dict(spec.get("config") or {})
    config["legend"] = {"layout": LEGEND_LAYOUT, **(config.get("legend") or {})}
    vega = follow_container(to_vega({**spec, "config": config}))
    check_bundled(vega)
    return pack(vega)


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
