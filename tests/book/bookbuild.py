"""The books the tests build, each once per test session.

* :func:`project_book`: the project as a reader gets it, the book's source archive
  (:mod:`iranaz.book.source`) unpacked into a temp folder, built there by ``make book`` as
  typed (which creates that copy's own ``.venv``): the README's first command. The browser
  tests read it, the chapter tests read its executed notebooks, the README test runs the
  other commands in the same copy, and it is the first of the two clean builds compared.
* :func:`full_book`: a copy of the book plus a fixture chapter that calls every reuse API
  (citations, downloads, print); the second clean build.
* :func:`mini_book`: a two-page copy whose metadata sets the repository and published URLs.

Each build copies the book's sources (``_config.yml``, ``_toc.yml``, ``book/``,
``notebooks/``, ``data/``, the generated citation and licence files) into a temporary
folder, optionally changes the configuration or adds a fixture chapter, and builds it with
``python -m iranaz build`` (``jupyter-book build -n -W --keep-going`` after the chapters are
executed): never in the project's own ``_build``.

Notebook execution is cached across test runs under the system temp folder, keyed by the
fingerprint of everything a chapter reads (:func:`iranaz.book.build.inputs_fingerprint`), so a
change of data or code executes every chapter afresh. Each build is made once per test
session (``lru_cache``) and shared by the test modules that need it.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from iranaz import paths
from iranaz.book import build

COPIED = ("_config.yml", "_toc.yml", "book", "notebooks", "reference", "data", "CITATION.cff", "LICENSE", "LICENSE-CC-BY-4.0.txt")
FIXTURE_DOC = "notebooks/zz_reuse_fixture"
FIXTURE_TITLE = "Reuse fixture: downloads and citations"
FIXTURE_CHART = "fixture-timeline"
FIXTURE_CHART_TITLE = "Fixture timeline of every event"
#: Sources the fixture chapter cites; the real chapters cite some of them too, which is the point.
FIXTURE_CITES = ("almonitor-2014-04-11", "commonspace-2014-04-09")
TEST_REPOSITORY = "https://github.com/example-org/iran-azerbaijan-book"
TEST_BASEURL = "https://example.org/iran-azerbaijan-book"

NOTEBOOK_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

FIXTURE_CHAPTER = NOTEBOOK_HEADER + f"""
# {FIXTURE_TITLE}

```{{code-cell}} ipython3
:tags: [remove-cell]

from iranaz import charts, tables
from iranaz.book import cite, downloads

t = tables.load()
```

The visit is reported by Al-Monitor {{cite:p}}`{FIXTURE_CITES[0]}` and by commonspace.eu
{{cite:p}}`{FIXTURE_CITES[1]}`, both also cited by other chapters.

```{{code-cell}} ipython3
---
tags: [remove-input]
mystnb:
  figure:
    name: fig-fixture-timeline
    caption: Every event, for the downloads test.
---
downloads.figure(charts.timeline(t.events, title="{FIXTURE_CHART_TITLE}"), "{FIXTURE_CHART}")
```

## The data package

```{{code-cell}} ipython3
:tags: [remove-input]

downloads.data_package()
```

## Sources

```{{bibliography}}
:filter: docname in docnames
:list: bullet
```

## Cite this chapter

```{{code-cell}} ipython3
:tags: [remove-input]

cite.chapter_block("zz_reuse_fixture")
```
"""

MINI_INDEX = "# Mini book\n\nA two-page book for the repository-URL test.\n"
MINI_CHAPTER = NOTEBOOK_HEADER + """
# A mini chapter

```{code-cell} ipython3
:tags: [remove-cell]

from iranaz.book import cite
```

A chapter citing {cite:p}`almonitor-2014-04-11`.

## Cite this chapter

```{code-cell} ipython3
:tags: [remove-input]

cite.chapter_block("mini_chapter")
```
"""


@dataclass(frozen=True)
class Built:
    """A built copy of the book."""

    src: Path  # the copied sources
    html: Path  # the built HTML
    returncode: int
    log: str

    def page(self, docname: str) -> str:
        return (self.html / f"{docname}.html").read_text(encoding="utf-8")


def execution_cache() -> Path:
    """Jupyter cache shared by the test builds, valid while the chapters' inputs are unchanged."""
    fp = build.inputs_fingerprint()[:16]
    base = Path(tempfile.gettempdir()) / "iranaz-test-execution-cache"
    for old in base.glob("*"):
        if old.name != fp:
            shutil.rmtree(old, ignore_errors=True)
    return base / fp


