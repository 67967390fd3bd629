"""Reuse: the data and picture behind every chart, the data package, each chapter as a notebook.

API for the notebooks
---------------------

Under a chart (Our World in Data style), in the chart's own cell::

    from iranaz import charts
    from iranaz.book import downloads
    downloads.figure(charts.timeline(t.events), "arc-timeline")

``figure(chart, name)`` shows the chart, then a bar: **CSV** (exactly the rows the chart
draws, ``chart.data``; a layered chart that draws two tables offers ``CSV 1`` and
``CSV 2``), **SVG** and **PNG** (rendered offline by vl-convert, on a white
background, 640 px wide, PNG at 2x) and a one-line citation of the chart, all in one
output, so with a ``mystnb: figure:`` cell option both sit in the one figure, above its
caption. To place the bar elsewhere (in a cell of its own, outside the figure), end that
cell with ``downloads.offer(chart, "arc-timeline")``, which shows only the bar. ``name`` is a slug
(``[a-z0-9-]``), unique within the page; the files are ``<name>.csv``, ``.svg`` and ``.png``.

On the data page::

    downloads.data_package()

shows a link to the whole data package as one versioned zip,
``<package name>-<version>.zip`` (``datapackage.json``, every table it lists, a README
with the licence and the citation of the data, and the licence text), and the citation
of the data set.

How it works
------------

Each call returns a display object whose output carries the files themselves under the
MIME type :data:`MIME_DOWNLOADS` (computed once, at execution, and kept by the execution
cache), plus a plain-text fallback for Jupyter. In the book, :class:`MimeRenderer` (a
``myst_nb.mime_renderers`` entry point) writes the files next to the executed notebooks and
links them with Sphinx download references, so Sphinx copies them into ``_downloads/``
of the built book on every build, cached or not. The citation line is composed at build
time from ``_config.yml`` (see :mod:`iranaz.book.cite`), so it never goes stale. The same
renderer draws :data:`iranaz.book.cite.MIME_CITE` outputs (the "Cite this chapter" blocks).

The bars are styled by ``static/iranaz-reuse.css`` (hidden when printing).
"""

from __future__ import annotations

import base64
import copy
import json
import posixpath
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .. import datapackage, files, paths
from ..charts import DOWNLOAD_NAME
from . import cite, offline
from .metadata import datapackage_problems, metadata

MIME_DOWNLOADS = "application/vnd.iranaz.downloads+json"
EXPORT_WIDTH = 640
PNG_SCALE = 2
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# --------------------------------------------------------------------------------------
# Chart files


def _datasets(chart: Any) -> list[pd.DataFrame]:
    data = getattr(chart, "data", None)
    if isinstance(data, pd.DataFrame):
        return [data]
    found: list[pd.DataFrame] = []
    for attr in ("layer", "hconcat", "vconcat", "concat"):
        for sub in getattr(chart, attr, None) or []:
            for df in _datasets(sub):
                if not any(df is f for f in found):
                    found.append(df)
    spec = getattr(chart, "spec", None)  # facet / repeat
    if spec is not None and not found:
        found = _datasets(spec)
    return found


def chart_tables(chart: Any) -> list[pd.DataFrame]:
    """The tables a chart draws, in layer order (a layer of bars and of marked dates: two)."""
    found = _datasets(chart)
    if not found:
        raise ValueError("a chart offered for download must draw a pandas DataFrame; this one draws none")
    return found


def chart_data(chart: Any) -> pd.DataFrame:
    """The one table a chart draws (``chart.data``, or the single table of its layers)."""
    found = chart_tables(chart)
    if len(found) != 1:
        raise ValueError(f"this chart draws exactly {len(found)} tables, not one: use chart_tables")
    return found[0]


def to_csv(data: pd.DataFrame) -> str:
    """CSV as offered: UTF-8, comma-separated, header row, no index."""
    return data.to_csv(index=False, lineterminator="\n")


def chart_title(chart: Any) -> str:
    title = chart.to_dict().get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)


