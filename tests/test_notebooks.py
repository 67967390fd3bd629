"""Every chapter executes top to bottom in a fresh kernel, from any working directory."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pandas as pd
import pytest
import yaml
from nbclient import NotebookClient

from iranaz import paths


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


def chart_dates(nb) -> list[str]:
    """Every 'date' value in the Vega-Lite specs a notebook's outputs carry."""
    dates = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            for mime, spec in o.get("data", {}).items():
                if "vegalite" in mime:
                    for values in spec.get("datasets", {}).values():
                        dates += [str(v["date"])[:10] for v in values if isinstance(v, dict) and "date" in v]
    return dates


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(path, tmp_path):
    nb = jupytext.read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    source = path.read_text(encoding="utf-8")
    if "charts." in source:
        mimes = {m for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) for m in o.get("data", {})}
        assert any("vegalite" in m for m in mimes), mimes
    if path.stem in PERIODS.index:
        # The chapter's window of dates matches the events it charts: its own period, and
        # nothing from a later one (earlier background is allowed).
        period = PERIODS.loc[path.stem]
        assert f'"{period["period_id"]}"' in source
        dates = chart_dates(nb)
        assert any(period["start"] <= d <= period["end"] for d in dates), "no event of the period is charted"
        assert max(dates) <= period["end"], f"charts events after the period ends: {max(dates)}"
    assert json.dumps(nb)  # outputs are serialisable
