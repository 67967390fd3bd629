"""The data card: every table and column of ``datapackage.json``, described for readers.

Generated from the package descriptor and the CSV files, so the documentation of the
data cannot drift from the data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datapackage, display, paths


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
    """One row per table: its name, rows, columns and what it holds. Narrow columns, so the
    descriptions read whole in the text column (each table's file is ``data/<name>.csv``;
    its key is marked in its columns)."""
    pkg = package(path)
    base = Path(path or paths.DATAPACKAGE).parent
    rows = []
    for r in pkg["resources"]:
        n = len(datapackage.read_rows(base / r["path"])[1])
        rows.append({"table": r["name"], "rows": f"{n:,}", "columns": len(r["schema"]["fields"]), "description": r["description"]})
    return pd.DataFrame(rows)


def columns(path: Path | None = None) -> pd.DataFrame:
    """One row per column of every table: type, key, constraints, foreign key, description."""
    pkg = package(path)
    rows = []
    for r in pkg["resources"]:
        fks = {fk["fields"][0]: f"{fk['reference']['resource']}.{fk['reference']['fields'][0]}" for fk in r["schema"].get("foreignKeys", [])}
        pk = r["schema"].get("primaryKey", [])
        pk = pk if isinstance(pk, list) else [pk]
        for f in r["schema"]["fields"]:
            rows.append(
                {
                    "table": r["name"],
                    "column": f["name"],
                    "type": f["type"],
                    "key": f["name"] in pk,
                    "constraints": _constraints(f),
                    "references": fks.get(f["name"], ""),
                    "description": f["description"],
                }
            )
    return pd.DataFrame(rows)


def _column_text(row: pd.Series) -> str:
    """A column's description, then what it must be: "… Key; required; unique. Refers to actors.actor_id." """
    rules = "; ".join(x for x in ("key" if row["key"] else "", row["constraints"]) if x)
    text = row["description"].rstrip()
    if rules:
        text += f" {rules[0].upper()}{rules[1:]}."
    if row["references"]:
        text += f" Refers to {row['references']}."
    return text


def column_tables(path: Path | None = None) -> display.Tables:
    """The columns of each table, as one three-column table per data table (column, type,
    description with its constraints), captioned with the table's name."""
    cols = columns(path)
    return display.Tables(
        {
            name: pd.DataFrame({"column": g["column"], "type": g["type"], "description": [_column_text(r) for _, r in g.iterrows()]})
            for name, g in cols.groupby("table", sort=False)
        }
    )
