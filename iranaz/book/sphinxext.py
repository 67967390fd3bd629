"""The book's one Sphinx extension (``_config.yml``, ``sphinx: extra_extensions``).

Metadata, bibliography and notebooks:

* regenerates ``book/references.bib`` from ``data/sources.csv`` before sphinxcontrib-bibtex
  reads it, and registers the ``iranaz`` bibliography style (labelled by source_id, in date
  order);
* adds the licence line to every page's footer, sets the release from ``_config.yml`` and
  shows the repository and launch buttons only when ``repository.url`` is set;
* writes every MyST notebook chapter as ``.ipynb`` (by jupytext) to ``_sources/`` and adds it
  to the page's download menu;
* writes the book's own source as one archive (:mod:`iranaz.book.source`) to ``_sources/``
  and, under each chapter's citation block, the "Run this chapter yourself" section that
  offers it with the chapter's notebook, the commands and what JupyterLab cannot show; a
  chapter citation without a published address gets ``iranaz-accessed.js``.

Charts, assets and a clean console:

* marks the build process as a book build (:func:`iranaz.book.mark_book_build`), so the notebook kernels the
  build starts inherit it and the ``iranaz`` renderer does not inline the Vega bundle per chart;
* writes the wrapped Vega bundle once into ``_static/`` under a content-addressed name and
  adds it (deferred, fetched first, run before the theme's scripts) to exactly the pages that
  hold a chart;
* keeps the theme from loading ``fontawesome.js`` (its CSS draws the icons) and, except on the
  search page, Sphinx's search index and scripts (only its search-as-you-type option, which is
  off, needs them elsewhere), and spares each page the assets of sphinx-design,
  sphinx-togglebutton and sphinx-thebe when it uses none;
* serves ``iranaz/book/static/`` (the book's CSS and scripts) with every page, the print style
  sheet ``iranaz-print.css`` among them;
* fixes what axe-core finds in the theme's markup (``iranaz-a11y.js`` for the navbar buttons,
  list-item roles for citations);
* removes the theme's two console errors: scripts registered twice (sphinx-thebe's
  ``const THEBE_JS_URL`` then fails as a redeclaration) are emitted once, and the colour mode
  defaults to ``auto`` instead of ``""`` ("Got invalid theme mode");
* copies DataTables (npm, locked in ``package-lock.json``) from ``node_modules/`` into
  ``_static/`` and loads it, with ``iranaz-explorer.js`` and ``.css``, on the event
  explorer's page only.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from .. import __version__, files, tables
from . import STATIC_DIR, entries, mark_book_build, offline, source
from .generated import BIB_PATH, GLOSS_LABEL, sources_bib
from .markup import render
from .metadata import Metadata, metadata

#: Marker of a chart in a page's HTML (the ``iranaz`` renderer's output).
CHART_MARKER = f'class="{offline.CHART_CLASS}"'


def _cdn_mode() -> bool:
    return os.environ.get(offline.OUTPUT_ENV, "offline") == "cdn"


#: The theme's script that turns icon elements into SVG, for custom icons only: the theme's CSS
#: already draws every icon it uses from the Font Awesome web font. Its 1.5 MB cost a first
#: visit about 0.2 s of script time before the charts could draw.
FONTAWESOME_SCRIPT = re.compile(r"[ \t]*<script defer src=\"\{\{ pathto\('_static/scripts/fontawesome\.js', 1\) \}\}[^\"]*\"></script>\n?")
WEBPACK_MACROS = "static/webpack-macros.html"


#: pydata-sphinx-theme loads Sphinx's search index (80 KB and growing with the book) and search
#: scripts on every page, as parser-blocking scripts, for its optional search-as-you-type
#: dialog. With that option off (ours), only the search page uses them, and it loads its own.
SEARCH_ON_EVERY_PAGE = "{% if pagename == 'search' %}"
SEARCH_WHEN_USED = "{% if pagename == 'search' or (theme_search_as_you_type | string | lower) != 'true' %}"
THEME_LAYOUT = "layout.html"


def theme_layout_with_search_where_used(theme_layout: str) -> str | None:
    """The theme's layout, loading the search scripts only where they are used (None if the
    theme no longer reads as expected)."""
    if theme_layout.count(SEARCH_ON_EVERY_PAGE) != 1 or "searchindex.js" not in theme_layout:
        return None
    return theme_layout.replace(SEARCH_ON_EVERY_PAGE, SEARCH_WHEN_USED)


def theme_macros_without_fontawesome(theme_macros: str) -> str | None:
    """The theme's asset macros without the Font Awesome script (None if it is not there)."""
    trimmed = FONTAWESOME_SCRIPT.sub("", theme_macros)
    return trimmed if trimmed != theme_macros else None


