"""The book's own source as one versioned archive, offered on every chapter page.

``iranaz-book-<version>-source.zip`` holds one folder, ``iranaz-book-<version>/``, with what
it takes to rebuild and test the book (README, Makefile, pins, ``pyproject.toml``, the
configuration, ``book/``, ``notebooks/``, ``data/``, ``iranaz/``, ``tests/``, ``bench/``,
``.ci/``, the npm lock, the licences and ``CITATION.cff``): unpacked, ``make book`` works in it.

Which files (:func:`source_files`):

* in a git checkout (the book's folder is the top of its work tree): every file git tracks
  (``git ls-files``), as it is now in the working tree: an edit not yet committed is in, an
  untracked file is not, a tracked file deleted since is left out;
* anywhere else (an unpacked archive, a partial copy such as the tests' copies of the book):
  every file under the top-level names of :data:`FALLBACK` that exists there, minus the
  folders of :data:`iranaz.book.build.NOT_SOURCES` (builds, environments, caches),
  ``*.egg-info`` and compiled Python. :data:`FALLBACK` names what the repository tracks, so
  an unpacked archive gives the same archive again; a partial copy gives an archive of what
  it holds.

The archive is reproducible: members in path order, each dated :data:`iranaz.files.ZIP_DATE`, mode 644
(755 for an executable), deflated at level 9; the same files give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import files
from .build import NOT_SOURCES
from .metadata import metadata

#: Top-level files and folders of the source when git cannot list them (the repository's own).
FALLBACK = (
    ".ci", ".gitignore", "CITATION.cff", "LICENSE", "LICENSE-CC-BY-4.0.txt", "Makefile", "README.md",
    "_config.yml", "_toc.yml", "bench", "book", "data", "docs", "eslint.config.mjs", "iranaz",
    "jupyterlab-overrides.json", "notebooks", "package-lock.json", "package.json", "pyproject.toml", "reference",
    "requirements-cff.txt", "requirements.txt", "runtime.txt", "tests",
)
#: Where the HTML build puts the archive (beside the chapters' ``.ipynb``).
HTML_FOLDER = "_sources"


def archive_base(root: Path | None = None) -> str:
    """``iranaz-book-<version>``: the archive's folder, and its file name before ``-source.zip``."""
    return f"iranaz-book-{metadata(root).version}"


def archive_name(root: Path | None = None) -> str:
    return f"{archive_base(root)}-source.zip"


def git_files(root: Path) -> list[str] | None:
    """The files git tracks under ``root``, or None when ``root`` is not the top of a work tree."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True)
        if Path(top.stdout.strip()).resolve() != root.resolve():
            return None
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in listed.stdout.decode("utf-8").split("\0") if name]


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(p in NOT_SOURCES or p.endswith(".egg-info") for p in parts) or parts[-1].endswith((".pyc", ".pyo"))


def fallback_files(root: Path) -> list[str]:
    """Every file under :data:`FALLBACK` in ``root``, builds, environments and caches excepted."""
    found = []
    for name in FALLBACK:
        top = root / name
        candidates = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
        found += [p.relative_to(root).as_posix() for p in candidates if not _skipped(p.relative_to(root).parts)]
    return found


def source_files(root: Path) -> list[str]:
    """The archive's files, as sorted POSIX paths relative to ``root`` (see the module's doc)."""
    root = Path(root)
    names = git_files(root)
    if names is None:
        names = fallback_files(root)
    return sorted(n for n in names if (root / n).is_file() and not (root / n).is_symlink() and not _skipped(Path(n).parts))


def source_zip(root: Path | None = None) -> tuple[str, bytes]:
    """``(file name, bytes)`` of the source archive of the book at ``root``."""
    root = Path(root or metadata().root)
    base = archive_base(root)
    members = ((f"{base}/{name}", (root / name).read_bytes(), 0o755 if os.access(root / name, os.X_OK) else 0o644) for name in source_files(root))
    return archive_name(root), files.reproducible_zip(members)


#: What a reader needs at the top of the archive to type ``make book``.
RUNNABLE = ("Makefile", "README.md", "requirements.txt", "pyproject.toml", "iranaz")


@dataclass(frozen=True)
class SourceArchive:
    """What the pages say about the archive: name, size in bytes, number of files, SHA-256,
    and its top-level names (files and folders)."""

    name: str
    size: int
    n_files: int
    sha256: str
    top: tuple[str, ...]

    @property
    def runnable(self) -> bool:
        """True if it holds what ``make book`` needs (a partial copy's archive may not)."""
        return all(n in self.top for n in RUNNABLE)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "n_files": self.n_files, "sha256": self.sha256, "top": list(self.top), "runnable": self.runnable}


def describe(name: str, content: bytes) -> SourceArchive:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.namelist()
    top = tuple(sorted({n.split("/")[1] for n in names}))
    return SourceArchive(name, len(content), len(names), hashlib.sha256(content).hexdigest(), top)

