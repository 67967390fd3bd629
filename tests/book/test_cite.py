"""Citation (issue #5): one place of metadata, everything generated from it and checked by
independent tools — cffconvert for CITATION.cff, pybtex for BibTeX, citeproc-py for CSL-JSON."""

from __future__ import annotations

import base64
import csv
import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_string

from iranaz import paths, tables
from iranaz.book import cite, generated, metadata, sphinxext, toc

from .bookbuild import FIXTURE_CITES, TEST_BASEURL, TEST_REPOSITORY, mini_book, sphinx_warnings, text_of

CFFCONVERT = paths.ROOT / ".venv-cff" / "bin" / "cffconvert"


def numbered_chapters() -> list[toc.Page]:
    return [p for p in toc.pages() if p.number]


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the book's metadata, table of contents, chapters and data, to change."""
    for name in ("_config.yml", "_toc.yml", "CITATION.cff", "LICENSE"):
        shutil.copy2(paths.ROOT / name, tmp_path / name)
    for name in ("book", "notebooks", "reference"):
        shutil.copytree(paths.ROOT / name, tmp_path / name)
    shutil.copytree(paths.DATA, tmp_path / "data", ignore=shutil.ignore_patterns("staging", "sources"))
    return tmp_path


def set_config(root: Path, **changes) -> None:
    """Change keys of a copy's _config.yml (dotted keys for nested ones)."""
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = cfg
        *parents, last = dotted.split(".")
        for k in parents:
            node = node.setdefault(k, {})
        node[last] = value
    (root / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")


def cffconvert(path: Path) -> subprocess.CompletedProcess:
    assert CFFCONVERT.is_file(), f"{CFFCONVERT} is missing: run `make cff-venv` (make test does)"
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True, timeout=120)


# -- one place ------------------------------------------------------------------------------


def test_metadata_lives_in_config():
    meta = metadata.metadata(paths.ROOT)
    cfg = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert meta.title == cfg["title"] and meta.authors == (cfg["author"],) == ("Iran–Azerbaijan Book contributors",)
    assert meta.version == "0.2.0" and meta.date_released.isoformat() == cfg["date_released"]
    assert meta.licenses == {"text": "CC-BY-4.0", "data": "CC-BY-4.0", "code": "MIT"}
    assert meta.repository_url == cfg["repository"]["url"]


