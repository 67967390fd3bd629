"""The validator names file, row, column and rule for each kind of broken input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iranaz import tables, validate
from iranaz.validate import Problem

from .conftest import edit_csv, read_rows, row_of, write_rows


def problems(data: Path) -> list[Problem]:
    return validate.validate(data)


def only(found: list[Problem], rule: str) -> list[Problem]:
    return [p for p in found if p.rule == rule]


def test_project_data_is_valid():
    assert validate.validate() == []


def test_bad_date_is_a_type_error_at_its_cell(data_copy):
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E030")
    edit_csv(events, lambda rows: [r.update(date="2022-02-30") if r["event_id"] == "E030" else None for r in rows] and None)
    [p] = only(problems(data_copy), "type-error")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "date")


def test_unknown_actor(data_copy):
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E002")
    edit_csv(events, lambda rows: [r.update(actor2="somebody_else") for r in rows if r["event_id"] == "E002"] and None)
    [p] = only(problems(data_copy), "unknown-actor")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "actor2")
    assert "somebody_else" in p.message


def test_unknown_cameo_code(data_copy):
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E004")
    edit_csv(events, lambda rows: [r.update(cameo_code="0999") for r in rows if r["event_id"] == "E004"] and None)
    [p] = only(problems(data_copy), "unknown-cameo-code")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "cameo_code")


def test_cameo_code_with_lost_leading_zero_is_caught(data_copy):
    # What a spreadsheet does to "042": it becomes 42, which is not a code.
    edit_csv(data_copy / "events.csv", lambda rows: [r.update(cameo_code="42") for r in rows if r["event_id"] == "E001"] and None)
    assert only(problems(data_copy), "unknown-cameo-code")


def test_event_without_evidence(data_copy):
    line = row_of(data_copy / "events.csv", "event_id", "E010")
    edit_csv(data_copy / "evidence.csv", lambda rows: [r for r in rows if r["event_id"] != "E010"])
    [p] = only(problems(data_copy), "missing-evidence")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "event_id")


def test_quote_not_in_source(data_copy):
    evidence = data_copy / "evidence.csv"
    header, rows = read_rows(evidence)
    i = next(i for i, r in enumerate(rows) if r["event_id"] == "E030")
    rows[i]["quote"] = rows[i]["quote"].replace("Wednesday", "Thursday")
    write_rows(evidence, header, rows)
    [p] = only(problems(data_copy), "quote-not-in-source")
    assert (Path(p.file).name, p.row, p.column) == ("evidence.csv", i + 2, "quote")
    assert "irandaily-2022-01-28" in p.message


def test_duplicate_event_id(data_copy):
    events = data_copy / "events.csv"
    header, rows = read_rows(events)
    rows.append(dict(rows[0]))
    write_rows(events, header, rows)
    found = problems(data_copy)
    assert any(p.rule == "primary-key" and Path(p.file).name == "events.csv" and p.row == len(rows) + 1 for p in found), found


def test_same_event_twice_under_two_ids(data_copy):
    events = data_copy / "events.csv"
    header, rows = read_rows(events)
    copy = dict(next(r for r in rows if r["event_id"] == "E030"), event_id="E999")
    rows.append(copy)
    write_rows(events, header, rows)
    edit_csv(data_copy / "evidence.csv", lambda ev: ev + [dict(next(r for r in ev if r["event_id"] == "E030"), event_id="E999")])
    edit_csv(data_copy / "event_domains.csv", lambda d: d + [{"event_id": "E999", "domain": "security"}])
    [p] = only(problems(data_copy), "duplicate-event")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", len(rows) + 1, "event_id")
    assert "E030" in p.message


def test_date_after_the_article_reporting_it(data_copy):
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E030")
    edit_csv(events, lambda rows: [r.update(date="2022-01-29") for r in rows if r["event_id"] == "E030"] and None)
    found = only(problems(data_copy), "date-after-source")
    assert {(Path(p.file).name, p.row, p.column) for p in found} == {("events.csv", line, "date")}
    assert any("irandaily-2022-01-28, published 2022-01-28" in p.message for p in found)


def test_advance_notice_must_predate_the_event(data_copy):
    evidence = data_copy / "evidence.csv"
    header, rows = read_rows(evidence)
    i = next(i for i, r in enumerate(rows) if r["event_id"] == "E030" and r["source_id"] == "irandaily-2022-01-28")
    rows[i]["reporting"] = "advance"  # published two days after the event: cannot be a preview
    write_rows(evidence, header, rows)
    [p] = only(problems(data_copy), "advance-after-event")
    assert (Path(p.file).name, p.column) == ("events.csv", "date")


def test_date_outside_every_period(data_copy):
    edit_csv(data_copy / "events.csv", lambda rows: [r.update(date="2009-05-01") for r in rows if r["event_id"] == "E014"] and None)
    assert [p.column for p in only(problems(data_copy), "date-outside-periods")] == ["date"]


def test_byte_order_mark(data_copy):
    events = data_copy / "events.csv"
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes())
    [p] = only(problems(data_copy), "encoding")
    assert (Path(p.file).name, p.row) == ("events.csv", 1)
    assert "byte-order mark" in p.message


def test_wrong_encoding_names_the_line(data_copy):
    events = data_copy / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_bytes(text.encode("cp1252", errors="replace"))  # dashes and curly quotes become single bytes
    [p] = only(problems(data_copy), "encoding")
    assert Path(p.file).name == "events.csv"
    first_non_ascii_line = next(i for i, ln in enumerate(text.split("\n"), start=1) if any(ord(c) > 127 for c in ln))
    assert p.row == first_non_ascii_line


def test_missing_column(data_copy):
    events = data_copy / "events.csv"
    header, rows = read_rows(events)
    write_rows(events, [h for h in header if h != "summary"], rows)
    [p] = only(problems(data_copy), "missing-column")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", 1, "summary")


def test_extra_column(data_copy):
    events = data_copy / "events.csv"
    header, rows = read_rows(events)
    write_rows(events, header + ["goldstein"], [dict(r, goldstein="1.0") for r in rows])
    [p] = only(problems(data_copy), "extra-column")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", 1, "goldstein")


def add_example_source(data: Path) -> None:
    """Add a non-seed source, example-2020-01-01, that no evidence row cites yet."""
    example = {
        "source_id": "example-2020-01-01",
        "outlet_id": "irna",
        "title": "T",
        "published": "2020-01-01",
        "url": "https://example.org/x",
        "language": "en",
    }
    edit_csv(data / "sources.csv", lambda rows: rows + [dict({k: "" for k in rows[0]}, **example)])


def test_quote_copied_from_a_non_seed_source_is_refused(data_copy):
    add_example_source(data_copy)
    edit_csv(
        data_copy / "evidence.csv",
        lambda rows: rows + [{"event_id": "E042", "source_id": "example-2020-01-01", "reporting": "background", "quote": "Copied sentence.", "note": ""}],
    )
    [p] = only(problems(data_copy), "quote-from-non-seed")
    assert (Path(p.file).name, p.column) == ("evidence.csv", "quote")


def test_unused_source(data_copy):
    add_example_source(data_copy)
    [p] = only(problems(data_copy), "unused-source")
    assert (Path(p.file).name, p.column) == ("sources.csv", "source_id")


def test_altered_raw_capture_and_stale_clean_text(data_copy):
    raw = data_copy / "sources" / "raw" / "002_3000bb12742dbcd3.txt"
    raw.write_bytes(raw.read_bytes().replace(b"Wednesday", b"Tuesday"))
    rules = {p.rule for p in problems(data_copy)}
    assert {"raw-hash-mismatch", "stale-clean-text"} <= rules


def test_ambiguous_name_variant(data_copy):
    edit_csv(data_copy / "actor_names.csv", lambda rows: rows + [{"name_variant": "aliev", "actor_id": "heydar_aliyev", "attested_in": ""}])
    [p] = only(problems(data_copy), "ambiguous-variant")
    assert p.column == "name_variant"


def test_variant_claimed_but_not_in_source(data_copy):
    edit_csv(data_copy / "actor_names.csv", lambda rows: rows + [{"name_variant": "Alijev", "actor_id": "ilham_aliyev", "attested_in": "almonitor-2014-04-11"}])
    [p] = only(problems(data_copy), "variant-not-attested")
    assert p.column == "attested_in"


def test_loading_broken_data_raises_with_every_problem(data_copy):
    edit_csv(data_copy / "events.csv", lambda rows: [r.update(actor1="nobody", cameo_code="0999") for r in rows if r["event_id"] == "E001"] and None)
    with pytest.raises(validate.DataError) as err:
        tables.load(data_copy)
    text = str(err.value)
    assert "unknown-actor" in text and "unknown-cameo-code" in text and "events.csv" in text


def test_cli_fails_loudly(data_copy):
    edit_csv(data_copy / "events.csv", lambda rows: [r.update(actor1="nobody") for r in rows if r["event_id"] == "E001"] and None)
    run = subprocess.run([sys.executable, "-m", "iranaz", "validate", "--data", str(data_copy)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "events.csv, row 2, column 'actor1': [unknown-actor]" in run.stderr
    ok = subprocess.run([sys.executable, "-m", "iranaz", "validate"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def test_a_pass_is_stamped_and_any_change_is_checked_again(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("IRANAZ_CACHE", str(tmp_path / "cache"))
    validate.check(data_copy)
    stamps = list((tmp_path / "cache" / "validated").iterdir())
    assert [s.name for s in stamps] == [validate.fingerprint(data_copy)]
    # The stamp stands for these bytes only: one changed cell is validated again, and fails.
    edit_csv(data_copy / "events.csv", lambda rows: [r.update(actor1="nobody") for r in rows if r["event_id"] == "E001"] and None)
    with pytest.raises(validate.DataError, match="unknown-actor"):
        validate.check(data_copy)
    assert len(list((tmp_path / "cache" / "validated").iterdir())) == 1


def test_a_failure_leaves_no_stamp(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("IRANAZ_CACHE", str(tmp_path / "cache"))
    (data_copy / "sources" / "clean" / next(p.name for p in (data_copy / "sources" / "clean").iterdir())).write_text("altered\n", encoding="utf-8")
    for _ in range(2):  # the second check validates again rather than trusting a stamp
        with pytest.raises(validate.DataError):
            validate.check(data_copy)
    assert not (tmp_path / "cache" / "validated").exists()


def test_the_fingerprint_covers_the_rules_and_every_data_file(data_copy):
    before = validate.fingerprint(data_copy)
    raw = next((data_copy / "sources" / "raw").iterdir())
    raw.write_bytes(raw.read_bytes() + b" ")
    assert validate.fingerprint(data_copy) != before
    assert set(validate.RULE_MODULES) >= {"validate.py", "corpus.py"}


def set_cells(path: Path, key: str, value: str, **cells: str) -> None:
    """Set ``cells`` in the row of ``path`` whose ``key`` column holds ``value``."""
    edit_csv(path, lambda rows: [r.update(cells) for r in rows if r[key] == value] and None)


def test_a_source_id_date_must_agree_with_published(data_copy):
    sources = data_copy / "sources.csv"
    line = row_of(sources, "source_id", "almonitor-2014-04-11")
    set_cells(sources, "source_id", "almonitor-2014-04-11", published="2014-04-12")
    [p] = only(problems(data_copy), "id-date-mismatch")
    assert (Path(p.file).name, p.row, p.column) == ("sources.csv", line, "published")
    assert "2014-04-11" in p.message and "2014-04-12" in p.message


def test_a_source_id_date_with_no_published_date_must_be_explained(data_copy):
    sources = data_copy / "sources.csv"
    line = row_of(sources, "source_id", "almonitor-2014-04-11")
    set_cells(sources, "source_id", "almonitor-2014-04-11", published="", published_basis="")
    [p] = only(problems(data_copy), "id-date-unexplained")
    assert (Path(p.file).name, p.row, p.column) == ("sources.csv", line, "published_basis")
    set_cells(sources, "source_id", "almonitor-2014-04-11", published_basis="Only the month is printed.")
    assert only(problems(data_copy), "id-date-unexplained") == []


def test_a_non_english_title_needs_a_gloss_and_an_english_one_has_none(data_copy):
    sources = data_copy / "sources.csv"
    russian, english = "iranru-2016-02-25", "almonitor-2014-04-11"
    set_cells(sources, "source_id", russian, title_en="")
    set_cells(sources, "source_id", english, title_en="Iran, Azerbaijan to expand ties")
    [missing] = only(problems(data_copy), "missing-gloss")
    assert (Path(missing.file).name, missing.row, missing.column) == ("sources.csv", row_of(sources, "source_id", russian), "title_en")
    assert russian in missing.message and "'ru'" in missing.message
    [unwanted] = only(problems(data_copy), "gloss-not-wanted")
    assert (Path(unwanted.file).name, unwanted.row, unwanted.column) == ("sources.csv", row_of(sources, "source_id", english), "title_en")
    assert "in English" in unwanted.message
    # A gloss of a title the page does not show is refused too.
    set_cells(sources, "source_id", english, title_en="")
    set_cells(sources, "source_id", russian, title="", title_en="Iran and Azerbaijan expand cooperation")
    [p] = only(problems(data_copy), "gloss-not-wanted")
    assert p.row == row_of(sources, "source_id", russian) and "no title" in p.message
    assert only(problems(data_copy), "missing-gloss") == []


def test_a_copy_note_needs_a_url_and_reads_as_a_copy(data_copy):
    sources = data_copy / "sources.csv"
    set_cells(sources, "source_id", "globalinsight-2012-03-15", url="")
    [p] = only(problems(data_copy), "copy-without-url")
    assert (Path(p.file).name, p.row, p.column) == ("sources.csv", row_of(sources, "source_id", "globalinsight-2012-03-15"), "copy_at")
    set_cells(sources, "source_id", "almonitor-2014-04-11", copy_at="armeniandiaspora.com.")
    [p] = only(problems(data_copy), "constraint-error")
    assert (Path(p.file).name, p.row, p.column) == ("sources.csv", row_of(sources, "source_id", "almonitor-2014-04-11"), "copy_at")


def test_a_withdrawn_event_keeps_its_row_and_says_why(data_copy):
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E002")
    set_cells(events, "event_id", "E002", status="withdrawn", notes="")
    [p] = only(problems(data_copy), "withdrawn-without-reason")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "notes")
    set_cells(events, "event_id", "E002", notes="Withdrawn in 9.9.9: a test.")
    assert only(problems(data_copy), "withdrawn-without-reason") == []
    t = tables.load(data_copy)
    assert "E002" not in set(t.events["event_id"]) and list(t.withdrawn["event_id"]) == ["E002"]


def test_an_unrecorded_change_since_the_release_names_the_event_and_field(data_copy):
    assert only(validate.validate(data_copy, releases=True), "unrecorded-change") == []
    events = data_copy / "events.csv"
    line = row_of(events, "event_id", "E001")
    set_cells(events, "event_id", "E001", location="Baku, Azerbaijan")
    [p] = only(validate.validate(data_copy, releases=True), "unrecorded-change")
    assert (Path(p.file).name, p.row, p.column) == ("events.csv", line, "location")
    assert "E001" in p.message and "'Tehran, Iran'" in p.message and "'Baku, Azerbaijan'" in p.message
    # Recorded, the same change passes.
    header, rows = read_rows(data_copy / "changes.csv")
    change = {"version": "0.2.0", "table": "events", "record_id": "E001", "field": "location"}
    rows.append({**change, "old_value": "Tehran, Iran", "new_value": "Baku, Azerbaijan", "reason": "A test."})
    write_rows(data_copy / "changes.csv", header, rows)
    assert only(validate.validate(data_copy, releases=True), "unrecorded-change") == []


def test_an_event_removed_since_the_release_is_an_unrecorded_change(data_copy):
    edit_csv(data_copy / "events.csv", lambda rows: [r for r in rows if r["event_id"] != "E003"])
    edit_csv(data_copy / "evidence.csv", lambda rows: [r for r in rows if r["event_id"] != "E003"])
    edit_csv(data_copy / "event_domains.csv", lambda rows: [r for r in rows if r["event_id"] != "E003"])
    found = only(validate.validate(data_copy, releases=True), "unrecorded-change")
    assert any(p.row is None and "events E003 was removed" in p.message for p in found), found
