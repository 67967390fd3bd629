"""The glossary (reference/glossary) and the chapters' links to it: in every chapter and on the
methods page, the first use of each glossary term in the prose is a ``{term}`` role, so the
reader can look it up where it first appears. (The built pages are checked in
tests/book/browser/test_people.py.)

A "use" of a term is what :data:`USES` says, written here by hand for each entry of the
glossary: the words alone would match too much ("background" is also an ordinary word), so
each pattern names the phrases that mean the term. Code cells, front matter, headings,
directives (figure captions among them), inline code and other roles' contents are not prose
and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iranaz import paths

GLOSSARY = paths.ROOT / "reference" / "glossary.md"

#: For each glossary entry (its first term line), the phrases that use it in prose.
USES: dict[str, str] = {
    "CAMEO": r"\bCAMEO\b",
    "Goldstein weight": r"\bGoldstein\s+weights?\b",
    "Cooperation–conflict index": r"\bcooperation[–-]conflict\s+index\b",
    "Quad class": r"\bquad\s+class(es)?\b",
    "Seed article": r"\bseed\s+articles?\b",
    "First-hand reporting": r"\bfirst-hand\b",
    "Background reporting": r"\b(as|are|is)\s+(\{term\}`)?\*?background\b",
    "Corroboration": r"\bcorroborat(ion|ed|es|e|ing)\b",
    "3+3": r"(?<![\w+])3\s*\+\s*3(?![\w+])",
    "Zangezur corridor": r"\bZang[ae]zur\s+corridor\b",
    "Trump Route": r"\bTrump\s+Route\b",
    "North–South corridor": r"\bNorth[–-]South\s+(transport\s+|rail\s+)?(corridor|route)\b",
    "Aras corridor": r"\bAra[sz]\s+corridor\b",
    "Aghband": r"\bAghband\b",
    "Intergovernmental commission": r"\b(joint\s+(economic\s+)?|state\s+|intergovernmental\s+)commission\b",
}

ROLE = re.compile(r"\{([\w:+.-]+)\}(`+)(.*?)\2", re.S)
FENCE = re.compile(r"^(`{3,}|~{3,})")


def glossary_entries(text: str) -> list[list[str]]:
    """The entries of every ``{glossary}`` directive: each a list of its term lines."""
    entries: list[list[str]] = []
    inside, fence, previous_was_term = False, "", False
    for line in text.splitlines():
        if not inside:
            m = FENCE.match(line)
            if m and line[m.end() :].strip() == "{glossary}":
                inside, fence, previous_was_term = True, m.group(1), False
            continue
        if line.strip() == fence:
            inside = False
        elif line.strip() and not line[0].isspace():
            if previous_was_term:
                entries[-1].append(line.strip())
            else:
                entries.append([line.strip()])
            previous_was_term = True
        else:
            previous_was_term = False
    return entries


def blank(text: str, start: int, end: int) -> str:
    """``text`` with [start, end) replaced by spaces (newlines kept), so positions hold."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def prose(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The prose of a MyST page, everything else blanked, and its ``{term}`` roles as
    (start, end, target) spans."""
    if text.startswith("---\n"):
        end = text.index("\n---", 4) + 4
        text = blank(text, 0, end)
    out, pos, fence = text, 0, ""
    for line in text.splitlines(keepends=True):
        m = FENCE.match(line)
        if fence:
            out = blank(out, pos, pos + len(line))
            if m and line.strip() == fence:
                fence = ""
        elif m:
            fence = m.group(1)
            out = blank(out, pos, pos + len(line))
        elif re.match(r"#{1,6}\s|%", line):
            out = blank(out, pos, pos + len(line))
        pos += len(line)
    terms = []
    for m in ROLE.finditer(out):
        if m.group(1) == "term":
            content = " ".join(m.group(3).split())
            target = re.fullmatch(r".*?<(.+)>", content)
            terms.append((m.start(), m.end(), (target.group(1) if target else content).strip()))
        else:
            out = blank(out, m.start(), m.end())
    for m in re.finditer(r"(?<![`}])`[^`\n]+`", out):  # inline code, not a role's content
        if not any(s <= m.start() < e for s, e, _ in terms):
            out = blank(out, m.start(), m.end())
    for m in re.finditer(r"\]\([^)\s]*\)", out):  # link targets
        out = blank(out, m.start(), m.end())
    return out, terms


def bare_first_uses(text: str, entries: list[list[str]], uses: dict[str, str] = USES) -> list[str]:
    """Each glossary entry whose first use in ``text``'s prose is not a ``{term}`` role naming
    one of the entry's terms, as 'Term: line N: ...the words...'."""
    body, terms = prose(text)
    problems = []
    for entry in entries:
        names = {n.casefold() for n in entry}
        m = re.search(uses[entry[0]], body, re.I)
        if m is None:
            continue
        # the use's last character inside the role: a pattern may begin before the term ("as background")
        if not any(s < m.end() <= e and target.casefold() in names for s, e, target in terms):
            line = body.count("\n", 0, m.start()) + 1
            problems.append(f"{entry[0]}: line {line}: {' '.join(body[max(0, m.start() - 30) : m.end() + 10].split())}")
    return problems


