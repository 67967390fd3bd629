"""Reuse (issue #5): every chart offers its exact data (CSV), SVG, PNG and a citation; the data
package downloads as one versioned zip; every chapter downloads as a notebook; the book
cites its sources, with one global bibliography and no duplicate warnings."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote

import jupytext
import nbformat
import pandas as pd
import pytest

from iranaz import charts, files, paths, tables
from iranaz.book import cite, downloads, metadata, toc

from .bookbuild import (
    FIXTURE_CHART,
    FIXTURE_CHART_TITLE,
    FIXTURE_CITES,
    FIXTURE_DOC,
    FIXTURE_TITLE,
    Built,
    chart_specs,
    full_book,
    sphinx_warnings,
    text_of,
)

BAR_RE = re.compile(r'<div class="iranaz-downloads docutils container">(.*?)</div>', re.S)
LINK_RE = re.compile(r'<a class="[^"]*\breference download internal\b[^"]*" download="" href="([^"]+)"[^>]*><span[^>]*>([^<]+)</span></a>')


@pytest.fixture(scope="module")
def book() -> Built:
    built = full_book()
    assert built.returncode == 0, built.log[-4000:]
    return built


def chapter_pages(book: Built) -> list[toc.Page]:
    return [p for p in toc.pages(book.src) if p.number]


def bars(html: str) -> list[dict[str, str]]:
    """Each downloads bar of a page: {label: href}."""
    return [{label: href for href, label in LINK_RE.findall(b)} for b in BAR_RE.findall(html)]


def built_file(book: Built, docname: str, href: str) -> Path:
    return (book.html / Path(docname).parent / unquote(href)).resolve()


def charts_then_bars(html: str) -> list[tuple[dict, str]]:
    """Each chart spec of a page with the downloads bar that follows it (before the next chart)."""
    events = [(m.start(), "chart", m) for m in re.finditer(r'<script type="application/json" id="[^"]+-spec">', html)]
    events += [(m.start(), "bar", m) for m in BAR_RE.finditer(html)]
    specs = iter(chart_specs(html))
    out, current = [], None
    for _, kind, m in sorted(events, key=lambda e: e[0]):
        if kind == "chart":
            current = next(specs)
        elif current is not None:
            out.append((current, m.group(1)))
            current = None
    return out


def spec_tables(spec: dict) -> list[list[dict]]:
    """Every table a chart's Vega spec draws: the data sets that carry values. A map's country
    outlines (GeoJSON features, from data/geo/) are its background, not data it counts: they
    are a file of the repository (Natural Earth, credited on the places page), not a table of
    the chart."""
    return [d["values"] for d in spec["data"] if "values" in d and not (d["values"] and isinstance(d["values"][0], dict) and "geometry" in d["values"][0])]


def same_rows(rows: list[dict[str, str]], want: list[dict]) -> bool:
    return len(rows) == len(want) and all(
        set(w) <= set(r) and all(same_value(r[k], v) for k, v in w.items()) for r, w in zip(rows, want)
    )


def same_value(csv_value: str, spec_value) -> bool:
    if spec_value is None or (isinstance(spec_value, float) and pd.isna(spec_value)):
        return csv_value == ""
    if isinstance(spec_value, bool):
        return csv_value == str(spec_value)
    if isinstance(spec_value, (int, float)):
        return float(csv_value) == pytest.approx(float(spec_value))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+", str(spec_value)):  # Altair writes pandas timestamps in full
        return pd.Timestamp(csv_value) == pd.Timestamp(spec_value)
    return csv_value == str(spec_value)


# -- the build -------------------------------------------------------------------------------


def test_book_builds_with_zero_warnings(book):
    assert sphinx_warnings(book.log) == []


# -- charts ----------------------------------------------------------------------------------


def test_fixture_chart_offers_csv_svg_png_and_a_citation(book):
    html = book.page(FIXTURE_DOC)
    [bar] = [b for b in bars(html) if "CSV" in b]
    assert list(bar) == ["CSV", "SVG", "PNG"]
    for label, href in bar.items():
        assert href.endswith(f"/{FIXTURE_CHART}.{label.lower()}") and built_file(book, FIXTURE_DOC, href).is_file()
    svg = ET.parse(built_file(book, FIXTURE_DOC, bar["SVG"])).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and FIXTURE_CHART_TITLE in ET.tostring(svg, encoding="unicode")
    png = built_file(book, FIXTURE_DOC, bar["PNG"]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == downloads.PNG_SCALE * int(float(svg.attrib["width"]))  # IHDR width
    meta = metadata.metadata(book.src)
    line = re.search(r'<span class="iranaz-chart-cite">(.*?)</span>\s*</p>', BAR_RE.search(html).group(1), re.S).group(1)
    text = text_of(line)
    assert text.startswith("Cite: Iran–Azerbaijan Book contributors (2026).") and f"“{FIXTURE_CHART_TITLE}”" in text
    assert meta.title in text and f"version {meta.version}" in text and "CC BY 4.0" in text
    number = next(p.number for p in toc.pages(book.src) if p.docname == FIXTURE_DOC)
    assert f"chapter {number}, “{FIXTURE_TITLE}”" in text


def test_fixture_csv_is_the_data_the_chart_function_draws(book):
    [bar] = [b for b in bars(book.page(FIXTURE_DOC)) if "CSV" in b]
    got = pd.read_csv(built_file(book, FIXTURE_DOC, bar["CSV"]), dtype=str, keep_default_na=False)
    want = charts.timeline(tables.load().events).data
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    pd.testing.assert_frame_equal(got, want.astype(str).reset_index(drop=True), check_dtype=False)


def test_every_downloaded_csv_equals_the_data_in_its_chart(book):
    """For every bar in the built book: the CSV holds exactly the rows the chart above it draws."""
    checked = 0
    for page in toc.pages(book.src):
        html = book.page(page.docname)
        for spec, bar_html in charts_then_bars(html):
            csvs = [href for href, label in LINK_RE.findall(bar_html) if label.startswith("CSV")]
            tables_drawn = spec_tables(spec)
            assert len(csvs) == len(tables_drawn), page.docname
            for href in csvs:
                with open(built_file(book, page.docname, href), encoding="utf-8", newline="") as f:
                    rows = list(csv.DictReader(f))
                assert sum(same_rows(rows, want) for want in tables_drawn) >= 1, (page.docname, href)
            checked += 1
    assert checked >= 1


def test_every_chart_of_every_chapter_offers_downloads(book):
    """Each chart in a chapter is followed by its downloads bar (``downloads.figure``)."""
    missing = {}
    for page in chapter_pages(book):
        html = book.page(page.docname)
        n_charts, n_bars = len(chart_specs(html)), len(charts_then_bars(html))
        if n_charts != n_bars:
            missing[page.docname] = f"{n_bars} of {n_charts} charts"
    assert missing == {}


def test_export_is_white_fixed_width_and_the_page_chart_is_unchanged():
    chart = charts.timeline(tables.load().events)
    spec = downloads.export_spec(chart)
    assert spec["width"] == downloads.EXPORT_WIDTH and spec["background"] == "white"
    assert chart.to_dict()["width"] == "container"


def test_download_name_must_be_a_slug():
    with pytest.raises(ValueError, match="download name"):
        downloads.offer(charts.timeline(tables.load().events), "Bad Name")


def test_layered_chart_offers_one_csv_per_table():
    import altair as alt

    points, marks = pd.DataFrame({"x": [1, 3]}), pd.DataFrame({"x": [2]})
    a = alt.Chart(points).mark_point().encode(x="x:Q")
    b = alt.Chart(marks).mark_rule().encode(x="x:Q")
    assert [t["x"].tolist() for t in downloads.chart_tables(a + b)] == [[1, 3], [2]]
    with pytest.raises(ValueError, match="2 tables"):
        downloads.chart_data(a + b)
    assert downloads.chart_data(a + a).equals(a.data)  # one table drawn twice is one table
    # Two tables unnamed would be offered as "CSV 1 · CSV 2": refused, with what to do.
    with pytest.raises(ValueError, match="name each for its download"):
        downloads.chart_files(a + b, "two-tables")
    points.attrs[downloads.DOWNLOAD_NAME], marks.attrs[downloads.DOWNLOAD_NAME] = "points", "marks"
    files = downloads.chart_files(a + b, "two-tables")
    assert [(f["name"], f["label"]) for f in files] == [
        ("two-tables-points.csv", "CSV of points"), ("two-tables-marks.csv", "CSV of marks"), ("two-tables.svg", "SVG"), ("two-tables.png", "PNG"),
    ]
    assert files[1]["text"] == "x\n2\n"


@pytest.mark.parametrize(("n", "says"), [(0, "0 bytes"), (300, "300 bytes"), (999, "999 bytes"), (1000, "1 KB"), (1536, "2 KB"), (2_500_000, "2.4 MB")])
def test_file_sizes_read_as_written(n, says):
    assert files.file_size(n) == says


# -- the data package ------------------------------------------------------------------------


def test_data_package_zip_is_served_and_complete(book, tmp_path):
    html = book.page(FIXTURE_DOC)
    pkg = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    meta = metadata.metadata(book.src)
    name = f"{pkg['name']}-{meta.version}.zip"
    [bar] = [b for b in bars(html) if name in b]
    path = built_file(book, FIXTURE_DOC, bar[name])
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path)
    base = tmp_path / name.removesuffix(".zip")
    expected = {"datapackage.json", "README.md", "LICENSE-CC-BY-4.0.txt", *(r["path"] for r in pkg["resources"])}
    assert {n.removeprefix(base.name + "/") for n in names} == expected
    inner = json.loads((base / "datapackage.json").read_text(encoding="utf-8"))
    assert inner["version"] == meta.version and inner["licenses"][0]["name"] == "CC-BY-4.0"
    for r in pkg["resources"]:
        assert (base / r["path"]).read_bytes() == (paths.DATA / r["path"]).read_bytes()
    readme = (base / "README.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in readme and cite.dataset_citation(pkg, book.src) in readme
    assert "Creative Commons Attribution 4.0 International Public License" in (base / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8")
    text = text_of(html)
    assert "Cite the data as:" in text and pkg["title"] in text


def test_data_package_zip_validates_with_frictionless(tmp_path):
    from frictionless import Package

    name, content = downloads.package_zip()
    zipfile.ZipFile(io.BytesIO(content)).extractall(tmp_path)
    report = Package(str(tmp_path / name.removesuffix(".zip") / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_data_package_zip_is_reproducible():
    assert downloads.package_zip() == downloads.package_zip()


def test_zip_refuses_a_package_whose_version_disagrees(tmp_path):
    import shutil

    shutil.copytree(paths.DATA, tmp_path / "data", ignore=shutil.ignore_patterns("staging", "sources"))
    p = tmp_path / "data" / "datapackage.json"
    pkg = json.loads(p.read_text(encoding="utf-8"))
    pkg["version"] = "9.9.9"
    p.write_text(json.dumps(pkg), encoding="utf-8")
    with pytest.raises(ValueError, match="9.9.9"):
        downloads.package_zip(tmp_path / "data")


# -- notebooks -------------------------------------------------------------------------------


def test_every_chapter_is_offered_as_ipynb(book):
    for page in [p for p in toc.pages(book.src) if p.path.suffix == ".md" and "kernelspec" in p.path.read_text(encoding="utf-8")[:400]]:
        ipynb = book.html / "_sources" / f"{page.docname}.ipynb"
        nb = nbformat.read(ipynb, as_version=4)
        nbformat.validate(nb)
        src = jupytext.read(page.path)
        assert [c.source for c in nb.cells if c.cell_type == "code"] == [c.source for c in src.cells if c.cell_type == "code"], page.docname
        depth = page.docname.count("/")
        assert f'href="{"../" * depth}_sources/{page.docname}.ipynb"' in book.page(page.docname), page.docname


# -- citations in the built book -------------------------------------------------------------


def test_fixture_chapter_ends_with_its_citation(book):
    html = book.page(FIXTURE_DOC)
    block = re.search(r'<div class="iranaz-cite".*?</div>', html, re.S).group(0)
    number = next(p.number for p in toc.pages(book.src) if p.docname == FIXTURE_DOC)
    assert f"Chap. {number} in" in text_of(block) and FIXTURE_TITLE in text_of(block)
    run = re.search(r'<div class="iranaz-run" role="region".*?</div>', html, re.S).group(0)  # right after the block
    assert html.index(block) + len(block) == html.index(run)
    assert 'href="../_sources/notebooks/zz_reuse_fixture.ipynb"' in run
    assert html.index("iranaz-cite") > html.index('id="sources"')


def test_every_chapter_ends_with_cite_this_chapter(book):
    """``cite.chapter_block`` is the last output of every chapter."""
    missing = [p.docname for p in chapter_pages(book) if 'class="iranaz-cite"' not in book.page(p.docname)]
    assert missing == []


def test_global_bibliography_lists_every_source_once(book):
    html = book.page("book/references")
    with open(book.src / "data" / "sources.csv", encoding="utf-8", newline="") as f:
        ids = [r["source_id"] for r in csv.DictReader(f)]
    labels = re.findall(r'<span class="label"><span class="fn-bracket">\[</span>([^<]+)<span class="fn-bracket">\]</span></span>', html)
    expected = tables.citation_labels(*(pd.read_csv(book.src / "data" / f"{n}.csv", dtype=str, keep_default_na=False) for n in ("sources", "outlets")))
    assert len(ids) == len(set(expected.index)) == len(expected)
    assert sorted(htmllib.unescape(x) for x in labels) == sorted(expected)  # each source once, by its outlet-and-year label


def test_chapters_list_the_sources_they_cite(book):
    """A chapter that cites sources lists them at its end (with the sources behind the events
    it counts, tests/book/browser/test_reference.py), and its citations link to their single
    entry on the References page (so no duplicate-citation warnings)."""
    checked = 0
    for page in chapter_pages(book):
        html = book.page(page.docname)
        cited = set(re.findall(r'<a class="reference internal" href="[./]*book/references.html#[^"]+"[^>]*>([^<]+)</a>', html))
        if not cited:
            continue
        section = re.search(r'<section id="sources">.*?</section>', html, re.S)
        assert section, f"{page.docname} cites {sorted(cited)} but has no Sources section"
        listed = set(re.findall(r'<li[^>]*>\s*<p>(.*?)</p>', section.group(0), re.S))
        assert len(listed) >= len(cited), page.docname
        checked += 1
    assert checked >= 1


def test_fixture_cites_sources_other_chapters_cite_too(book):
    """The duplicate-warning guard is exercised: the same keys are cited in several chapters."""
    others = [p for p in chapter_pages(book) if p.docname != FIXTURE_DOC]
    labels = tables.citation_labels(*(pd.read_csv(book.src / "data" / f"{n}.csv", dtype=str, keep_default_na=False) for n in ("sources", "outlets")))
    for key in FIXTURE_CITES:
        assert any(f">{htmllib.escape(labels[key], quote=False)}</a>" in book.page(p.docname) for p in others), key
