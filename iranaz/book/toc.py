"""The book's pages in reading order, read from ``_toc.yml``: docname, title, chapter number.

The one reader of the table of contents, used by the build (which chapters to execute), the
citations (a chapter's number and title), the PDF (what to print, in which order) and the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import paths


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


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


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
    toc = read_yaml(root / "_toc.yml")
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
