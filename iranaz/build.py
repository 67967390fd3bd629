"""Build helpers: keep the notebook execution cache honest.

Jupyter Book's cache re-executes a chapter only when its code cells change. Our chapters
read the data and the package, so a change there must re-execute them too: the cache is
cleared whenever the fingerprint of those inputs changes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from . import paths

INPUT_GLOBS = ("data/*.csv", "data/datapackage.json", "data/sources/**/*.txt", "iranaz/**/*.py", "_config.yml")


def inputs_fingerprint(root: Path | None = None) -> str:
    """SHA-256 over the names and bytes of every file the chapters read."""
    root = Path(root or paths.ROOT)
    h = hashlib.sha256()
    for pattern in INPUT_GLOBS:
        for p in sorted(root.glob(pattern)):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def guard_execution_cache(build_dir: Path | None = None, root: Path | None = None) -> bool:
    """Clear ``_build/.jupyter_cache`` if the inputs changed; True when it was cleared."""
    build_dir = Path(build_dir or paths.BUILD_DIR)
    stamp = build_dir / ".inputs.sha256"
    now = inputs_fingerprint(root)
    if stamp.exists() and stamp.read_text().strip() == now:
        return False
    shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(now + "\n")
    return True
