"""The route to the source: the book's own source archive, the "Run this chapter yourself"
section under every chapter's citation, and what it says JupyterLab cannot show."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from iranaz import files, paths
from iranaz.book import metadata, source, toc

from .bookbuild import executed_notebooks, project_book, text_of

#: What a reader needs to type ``make book`` and ``make test`` in the unpacked archive.
NEEDED = (
    "README.md", "Makefile", "requirements.txt", "requirements-cff.txt", "pyproject.toml", "_config.yml", "_toc.yml",
    "package.json", "package-lock.json", "eslint.config.mjs", "LICENSE", "LICENSE-CC-BY-4.0.txt", "CITATION.cff",
    "jupyterlab-overrides.json", ".ci/run",
)
NEEDED_FOLDERS = ("book/", "notebooks/", "data/", "data/sources/raw/", "iranaz/", "iranaz/book/static/", "tests/", "bench/")
NEVER = (".venv", ".venv-cff", "node_modules", "_build", ".git", "artifacts", "__pycache__")


def members(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.namelist()


def unpack(content: bytes, dst: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for info in zf.infolist():
            zf.extract(info, dst)
            (dst / info.filename).chmod(info.external_attr >> 16)
    return dst / source.archive_base(paths.ROOT)


@pytest.fixture(scope="module")
def archive() -> tuple[str, bytes]:
    return source.source_zip(paths.ROOT)


def test_archive_holds_what_make_book_and_make_test_need(archive):
    name, content = archive
    base = f"iranaz-book-{metadata.metadata(paths.ROOT).version}"
    assert name == f"{base}-source.zip"
    names = members(content)
    assert all(n.startswith(f"{base}/") for n in names)
    inside = [n[len(base) + 1 :] for n in names]
    assert [n for n in NEEDED if n not in inside] == []
    assert [f for f in NEEDED_FOLDERS if not any(n.startswith(f) for n in inside)] == []
    assert [n for n in inside if set(Path(n).parts) & set(NEVER) or ".egg-info" in n] == []
    assert inside == sorted(inside)


def test_archive_is_byte_for_byte_reproducible(archive, tmp_path):
    """The same files give the same bytes, whatever their timestamps or the order found."""
    assert source.source_zip(paths.ROOT)[1] == archive[1]
    copy = unpack(archive[1], tmp_path)
    (copy / "README.md").touch()
    assert source.source_zip(copy)[1] == archive[1]


def test_unpacked_archive_gives_the_same_archive_without_git(archive, tmp_path):
    """Outside a checkout the documented list applies: it names exactly what the repository
    tracks, and leaves out environments, builds and caches a reader's copy grows."""
    copy = unpack(archive[1], tmp_path)
    assert source.git_files(copy) is None
    for junk in (".venv/bin/python", ".venv-cff/x", "_build/html/index.html", "node_modules/a/b.js", "artifacts/x.png",
                 "iranaz/__pycache__/a.cpython-311.pyc", "iranaz.egg-info/PKG-INFO", "tests/.pytest_cache/x", "notebooks/.ipynb_checkpoints/a.md"):
        (copy / junk).parent.mkdir(parents=True, exist_ok=True)
        (copy / junk).write_text("not a source\n", encoding="utf-8")
    assert source.source_zip(copy) == archive


def test_a_checkout_archives_what_git_tracks_from_its_working_tree(archive, tmp_path):
    """In a git checkout: what git tracks; an edited tracked file goes in as edited, an
    untracked one stays out."""
    copy = unpack(archive[1], tmp_path)
    git = ["git", "-C", str(copy), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], check=True)
    tracked = subprocess.run([*git, "ls-files"], capture_output=True, text=True, check=True).stdout.split()
    assert source.git_files(copy) == tracked and source.source_files(copy) == sorted(tracked)
    (copy / "README.md").write_text("edited, not committed\n", encoding="utf-8")
    (copy / "scratch.txt").write_text("untracked\n", encoding="utf-8")
    _, content = source.source_zip(copy)
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert zf.read(f"{source.archive_base(copy)}/README.md") == b"edited, not committed\n"
        assert f"{source.archive_base(copy)}/scratch.txt" not in zf.namelist()


