"""Build hygiene: two clean builds give the same charts and downloads; no internal link or
anchor of the built book is broken (checked offline, on the files).

The two clean builds are the session's two builds of the whole book, each executing every
chapter in its own fresh kernels: the project as ``make book`` builds it, and the copy with
a fixture chapter (:func:`..bookbuild.full_book`); they are compared on the project's pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from ..bookbuild import full_book
from .conftest import book_pages

SPEC_RE = re.compile(r'<script type="application/json" id="(iranaz-chart-[0-9a-f-]+)-spec">(.*?)</script>', re.S)
LINK_ATTRS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("object", "data"))
EXTERNAL = ("http", "https", "mailto", "tel", "data", "javascript", "ftp")


DOWNLOAD_RE = re.compile(r'href="([^"]*_downloads/[0-9a-f]+/[^"]+)"')


def build_fingerprint(html_dir: Path, pages: list[str]) -> dict[str, bytes]:
    """What must not change between two clean builds, on ``pages``: every chart's id and Vega
    spec, every file the pages offer for download, and the chart bundle."""
    out: dict[str, bytes] = {}
    for page in pages:
        html = (html_dir / page).read_text(encoding="utf-8")
        for chart_id, spec in SPEC_RE.findall(html):
            out[f"{page}#{chart_id}"] = spec.encode("utf-8")
        # Sphinx files each download under _downloads/<hash of its source's absolute path>/, and
        # the sources are written inside the build folder: the hash differs between two build
        # folders, the name and the bytes must not.
        for href in DOWNLOAD_RE.findall(html):
            target = (html_dir / page).parent / unquote(href)
            out[f"{page} -> {target.name}"] = target.read_bytes()
    for f in sorted((html_dir / "_static").glob("iranaz-vega-*.js")):
        out[f"_static/{f.name}"] = f.read_bytes()
    return out


def test_two_clean_builds_give_identical_charts_and_downloads(book_html: Path) -> None:
    other = full_book()
    assert other.returncode == 0, other.log[-6000:]
    pages = [p for p in book_pages(book_html)]
    assert set(pages) <= set(book_pages(other.html)), "the second build lacks pages of the first"
    first = build_fingerprint(book_html, pages)
    assert any("#iranaz-chart-" in k for k in first), "no chart spec found in the build"
    assert any(" -> " in k for k in first), "no download found in the build"
    second = build_fingerprint(other.html, pages)
    assert sorted(first) == sorted(second), "the two builds hold different charts or files"
    changed = [k for k in first if first[k] != second[k]]
    assert changed == []


def broken_links(html_dir: Path) -> list[str]:
    """Every internal link, script, stylesheet or image of the built pages whose file is
    missing, or whose ``#anchor`` names no element of its target page."""
    ids: dict[Path, set[str]] = {}

    def anchors(page: Path) -> set[str]:
        if page not in ids:
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            ids[page] = {e["id"] for e in soup.find_all(id=True)} | {e["name"] for e in soup.find_all("a", attrs={"name": True})}
        return ids[page]

    problems = []
    root = html_dir.resolve()
    for rel in book_pages(html_dir) + ["index.html"]:
        page = (html_dir / rel).resolve()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in LINK_ATTRS:
            for el in soup.find_all(tag, attrs={attr: True}):
                url = el[attr].strip()
                parts = urlsplit(url)
                if not url or parts.scheme in EXTERNAL or url.startswith("//"):
                    continue
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                if target.is_dir():
                    target = target / "index.html"
                if root not in target.parents and target != root:
                    problems.append(f"{rel}: {url} points outside the book")
                elif not target.exists():
                    problems.append(f"{rel}: {url} (no such file)")
                elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target):
                    problems.append(f"{rel}: {url} (no such anchor)")
    return problems


def test_no_broken_internal_links_or_anchors(book_html: Path) -> None:
    assert broken_links(book_html) == []


def test_link_checker_finds_what_is_broken(tmp_path: Path) -> None:
    """The checker itself: a missing page, a missing anchor and a missing stylesheet are
    reported; good links, query strings and external links are not."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.css").write_text("")
    (tmp_path / "sub" / "b.html").write_text('<h1 id="there">B</h1><a href="../a.html#top">up</a><a href="../a.html#gone">x</a>')
    (tmp_path / "a.html").write_text(
        '<html><head><link rel="stylesheet" href="a.css?v=1"><link rel="stylesheet" href="missing.css"></head>'
        '<body id="top"><a href="sub/b.html#there">ok</a><a href="nowhere.html">bad</a><a href="#top">self</a>'
        '<a href="https://example.org/x#y">ext</a><a href="sub/b.html#missing">bad anchor</a></body></html>'
    )
    (tmp_path / "index.html").write_text('<a href="a.html">a</a>')
    assert sorted(broken_links(tmp_path)) == sorted(
        [
            "a.html: missing.css (no such file)",
            "a.html: nowhere.html (no such file)",
            "a.html: sub/b.html#missing (no such anchor)",
            "sub/b.html: ../a.html#gone (no such anchor)",
        ]
    )
