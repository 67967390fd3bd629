"""The whole book builds with Sphinx warnings as errors, and its pages say what they should."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from iranaz import paths


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run(
        [str(jb), "build", str(paths.ROOT), "--path-output", str(out), "--builder", "html", "-n", "-W", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return out / "_build" / "html"


def text_of(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_chapter_page_exists(built):
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    for part in toc["parts"]:
        for c in part["chapters"]:
            assert (built / f"{c['file']}.html").exists(), c["file"]


def test_numbers_are_glued_not_left_as_roles(built):
    for page in (built / "notebooks").glob("*.html"):
        text = text_of(page.read_text(encoding="utf-8"))
        assert "{glue" not in text and "glue:" not in text, page.name


def chapter_number(stem: str) -> int:
    """A chapter's number: its place among the numbered chapters of _toc.yml."""
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    numbered = [c["file"] for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]
    return numbered.index(f"notebooks/{stem}") + 1


def test_figures_are_numbered_and_referenced(built):
    html = (built / "notebooks" / "02_thaw_2014.html").read_text(encoding="utf-8")
    text = text_of(html)
    c = chapter_number("02_thaw_2014")
    for n, name in enumerate(("fig-thaw-timeline", "fig-thaw-agreements", "fig-thaw-coverage"), start=1):
        assert f"Fig. {c}.{n}" in text
        assert re.search(rf'<a [^>]*href="#{name}"[^>]*>\s*<span class="std std-numref">Fig. {c}.{n}</span>', html), name


def test_code_is_hidden_behind_a_toggle(built):
    html = (built / "notebooks" / "02_thaw_2014.html").read_text(encoding="utf-8")
    assert "tables.load()" not in text_of(html)  # set-up cells are removed
    # chart cells: the code is in the page, folded behind a "Show code cell source" toggle
    assert html.count("tag_hide-input") == 3
    assert "Show code cell source" in html
    assert re.search(r"charts\s*\.\s*timeline", text_of(html))  # highlighted, so split into tokens


def test_data_page_links_every_table_and_the_package(built):
    html = (built / "book" / "data.html").read_text(encoding="utf-8")
    package = json.loads((paths.DATA / "datapackage.json").read_text(encoding="utf-8"))
    for res in package["resources"]:
        assert re.search(rf'href="[^"]*_downloads/[0-9a-f]+/{re.escape(res["path"])}"', html), res["path"]
    assert re.search(r'href="[^"]*_downloads/[0-9a-f]+/datapackage\.json"', html)
    assert re.search(r'href="[^"]*_downloads/[0-9a-f]+/[\w-]+-\d+\.\d+\.\d+\.zip"', html)
