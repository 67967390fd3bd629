"""Prose that also works on paper (issue #12): no sentence of a chapter or page asks the reader
to hover over, click or tap something, which a printed book cannot do. (The PDF's own text is
checked in test_pdf.py.)"""

from __future__ import annotations

import re

from iranaz import paths

SCREEN_ONLY = re.compile(r"\b(hover|click|tap)(s|ed|ing|ped|ping)?\b", re.I)


def screen_only_sentences(text: str) -> list[str]:
    """The lines of ``text`` that ask for a pointer or a finger."""
    return [line.strip() for line in text.splitlines() if SCREEN_ONLY.search(line)]


def test_finds_a_request_to_hover():
    assert screen_only_sentences("A table.\nHover over a bar for the count.\nTap it; or click.") == [
        "Hover over a bar for the count.",
        "Tap it; or click.",
    ]
    assert screen_only_sentences("A staple of the datapackage, a tapestry, a hovercraft.") == []


def test_no_chapter_or_page_asks_the_reader_to_hover_click_or_tap():
    found = {}
    for path in sorted([*(paths.ROOT / "notebooks").glob("*.md"), *(paths.ROOT / "book").glob("*.md")]):
        lines = screen_only_sentences(path.read_text(encoding="utf-8"))
        if lines:
            found[path.relative_to(paths.ROOT).as_posix()] = lines
    assert found == {}
