"""The data card: every table and column of ``datapackage.json``, described for readers.

Generated from the package descriptor and the CSV files, so the documentation of the
data cannot drift from the data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datapackage, paths


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of: " + ", ".join(map(str, c["enum"])))
    if "pattern" in c:
        parts.append(f"pattern {c['pattern']}")
    if "minimum" in c or "maximum" in c:
        parts.append(f"range {c.get('minimum', '')}..{c.get('maximum', '')}")
    if "minLength" in c:
        parts.append(f"at least {c['minLength']} characters")
    return "; ".join(parts)


def package(path: Path | None = None) -> dict:
    """The parsed ``datapackage.json``."""
    return datapackage.descriptor(Path(path or paths.DATAPACKAGE).parent)


def tables_overview(path: Path | None = None) -> pd.DataFrame:
    """One row per table: name, title, rows, columns, primary key, description."""
    pkg = package(path)
    base = Path(path or paths.DATAPACKAGE).parent
    rows = []
    for r in pkg["resources"]:
        n = len(datapackage.read_rows(base / r["path"])[1])
        pk = r["schema"].get("primaryKey", [])
        rows.append(
            {
                "table": r["name"],
                "file": r["path"],
                "rows": n,
                "columns": len(r["schema"]["fields"]),
                "primary key": ", ".join(pk if isinstance(pk, list) else [pk]),
                "description": r["description"],
            }
        )
    return pd.DataFrame(rows)


def columns(path: Path | None = None) -> pd.DataFrame:
    """One row per column of every table: type, constraints, foreign key, description."""
    pkg = package(path)
    rows = []
    for r in pkg["resources"]:
        fks = {fk["fields"][0]: f"{fk['reference']['resource']}.{fk['reference']['fields'][0]}" for fk in r["schema"].get("foreignKeys", [])}
        for f in r["schema"]["fields"]:
            rows.append(
                {
                    "table": r["name"],
                    "column": f["name"],
                    "type": f["type"],
                    "constraints": _constraints(f),
                    "references": fks.get(f["name"], ""),
                    "description": f["description"],
                }
            )
    return pd.DataFrame(rows)