def _shadow_theme_files(app: Sphinx, config: Config) -> None:
    """Shadow two of pydata-sphinx-theme's templates with trimmed copies (``templates_path``
    comes before the theme's own templates): ``static/webpack-macros.html`` without
    ``fontawesome.js``, and ``layout.html`` without the search scripts on pages that do not
    use them. A theme that no longer matches what is trimmed stops the build."""
    import pydata_sphinx_theme

    theme_dir = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    folder = Path(app.outdir).parent / ".iranaz-templates"
    for name, trim, shadow in (
        (WEBPACK_MACROS, theme_macros_without_fontawesome, WEBPACK_MACROS),
        # sphinx-book-theme extends "pydata_sphinx_theme/layout.html" by that name.
        (THEME_LAYOUT, theme_layout_with_search_where_used, f"pydata_sphinx_theme/{THEME_LAYOUT}"),
    ):
        trimmed = trim((theme_dir / name).read_text(encoding="utf-8"))
        if trimmed is None:
            raise ExtensionError(f"iranaz.book.sphinxext: {theme_dir / name} no longer reads as expected; update {trim.__name__}")
        files.write_if_changed(folder / shadow, trimmed)
    if str(folder) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(folder)]


def _config_inited(app: Sphinx, config: Config) -> None:
    _shadow_theme_files(app, config)
    static = str(STATIC_DIR)
    if static not in [str(Path(app.confdir, p)) for p in config.html_static_path]:
        config.html_static_path = [*config.html_static_path, static]
    if not config.html_favicon:  # declared by every page: no request for /favicon.ico
        config.html_favicon = str(STATIC_DIR / "favicon.svg")
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.add_css_file("iranaz.css")
    app.add_css_file("iranaz-reuse.css")
    app.add_css_file("iranaz-print.css")
    app.add_js_file("iranaz-a11y.js", loading_method="defer")
    app.add_js_file("iranaz-tables.js", loading_method="defer")
    if _cdn_mode():
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    target = static / offline.bundle_filename()
    for old in static.glob("iranaz-vega-*.js"):  # bundles of earlier builds: no page loads them
        if old.name != target.name:
            old.unlink()
    files.write_if_changed(target, offline.wrapped_bundle())


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


#: Extensions Jupyter Book loads on every page, by the files and inline-script markers of their
#: assets, and the page classes that mean a page uses them. A page that does not is spared
#: their CSS and scripts (measured: 0.1-0.3 s less before its charts are drawn).
OPTIONAL_ASSETS = {
    "sphinx-design": (("sphinx-design.min.css", "design-tabs.js"), (), lambda c: any(x.startswith("sd-") for x in c)),
    "sphinx-togglebutton": (
        ("togglebutton.css", "togglebutton.js"),
        ("toggleHintShow", "toggleHintHide", "toggleOpenOnPrint", "togglebuttonSelector"),
        lambda c: bool(c & {"toggle", "dropdown", "tag_hide-output", "tag_hide-cell"}),
    ),
    "sphinx-thebe": (("sphinx-thebe.css", "sphinx-thebe.js"), ("THEBE_JS_URL",), lambda c: any("thebe" in x for x in c)),
}


def page_classes(doctree: nodes.document | None) -> set[str]:
    """Every class of every element of a page."""
    if doctree is None:
        return set()
    return {c for node in doctree.findall(nodes.Element) for c in node.get("classes", [])}


def unused_assets(classes: set[str], thebe_on: bool = False) -> list[str]:
    """The optional extensions whose assets a page with these classes does not need."""
    return [name for name, (_, _, used) in OPTIONAL_ASSETS.items() if not used(classes) and not (name == "sphinx-thebe" and thebe_on)]


