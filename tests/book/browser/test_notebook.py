"""A student re-running a chapter in Jupyter without network sees its charts.

A chapter is executed with nbclient, as JupyterLab would run it: outside the book build the
first chart of the kernel carries the Vega bundle inline, once for nbclient's one connection
(a reloaded JupyterLab tab connects anew and gets it again: ``test_jupyterlab.py``), and every
chart's output draws from it. The outputs are then opened, in order, in a browser cut off from the network.
Executed as the book build does (``IRANAZ_BOOK_BUILD=1``), no output carries the bundle.
"""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from iranaz import paths
from iranaz.book import offline

from .conftest import toc_pages

BUNDLE_MARKER = "window.iranazVega="  # the end of vl-convert's bundle


def chart_chapter() -> Path:
    """The first chapter of the table of contents that draws charts."""
    for page in toc_pages():
        src = paths.ROOT / page.replace(".html", ".md")
        if src.exists() and "charts." in src.read_text(encoding="utf-8"):
            return src
    raise AssertionError("no chapter draws a chart")


def execute(src: Path, book_build: bool) -> nbformat.NotebookNode:
    nb = jupytext.read(src)
    saved = os.environ.get(offline.BOOK_BUILD_ENV)
    if book_build:
        os.environ[offline.BOOK_BUILD_ENV] = "1"
    else:
        os.environ.pop(offline.BOOK_BUILD_ENV, None)
    try:  # the kernel inherits this process's environment
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}).execute()
    finally:
        if saved is None:
            os.environ.pop(offline.BOOK_BUILD_ENV, None)
        else:
            os.environ[offline.BOOK_BUILD_ENV] = saved
    return nb


def html_outputs(nb: nbformat.NotebookNode) -> list[str]:
    return [
        out["data"]["text/html"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "text/html" in out.get("data", {})
    ]


@pytest.fixture(scope="module")
def student_run() -> list[str]:
    """The HTML outputs of a chart chapter executed outside the book build."""
    return html_outputs(execute(chart_chapter(), book_build=False))


def test_outside_the_book_the_bundle_travels_once(student_run: list[str]) -> None:
    charts = [h for h in student_run if f'class="{offline.CHART_CLASS}"' in h]
    assert charts, "the chapter displayed no chart"
    with_bundle = [i for i, h in enumerate(charts) if BUNDLE_MARKER in h]
    assert with_bundle == [0], "the first chart, and only it, carries the bundle"
    assert offline.wrapped_bundle() in charts[0]
    assert all(len(h) < 200_000 for h in charts[1:])


def test_in_the_book_build_no_output_carries_the_bundle() -> None:
    outputs = html_outputs(execute(chart_chapter(), book_build=True))
    assert any(f'class="{offline.CHART_CLASS}"' in h for h in outputs)
    assert not any(BUNDLE_MARKER in h for h in outputs)


def test_student_outputs_draw_offline(browsing, student_run: list[str]) -> None:
    """The saved outputs alone, in a page with no other script or style, draw every chart."""
    cells = "".join(f'<div class="jp-OutputArea-output">{h}</div>' for h in student_run)
    page = f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>notebook</title></head><body>{cells}</body></html>'
    visit = browsing.open("notebook/index.html", html=page)
    states = visit.page.evaluate("() => [...document.querySelectorAll('div.iranaz-chart')].map(d => d.dataset.iranazState)")
    assert states and states == ["drawn"] * len(states)
    assert visit.page.evaluate("() => document.querySelectorAll('div.iranaz-chart svg.marks').length") == len(states)
    assert visit.requested == [visit.page.url], "the outputs fetched something"
    assert visit.problems() == []