def test_code_version_matches_book_version():
    import iranaz

    pyproject = (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "(.+)"', pyproject, re.M).group(1) == iranaz.__version__ == metadata.metadata(paths.ROOT).version


def test_generated_files_are_up_to_date():
    """CITATION.cff, LICENSE and the bibliography equal what the metadata and sources give now."""
    assert generated.stale_files(paths.ROOT) == [], "run `python -m iranaz metadata write` (make metadata)"


def test_stale_file_is_detected(book_copy):
    set_config(book_copy, version="9.9.9")
    assert book_copy / "CITATION.cff" in generated.stale_files(book_copy)
    assert generated.check(book_copy) != []


def test_datapackage_version_and_licence_follow_metadata(book_copy):
    pkg = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert metadata.datapackage_problems(pkg, paths.ROOT) == []
    set_config(book_copy, version="9.9.9", **{"license.data": "MIT"})
    problems = metadata.datapackage_problems(pkg, book_copy)
    assert len(problems) == 2 and "9.9.9" in problems[0] and "MIT" in problems[1]
    assert metadata.sync_datapackage(book_copy / "data" / "datapackage.json", book_copy)
    synced = json.loads((book_copy / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert metadata.datapackage_problems(synced, book_copy) == []
    assert synced["resources"] == pkg["resources"]


def test_bad_metadata_is_refused(book_copy):
    set_config(book_copy, date_released="23 November 2026")
    with pytest.raises(metadata.MetadataError, match="date_released"):
        metadata.metadata(book_copy)


# -- CITATION.cff ----------------------------------------------------------------------------


def test_citation_cff_carries_the_metadata():
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    meta = metadata.metadata(paths.ROOT)
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == meta.title and cff["authors"] == [{"name": "Iran–Azerbaijan Book contributors"}]
    assert (cff["version"], cff["date-released"], cff["license"]) == ("0.2.0", meta.date_released.isoformat(), "CC-BY-4.0")
    assert cff["preferred-citation"]["type"] == "book" and cff["preferred-citation"]["year"] == meta.year
    assert ("repository-code" in cff) == bool(meta.repository_url)


def test_citation_cff_is_valid_for_cffconvert():
    run = cffconvert(paths.ROOT / "CITATION.cff")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "valid" in run.stdout.lower()


def test_cffconvert_does_reject_a_broken_file(tmp_path):
    """The validator really checks: the same file without authors fails."""
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del cff["authors"]
    (tmp_path / "CITATION.cff").write_text(yaml.safe_dump(cff, allow_unicode=True), encoding="utf-8")
    assert cffconvert(tmp_path / "CITATION.cff").returncode != 0


def test_repository_and_book_urls_flow_into_the_cff(book_copy):
    set_config(book_copy, **{"repository.url": TEST_REPOSITORY, "html.baseurl": TEST_BASEURL})
    (book_copy / "CITATION.cff").write_text(generated.citation_cff(book_copy), encoding="utf-8")
    cff = yaml.safe_load((book_copy / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["repository-code"] == TEST_REPOSITORY and cff["url"] == TEST_BASEURL
    run = cffconvert(book_copy / "CITATION.cff")
    assert run.returncode == 0, run.stdout + run.stderr


# -- chapters: titles, numbers, BibTeX, CSL-JSON ---------------------------------------------


def test_chapter_titles_and_numbers_follow_the_toc():
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    numbered = [c["file"] for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]
    chapters = numbered_chapters()
    assert [p.docname for p in chapters] == numbered
    assert [p.number for p in chapters] == [str(i) for i in range(1, len(numbered) + 1)]
    for p in chapters:
        first_heading = next(ln[2:].strip() for ln in p.path.read_text(encoding="utf-8").splitlines() if ln.startswith("# "))
        assert p.title == first_heading


def test_chapter_bibtex_parses_with_pybtex(book_copy):
    set_config(book_copy, **{"html.baseurl": TEST_BASEURL})
    meta = metadata.metadata(book_copy)
    for page in [p for p in toc.pages(book_copy) if p.number]:
        entry = parse_string(cite.chapter_bibtex(page.docname, book_copy), "bibtex").entries[f"iranaz-{page.docname.rsplit('/', 1)[1]}"]
        assert entry.type == "incollection"
        assert [str(p) for p in entry.persons["author"]] == ["{Iran–Azerbaijan Book contributors}"]
        assert entry.fields["title"] == "{" + page.title + "}"
        assert entry.fields["booktitle"] == "{" + meta.title + "}"
        assert entry.fields["year"] == str(meta.year) and entry.fields["chapter"] == page.number
        assert entry.fields["url"] == f"{TEST_BASEURL}/{page.docname}.html"


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_chapter_csl_json_renders_with_citeproc(book_copy, style):
    set_config(book_copy, **{"html.baseurl": TEST_BASEURL})
    meta = metadata.metadata(book_copy)
    for page in [p for p in toc.pages(book_copy) if p.number]:
        item = json.loads(json.dumps(cite.chapter_csl(page.docname, book_copy)))  # survives a JSON round trip
        text = cite.format_citation(item, style, "plain")
        assert text.startswith("Iran–Azerbaijan Book contributors")
        assert page.title.lower() in text.lower()  # Chicago title-cases it
        assert meta.title in text and str(meta.year) in text
        assert f"{TEST_BASEURL}/{page.docname}.html" in text


def test_chapter_citation_without_published_url_has_none():
    item = cite.chapter_csl("02_thaw_2014", paths.ROOT)
    assert "URL" not in item and "url" not in cite.chapter_bibtex("02_thaw_2014", paths.ROOT)


ACCESSED = '<span class="iranaz-accessed">Accessed <span class="iranaz-accessed-date">[the date you read it]</span>.</span>'


def cite_lines(block: str) -> dict[str, str]:
    return dict(re.findall(r'<dd class="iranaz-cite-(apa|chicago)">(.*?)</dd>', block, re.S))


def test_chapter_citation_without_published_url_asks_for_the_date_of_access():
    """No address to give: APA and Chicago end with the date of access, which the reader's
    browser fills in (iranaz-accessed.js; tested in tests/book/browser/test_accessed.py)."""
    block = cite.render_block("chapter", "02_thaw_2014", paths.ROOT)
    assert ' data-accessed>' in block
    lines = cite_lines(block)
    assert sorted(lines) == ["apa", "chicago"] and all(line.endswith(" " + ACCESSED) for line in lines.values())
    assert "<noscript>" in block and "add the date you read the chapter" in block


def test_chapter_citation_with_published_url_gives_the_address_not_the_access(book_copy):
    set_config(book_copy, **{"html.baseurl": TEST_BASEURL})
    block = cite.render_block("chapter", "02_thaw_2014", book_copy)
    assert "data-accessed" not in block and "Accessed" not in block and "<noscript>" not in block
    url = f"{TEST_BASEURL}/notebooks/02_thaw_2014.html"
    assert all(line.endswith(url) or line.endswith(url + ".") for line in cite_lines(block).values())


def test_event_citation_with_published_url_gives_its_address(book_copy):
    """With a published address, "Cite this event" ends with the event's own URL."""
    from iranaz.book import entries

    set_config(book_copy, **{"html.baseurl": TEST_BASEURL})
    ev = tables.load().events.set_index("event_id", drop=False).loc["E300"]
    block = entries.cite_event(ev, book_copy)
    url = f"{TEST_BASEURL}/events/E300.html"
    assert "data-accessed" not in block
    assert all(line.endswith(url) or line.endswith(url + ".") for line in cite_lines(block).values())


def test_chicago_puts_punctuation_inside_quotes():
    text = cite.format_citation(cite.chapter_csl("02_thaw_2014", paths.ROOT), "chicago-author-date", "plain")
    assert "”." not in text and ".”" in text


def test_chapter_block_bundles_four_forms():
    """The display object: APA, Chicago, BibTeX and a CSL-JSON download that decodes to the item."""
    bundle = cite.chapter_block("02_thaw_2014", paths.ROOT)._repr_mimebundle_()
    assert bundle[cite.MIME_CITE] == {"kind": "chapter", "name": "02_thaw_2014"}
    block = bundle["text/html"]
    assert "<dt>APA</dt>" in block and "<dt>Chicago</dt>" in block and "@incollection{iranaz-02_thaw_2014," in block
    uri = re.search(r'class="iranaz-cite-csl" download="iranaz-02_thaw_2014.json" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', block)
    assert json.loads(base64.b64decode(uri.group(1))) == [cite.chapter_csl("02_thaw_2014", paths.ROOT)]


def test_unknown_chapter_fails_at_execution():
    with pytest.raises(KeyError):
        cite.chapter_block("99_no_such_chapter", paths.ROOT)


# -- the bibliography of sources -------------------------------------------------------------


def read_sources() -> list[dict[str, str]]:
    with open(paths.DATA / "sources.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_bibliography_has_one_entry_per_source_with_its_fields():
    bib = parse_string((paths.ROOT / generated.BIB_PATH).read_text(encoding="utf-8"), "bibtex")
    rows = read_sources()
    assert sorted(bib.entries) == sorted(r["source_id"] for r in rows)
    outlets = {o["outlet_id"]: o["name"] for o in csv.DictReader(open(paths.DATA / "outlets.csv", encoding="utf-8"))}
    for r in rows:
        e = bib.entries[r["source_id"]]
        assert e.type == "misc"
        # BibTeX collapses runs of spaces, as a printed title does
        assert e.fields.get("title", "") == (" ".join(("{" + cite.bibtex_escape(r["title"]) + "}").split()) if r["title"] else "")
        assert ("author" in e.persons) == bool(r["author"])
        assert e.fields.get("url", "") == r["url"]
        assert e.fields.get("year", "") == r["published"][:4]
        assert e.fields.get("howpublished", "") == cite.bibtex_escape(outlets.get(r["outlet_id"], ""))
        assert e.fields.get("titleaddon", "") == (cite.bibtex_escape(generated.GLOSS_LABEL + r["title_en"]) if r["title_en"] else "")
        assert (r["copy_at"] in e.fields.get("note", "")) if r["copy_at"] else ("Copy" not in e.fields.get("note", ""))


def test_sources_with_empty_fields_and_special_characters_still_format():
    """pybtex formats every entry with the book's style, including the emptiest ones; the
    characters LaTeX reserves are escaped, and those that occur in titles print as written."""
    from pybtex.plugin import find_plugin

    sphinxext.register_pybtex_style()
    rows = [
        {"source_id": "odd-1", "title": "R&D at 100% #1 a_b", "author": "Mohsen Pak Ayeen", "published": "2022-01-28", "url": "https://x.example/a?b=1&c=2"},
        {"source_id": "odd-2", "title": "Costs $5 {or} ^more~ \\ less", "author": "Arash Karami", "published": "2014-04", "url": ""},
        {"source_id": "bare-3", "title": "", "author": "", "published": "", "url": ""},
    ]
    bib = parse_string("".join(generated.source_bibtex(r, "Outlet & Co") for r in rows), "bibtex")
    style = find_plugin("pybtex.style.formatting", "iranaz")()
    plain = find_plugin("pybtex.backends", "plaintext")()
    formatted = {e.key: (e.label, e.text.render(plain)) for e in style.format_entries(bib.entries.values())}
    assert formatted["odd-1"] == ("odd-1", "Mohsen Pak Ayeen. R&D at 100% #1 a_b. Outlet & Co, January 2022. URL: https://x.example/a?b=1&c=2.")
    assert formatted["odd-2"][1].startswith("Arash Karami. Costs") and formatted["odd-2"][1].endswith("Outlet & Co, April 2014.")
    assert formatted["bare-3"] == ("bare-3", "Outlet & Co.")
    assert [str(p) for p in bib.entries["odd-1"].persons["author"]] == ["{Mohsen Pak Ayeen}"]  # surname unknown: kept whole
    assert [str(p) for p in bib.entries["odd-2"].persons["author"]] == ["Karami, Arash"]


def test_a_gloss_follows_the_title_in_brackets_and_a_copy_says_where_the_link_goes():
    """A hand-written row: the entry carries the gloss, labelled as ours, and the note; the
    book's style prints the gloss in brackets after the original title, the copy before the URL."""
    from pybtex.plugin import find_plugin

    sphinxext.register_pybtex_style()
    row = {
        "source_id": "forum-1",
        "title": "Иран и Азербайджан расширяют сотрудничество",
        "title_en": "Iran and Azerbaijan expand cooperation",
        "translator": "A. Translator",
        "published": "2016-02-25",
        "language": "ru",
        "url": "https://forum.example/topic/1",
        "copy_at": "Copy posted on the forum.example forum",
    }
    entry = generated.source_bibtex(row, "Outlet")
    assert "titleaddon   = {English title (our translation): Iran and Azerbaijan expand cooperation}" in entry
    assert "note         = {Translated by A. Translator. Copy posted on the forum.example forum}" in entry
    bib = parse_string(entry + generated.source_bibtex({**row, "source_id": "plain-2", "title_en": "", "copy_at": "", "translator": ""}, "Outlet"), "bibtex")
    style = find_plugin("pybtex.style.formatting", "iranaz")()
    plain = find_plugin("pybtex.backends", "plaintext")()
    formatted = {e.key: e.text.render(plain) for e in style.format_entries(bib.entries.values())}
    assert formatted["forum-1"] == (
        "Иран и Азербайджан расширяют сотрудничество [Iran and Azerbaijan expand cooperation]. Outlet, February 2016. "
        "Translated by A. Translator. Copy posted on the forum.example forum. URL: https://forum.example/topic/1."
    )
    assert formatted["plain-2"] == "Иран и Азербайджан расширяют сотрудничество. Outlet, February 2016. URL: https://forum.example/topic/1."


def test_bibliography_follows_sources_csv(book_copy):
    """Change the table, and the generated bibliography changes with it."""
    sources = book_copy / "data" / "sources.csv"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("Iran, Azerbaijan to expand ties", "Iran and Azerbaijan expand ties"), encoding="utf-8")
    bib = parse_string(generated.sources_bib(sources), "bibtex")
    assert bib.entries["almonitor-2014-04-11"].fields["title"] == "{Iran and Azerbaijan expand ties}"


# -- a built book whose metadata names a repository and a published address ------------------


@pytest.fixture(scope="module")
def mini():
    built = mini_book()
    assert built.returncode == 0, built.log[-4000:]
    return built


def test_mini_book_builds_without_warnings(mini):
    assert sphinx_warnings(mini.log) == []


def test_launch_and_repository_buttons_appear_when_repository_url_is_set(mini):
    page = mini.page("mini/mini_chapter")
    assert "https://mybinder.org/v2/gh/example-org/iran-azerbaijan-book/main?urlpath=tree/mini/mini_chapter.md" in htmllib.unescape(page)
    assert "https://colab.research.google.com/github/example-org/iran-azerbaijan-book/blob/main/mini/mini_chapter.md" in page
    assert re.search(rf'href="{re.escape(TEST_REPOSITORY)}"[^>]*>|<a[^>]+href="{re.escape(TEST_REPOSITORY)}', page)
    assert "download-notebook-button" in page


@pytest.mark.build
def test_no_launch_or_repository_button_while_repository_url_is_empty():
    """In the real book (no repository yet) the pages name no repository at all."""
    from .bookbuild import full_book

    built = full_book()
    assert built.returncode == 0, built.log[-4000:]
    page = built.page("notebooks/02_thaw_2014")
    assert "launch-buttons" not in page and "mybinder.org" not in page and "colab.research" not in page
    assert "executablebooks/jupyter-book" not in page and "repository-button" not in page


def test_chapter_block_in_the_build_uses_the_published_url(mini):
    page = mini.page("mini/mini_chapter")
    text = text_of(page)
    assert "Cite this chapter as:" in text and f"{TEST_BASEURL}/mini/mini_chapter.html" in text
    assert "data-accessed" not in page and "Accessed" not in text and "iranaz-accessed.js" not in page
    bib = re.search(r'<pre class="iranaz-cite-bibtex">(.*?)</pre>', page, re.S).group(1)
    entry = parse_string(htmllib.unescape(bib), "bibtex").entries["iranaz-mini_chapter"]
    assert entry.fields["url"] == f"{TEST_BASEURL}/mini/mini_chapter.html" and entry.fields["chapter"] == "1"


def test_build_regenerates_the_bibliography_from_sources_csv(mini):
    """The mini book's sources.csv has a changed title; its build rewrote references.bib."""
    bib = parse_string((mini.src / generated.BIB_PATH).read_text(encoding="utf-8"), "bibtex")
    assert bib.entries["almonitor-2014-04-11"].fields["title"] == "{Changed title for the regeneration test}"
    assert "Changed title for the regeneration test" in text_of(mini.page("book/references"))


def test_footer_states_the_licences(mini):
    footer = re.search(r'<p class="iranaz-licence">(.*?)</p>', mini.page("mini/mini_chapter"), re.S).group(1)
    assert "CC BY 4.0" in footer and "https://creativecommons.org/licenses/by/4.0/" in footer
    assert ">MIT<" in footer and "Version 0.2.0" in footer


def test_cited_source_links_to_its_entry(mini):
    """Cited as a reader cites it, "(Al-Monitor 2014)", linking to its bibliography entry."""
    page = mini.page("mini/mini_chapter")
    label = tables.load().sources.set_index("source_id").loc["almonitor-2014-04-11", "label"]
    link = re.search(r'\(<a [^>]*href="([^"]+)"[^>]*>' + re.escape(label) + "</a>", page)
    assert label.startswith("Al-Monitor 2014")  # outlet and year, read off sources.csv
    assert link and link.group(1).startswith("../book/references.html#")
    assert ">almonitor-2014-04-11</a>" not in page
    assert FIXTURE_CITES[0] == "almonitor-2014-04-11"


def test_readme_states_the_licences_of_the_metadata():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Licence") :]
    meta = metadata.metadata(paths.ROOT)
    for part in ("text", "data", "code"):
        assert meta.licenses[part] in section
    assert (paths.ROOT / f"LICENSE-{meta.licenses['text']}.txt").is_file() and (paths.ROOT / "LICENSE").is_file()
    assert "Creative Commons Attribution 4.0 International Public License" in (paths.ROOT / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8")