def _drop_assets(context: dict[str, Any], names: list[str]) -> None:
    files = tuple(f for n in names for f in OPTIONAL_ASSETS[n][0])
    markers = tuple(m for n in names for m in OPTIONAL_ASSETS[n][1])

    def unused(asset: Any) -> bool:
        filename = str(getattr(asset, "filename", asset) or "").split("?")[0]
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        return filename.endswith(files) or (bool(markers) and any(m in body for m in markers))

    for key in ("css_files", "script_files"):
        if isinstance(context.get(key), list):
            context[key][:] = [a for a in context[key] if not unused(a)]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    if doctree is not None or context.get("iranaz_entry"):  # an event's entry uses none of them
        thebe_on = bool((getattr(app.config, "html_theme_options", {}) or {}).get("launch_buttons", {}).get("thebe"))
        _drop_assets(context, unused_assets(page_classes(doctree), thebe_on))
    if not _cdn_mode() and page_has_chart(doctree):
        # Deferred, and first in <head>: fetched at once, and run as soon as the page is
        # parsed, before the theme's own deferred scripts (they sit at the end of <body>), so
        # the loader draws every chart before those take the main thread. (With ``async`` it
        # ran whenever it arrived: after the theme's scripts whenever the page was parsed first.)
        app.add_js_file(offline.bundle_filename(), priority=100, loading_method="defer", fetchpriority="high")
    if page_has_explorer(doctree):
        app.add_css_file("iranaz-explorer.css", priority=600)
        # Deferred, after iranaz-tables.js (500) has put the table in its scrolling box.
        for js in (datatables_file(), "iranaz-explorer.js"):
            app.add_js_file(js, priority=600, loading_method="defer")
    _dedupe_scripts(context)
    _fix_citation_roles(context)


# --- Metadata, bibliography, notebooks ---------------------------------------------------


def register_pybtex_style() -> None:
    """Register the ``iranaz`` bibliography style: unsrt entries, labelled by source_id, in date
    order, with a title's English gloss (``titleaddon``) after it in brackets."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting import BaseSortingStyle
    from pybtex.style.template import field, join, sentence, words

    def gloss(text):
        return text[len(GLOSS_LABEL) :] if text.startswith(GLOSS_LABEL) else text

    class KeyLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield entry.fields.get("shorthand", entry.key)

    class DateOrder(BaseSortingStyle):
        def sorting_key(self, entry):
            date = entry.fields.get("date", "")
            return (not date, date, entry.key)  # undated sources last

    class SourcesStyle(UnsrtStyle):
        default_label_style = KeyLabels
        default_sorting_style = DateOrder

        def format_title(self, e, which_field, as_sentence=True):
            title = super().format_title(e, which_field, as_sentence=False)
            if which_field == "title" and "titleaddon" in e.fields:
                title = words[title, join["[", field("titleaddon", apply_func=gloss), "]"]]
            return sentence[title] if as_sentence else title

    register_plugin("pybtex.style.formatting", "iranaz", SourcesStyle, force=True)
    register_reference_style()


def register_reference_style() -> None:
    """Register the ``iranaz`` referencing style: labels (outlet and year) in round brackets,
    "(Tehran Times 2023; IRNA 2023b)", as a reader cites a news article in an essay."""
    from dataclasses import dataclass, field

    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle

    def round_brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")", sep="; ")

    @dataclass
    class RoundLabels(LabelReferenceStyle):
        bracket_parenthetical: BracketStyle = field(default_factory=round_brackets)
        bracket_textual: BracketStyle = field(default_factory=round_brackets)

    register_plugin("sphinxcontrib.bibtex.style.referencing", "iranaz", RoundLabels, force=True)


def footer_html(meta: Metadata) -> str:
    """The licence line of every page's footer."""
    return render(
        "footer.html",
        text=meta.licence("text"),
        data=meta.licence("data"),
        code=meta.licence("code"),
        version=meta.version,
        released=meta.date_released.isoformat(),
    )


