"""Sphinx extension: the book's charts draw from its own static files, with a clean console.

Listed in ``_config.yml`` under ``sphinx: extra_extensions``. It

* sets :data:`iranaz.offline.BOOK_BUILD_ENV` in the build process, so the notebook kernels the
  build starts inherit it and the ``iranaz`` renderer does not inline the Vega bundle per chart;
* writes the wrapped Vega bundle once into ``_static/`` under a content-addressed name and
  adds it (deferred) to exactly the pages that hold a chart;
* serves ``book/_static/`` (the chart CSS) with every page;
* fixes what axe-core finds in the theme's markup (``iranaz-a11y.js`` for the navbar buttons,
  list-item roles for citations);
* removes the theme's two console errors: scripts registered twice (sphinx-thebe's
  ``const THEBE_JS_URL`` then fails as a redeclaration) are emitted once, and the colour mode
  defaults to ``auto`` instead of ``""`` ("Got invalid theme mode").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from . import __version__, offline

#: Marker of a chart in a page's HTML (the ``iranaz`` renderer's output).
CHART_MARKER = f'class="{offline.CHART_CLASS}"'


def _cdn_mode() -> bool:
    return os.environ.get(offline.OUTPUT_ENV, "offline") == "cdn"


def _config_inited(app: Sphinx, config: Config) -> None:
    static = str(offline.STATIC_DIR)
    if static not in [str(Path(app.confdir, p)) for p in config.html_static_path]:
        config.html_static_path = [*config.html_static_path, static]
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.add_css_file("iranaz.css")
    app.add_js_file("iranaz-a11y.js", loading_method="defer")
    if _cdn_mode():
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    target = static / offline.bundle_filename()
    data = offline.wrapped_bundle().encode("utf-8")
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)


def page_has_chart(doctree: nodes.document | None) -> bool:
    if doctree is None:
        return False
    return any(node.get("format") == "html" and CHART_MARKER in node.astext() for node in doctree.findall(nodes.raw))


def _dedupe_scripts(context: dict[str, Any]) -> None:
    files = context.get("script_files")
    if not isinstance(files, list):
        return
    seen: set[tuple] = set()
    kept = []
    for js in sorted(files, key=lambda j: getattr(j, "priority", 500)):
        # An inline script is registered once with filename None and once with "" (builder vs
        # registry): both mean "no file", so they compare on their body.
        key = (str(getattr(js, "filename", js) or ""), tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    files[:] = kept


def _fix_citation_roles(context: dict[str, Any]) -> None:
    """docutils puts ``role="doc-biblioentry"`` items in a ``role="list"``; a list may only hold
    list items (axe-core: aria-required-children), and DPUB-ARIA 1.1 deprecates
    doc-biblioentry in favour of listitem."""
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    if not _cdn_mode() and page_has_chart(doctree):
        app.add_js_file(offline.bundle_filename(), loading_method="defer")
    _dedupe_scripts(context)
    _fix_citation_roles(context)


def setup(app: Sphinx) -> dict[str, Any]:
    os.environ[offline.BOOK_BUILD_ENV] = "1"
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context, priority=900)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
