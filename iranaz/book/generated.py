"""Files generated from the metadata and the sources table, never edited by hand:
``CITATION.cff``, the MIT ``LICENSE`` and ``book/references.bib`` (``python -m iranaz metadata
write`` rewrites them; ``python -m iranaz metadata check`` lists stale ones, and the tests run it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .. import datapackage, files, paths
from .cite import bib_url, bibtex_entry, bibtex_escape, bibtex_name
from .metadata import MetadataError, datapackage_problems, metadata, sync_datapackage
from .toc import find_root

#: Where the bibliography of every source is generated (relative to the book's root).
BIB_PATH = "book/references.bib"


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
    head = "# Generated from _config.yml by `python -m iranaz metadata write`; do not edit by hand.\n"
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
        raise MetadataError("LICENSE is generated for MIT code only; add the new licence's text to iranaz.book.generated")
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


#: How ``titleaddon`` introduces the book's own English translation of a title (``title_en``).
GLOSS_LABEL = "English title (our translation): "

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def source_bibtex(row: dict[str, str], outlet: str = "", label: str = "") -> str:
    """The ``@misc`` entry of one row of ``sources.csv``; empty cells give no field, none is invented.

    ``outlet`` is the outlet's name (from ``outlets.csv``), printed as ``howpublished`` and
    given as ``organization``; an unsigned piece has no ``author``. A gloss (``title_en``)
    becomes ``titleaddon``, labelled as our translation; the translator and where the link
    goes (``copy_at``) make up the ``note``. ``label``, the in-text citation label
    (:func:`iranaz.tables.citation_labels`), is biblatex's ``shorthand``, which the book's
    bibliography style prints: "(Tehran Times 2023)".
    """
    fields: list[tuple[str, str]] = []
    if label:
        fields.append(("shorthand", bibtex_escape(label)))
    if row.get("author"):
        fields.append(("author", " and ".join(bibtex_name(a.strip()) for a in row["author"].split(";"))))
    if row.get("title"):
        fields.append(("title", "{" + bibtex_escape(row["title"]) + "}"))
        if row.get("title_en"):
            fields.append(("titleaddon", bibtex_escape(GLOSS_LABEL + row["title_en"])))
    outlet = outlet or row.get("outlet", "")
    if outlet:
        fields += [("howpublished", bibtex_escape(outlet)), ("organization", bibtex_escape(outlet))]
    if row.get("published"):
        d = row["published"]
        fields.append(("year", d[:4]))
        if len(d) >= 7:
            fields.append(("month", _MONTHS[int(d[5:7]) - 1]))
        fields.append(("date", d))
    notes = []
    if row.get("translator"):
        fields.append(("translator", bibtex_escape(row["translator"])))
        notes.append("Translated by " + bibtex_escape(row["translator"]))
    if row.get("copy_at"):
        notes.append(bibtex_escape(row["copy_at"]))
    if notes:
        fields.append(("note", ". ".join(notes)))
    if row.get("language"):
        fields.append(("langid", bibtex_escape(row["language"])))
    if row.get("url"):
        fields.append(("url", bib_url(row["url"])))
    return bibtex_entry("misc", row["source_id"], fields)


def sources_bib(sources_csv: Path | None = None) -> str:
    """``references.bib``: one entry per source, by publication date, then id.

    Outlet names come from ``outlets.csv`` next to ``sources.csv`` (column ``outlet_id``),
    or from an ``outlet`` column of ``sources.csv`` itself.
    """
    path = Path(sources_csv or paths.DATA / "sources.csv")
    rows = sorted(datapackage.read_rows(path)[1], key=lambda r: (not r.get("published"), r.get("published", ""), r["source_id"]))
    outlets_csv = path.parent / "outlets.csv"
    outlets = {o["outlet_id"]: o["name"] for o in datapackage.read_rows(outlets_csv)[1]} if outlets_csv.is_file() else {}
    labels = _labels(rows, outlets)
    head = f"% Generated from {path.parent.name}/{path.name} by iranaz.book.generated at every book build; do not edit by hand.\n\n"
    return head + "\n".join(source_bibtex(r, outlets.get(r.get("outlet_id", ""), ""), labels.get(r["source_id"], "")) for r in rows)


def _labels(rows: list[dict[str, str]], outlets: dict[str, str]) -> dict[str, str]:
    import pandas as pd

    from ..tables import citation_labels

    frame = pd.DataFrame(rows, dtype=str).fillna("")
    for column in ("outlet_id", "title", "published"):
        if column not in frame:
            frame[column] = ""
    out = pd.DataFrame({"outlet_id": list(outlets), "name": list(outlets.values())}, dtype=str)
    return citation_labels(frame, out).to_dict() if len(frame) else {}


def generated_files(root: Path | None = None) -> dict[Path, str]:
    """Every file generated from the metadata and the sources table, with its expected content."""
    root = Path(root or find_root())
    return {
        root / "CITATION.cff": citation_cff(root),
        root / "LICENSE": licence_file(root),
        root / BIB_PATH: sources_bib(root / "data" / "sources.csv" if (root / "data" / "sources.csv").is_file() else None),
    }


def stale_files(root: Path | None = None) -> list[Path]:
    """Generated files whose content differs from what the metadata gives now."""
    return [p for p, text in generated_files(root).items() if not (p.is_file() and p.read_text(encoding="utf-8") == text)]


def write(root: Path | None = None) -> list[str]:
    """Rewrite every generated file and the version and licence of ``datapackage.json``;
    the paths written, relative to ``root``."""
    root = Path(root or paths.ROOT)
    written = [str(p.relative_to(root)) for p, text in generated_files(root).items() if files.write_if_changed(p, text)]
    if sync_datapackage(root / "data" / datapackage.DESCRIPTOR, root):
        written.append("data/datapackage.json")
    return written


def check(root: Path | None = None) -> list[str]:
    """What is out of date: stale generated files and metadata that ``datapackage.json`` contradicts."""
    root = Path(root or paths.ROOT)
    stale = [f"{p.relative_to(root)} is stale: run python -m iranaz metadata write" for p in stale_files(root)]
    return stale + datapackage_problems(datapackage.descriptor(root / "data"), root)