def _metadata_config(app: Sphinx, config: Config) -> None:
    root = Path(app.srcdir)
    meta = metadata(root)
    # The bibliography of sources, regenerated before sphinxcontrib-bibtex reads it.
    sources = root / "data" / "sources.csv"
    files.write_if_changed(root / BIB_PATH, sources_bib(sources if sources.is_file() else None))
    opts = config.html_theme_options
    footer = footer_html(meta)
    if footer not in (opts.get("extra_footer") or ""):
        opts["extra_footer"] = (opts.get("extra_footer") or "") + footer
    # Repository and launch buttons exist only when the repository URL is known
    # (Jupyter Book's default config would otherwise point them at its own repository).
    opts["repository_url"] = meta.repository_url
    opts["repository_branch"] = meta.repository_branch
    opts["path_to_docs"] = meta.path_to_book
    launch = opts.setdefault("launch_buttons", {})
    if meta.repository_url:
        opts["use_repository_button"] = True
    else:
        opts["use_repository_button"] = False
        for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url"):
            launch[key] = ""
        launch["thebe"] = False
    config.version = config.release = meta.version


def _drop_citation_titles(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A citation link's ``title`` repeats its whole reference (about 170 bytes, 8 KB on a
    chapter with 48 citations) although the link text already names outlet and date and the
    link leads to the reference in the chapter's source list; drop it."""
    for node in doctree.findall(nodes.reference):
        if node.get("reftitle") and "bibtex-citation" in node.parent.get("classes", []):
            del node["reftitle"]


def notebook_json(source: Path) -> str:
    """A MyST Markdown notebook as ``.ipynb`` (no outputs), converted by jupytext."""
    import jupytext

    return jupytext.writes(jupytext.read(source), fmt="ipynb")


def _offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".md":
        return  # an .ipynb source is offered as it is by the theme
    files.write_if_changed(Path(app.outdir) / "_sources" / f"{pagename}.ipynb", notebook_json(source))
    context["ipynb_source"] = f"{pagename}.ipynb"  # the theme's download menu lists it


#: Where a chapter's citation block asks for the "Run this chapter yourself" section.
RUN_PLACEHOLDER = re.compile(r'<div class="iranaz-run" data-notebook="([^"]*)" hidden></div>')
#: The context key of the source archive's description; a ``html``-rebuild setting, so a new
#: archive rewrites every page that names its size.
SOURCE_CONTEXT = "iranaz_source"
GLUE_ROLE = re.compile(r"\{glue(:\w+)?\}`")


def _source_archive(app: Sphinx, config: Config) -> None:
    """Make the source archive (after the bibliography is regenerated) and describe it in
    ``html_context``."""
    name, content = source.source_zip(Path(app.srcdir))
    app.iranaz_source = content  # type: ignore[attr-defined]
    config.html_context = {**(config.html_context or {}), SOURCE_CONTEXT: source.describe(name, content).as_dict()}


