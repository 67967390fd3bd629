"""The book build (``make book``, ``python -m iranaz build``): validate the data, execute the
chapters on every core, then one strict Sphinx build; nothing at all when nothing changed.

Jupyter Book's cache re-executes a chapter only when its code cells change. Our chapters
read the data and the package, so a change there must re-execute them too: the cache is
cleared whenever the fingerprint of those inputs changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import files, paths, validate
from . import mark_book_build, toc

#: What the chapters' outputs depend on: the data, the package (code, templates, loader), the config.
INPUT_GLOBS = (
    "data/*.csv",
    "data/datapackage.json",
    "data/sources/**/*.txt",
    "iranaz/**/*.py",
    "iranaz/**/*.html",
    "iranaz/**/*.js",
    "iranaz/**/*.css",
    "_config.yml",
)


def inputs_fingerprint(root: Path | None = None) -> str:
    """SHA-256 over the names and contents of every file the chapters read."""
    root = Path(root or paths.ROOT)
    return files.fingerprint([p for pattern in INPUT_GLOBS for p in sorted(root.glob(pattern))], root)


def guard_execution_cache(build_dir: Path | None = None, root: Path | None = None, cache: Path | None = None) -> bool:
    """Clear the execution cache (``cache``, default ``_build/.jupyter_cache``) if the inputs
    changed since it was filled; True when it was cleared. The stamp sits beside the cache."""
    cache = Path(cache or Path(build_dir or paths.BUILD_DIR) / ".jupyter_cache")
    stamp = cache.parent / ".inputs.sha256"
    now = inputs_fingerprint(root)
    if stamp.exists() and stamp.read_text().strip() == now:
        return False
    shutil.rmtree(cache, ignore_errors=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(now + "\n")
    return True


# --- The book build: chapters executed on every core, then one Sphinx build -----------------

#: The arguments of every build: nit-picky, warnings are errors, all of them reported.
STRICT = ("-n", "-W", "--keep-going")


@dataclass(frozen=True)
class ExecutionFailure:
    """A chapter whose code raised: the file and the cell's traceback."""

    path: Path
    traceback: str

    def __str__(self) -> str:
        return f"{self.path}: a cell raised while executing the chapter\n{self.traceback}"


def execution_cache_path(src: Path | None = None, path_output: Path | None = None) -> Path:
    """Where ``jupyter-book build`` keeps executed notebooks: ``execute.cache`` of
    ``_config.yml`` if set, else ``<path_output>/_build/.jupyter_cache``."""
    src = Path(src or paths.ROOT)
    config = yaml.safe_load((src / "_config.yml").read_text(encoding="utf-8")) or {}
    configured = (config.get("execute") or {}).get("cache")
    if configured:
        return Path(configured) if Path(configured).is_absolute() else src / configured
    return Path(path_output or src) / "_build" / ".jupyter_cache"


def _read_notebook(path: Path) -> Any:
    """The notebook exactly as myst-nb reads it for the build, so cache keys agree."""
    import nbformat
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return read_myst_markdown_notebook(text, add_source_map=True, path=str(path)) if is_myst_markdown_notebook(text) else None
    return nbformat.reads(text, as_version=4)


def _execute_one(path: str, timeout: int) -> tuple[str, Any, float, str | None]:
    """Worker: run one chapter in a fresh kernel from its own folder (as myst-nb does)."""
    from jupyter_cache.executors.utils import single_nb_execution

    mark_book_build()  # in this worker only: the kernel it starts inherits it
    nb = _read_notebook(Path(path))
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False, meta_override=True)
    return path, result.nb, result.time, result.exc_string if result.err is not None else None


