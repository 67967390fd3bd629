"""The README's commands, run as written, from a fresh copy of the project.

The fresh copy is the book's source archive unpacked into a temp folder
(:func:`.bookbuild.fresh_copy`), so the archive a reader downloads is what is tested. Its
``make book`` is the session's project build (:func:`.bookbuild.project_book`, which the
browser tests read too): that command costs no extra build. Every other command of the
README's ``bash`` blocks then runs in that copy, from its root, as a reader types it; each
has a check below, and a command added to the README without one fails
:func:`test_every_readme_command_is_run`.

``make test`` is the one command not run: it runs this very test, which cannot run inside
itself (it would start the whole suite again, this test included, without end).
``make test-fast`` runs once the copy is given the repository's git history
(:func:`give_history`): two of the validator's tests diff the tables against the last
release's commit, which an archive without history cannot hold.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from iranaz import paths
from iranaz.book import source

from .bookbuild import fresh_copy, project_book, run_as_typed, source_archive
from .lab import run_lab
from .test_lab import CHAPTER, check_lab

README = paths.ROOT / "README.md"
#: The commands not run here, and why.
NOT_RUN = {"make test": "runs every test, this one included: it cannot run inside itself"}


def readme_commands(text: str) -> list[str]:
    """Every command of the README's ``bash`` code blocks, without its comment, in order."""
    commands = []
    for block in re.findall(r"^```(?:bash|sh|shell|console)\n(.*?)^```", text, re.S | re.M):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].split(" # ", 1)[0].strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def _ok(copy: Path, command: str) -> str:
    run = run_as_typed(command, copy)
    assert run.returncode == 0, f"{command}: exit {run.returncode}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run.stdout + run.stderr


def check_book(copy: Path, command: str) -> None:
    built = project_book()  # the session's build: `make book` typed in this copy
    assert built.src == copy, "IRANAZ_TEST_BOOK reuses another build: this test needs the session's own"
    assert built.returncode == 0, built.log[-4000:]
    assert (copy / "_build" / "html" / "index.html").is_file()
    # Unpacked, the archive is no git checkout: its build archived the documented list, which
    # gives the very archive it was unpacked from.
    name, content = source_archive()
    assert (copy / "_build" / "html" / source.HTML_FOLDER / name).read_bytes() == content


def check_validate(copy: Path, command: str) -> None:
    _ok(copy, command)


def give_history(copy: Path) -> None:
    """Make the copy a git checkout of the project, its files untouched: the repository's
    ``.git`` (a clone's), its index reset to HEAD."""
    if (copy / ".git").exists():
        return
    clone = copy.parent / "history"
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(paths.ROOT), str(clone)], check=True)
    (clone / ".git").rename(copy / ".git")
    subprocess.run(["git", "-C", str(copy), "reset", "-q"], check=True)


def check_test_fast(copy: Path, command: str) -> None:
    # Two tests of the validator compare the tables with the last release's commit, which
    # only a git checkout holds: the archive has no history, so they run in the copy made a
    # clone (its files as unpacked, the repository's history added).
    give_history(copy)
    out = _ok(copy, command)
    assert re.search(r"\d+ passed", out) and not re.search(r"\d+ (failed|error)", out), out[-3000:]


def check_pdf(copy: Path, command: str) -> None:
    _ok(copy, command)
    assert [p for p in (copy / "_build" / "pdf").glob("*.pdf") if p.stat().st_size > 0]


def check_bench_quick(copy: Path, command: str) -> None:
    _ok(copy, command)


def check_metadata(copy: Path, command: str) -> None:
    before = {n: (copy / n).read_bytes() for n in ("CITATION.cff", "LICENSE")}
    _ok(copy, command)
    assert {n: (copy / n).read_bytes() for n in before} == before  # up to date: nothing rewritten


def check_lab_command(copy: Path, command: str) -> None:
    assert command == "make lab"  # run_lab adds only LAB_ARGS, as the README shows
    check_lab(run_lab(copy, CHAPTER), copy)


#: Every command the README gives, and how it is checked once run in the fresh copy.
CHECKS: dict[str, Callable[[Path, str], None]] = {
    "make book": check_book,
    ".venv/bin/python -m iranaz validate": check_validate,
    "make test-fast": check_test_fast,
    "make pdf": check_pdf,
    "make bench-quick": check_bench_quick,
    "make metadata": check_metadata,
    "make lab": check_lab_command,
}


def test_every_readme_command_is_run():
    """A command added to the README's code blocks needs a check here (or a reason not to run)."""
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert "make book" in commands and "make test" in commands
    assert sorted(set(commands)) == sorted(set(CHECKS) | set(NOT_RUN))


def test_readme_commands_parse_from_code_blocks_only():
    text = "Run `make nothing` inline.\n\n```bash\nmake a   # first\n\n# a comment\nmake b LAB_ARGS=x  # second\n```\n```python\nprint(1)\n```\n"
    assert readme_commands(text) == ["make a", "make b LAB_ARGS=x"]


@pytest.mark.build
def test_readme_commands_run_as_typed_in_a_fresh_copy(record_property):
    copy = fresh_copy()
    seconds = {}
    try:
        for command in readme_commands(README.read_text(encoding="utf-8")):
            if command in NOT_RUN:
                continue
            start = time.monotonic()
            try:
                CHECKS[command](copy, command)
            finally:
                seconds[command] = round(time.monotonic() - start, 1)
    finally:
        record_property("seconds", seconds)  # in the JUnit report: what each command cost
        print(f"README commands, seconds each: {seconds}")
