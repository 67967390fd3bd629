"""How a table appears on a page: plain, accessible and the same at every build.

pandas' Styler (``df.style.hide(axis="index")``) gives each cell an id and classes and the
table a random id: about twice the bytes of the table's own text, and a different page at
every build. :func:`table` writes the rows and nothing else.
"""

from __future__ import annotations

import html

import pandas as pd


class Table:
    """A DataFrame shown without its index, every cell escaped (source text stays text)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False, border=0, classes="iranaz-table", escape=True, na_rep="", justify="left")

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


class Tables:
    """Several tables one after the other, each with its name as a caption (escaped)."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames

    def _repr_html_(self) -> str:
        parts = []
        for name, frame in self.frames.items():
            body = Table(frame.reset_index(drop=True))._repr_html_()
            head, sep, rest = body.partition(">")
            parts.append(f"{head}{sep}\n  <caption>{html.escape(name)}</caption>{rest}")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return "\n\n".join(f"{name}\n{Table(frame)!r}" for name, frame in self.frames.items())


def table(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> Table:
    """``frame`` for display in a chapter: header row, rows, no index, no styling ids;
    ``formats`` maps a column to a format string (``{"Goldstein": "{:+.1f}"}``)."""
    frame = frame.reset_index(drop=True)
    if formats:
        frame = frame.assign(**{col: frame[col].map(fmt.format) for col, fmt in formats.items()})
    return Table(frame)