def test_size_text():
    assert files.file_size(617_590) == "603 KB" and files.file_size(3 * 1024 * 1024 + 200_000) == "3.2 MB"


# -- in the built book ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project():
    built = project_book()
    assert built.returncode == 0, built.log[-6000:]
    return built


def chapters() -> list[toc.Page]:
    return [p for p in toc.pages(paths.ROOT) if p.docname.startswith("notebooks/")]


@pytest.mark.build
def test_every_chapter_offers_the_source_archive_with_its_real_size(project):
    name, content = source.source_zip(project.src)
    built = project.html / source.HTML_FOLDER / name
    assert built.read_bytes() == content  # written by the build, from the sources it built
    label = f"{name} ({files.file_size(len(content))}, {len(members(content))} files)"
    for page in chapters():
        html = project.page(page.docname)
        section = re.search(r'<div class="iranaz-run" role="region".*?</div>', html, re.S)
        assert section, page.docname
        link = re.search(r'<a class="iranaz-run-source" href="([^"]+)" download>([^<]+)</a>', section.group(0))
        assert link.group(2) == label, page.docname
        assert (project.html / page.docname).parent.joinpath(link.group(1)).resolve() == built.resolve()
        notebook = re.search(r'<a class="iranaz-run-notebook" href="([^"]+)"', section.group(0)).group(1)
        assert (project.html / page.docname).parent.joinpath(notebook).resolve() == (project.html / "_sources" / f"{page.docname}.ipynb").resolve()
        text = text_of(section.group(0))
        assert "Run this chapter yourself" in text
        assert all(f"make {c}" in text for c in ("book", "test", "lab")), page.docname
        assert "{glue:text}" in text and "facts.glue_facts" in text
        assert html.index('class="iranaz-cite"') < section.start()  # right under the citation
    assert not re.search(r'class="iranaz-run" data-notebook', "".join(project.page(p.docname) for p in chapters()))  # no placeholder left


@pytest.mark.build
def test_glue_cells_show_nothing_jupyterlab_can_render(project):
    """What the section says: a ``facts.glue_facts`` cell's outputs are all under the
    ``application/papermill.record/`` MIME types, for which JupyterLab has no renderer (its
    output area then shows an empty widget), so JupyterLab shows no number."""
    notebooks = executed_notebooks(project)
    glue_cells = [
        (stem, cell) for stem, nb in notebooks.items() for cell in nb.cells if cell.cell_type == "code" and "facts.glue_facts(" in cell.source
    ]
    assert len(glue_cells) >= len(chapters())
    for stem, cell in glue_cells:
        mimes = {m for out in cell.outputs for m in out.get("data", {})}
        assert mimes and all(m.startswith("application/papermill.record/") for m in mimes), (stem, mimes)


def test_section_says_what_a_partial_copys_archive_holds(tmp_path):
    """Built outside a checkout from a folder without the Makefile and the package (as the
    tests' copies of the book are), the section lists what the archive holds, and offers no
    commands that would fail in it."""
    from iranaz.book import sphinxext

    for name in ("_config.yml", "_toc.yml"):
        (tmp_path / name).write_bytes((paths.ROOT / name).read_bytes())
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# Intro\n", encoding="utf-8")
    archive = source.describe(*source.source_zip(tmp_path))
    assert archive.top == ("_config.yml", "_toc.yml", "book") and not archive.runnable
    html = sphinxext.run_section("notebooks/x", "x.ipynb", archive.as_dict(), glue=False)
    assert "holds only what this build's folder held: _config.yml, _toc.yml, book." in text_of(html)
    assert "make book" not in html and "glue" not in html
    full = source.describe(*source.source_zip(paths.ROOT))
    assert full.runnable and "make book" in sphinxext.run_section("notebooks/x", "x.ipynb", full.as_dict(), glue=True)