def new_folder(prefix: str) -> Path:
    """A temporary folder for a copy of the book, removed (with its build) when the tests end."""
    src = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, src.parent / f"{src.name}-out", ignore_errors=True)
    atexit.register(shutil.rmtree, src, ignore_errors=True)
    return src


def copy_book(dst: Path) -> Path:
    """Copy the book's sources to ``dst`` (data without its staging area)."""
    for name in COPIED:
        src = paths.ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("staging", "__pycache__", ".ipynb_checkpoints"))
        elif src.is_file():
            shutil.copy2(src, dst / name)
    return dst


def edit_yaml(path: Path, edit) -> None:
    """Apply ``edit`` to a YAML file (comments are not kept: only for copies)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def run_build(src: Path) -> Built:
    """A build of ``src`` into a sibling folder, as ``make book`` runs it (``python -m iranaz
    build``: chapters executed on every core, then Sphinx with warnings as errors)."""
    out = src.parent / f"{src.name}-out"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("IRANAZ_BOOK_BUILD", None)  # set by the build itself, never by a test
    proc = subprocess.run(
        [sys.executable, "-m", "iranaz", "build", "--source", str(src), "--path-output", str(out)],
        cwd=src, env=env, capture_output=True, text=True, timeout=1800,
    )
    out.mkdir(parents=True, exist_ok=True)  # a build stopped before Sphinx leaves no folder
    (out / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    (out / "returncode").write_text(str(proc.returncode), encoding="utf-8")
    return Built(src, out / "_build" / "html", proc.returncode, proc.stdout + proc.stderr)


def reuse(src: Path) -> Built:
    """A build made earlier by :func:`run_build` (local iteration only; CI never sets REUSE_ENV)."""
    out = src.parent / f"{src.name}-out"
    return Built(src, out / "_build" / "html", int((out / "returncode").read_text()), (out / "build.log").read_text(encoding="utf-8"))


#: Set to the HTML folder of an earlier :func:`project_book` build to reuse it (local iteration only).
PROJECT_REUSE_ENV = "IRANAZ_TEST_BOOK"


def reader_env() -> dict[str, str]:
    """The environment of a reader's shell: this session's without what the tests, an
    enclosing ``make`` or an activated virtual environment add."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IRANAZ_", "PYTEST_", "MAKE", "MFLAGS", "VIRTUAL_ENV"))}
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    return env


def run_as_typed(command: str, cwd: Path, timeout: int = 1800) -> subprocess.CompletedProcess:
    """``command`` run by ``bash -c`` in ``cwd``, as a reader types it (see :func:`reader_env`)."""
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=reader_env(), capture_output=True, text=True, timeout=timeout)


@lru_cache(maxsize=1)
def source_archive() -> tuple[str, bytes]:
    """The book's source archive, made once per session from the working tree."""
    from iranaz.book import source

    return source.source_zip(paths.ROOT)


@lru_cache(maxsize=1)
def fresh_copy() -> Path:
    """:func:`source_archive` unpacked into a temp folder: the project as a reader who
    downloads it gets it."""
    import io
    import zipfile

    from iranaz.book import source

    name, content = source_archive()
    folder = new_folder("iranaz-source-")
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for info in zf.infolist():
            zf.extract(info, folder)
            (folder / info.filename).chmod(info.external_attr >> 16)
    return folder / source.archive_base(paths.ROOT)


@lru_cache(maxsize=1)
def project_book() -> Built:
    """The project built by ``make book``, typed in :func:`fresh_copy` (which makes its own
    ``.venv`` from the pins, then builds into its ``_build/html``)."""
    reuse_html = os.environ.get(PROJECT_REUSE_ENV)
    if reuse_html:
        return Built(paths.ROOT, Path(reuse_html), 0, "")
    src = fresh_copy()
    proc = run_as_typed("make book", src)
    return Built(src, src / "_build" / "html", proc.returncode, proc.stdout + proc.stderr)


