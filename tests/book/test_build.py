"""The whole book builds with Sphinx warnings as errors, and its pages say what they should."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iranaz import paths
from iranaz.book import build, toc

from .bookbuild import NOTEBOOK_HEADER, full_book


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    book = full_book()  # the whole book (plus a fixture chapter), built once per session
    assert book.returncode == 0, book.log[-8000:]
    return book.html


def test_sphinx_reuses_every_chapter_executed_before_it(built):
    log = full_book().log
    texts = {p.path: p.path.read_text(encoding="utf-8") for p in toc.pages(full_book().src)}
    # Notebooks with code (the glossary is a text notebook with none: nothing to execute).
    executed = [path for path, text in texts.items() if text.startswith("---\njupytext:") and "```{code-cell}" in text]
    assert len(executed) >= 10
    for p in executed:
        assert re.search(rf"{re.escape(p.name)}: Using cached notebook", log), p.name
    assert "Executing notebook" not in log


def text_of(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_chapter_page_exists(built):
    for page in toc.pages(paths.ROOT):
        assert (built / f"{page.docname}.html").exists(), page.docname


def test_numbers_are_glued_not_left_as_roles(built):
    for page in (built / "notebooks").glob("*.html"):
        # "Run this chapter yourself" names the role on purpose, to say what JupyterLab shows.
        html = re.sub(r'<div class="iranaz-run" role="region".*?</div>', "", page.read_text(encoding="utf-8"), flags=re.S)
        text = text_of(html)
        assert "{glue" not in text and "glue:" not in text, page.name


def chapter_number(stem: str) -> int:
    """A chapter's number, as the table of contents gives it."""
    return int(toc.find_page(stem, paths.ROOT).number)


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


def small_book(root: Path, chapter_code: str) -> Path:
    """A book of one page and one chapter, configured as the real one."""
    src = root / "src"
    (src / "ch").mkdir(parents=True)
    shutil.copy2(paths.CONFIG, src / "_config.yml")
    shutil.copytree(paths.ROOT / "book", src / "book")
    (src / "_toc.yml").write_text("format: jb-book\nroot: ch/index\nchapters:\n  - file: ch/chapter\n  - file: book/references\n", encoding="utf-8")
    (src / "ch" / "index.md").write_text("# A small book\n\nOne chapter.\n", encoding="utf-8")
    chapter = NOTEBOOK_HEADER + f"\n# A chapter\n\n```{{code-cell}} ipython3\n{chapter_code}\n```\n"
    (src / "ch" / "chapter.md").write_text(chapter, encoding="utf-8")
    return src


def run_build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iranaz", "build", "--source", str(src), "--path-output", str(out)], capture_output=True, text=True, timeout=600
    )


@pytest.mark.build
def test_a_failing_chapter_stops_the_build_before_sphinx_and_names_itself(tmp_path):
    src = small_book(tmp_path, "from iranaz import tables\nt = tables.load()\n1 / 0")
    run = run_build(src, tmp_path / "out")
    assert run.returncode == 1
    assert "ch/chapter.md: a cell raised" in run.stderr
    assert "ZeroDivisionError" in run.stderr and "1 / 0" in run.stderr
    assert not (tmp_path / "out" / "_build" / "html").exists()


@pytest.mark.build
def test_a_second_build_with_no_change_does_nothing_and_an_edit_rebuilds(tmp_path):
    src = small_book(tmp_path, "print(6 * 7)")
    out = tmp_path / "out"
    first = run_build(src, out)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    page = out / "_build" / "html" / "ch" / "chapter.html"
    assert "42" in page.read_text(encoding="utf-8")
    again = run_build(src, out)
    assert again.returncode == 0 and "html: up to date (no source" in again.stdout
    chapter = src / "ch" / "chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("6 * 7", "6 * 9"), encoding="utf-8")
    edited = run_build(src, out)
    assert edited.returncode == 0 and "html: up to date (no source" not in edited.stdout
    assert "54" in page.read_text(encoding="utf-8")


def test_the_fingerprint_sees_sources_and_settings_but_not_builds(tmp_path):
    src = small_book(tmp_path, "1")
    before = build.sources_fingerprint(src)
    (src / "_build" / "html").mkdir(parents=True)
    (src / "_build" / "html" / "page.html").write_text("built", encoding="utf-8")
    assert build.sources_fingerprint(src) == before
    assert build.sources_fingerprint(src, env={"IRANAZ_CHART_OUTPUT": "cdn"}) != before
    assert build.sources_fingerprint(src, builder="latex") != before
    (src / "ch" / "index.md").write_text("# A small book\n\nTwo words changed.\n", encoding="utf-8")
    assert build.sources_fingerprint(src) != before


@pytest.mark.build
def test_changed_inputs_rebuild_every_page_not_only_edited_ones(tmp_path):
    src = small_book(tmp_path, "print(6 * 7)")
    out = tmp_path / "out"
    assert run_build(src, out).returncode == 0
    # As if the data or the package had changed since: the stamp beside the cache no longer
    # matches, so the cache is cleared and every page is read again, its source unchanged.
    (out / "_build" / ".inputs.sha256").write_text("stale\n", encoding="utf-8")
    (out / "_build" / ".html.sources.sha256").unlink()
    again = run_build(src, out)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "chapter.md: Using cached notebook" in again.stdout + again.stderr


def test_kernel_noise_is_told_apart_from_sphinx_warnings():
    from .bookbuild import sphinx_warnings

    log = (
        "ERROR:tornado.general:Uncaught exception in ZMQStream callback\n"
        "[IPKernelApp] WARNING | Kernel is running over TCP without encryption.\n"
        "/book/notebooks/a.md:3: WARNING: undefined label: 'fig-x'\n"
        "/book/book/b.md: ERROR: Unknown directive type.\n"
    )
    assert sphinx_warnings(log) == ["/book/notebooks/a.md:3: WARNING: undefined label: 'fig-x'", "/book/book/b.md: ERROR: Unknown directive type."]
