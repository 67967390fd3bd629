"""Versions a citation can trust: the data's releases, and every change since the last one.

``data/releases.csv`` lists each release of the data with the git commit it was cut from
(also tagged ``v<version>``). ``data/changes.csv`` records every change to a cited record
since the previous release, one row per field: version, table, record id, field, old value,
new value and the reason. An added or removed record is one row whose field is ``(row)``.

:func:`unrecorded` compares the tables with the previous release, read from git history, and
returns every difference that ``changes.csv`` does not record, so a correction can never be
made in place without leaving a trace: an event id is never reused or renumbered, and an
event withdrawn keeps its row (status ``withdrawn``) so that an old citation still resolves.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import datapackage, paths

#: The tables whose records readers cite, and the column that identifies a record.
TRACKED = {"events": ("event_id",), "sources": ("source_id",), "evidence": ("event_id", "source_id")}
ADDED_OR_REMOVED = "(row)"


@dataclass(frozen=True)
class Difference:
    """One field of one record that differs from the previous release."""

    table: str
    record_id: str
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        if self.field == ADDED_OR_REMOVED:
            what = "added" if self.new else "removed"
            return f"{self.table} {self.record_id} was {what} since the previous release"
        return f"{self.table} {self.record_id}, field '{self.field}': {self.old!r} became {self.new!r} since the previous release"


def previous_release(data_dir: Path | None = None) -> dict[str, str] | None:
    """The last row of ``releases.csv`` with a commit: the release the tables are compared with."""
    rows = datapackage.rows("releases", data_dir)
    done = [r for r in rows if r["commit"]]
    return done[-1] if done else None


def git_available(root: Path | None = None) -> bool:
    """True inside a git checkout of the project (a downloaded data package has no history)."""
    root = Path(root or paths.ROOT)
    try:
        return subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True, text=True).returncode == 0
    except FileNotFoundError:
        return False


def table_at(commit: str, name: str, root: Path | None = None) -> list[dict[str, str]]:
    """The rows of ``data/<name>.csv`` as committed in ``commit``."""
    proc = subprocess.run(["git", "show", f"{commit}:data/{name}.csv"], cwd=root or paths.ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LookupError(f"data/{name}.csv at commit {commit}: {proc.stderr.strip()}")
    import csv

    return list(csv.DictReader(io.StringIO(proc.stdout, newline="")))


def _key(row: dict[str, str], cols: tuple[str, ...]) -> str:
    return "|".join(row[c] for c in cols)


def differences(old: dict[str, list[dict[str, str]]], new: dict[str, list[dict[str, str]]]) -> list[Difference]:
    """Every record added or removed and every field changed, table by table."""
    out: list[Difference] = []
    for table, cols in TRACKED.items():
        before = {_key(r, cols): r for r in old.get(table, [])}
        after = {_key(r, cols): r for r in new.get(table, [])}
        for k in before.keys() - after.keys():
            out.append(Difference(table, k, ADDED_OR_REMOVED, "present", ""))
        for k in after.keys() - before.keys():
            out.append(Difference(table, k, ADDED_OR_REMOVED, "", "present"))
        for k in before.keys() & after.keys():
            for field in sorted(set(before[k]) | set(after[k])):
                if field in cols:
                    continue
                a, b = before[k].get(field, ""), after[k].get(field, "")
                if a != b and not (field not in before[k] and b == ""):
                    out.append(Difference(table, k, field, a, b))
    return sorted(out, key=lambda d: (d.table, d.record_id, d.field))


def unrecorded(data_dir: Path | None = None, root: Path | None = None) -> list[Difference]:
    """Differences from the previous release that ``changes.csv`` does not record (a column
    added since, such as ``kind``, needs no row while it was absent before)."""
    release = previous_release(data_dir)
    if release is None:
        return []
    old = {t: table_at(release["commit"], t, root) for t in TRACKED}
    new = {t: datapackage.rows(t, data_dir) for t in TRACKED}
    recorded = {(c["table"], c["record_id"], c["field"]) for c in datapackage.rows("changes", data_dir)}
    return [d for d in differences(old, new) if (d.table, d.record_id, d.field) not in recorded and not _new_column(d, old)]


def _new_column(d: Difference, old: dict[str, list[dict[str, str]]]) -> bool:
    rows = old.get(d.table) or [{}]
    return d.field != ADDED_OR_REMOVED and d.field not in rows[0]