def export_spec(chart: Any) -> dict:
    """The chart's Vega-Lite spec for files: fixed width instead of the page's, white background."""
    spec = copy.deepcopy(chart.to_dict())
    for node in offline.nested_dicts(spec):
        if node.get("width") == "container":
            node["width"] = EXPORT_WIDTH
    spec["background"] = "white"
    return spec


def chart_files(chart: Any, name: str) -> list[dict[str, str]]:
    """``[{name, label, text|base64}]``: the chart's CSV, SVG and PNG."""
    import vl_convert

    if not _NAME.match(name):
        raise ValueError(f"download name {name!r} must be lower-case letters, digits and single hyphens")
    spec = export_spec(chart)
    png = vl_convert.vegalite_to_png(spec, scale=PNG_SCALE)
    tables = chart_tables(chart)
    if len(tables) > 1 and not all(_NAME.match(str(df.attrs.get(DOWNLOAD_NAME, ""))) for df in tables):
        raise ValueError(
            f"chart {name!r} draws {len(tables)} tables: name each for its download (frame.attrs[{DOWNLOAD_NAME!r}] = 'quarters', ...)"
        )
    csvs = [
        {
            "name": f"{name}.csv" if len(tables) == 1 else f"{name}-{df.attrs[DOWNLOAD_NAME]}.csv",
            "label": "CSV" if len(tables) == 1 else f"CSV of {df.attrs[DOWNLOAD_NAME]}",
            "title": "The data behind the chart" if len(tables) == 1 else f"The chart's {df.attrs[DOWNLOAD_NAME]}",
            "text": to_csv(df),
        }
        for df in tables
    ]
    return [
        *csvs,
        {"name": f"{name}.svg", "label": "SVG", "title": "The chart as a vector image", "text": vl_convert.vegalite_to_svg(spec)},
        {"name": f"{name}.png", "label": "PNG", "title": "The chart as a picture", "base64": base64.b64encode(png).decode("ascii")},
    ]


class Offer:
    """A display object: the downloads bar (a :data:`MIME_DOWNLOADS` payload, and plain text)."""

    def __init__(self, payload: dict[str, Any], plain: str) -> None:
        self.payload, self.plain = payload, plain

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {MIME_DOWNLOADS: self.payload, "text/plain": self.plain}


def offer(chart: Any, name: str) -> Offer:
    """The downloads bar of a chart: CSV, SVG, PNG and a one-line citation."""
    offline.enable()  # the book's theme, for the exported files too
    offered = chart_files(chart, name)
    plain = "Downloads in the built book: " + ", ".join(f["name"] for f in offered)
    return Offer({"kind": "chart", "name": name, "title": chart_title(chart), "files": offered}, plain)


class ChartWithDownloads:
    """A display object: the chart and its downloads bar as one output.

    One output, not two, so that a ``mystnb: figure:`` cell holds one figure: its bundle is
    the chart's own (``text/html`` for Jupyter) plus a :data:`MIME_DOWNLOADS` payload that
    also carries the chart's HTML, which the book renders as chart, then bar.
    """

    def __init__(self, chart: Any, name: str) -> None:
        self.chart, self.offer = chart, offer(chart, name)  # offer() switches the renderer on

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle = self.chart._repr_mimebundle_(include, exclude)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        bundle = dict(bundle)
        chart_html = bundle.get("text/html")
        if not chart_html:
            raise ValueError(f"the active Altair renderer gives no text/html ({sorted(bundle)}): the book cannot show the chart")
        bundle[MIME_DOWNLOADS] = {**self.offer.payload, "chart_html": chart_html}
        return bundle


def figure(chart: Any, name: str) -> ChartWithDownloads:
    """The chart with its downloads bar under it, as one output (use as a figure cell's last line)."""
    return ChartWithDownloads(chart, name)


# --------------------------------------------------------------------------------------
# The data package


