"""File chores shared by the whole project: write a file only when its content changes,
fingerprint a set of files, pack files into a reproducible zip, say a file's size.

Writing only on change keeps a file's modification time, so Sphinx and ``make`` rebuild
nothing that did not change. A fingerprint (SHA-256 over each file's relative name and the
digest of its bytes) tells whether anything a result depends on has changed.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write ``content`` (text as UTF-8) unless the file already holds it; True if written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def walk(root: Path, skip: Iterable[str] = ()) -> Iterator[Path]:
    """Every file under ``root`` in a stable order, folders named in ``skip`` (or ending in
    ``.egg-info``) left out."""
    skip = set(skip)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.endswith(".egg-info"))
        for name in sorted(files):
            yield Path(folder, name)


def update_digest(h: Any, files: Iterable[Path], root: Path, label: str = "") -> None:
    """Feed ``h`` the name (relative to ``root``, under ``label``) and content digest of each file."""
    for p in files:
        h.update(f"{label}/{Path(p).relative_to(root).as_posix()}\0".encode())
        h.update(hashlib.sha256(Path(p).read_bytes()).digest())


def fingerprint(files: Iterable[Path], root: Path, prefix: bytes = b"") -> str:
    """SHA-256 over ``prefix`` and the names and contents of ``files`` (see :func:`update_digest`)."""
    h = hashlib.sha256(prefix)
    update_digest(h, files, root)
    return h.hexdigest()


#: The timestamp of every member of the project's zips: the same files give the same bytes.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def reproducible_zip(members: Iterable[tuple[str, bytes, int]]) -> bytes:
    """A zip of ``(name, content, mode)`` members, in the order given, each dated
    :data:`ZIP_DATE` and deflated at level 9: the same members give the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content, mode in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = mode << 16
            zf.writestr(info, content)
    return buf.getvalue()


def file_size(n: int) -> str:
    """A size as a reader reads it: "640 bytes", "12 KB", "1.4 MB" (never "0 KB")."""
    if n < 1000:
        return f"{n} bytes"
    return f"{round(n / 1024) or 1} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
