"""Every chapter executes top to bottom in a fresh kernel, from any working directory."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
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


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(path, tmp_path):
    nb = jupytext.read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    if "charts." in path.read_text(encoding="utf-8"):
        mimes = {m for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) for m in o.get("data", {})}
        assert any("vegalite" in m or m == "text/html" for m in mimes), mimes
    assert json.dumps(nb)  # outputs are serialisable
