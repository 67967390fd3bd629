"""Every chapter executes top to bottom in a fresh kernel, from any working directory."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jupytext
import pandas as pd
import pytest
import yaml
from nbclient import NotebookClient

from iranaz import downloads, paths


def chapters() -> list[Path]:
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    out = []
    for f in files:
        p = paths.ROOT / f"{f}.md"
        if p.exists() and p.read_text(encoding="utf-8").startswith("---\njupytext:"):
            out.append(p)
    return out


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


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(path, tmp_path):
    nb = jupytext.read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
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
