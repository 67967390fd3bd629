"""``make lab``: JupyterLab on notebooks/, where a MyST chapter opens as a notebook."""

from __future__ import annotations

from pathlib import Path

import jupytext

from iranaz import paths

from .lab import LabSession, run_lab

CHAPTER = "02_thaw_2014.md"
#: jupyterlab-overrides.json: a Markdown or MyST file opens in jupytext's notebook view.
VIEWERS = {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def check_lab(session: LabSession, root: Path) -> None:
    """The chapter comes back as a notebook with the chapter's code cells, it is a notebook
    even unasked, the default viewers are jupytext's, and the server stopped cleanly."""
    assert session.notebook is not None, session.log[-4000:]
    assert session.notebook["type"] == "notebook" and session.notebook["format"] == "json"
    code = [c["source"] for c in session.notebook["content"]["cells"] if c["cell_type"] == "code"]
    assert code and code == [c.source for c in jupytext.read(root / "notebooks" / CHAPTER).cells if c.cell_type == "code"]
    assert session.default_type == "notebook"
    assert session.default_viewers == VIEWERS
    assert session.returncode == 0, session.log[-4000:]


def test_make_lab_opens_the_chapters_as_notebooks():
    check_lab(run_lab(paths.ROOT, CHAPTER), paths.ROOT)
