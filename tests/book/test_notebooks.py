"""Every chapter executes top to bottom in a fresh kernel, and charts what its period holds.

The chapters are read as the session's build of the project executed them (one fresh kernel
each, from the chapter's folder), so the book's own execution is what is checked; one
chapter is also executed here, from a foreign working directory, as a student might run it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import jupytext
import pandas as pd
import pytest
from nbclient import NotebookClient

from iranaz import paths
from iranaz.book import downloads, toc

from .bookbuild import executed_notebooks, project_book

pytestmark = pytest.mark.build


def chapters() -> list[Path]:
    """Every page of the table of contents that is a notebook (MyST with a kernel)."""
    return [p.path for p in toc.pages(paths.ROOT) if p.path.suffix == ".md" and p.path.read_text(encoding="utf-8").startswith("---\njupytext:")]


@pytest.fixture(scope="module")
def executed() -> dict:
    book = project_book()
    assert book.returncode == 0, book.log[-6000:]
    return executed_notebooks(book)


def test_toc_lists_every_notebook():
    listed = {p.name for p in chapters()}
    on_disk = {p.name for p in (paths.ROOT / "notebooks").glob("*.md")}
    assert on_disk <= listed


PERIODS = pd.read_csv(paths.DATA / "periods.csv", dtype=str).set_index("chapter")


def chart_tables(nb) -> list[pd.DataFrame]:
    """The data behind every chart a notebook shows: the CSV files its download bar offers."""
    tables = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            payload = o.get("data", {}).get(downloads.MIME_DOWNLOADS)
            if payload and payload.get("kind") == "chart":
                tables += [pd.read_csv(io.StringIO(f["text"]), dtype=str) for f in payload["files"] if f["name"].endswith(".csv")]
    return tables


def chart_dates(nb) -> list[str]:
    """Every 'date' value in the data of the notebook's charts."""
    return [d[:10] for table in chart_tables(nb) if "date" in table.columns for d in table["date"].dropna()]


def check_executed(path: Path, nb) -> None:
    """What every executed chapter must show: no error, its charts' data, its period's events."""
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    source = path.read_text(encoding="utf-8")
    if "charts." in source:
        assert chart_tables(nb), "a chapter with charts shows no chart data"
    if path.stem in PERIODS.index:
        # The chapter's window of dates matches the events it charts: its own period, and
        # nothing from a later one (earlier background is allowed).
        period = PERIODS.loc[path.stem]
        assert f'"{period["period_id"]}"' in source
        dates = chart_dates(nb)
        assert any(period["start"] <= d <= period["end"] for d in dates), "no event of the period is charted"
        assert max(dates) <= period["end"], f"charts events after the period ends: {max(dates)}"
    assert json.dumps(nb)  # outputs are serialisable


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_executed_in_a_fresh_kernel(path: Path, executed: dict) -> None:
    assert path.stem in executed, f"{path.name} was not executed by the build"
    check_executed(path, executed[path.stem])


def test_a_chapter_runs_from_any_working_directory(tmp_path: Path) -> None:
    path = next(p for p in chapters() if p.stem in PERIODS.index)
    nb = jupytext.read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    check_executed(path, nb)