def package_zip(data_dir: Path | None = None, root: Path | None = None) -> tuple[str, bytes]:
    """``(file name, bytes)`` of the data package as one zip, identical for identical data.

    The zip holds one folder ``<name>-<version>/`` with ``datapackage.json``, every resource
    it lists, a README (title, version, licence, how to cite) and the licence text.
    """
    data_dir = Path(data_dir or paths.DATA)
    meta = metadata(root)
    pkg = datapackage.descriptor(data_dir)
    problems = datapackage_problems(pkg, meta.root)
    if problems:
        raise ValueError("; ".join(problems))
    base = f"{pkg['name']}-{pkg['version']}"
    lic = meta.licence("data")
    tables = "\n".join(f"- `{r['path']}`: {r.get('title', r['name'])}" for r in pkg["resources"])
    readme = (
        f"# {pkg['title']}\n\nVersion {pkg['version']}, released {meta.date_released.isoformat()}.\n\n"
        f"{pkg.get('description', '')}\n\n## Tables\n\n{tables}\n\n"
        "Every column is described in `datapackage.json` (a Frictionless Tabular Data Package).\n\n"
        f"## Licence\n\n{lic['name']} ({lic['id']}), {lic['url']}. The full text is in `LICENSE-{lic['id']}.txt`.\n\n"
        f"## Cite\n\n{cite.dataset_citation(pkg, meta.root)}\n"
    )
    members: list[tuple[str, bytes]] = [
        ("datapackage.json", (data_dir / "datapackage.json").read_bytes()),
        ("README.md", readme.encode("utf-8")),
    ]
    licence_text = meta.root / f"LICENSE-{lic['id']}.txt"
    if licence_text.is_file():
        members.append((licence_text.name, licence_text.read_bytes()))
    members += [(r["path"], (data_dir / r["path"]).read_bytes()) for r in pkg["resources"]]
    return f"{base}.zip", files.reproducible_zip((f"{base}/{member}", content, 0o644) for member, content in members)


def data_package(data_dir: Path | None = None) -> Offer:
    """The link to the whole data package as a versioned zip, with the data's citation."""
    data_dir = Path(data_dir or paths.DATA)
    name, content = package_zip(data_dir)
    pkg = datapackage.descriptor(data_dir)
    payload = {
        "kind": "datapackage",
        "name": name,
        "title": pkg["title"],
        "n_tables": len(pkg["resources"]),
        "files": [{"name": name, "label": name, "title": "The data package", "base64": base64.b64encode(content).decode("ascii")}],
    }
    return Offer(payload, f"Data package in the built book: {name}")


def tables(data_dir: Path | None = None) -> Offer:
    """Links to each table of the data package on its own (CSV), and to ``datapackage.json``."""
    data_dir = Path(data_dir or paths.DATA)
    pkg = datapackage.descriptor(data_dir)
    offered = [
        {
            "name": "datapackage.json",
            "label": "datapackage.json",
            "title": "The description of every table and column",
            "text": (data_dir / "datapackage.json").read_text(encoding="utf-8"),
        }
    ]
    for res in pkg["resources"]:
        offered.append(
            {"name": res["path"], "label": res["path"], "title": res.get("title", res["name"]), "text": (data_dir / res["path"]).read_text(encoding="utf-8")}
        )
    return Offer({"kind": "tables", "name": "tables", "files": offered}, "Tables: " + ", ".join(f["name"] for f in offered))


# --------------------------------------------------------------------------------------
# Rendering in the book (myst-nb MIME renderer plugin)


def _file_bytes(f: dict[str, str]) -> bytes:
    return base64.b64decode(f["base64"]) if "base64" in f else f["text"].encode("utf-8")


def _rich(text: str):
    """Docutils nodes for plain text whose ``*...*`` spans are italics."""
    from docutils import nodes

    out = []
    for i, part in enumerate(text.split("*")):
        if part:
            out.append(nodes.emphasis(text=part) if i % 2 else nodes.Text(part))
    return out