def pages() -> list[Path]:
    return [*sorted((paths.ROOT / "notebooks").glob("*.md")), paths.ROOT / "book" / "methods.md"]


ENTRIES = glossary_entries(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_holds_the_terms_of_issue_11():
    firsts = [e[0] for e in ENTRIES]
    assert len(firsts) == len(set(firsts))
    assert set(firsts) == set(USES)  # a new entry needs its use pattern here


def test_glossary_entries_parse_term_variants():
    text = "Intro\n\n```{glossary}\nA\nA b\n  Def of A.\n\nC\n  Def of C,\n  two lines.\n```\n\nA\n  not a term\n"
    assert glossary_entries(text) == [["A", "A b"], ["C"]]


PLANTED = """---
jupytext: {}
---

# A CAMEO heading

```{code-cell} ipython3
x = "CAMEO quad class"
```

Here {glue:text}`n_quad_class` and `quad class` in code, then the first use: CAMEO codes,
and later {term}`CAMEO`. The {term}`quad classes <Quad class>` come first, then quad
classes. Events reported as *background* and, linked only later, {term}`background <Background reporting>`.
"""


def test_a_bare_first_use_is_found_and_a_linked_one_is_not():
    entries = [["CAMEO", "CAMEO code"], ["Quad class"], ["Background reporting", "Background"]]
    problems = bare_first_uses(PLANTED, entries)
    assert [p.split(":")[0] for p in problems] == ["CAMEO", "Background reporting"]
    assert "line 11" in problems[0] and "first use: CAMEO codes" in problems[0]
    # linking the first uses clears them; a role naming another term does not count
    fixed = PLANTED.replace("first use: CAMEO", "first use: {term}`CAMEO`").replace("as *background*", "as {term}`background <Background>`")
    assert bare_first_uses(fixed, entries) == []
    wrong = fixed.replace("{term}`CAMEO`", "{term}`CAMEO <Quad class>`", 1)
    assert [p.split(":")[0] for p in bare_first_uses(wrong, entries)] == ["CAMEO"]


def test_a_term_only_in_code_headings_or_roles_is_not_a_use():
    text = "---\na: 1\n---\n\n# CAMEO\n\n```{code-cell}\nCAMEO\n```\n\nSee {numref}`fig-CAMEO` and `CAMEO`.\n"
    assert bare_first_uses(text, [["CAMEO"]]) == []


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_first_use_of_each_term_links_the_glossary(page: Path):
    assert bare_first_uses(page.read_text(encoding="utf-8"), ENTRIES) == []


def test_chapters_name_only_terms_of_the_glossary():
    known = {n.casefold() for entry in ENTRIES for n in entry}
    for page in pages():
        _, terms = prose(page.read_text(encoding="utf-8"))
        assert {t for _, _, t in terms if t.casefold() not in known} == set(), page.name
