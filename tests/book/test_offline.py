"""The offline chart output (iranaz.book.offline) and the book's Sphinx extension
(iranaz.book.sphinxext), without a browser: escaping, plain-JSON specs, stable ids, when the bundle is inlined, the
bundle's private scope, the theme, and colour-blind-safe palettes."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from docutils import nodes
from docutils.utils import new_document

from iranaz import charts
from iranaz.book import offline, sphinxext

SPEC = {"mark": "point", "description": "A chart.", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}


def test_json_for_html_cannot_close_the_script_tag() -> None:
    nasty = {"s": "</script><script>alert(1)</script><!-- & \u2028 >"}
    text = offline.json_for_html(nasty)
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text) == nasty


def test_specs_travel_as_plain_json_readable_by_anyone() -> None:
    """No compression: the page carries the compiled Vega spec itself, as JSON."""
    offline.reset()
    html = offline.chart_html(SPEC)
    text = html.split('-spec">', 1)[1].split("</script>", 1)[0]
    assert json.loads(text) == offline.page_spec(SPEC)
    assert json.loads(text)["$schema"].startswith("https://vega.github.io/schema/vega/")


def test_the_loader_is_a_javascript_file_without_a_decoder() -> None:
    js = offline.LOADER_FILE.read_text(encoding="utf-8")
    assert offline.wrapped_bundle().endswith(js)
    assert "inflate" not in js.lower() and "huffman" not in js.lower()
    # The names the Python side and the loader share are the same on both sides.
    assert f'var CHART_CLASS = "{offline.CHART_CLASS}";' in js
    assert f'var LIBRARY = "{offline.LIBRARY_GLOBAL}";' in js
    assert f"var TOOLTIP = {json.dumps(offline.TOOLTIP_OPTIONS).replace(chr(34) + 'theme' + chr(34), 'theme')};" in js


def test_charts_needing_a_module_the_bundle_leaves_out_are_refused() -> None:
    df = pd.DataFrame({"x": [1, 2, 3, 4], "y": [2, 1, 4, 3]})
    loess = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q").transform_loess("x", "y")
    with pytest.raises(ValueError, match=r"'loess' transform \(vega-regression\)"):
        offline.page_spec(loess.to_dict())
    shapes = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [49.9, 40.4]}}]}
    geo = alt.Chart(alt.Data(values=shapes["features"])).mark_geoshape()
    offline.page_spec(geo.project("mercator").to_dict())  # the maps' projection is bundled (vega-geo)
    with pytest.raises(ValueError, match="'albersUsa' projection"):
        offline.page_spec(geo.project("albersUsa").to_dict())
    density = alt.Chart(df).mark_area().transform_density("y", as_=["y", "density"]).encode(x="y:Q", y="density:Q")
    offline.page_spec(density.to_dict())  # Vega-Lite's density is vega-transforms' kde, bundled
    offline.page_spec(alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q").to_dict())  # a plain chart passes


def test_bundle_carries_the_listed_vega_modules_and_registers_their_transforms() -> None:
    snippet = offline._bundle_snippet()
    for name, version in offline.VEGA_MODULES.items():
        assert f"/npm/{name}@{version}/+esm" in snippet
    assert "/npm/vega@" not in snippet  # not Vega's entry point, which registers every transform
    assert "extend(transforms, tx, vtx, encode, {" + ", ".join(offline.GEO_TRANSFORMS) + "});" in snippet
    assert not set(offline.LEFT_OUT.values()) & set(offline.VEGA_MODULES)


def test_page_spec_is_the_chart_compiled_to_vega_with_stacked_legends() -> None:
    page = offline.page_spec(SPEC)
    assert page["$schema"].startswith("https://vega.github.io/schema/vega/")
    assert page["description"] == SPEC["description"]
    assert [d["values"] for d in page["data"] if "values" in d] == [SPEC["data"]["values"]]
    assert page["marks"][0]["type"] == "symbol"  # a point mark
    assert page["config"]["legend"]["layout"] == offline.LEGEND_LAYOUT


def test_chart_ids_are_stable_and_unique() -> None:
    offline.reset()
    first = offline.chart_html(SPEC)
    again = offline.chart_html(SPEC)
    offline.reset()
    assert offline.chart_html(SPEC) == first, "a fresh kernel gives the same HTML"
    assert 'id="iranaz-chart-' in first and first != again
    ids = [h.split('id="')[1].split('"')[0] for h in (first, again)]
    assert ids[1] == ids[0] + "-1"


def test_bundle_is_inlined_once_outside_the_book_and_never_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    marker = "window.iranazVega="
    monkeypatch.delenv(offline.BOOK_BUILD_ENV, raising=False)
    offline.reset()
    outputs = [offline.render(SPEC)["text/html"] for _ in range(3)]
    assert [marker in h for h in outputs] == [True, False, False]
    assert "<style>" in outputs[0]  # the chart CSS travels with the bundle
    monkeypatch.setenv(offline.BOOK_BUILD_ENV, "1")
    offline.reset()
    assert not any(marker in offline.render(SPEC)["text/html"] for _ in range(3))


def test_each_frontend_connection_gets_the_bundle_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: a reloaded JupyterLab tab (a new connection, header ``session``) on a kernel
    that has drawn charts gets the bundle again; re-running the cell that carried it too."""
    marker = "window.iranazVega="
    monkeypatch.delenv(offline.BOOK_BUILD_ENV, raising=False)
    offline.reset()
    runs = [("tab", "cell-1"), ("tab", "cell-2"), ("reloaded tab", "cell-3"), ("reloaded tab", "cell-2"), ("tab", "cell-2"), ("tab", "cell-1")]
    carried = []
    for request in runs:
        monkeypatch.setattr(offline, "_current_request", lambda request=request: request)
        carried.append(marker in offline.render(SPEC)["text/html"])
    assert carried == [True, False, True, False, False, True]