def executed_notebooks(book: Built) -> dict[str, Any]:
    """The chapters as the build executed them (from its execution cache), by file stem."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(book.html.parent / ".jupyter_cache"))
    out = {}
    for record in cache.list_cache_records():
        bundle = cache.get_cache_bundle(record.pk)
        out[Path(record.uri).stem] = nbformat.from_dict(bundle.nb)
    return out


#: Lines of a build log that come from the kernels the build starts, not from Sphinx: the
#: kernel's notice that it runs over TCP, and tornado's report of a ZMQ stream callback that
#: raised while a kernel was shut down on a loaded machine (seen in about one full run in
#: five; the chapter's execution had succeeded, or the build would have stopped naming it).
KERNEL_NOISE = ("Kernel is running over TCP", "ERROR:tornado.general:Uncaught exception in ZMQStream callback")


def sphinx_warnings(log: str) -> list[str]:
    """Sphinx warnings and errors of a build log (the kernels' own messages are not)."""
    return [ln for ln in log.splitlines() if re.search(r"WARNING|ERROR", ln) and not any(n in ln for n in KERNEL_NOISE)]


def _use_test_cache(config: dict) -> None:
    config.setdefault("execute", {})["cache"] = str(execution_cache())


#: Set to the sources folder of an earlier :func:`full_book` build to reuse it (local iteration only).
REUSE_ENV = "IRANAZ_TEST_REUSE_BOOK"


@lru_cache(maxsize=1)
def full_book() -> Built:
    """The whole book plus a fixture chapter that calls every reuse API, built once per session."""
    if os.environ.get(REUSE_ENV):
        return reuse(Path(os.environ[REUSE_ENV]))
    src = copy_book(new_folder("iranaz-book-"))
    (src / f"{FIXTURE_DOC}.md").write_text(FIXTURE_CHAPTER, encoding="utf-8")

    def add_fixture(toc: dict) -> None:
        numbered = next(p for p in toc["parts"] if p.get("numbered"))
        numbered["chapters"].append({"file": FIXTURE_DOC})

    edit_yaml(src / "_toc.yml", add_fixture)
    edit_yaml(src / "_config.yml", _use_test_cache)
    return run_build(src)


@lru_cache(maxsize=1)
def mini_book() -> Built:
    """A two-page book whose metadata sets the repository and published URLs, and one
    source title changed in its data, built once per session."""
    src = copy_book(new_folder("iranaz-mini-"))
    shutil.rmtree(src / "notebooks")
    (src / "mini").mkdir()
    (src / "mini" / "index.md").write_text(MINI_INDEX, encoding="utf-8")
    (src / "mini" / "mini_chapter.md").write_text(MINI_CHAPTER, encoding="utf-8")
    for p in (src / "book").glob("*.md"):
        if p.name != "references.md":
            p.unlink()
    (src / "_toc.yml").write_text(
        "format: jb-book\nroot: mini/index\nparts:\n  - caption: Chapters\n    numbered: true\n    chapters:\n"
        "      - file: mini/mini_chapter\n  - caption: About\n    chapters:\n      - file: book/references\n",
        encoding="utf-8",
    )

    def set_urls(cfg: dict) -> None:
        cfg["repository"]["url"] = TEST_REPOSITORY
        cfg["html"]["baseurl"] = TEST_BASEURL
        _use_test_cache(cfg)

    edit_yaml(src / "_config.yml", set_urls)
    rename_source(src / "data" / "sources.csv", "almonitor-2014-04-11", "Changed title for the regeneration test")
    return run_build(src)


def rename_source(sources_csv: Path, source_id: str, title: str) -> None:
    import csv

    with open(sources_csv, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    for r in rows:
        if r["source_id"] == source_id:
            r["title"] = title
    with open(sources_csv, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def text_of(html: str) -> str:
    """The visible text of a page (scripts and styles dropped, whitespace collapsed)."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def chart_specs(html: str) -> list[dict]:
    """Every chart's Vega spec in a built page, in page order (the page carries plain JSON)."""
    specs = []
    for m in re.finditer(r'<script type="application/json" id="[^"]+-spec">(.*?)</script>', html, re.S):
        specs.append(json.loads(m.group(1)))
    return specs