def _link_list(links, label: str, refs: list, sizes: bool) -> None:
    """Append 'label a · b · c' to ``links``, each download optionally followed by its size."""
    from docutils import nodes

    links += nodes.Text(label)
    for i, (ref, size) in enumerate(refs):
        if i:
            links += nodes.Text(" · ")
        links += ref
        if sizes:
            links += nodes.Text(f" ({files.file_size(size)})")


def _download_nodes(renderer, payload: dict[str, Any]) -> list:
    from docutils import nodes
    from sphinx import addnodes

    env = renderer.renderer.sphinx_env
    docname = env.docname
    srcdir = Path(env.srcdir)
    folder = Path(renderer.config.output_folder).resolve() / "iranaz-downloads" / docname
    refs = []
    for f in payload["files"]:
        content = _file_bytes(f)
        path = folder / f["name"]
        files.write_if_changed(path, content)  # keeps the mtime: Sphinx re-reads nothing
        ref = addnodes.download_reference(
            "",
            "",
            reftarget="/" + posixpath.relpath(path.as_posix(), srcdir.resolve().as_posix()),
            refdoc=docname,
            refdomain="",
            reftype="download",
            refexplicit=True,
            classes=[f"iranaz-download-{Path(f['name']).suffix[1:]}"],
        )
        ref["reftitle"] = f.get("title", "")
        ref += nodes.inline(text=f["label"])
        refs.append((ref, len(content)))

    box = nodes.container(classes=["iranaz-downloads"])
    para = nodes.paragraph()
    links = nodes.inline(classes=["iranaz-downloads-links"])
    if payload["kind"] == "chart":
        _link_list(links, "Download: ", refs, sizes=False)
        para += links
        para += nodes.Text(" ")
        citation = nodes.inline(classes=["iranaz-chart-cite"])
        citation += nodes.Text("Cite: ")
        citation += _rich(cite.chart_citation(payload.get("title", ""), docname, srcdir))
        para += citation
    elif payload["kind"] == "tables":
        _link_list(links, "Download each table: ", refs, sizes=True)
        para += links
    else:  # the data package
        ref, size = refs[0]
        meta = metadata(srcdir)
        lic = meta.licence("data")
        links += nodes.Text("Download the data package: ")
        links += ref
        links += nodes.Text(f" ({files.file_size(size)}; datapackage.json and {payload['n_tables']} tables, {lic['short']}).")
        para += links
        pkg = {"title": payload["title"], "version": meta.version}
        citation = nodes.inline(classes=["iranaz-data-cite"])
        citation += nodes.Text(" Cite the data as: ")
        citation += _rich(cite.dataset_citation(pkg, srcdir))
        para += citation
    box += para
    return [box]


def _payload(data) -> dict[str, Any]:
    content = data.content
    if isinstance(content, (str, bytes)):
        content = json.loads(content)
    return content


class MimeRenderer:
    """Renders :data:`MIME_DOWNLOADS` and :data:`iranaz.book.cite.MIME_CITE` outputs in the book."""

    mime_priority_overrides = [("*", MIME_DOWNLOADS, 1), ("*", cite.MIME_CITE, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        if inline or data.mime_type not in (MIME_DOWNLOADS, cite.MIME_CITE):
            return None
        if renderer.renderer.sphinx_env is None:  # docutils-only rendering: let the fallback show
            return None
        from docutils import nodes

        payload = _payload(data)
        if data.mime_type == MIME_DOWNLOADS:
            chart = [nodes.raw("", payload["chart_html"], format="html", classes=["output", "text_html"])] if payload.get("chart_html") else []
            return chart + _download_nodes(renderer, payload)
        env = renderer.renderer.sphinx_env
        href = posixpath.relpath(f"_sources/{env.docname}.ipynb", posixpath.dirname(env.docname) or ".")
        block, warnings = cite.render_mime(payload, env.docname, Path(env.srcdir), notebook_href=href)
        for w in warnings:
            renderer.logger.warning(w, subtype="iranaz_cite")
        return [nodes.raw("", block, format="html")]