def test_bundle_is_wrapped_and_holds_vega_and_the_tooltips_only() -> None:
    bundle = offline.wrapped_bundle()
    body = bundle.split("*/\n", 1)[1]
    assert body.startswith("(function () {\n")
    assert "window.iranazVega={View:" in bundle and "tooltipHandler" in bundle
    # Charts arrive compiled to Vega: neither the Vega-Lite compiler nor Vega-Embed is shipped.
    assert "vegaEmbed" not in bundle and "vegaLite" not in bundle and len(bundle) < 700_000
    assert "https://cdn" not in bundle and "</script" not in bundle.lower()
    assert offline.bundle_filename() == offline.bundle_filename() and offline.bundle_filename().endswith(".js")


def _declares_clash(node: str, script: Path) -> str:
    """Run ``script`` in a node VM context after a script that declares Sphinx-like top-level
    names (doctools.js declares ``const _``); return the error message if they clash."""
    runner = f"""
const vm = require("vm");
const fs = require("fs");
const ctx = vm.createContext({{}});
vm.runInContext("const _ = 1; const n = 1; const t = 1; const e = 1; let r = 1;", ctx);
try {{ vm.runInContext(fs.readFileSync({json.dumps(str(script))}, "utf8"), ctx); }}
catch (err) {{ if (/already been declared/.test(String(err))) {{ console.log(String(err)); }} }}
"""
    return subprocess.run([node, "-e", runner], capture_output=True, text=True, timeout=120).stdout.strip()