def _write_source_archive(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    name = app.config.html_context[SOURCE_CONTEXT]["name"]
    folder = Path(app.outdir) / source.HTML_FOLDER
    for old in folder.glob("iranaz-book-*-source.zip"):  # archives of earlier versions
        if old.name != name:
            old.unlink()
    files.write_if_changed(folder / name, app.iranaz_source)  # type: ignore[attr-defined]


def run_section(pagename: str, notebook_href: str, archive: dict[str, Any], glue: bool) -> str:
    """The "Run this chapter yourself" section of a chapter page."""
    return render(
        "run_chapter.html",
        notebook_href=notebook_href,
        source_href=posixpath.relpath(f"{source.HTML_FOLDER}/{archive['name']}", posixpath.dirname(pagename) or "."),
        source_name=archive["name"],
        source_size=files.file_size(archive["size"]),
        n_files=archive["n_files"],
        runnable=archive["runnable"],
        top=archive["top"],
        glue=glue,
    )


def _run_this_chapter(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    body = context.get("body")
    if not isinstance(body, str):
        return
    if 'class="iranaz-cite" data-citation-key' in body and " data-accessed>" in body:
        app.add_js_file("iranaz-accessed.js", loading_method="defer")
    if RUN_PLACEHOLDER.search(body) is None:
        return
    text = Path(app.env.doc2path(pagename)).read_text(encoding="utf-8")
    archive = app.config.html_context[SOURCE_CONTEXT]
    context["body"] = RUN_PLACEHOLDER.sub(lambda m: run_section(pagename, m.group(1), archive, bool(GLUE_ROLE.search(text))), body)


# --- The reference: event entries, links to them, the sources a chapter counts ------------

BIBLIOGRAPHY_FENCE = "```{bibliography}"


def _cite_counted_sources(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before a chapter is parsed, cite (without a mark in the text) every source behind the
    events it counts or names, so its Sources list holds them (:func:`entries.counted_sources`)."""
    if not docname.startswith("notebooks/") or BIBLIOGRAPHY_FENCE not in source[0]:
        return
    keys = entries.counted_sources(tables.load(), docname.rsplit("/", 1)[-1], source[0])
    if keys:
        role = "{cite:empty}`" + ",".join(keys) + "`\n\n"
        source[0] = source[0].replace(BIBLIOGRAPHY_FENCE, role + BIBLIOGRAPHY_FENCE, 1)


def _event_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Every event's entry, ``events/E300.html``, from the tables (``html-collect-pages``)."""
    if app.builder.format != "html":
        return
    for page in entries.event_pages(Path(app.srcdir), tables.load()):
        yield page.pagename, {"title": page.title, "body": page.body, "iranaz_entry": True}, "page.html"


def _link_ids(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    """Every event and claim-check id in a page's text becomes a link to its entry."""
    body = context.get("body")
    if isinstance(body, str):
        event_ids, check_ids = entries.known_ids(tables.load())
        event_ids = event_ids - {pagename.rsplit("/", 1)[-1]}  # an entry does not link to itself
        context["body"] = entries.link_ids(body, event_ids, check_ids, prefix="../" * pagename.count("/"))


# --- The event explorer's table library ---------------------------------------------------

#: DataTables' script in ``node_modules`` (``npm ci``). Its style sheets (``datatables.net-dt``)
#: are not used: ``iranaz-explorer.css`` styles the table in the theme's light and dark colours.
DATATABLES = ("datatables.net", "js/dataTables.min.js")
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
#: :data:`iranaz.book.explorer.MARKER`, written out so the extension need not import pandas.
EXPLORER_MARKER = 'class="iranaz-explorer"'


def datatables_file(node_modules: Path = NODE_MODULES) -> str:
    """The name DataTables' script gets in ``_static/``, with its locked version."""
    import json

    package = node_modules / DATATABLES[0] / "package.json"
    version = json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else "missing"
    return f"datatables-{version}.min.js"


def copy_datatables(static: Path, node_modules: Path = NODE_MODULES) -> Path:
    """Copy DataTables from ``node_modules`` into ``_static`` (other versions removed); fails,
    naming the command to run, if ``npm ci`` has not installed it."""
    source = node_modules / DATATABLES[0] / DATATABLES[1]
    if not source.is_file():
        raise ExtensionError(f"iranaz.book.sphinxext: {source} not found: run `npm ci` (DataTables is locked in package-lock.json)")
    target = static / datatables_file(node_modules)
    for old in static.glob("datatables-*"):
        if old.name != target.name:
            old.unlink()
    files.write_if_changed(target, source.read_bytes())
    return target


def page_has_explorer(doctree: nodes.document | None) -> bool:
    if doctree is None:
        return False
    return any(node.get("format") == "html" and EXPLORER_MARKER in node.astext() for node in doctree.findall(nodes.raw))


def _copy_datatables(app: Sphinx) -> None:
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        copy_datatables(static)


def setup(app: Sphinx) -> dict[str, Any]:
    mark_book_build()
    register_pybtex_style()
    app.connect("config-inited", _metadata_config, priority=100)
    app.connect("config-inited", _config_inited)
    app.connect("config-inited", _source_archive, priority=600)  # after the bibliography is rewritten
    app.connect("builder-inited", _builder_inited)
    app.connect("builder-inited", _write_source_archive)
    app.connect("builder-inited", _copy_datatables)
    app.connect("doctree-resolved", _drop_citation_titles)
    app.connect("html-page-context", _offer_notebook, priority=500)  # before the theme builds its buttons (501)
    app.connect("html-page-context", _run_this_chapter, priority=800)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("html-page-context", _link_ids, priority=850)
    app.connect("html-collect-pages", _event_pages)
    app.connect("source-read", _cite_counted_sources)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