def execute_chapters(src: Path | None = None, cache_path: Path | None = None, jobs: int | None = None, timeout: int = 180) -> list[ExecutionFailure]:
    """Execute every chapter not yet in the execution cache, ``jobs`` at a time, and store
    the results where the Sphinx build will find them (the cache is keyed on the code cells).

    myst-nb would run the chapters one after the other inside the Sphinx build; run here on
    every core, a clean build of the book takes about half as long. A chapter that fails is
    not cached and is returned, with its traceback.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    src = Path(src or paths.ROOT)
    cache = get_cache(str(cache_path or execution_cache_path(src)))
    todo = []
    for path in (page.path for page in toc.pages(src)):
        nb = _read_notebook(path)
        if nb is None or not any(c.cell_type == "code" for c in nb.cells):
            continue
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            todo.append(str(path))
    if not todo:
        return []
    failures = []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for path, nb, seconds, error in pool.map(_execute_one, todo, [timeout] * len(todo)):
            if error is not None:
                failures.append(ExecutionFailure(Path(path), error))
                continue
            cache.cache_notebook_bundle(CacheBundleIn(nb, path, data={"execution_seconds": seconds}), check_validity=False, overwrite=True)
    return failures


#: Folders that are not the book's sources: builds, environments, caches, tooling.
NOT_SOURCES = {".git", "_build", ".venv", ".venv-cff", "node_modules", "artifacts", "__pycache__", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"}
#: Settings read from the environment that change what a build writes.
BUILD_SETTINGS_ENV = ("IRANAZ_CHART_OUTPUT", "PYTHONHASHSEED")


def sources_fingerprint(src: Path | None = None, builder: str = "html", env: dict[str, str] | None = None) -> str:
    """SHA-256 over everything a build of ``src`` depends on: every file of the source tree
    (builds, environments and caches excepted), the code of the imported package, the
    installed versions of the Python packages, the builder and the settings in
    :data:`BUILD_SETTINGS_ENV`. Equal fingerprints mean the build would write the same book."""
    from importlib import metadata

    src = Path(src or paths.ROOT)
    env = {**os.environ, **(env or {})}
    h = hashlib.sha256(f"{builder}\0{sys.version}\0".encode())
    for k in BUILD_SETTINGS_ENV:
        h.update(f"{k}={env.get(k, '')}\0".encode())
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    h.update("\n".join(versions).encode())
    package = Path(__file__).resolve().parent.parent  # the whole iranaz package
    for label, root in (("src", src), ("package", package)):
        files.update_digest(h, files.walk(root, NOT_SOURCES), root, label)
    return h.hexdigest()


def build_book(
    src: Path | None = None,
    path_output: Path | None = None,
    builder: str = "html",
    jobs: int | None = None,
    env: dict[str, str] | None = None,
    capture: bool = True,
) -> subprocess.CompletedProcess:
    """The whole build: nothing if no input changed since the last good build (as ``make``
    would); else check the data (:func:`iranaz.validate.check`), clear a stale execution
    cache, execute the chapters on every core, then ``jupyter-book build -n -W --keep-going``,
    which reuses those results.

    A chapter that fails stops the build before Sphinx starts, with its traceback on stderr.
    With ``capture=False`` the output goes to the console as it comes.
    """
    src = Path(src or paths.ROOT)
    build_dir = Path(path_output or src) / "_build"
    stamp = build_dir / f".{builder}.sources.sha256"
    before = sources_fingerprint(src, builder, env)
    if stamp.exists() and stamp.read_text().strip() == before and (build_dir / builder).is_dir():
        message = f"{build_dir / builder}: up to date (no source, data, package or setting changed since the last build)\n"
        if not capture:
            print(message, end="")
        return subprocess.CompletedProcess([], 0, message if capture else None, "" if capture else None)
    stamp.unlink(missing_ok=True)
    try:
        validate.check(paths.DATA)  # the tables the chapters load
    except validate.DataError as err:
        if not capture:
            print(err, file=sys.stderr)
        return subprocess.CompletedProcess([], 1, "" if capture else None, str(err) if capture else None)
    cache_path = execution_cache_path(src, path_output)
    # New data or package code: every page must be read and written again, not only those
    # whose source changed (Sphinx alone would keep the old outputs of the others).
    everything = guard_execution_cache(cache=cache_path)
    failures = execute_chapters(src, cache_path, jobs=jobs)
    if failures:
        text = "\n\n".join(map(str, failures))
        message = f"{len(failures)} chapter(s) failed to execute; the book was not built.\n\n{text}\n"
        if not capture:
            print(message, file=sys.stderr)
        return subprocess.CompletedProcess([], 1, "" if capture else None, message if capture else None)
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(src), "--builder", builder, *STRICT, *(["--all"] if everything else [])]
    if path_output is not None:
        cmd += ["--path-output", str(path_output)]
    done = subprocess.run(cmd, cwd=src, env={**os.environ, **(env or {})}, capture_output=capture, text=True)
    # The stamp is left only when the build passed and nothing changed while it ran (the
    # bibliography it regenerates included), so a later run may trust it.
    if done.returncode == 0 and sources_fingerprint(src, builder, env) == before:
        stamp.write_text(before + "\n")
    return done