def test_bundle_top_level_names_stay_private(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (it also installs axe-core for the browser tests)")
    wrapped = tmp_path / "wrapped.js"
    wrapped.write_text(offline.wrapped_bundle(), encoding="utf-8")
    raw = tmp_path / "raw.js"
    raw.write_text(offline._raw_bundle(), encoding="utf-8")
    assert "already been declared" in _declares_clash(node, raw), "the unwrapped bundle should clash (else this test proves nothing)"
    assert _declares_clash(node, wrapped) == ""


def test_renderer_and_theme_are_active_once_enabled() -> None:
    offline.enable()
    assert alt.renderers.active == offline.RENDERER
    assert alt.theme.active == charts.THEME
    spec = charts.domain_bars(pd.DataFrame({"label": ["A", "B"], "n_events": [1, 2]}), title="t").to_dict()
    assert spec["config"]["background"] == "transparent"
    assert spec["description"]


def test_cdn_mode_restores_altairs_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(offline.OUTPUT_ENV, "cdn")
    try:
        offline.enable()
        assert alt.renderers.active == "default"
    finally:
        monkeypatch.delenv(offline.OUTPUT_ENV)
        offline.enable()
    assert alt.renderers.active == offline.RENDERER


# --- colour-blind readers -------------------------------------------------------------------
# Machado, Oliveira & Fernandes (2009) simulation matrices, severity 1, on linear RGB.
CVD = {
    "normal vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}
MIN_DELTA_E = 10.0  # CIE76 distance in L*a*b*: clearly different at a glance


def _lab(hex_colour: str, matrix: np.ndarray) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.clip(matrix @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def chart_palettes() -> dict[str, dict[str, str]]:
    """Every ``*_COLOURS`` palette of iranaz.charts (new palettes are checked automatically)."""
    return {name: value for name, value in vars(charts).items() if name.endswith("_COLOURS") and isinstance(value, dict)}


def test_palettes_exist() -> None:
    assert "QUAD_COLOURS" in chart_palettes()


@pytest.mark.parametrize("vision", list(CVD))
@pytest.mark.parametrize("palette", list(chart_palettes()))
def test_palette_distinguishable_for_colour_blind_readers(palette: str, vision: str) -> None:
    colours = chart_palettes()[palette]
    too_close = [
        (a, b, round(float(np.linalg.norm(_lab(colours[a], CVD[vision]) - _lab(colours[b], CVD[vision]))), 1))
        for a, b in itertools.combinations(colours, 2)
        if np.linalg.norm(_lab(colours[a], CVD[vision]) - _lab(colours[b], CVD[vision])) < MIN_DELTA_E
    ]
    assert too_close == [], f"{palette} under {vision}"


def test_palette_check_can_fail() -> None:
    """Red and green, the classic pair, are told apart with normal vision but not by deuteranopes."""
    red, green = "#D62728", "#2CA02C"
    assert np.linalg.norm(_lab(red, CVD["normal vision"]) - _lab(green, CVD["normal vision"])) > MIN_DELTA_E
    assert np.linalg.norm(_lab(red, CVD["deuteranopia"]) - _lab(green, CVD["deuteranopia"])) < MIN_DELTA_E


# --- the Sphinx extension ------------------------------------------------------------------


def test_extension_detects_chart_pages() -> None:
    doc = new_document("<test>")
    assert not sphinxext.page_has_chart(doc) and not sphinxext.page_has_chart(None)
    doc += nodes.raw("", offline.chart_html(SPEC), format="html")
    assert sphinxext.page_has_chart(doc)


def test_extension_emits_each_inline_script_once() -> None:
    from sphinx.builders.html._assets import _JavaScript

    files = [_JavaScript(None, body="const X = 1;"), _JavaScript("a.js"), _JavaScript("", body="const X = 1;"), _JavaScript("a.js")]
    context = {"script_files": files}
    sphinxext._dedupe_scripts(context)
    assert [(j.filename, j.attributes.get("body")) for j in files] == [(None, "const X = 1;"), ("a.js", None)]


def test_extension_gives_citations_list_item_roles() -> None:
    context = {"body": '<div role="list" class="citation-list"><div class="citation" role="doc-biblioentry">x</div></div>'}
    sphinxext._fix_citation_roles(context)
    assert 'role="listitem"' in context["body"] and "doc-biblioentry" not in context["body"]


def test_extension_drops_only_the_fontawesome_script_from_the_theme() -> None:
    import pydata_sphinx_theme

    macros = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / sphinxext.WEBPACK_MACROS).read_text(encoding="utf-8")
    trimmed = sphinxext.theme_macros_without_fontawesome(macros)
    assert trimmed is not None and "fontawesome.js" in macros and "fontawesome.js" not in trimmed
    kept = [ln for ln in macros.splitlines() if "fontawesome.js" not in ln]
    assert trimmed.splitlines() == kept  # every other asset of the theme stays
    assert sphinxext.theme_macros_without_fontawesome(trimmed) is None  # nothing to drop: no override


def test_extension_loads_the_search_scripts_only_where_used() -> None:
    import jinja2
    import pydata_sphinx_theme

    layout = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / sphinxext.THEME_LAYOUT).read_text(encoding="utf-8")
    trimmed = sphinxext.theme_layout_with_search_where_used(layout)
    assert trimmed is not None and "searchindex.js" in trimmed
    changed = [(a, b) for a, b in zip(layout.splitlines(), trimmed.splitlines()) if a != b]
    assert len(changed) == 1 and len(layout.splitlines()) == len(trimmed.splitlines())  # one condition, nothing else
    block = jinja2.Environment().from_string(sphinxext.SEARCH_WHEN_USED + "none{% else %}scripts{% endif %}")
    assert block.render(pagename="search", theme_search_as_you_type="False") == "none"  # search.html loads its own
    assert block.render(pagename="notebooks/x", theme_search_as_you_type="False") == "none"
    assert block.render(pagename="notebooks/x", theme_search_as_you_type=False) == "none"
    assert block.render(pagename="notebooks/x", theme_search_as_you_type="True") == "scripts"
    assert block.render(pagename="notebooks/x", theme_search_as_you_type=True) == "scripts"
    assert sphinxext.theme_layout_with_search_where_used(trimmed) is None  # a theme that changed is refused


def test_charts_follow_their_box_not_the_window() -> None:
    sized = {**SPEC, "width": "container"}
    page = offline.page_spec(sized)
    width = next(s for s in page["signals"] if s["name"] == "width")
    assert "containerSize()" in width["init"] and "on" not in width  # the loader's ResizeObserver sets it
    assert "window:resize" not in json.dumps(page)
    assert "window:resize" in json.dumps(offline.to_vega(sized))  # what Vega-Lite compiles, for contrast
    assert "new ResizeObserver" in offline.wrapped_bundle()


def test_extension_spares_pages_the_assets_of_extensions_they_do_not_use() -> None:
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    def context():
        return {
            "css_files": [
                _CascadingStyleSheet("_static/sphinx-design.min.css?v=1"),
                _CascadingStyleSheet("_static/togglebutton.css"),
                _CascadingStyleSheet("_static/iranaz.css"),
            ],
            "script_files": [
                _JavaScript("_static/togglebutton.js"), _JavaScript(None, body="let toggleHintShow = 'Click';"), _JavaScript("_static/design-tabs.js"),
                _JavaScript(None, body='const THEBE_JS_URL = "x";'), _JavaScript("_static/sphinx-thebe.js"), _JavaScript("_static/doctools.js"),
            ],
        }

    plain = context()
    sphinxext._drop_assets(plain, sphinxext.unused_assets({"section", "cell"}))
    assert [c.filename for c in plain["css_files"]] == ["_static/iranaz.css"]
    assert [j.filename for j in plain["script_files"]] == ["_static/doctools.js"]
    tabs = context()  # a page with a sphinx-design tab set and a toggle keeps their assets
    sphinxext._drop_assets(tabs, sphinxext.unused_assets({"sd-tab-set", "toggle"}))
    assert len(tabs["css_files"]) == 3 and "_static/design-tabs.js" in [j.filename for j in tabs["script_files"]]
    assert sum("toggleHintShow" in str(j.attributes.get("body", "")) for j in tabs["script_files"]) == 1
    assert "sphinx-thebe" not in sphinxext.unused_assets(set(), thebe_on=True)
