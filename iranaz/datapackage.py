"""The one reader of the data package: ``datapackage.json`` and the CSV tables it lists.

Every part of the project (validation, the tables the chapters load, the data card, the
downloads, the bibliography) reads the descriptor and the tables through these functions,
so a table is parsed one way everywhere: UTF-8, every cell a string, empty cells as "".
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from . import paths

DESCRIPTOR = "datapackage.json"


def descriptor(data_dir: Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of ``data_dir`` (default: the project's ``data/``)."""
    return json.loads((Path(data_dir or paths.DATA) / DESCRIPTOR).read_text(encoding="utf-8"))


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, every cell a string."""
    reader = csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def rows(name: str, data_dir: Path | None = None) -> list[dict[str, str]]:
    """The rows of the table ``name`` (its file is ``<name>.csv``)."""
    return read_rows(Path(data_dir or paths.DATA) / f"{name}.csv")[1]


def frame(name: str, data_dir: Path | None = None) -> Any:
    """The table ``name`` as a pandas DataFrame of strings (empty cells as "")."""
    import pandas as pd

    return pd.read_csv(Path(data_dir or paths.DATA) / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def write_rows(path: Path, header: list[str], table: list[dict[str, str]]) -> None:
    """Write rows as the project's CSV files are written: a header row, ``\\n`` line ends."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(table)
