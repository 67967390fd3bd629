"""The package's architecture holds: the research core never imports the publishing
subpackage, and importing it registers nothing with Altair."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from iranaz import paths

CORE = sorted((paths.ROOT / "iranaz").glob("*.py"))


def book_imports(path: Path) -> list[str]:
    """The imports of ``iranaz.book`` (absolute or relative) in one module, as written."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            names = [a.name for a in node.names]
            if module in ("iranaz.book", ".book") or module.startswith(("iranaz.book.", ".book.")) or (module in ("iranaz", ".") and "book" in names):
                found.append(f"{path.name}:{node.lineno}")
        elif isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno}" for a in node.names if a.name == "iranaz.book" or a.name.startswith("iranaz.book.")]
    return found


def test_core_modules_are_the_research_core() -> None:
    names = {p.stem for p in CORE}
    assert {"paths", "corpus", "tables", "validate", "measures", "charts", "facts", "display"} <= names
    assert not names & {"sphinxext", "offline", "downloads", "cite", "pdf", "build", "datacard"}, "publishing code belongs in iranaz/book/"


def test_core_never_imports_the_book(tmp_path: Path) -> None:
    assert [hit for p in CORE if p.name != "__main__.py" for hit in book_imports(p)] == []
    planted = tmp_path / "planted.py"
    planted.write_text("from .book import offline\n", encoding="utf-8")
    assert book_imports(planted) == ["planted.py:1"], "the check must see a relative import of the book"


def test_importing_the_core_registers_nothing() -> None:
    code = (
        "import sys, altair as alt\n"
        "from iranaz import charts, facts, measures, tables, validate\n"
        "print(alt.renderers.active, alt.theme.active, sorted(m for m in sys.modules if m.startswith('iranaz.book')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["default", "default", "[]"]
