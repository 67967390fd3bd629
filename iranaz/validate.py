"""One entry point that decides whether the tables may be used.

It runs the Frictionless validation of ``datapackage.json`` (types, constraints, primary
and foreign keys) and then the rules a schema cannot express: quotes found verbatim in
their source, dates not after the articles reporting them, every event in a period, with
evidence and a domain, no duplicate events, name variants attested where they claim to be,
an English gloss for every non-English title.

Every problem names the file, the row (the line of the CSV file; the header is line 1),
the column and the rule, so a broken table is fixed in one pass, and
:func:`check` raises rather than letting a chapter draw a wrong chart.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from . import corpus, datapackage, files, paths
from . import releases as releases_module


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place."""

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        where += f", column '{self.column}'" if self.column else ""
        return f"{where}: [{self.rule}] {self.message}"


class DataError(ValueError):
    """Raised when the tables break a rule; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")


#: A full date inside a source id (``trend-2018-03-29``, ``irna-2025-04-28-press``).
ID_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")

# Foreign keys whose failures get a rule name of their own.
FK_RULES = {
    ("events", "actor1"): "unknown-actor",
    ("events", "actor2"): "unknown-actor",
    ("actor_names", "actor_id"): "unknown-actor",
    ("events", "cameo_code"): "unknown-cameo-code",
    ("evidence", "source_id"): "unknown-source",
    ("evidence", "event_id"): "unknown-event",
    ("event_domains", "event_id"): "unknown-event",
    ("event_domains", "domain"): "unknown-domain",
}


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _structure(path: Path, fields: list[str]) -> list[Problem]:
    """Encoding, byte-order mark and header: what must hold before any row can be read."""
    name = _rel(path)
    if not path.exists():
        return [Problem(name, None, None, "missing-file", "file listed in datapackage.json does not exist")]
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return [Problem(name, 1, None, "encoding", "file starts with a UTF-8 byte-order mark; save as UTF-8 without BOM")]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return [Problem(name, line, None, "encoding", f"byte {data[e.start]:#04x} at offset {e.start} is not UTF-8; save the file as UTF-8")]
    header = next(csv.reader(io.StringIO(data.decode("utf-8"), newline="")), [])
    problems = []
    for col in fields:
        if col not in header:
            problems.append(Problem(name, 1, col, "missing-column", f"column '{col}' is required by datapackage.json but absent"))
    for col in header:
        if col not in fields:
            problems.append(Problem(name, 1, col, "extra-column", f"column '{col}' is not described in datapackage.json"))
    if not problems and header != fields:
        problems.append(Problem(name, 1, None, "column-order", f"columns must be in the order {fields}"))
    return problems


def _frictionless(package_path: Path, skip: set[str]) -> list[Problem]:
    """Frictionless validation of types, constraints and keys, as Problems."""
    from frictionless import Package, system

    problems = []
    with system.use_context(trusted=True):
        package = Package(str(package_path))
        report = package.validate()
    for task in report.tasks:
        resource = task.name
        file = _rel(package_path.parent / f"{resource}.csv")
        if file in skip:
            continue
        for err in task.errors:
            col = getattr(err, "field_name", None)
            row = getattr(err, "row_number", None)
            rule = err.type
            if rule == "foreign-key":
                cols = getattr(err, "field_names", None) or []
                col = cols[0] if cols else col
                rule = FK_RULES.get((resource, col), "unknown-reference")
            problems.append(Problem(file, row, col, rule, err.message))
    return problems


def validate(data_dir: Path | None = None, releases: bool | None = None) -> list[Problem]:
    """Every problem in the tables under ``data_dir`` (default: the project's ``data/``).

    With ``releases`` (the default for the project's own ``data/`` in a git checkout) the
    tables are also compared with the previous release (:mod:`iranaz.releases`): every change
    since must be recorded in ``changes.csv``."""
    data_dir = Path(data_dir or paths.DATA)
    if releases is None:
        releases = data_dir.resolve() == paths.DATA.resolve() and release_check_possible()
    package_path = data_dir / "datapackage.json"
    package = datapackage.descriptor(data_dir)
    problems: list[Problem] = []
    broken: set[str] = set()
    for res in package["resources"]:
        path = data_dir / res["path"]
        fields = [f["name"] for f in res["schema"]["fields"]]
        found = _structure(path, fields)
        if found:
            broken.add(_rel(path))
            problems += found
    problems += _frictionless(package_path, broken)
    if broken:
        return problems  # rules below need every table readable
    problems += _rules(data_dir)
    if releases:
        problems += _release_rules(data_dir)
    return problems


def release_check_possible() -> bool:
    """The comparison with the previous release needs the project's git history."""
    return releases_module.git_available(paths.ROOT)


def _release_rules(data_dir: Path) -> list[Problem]:
    """A change since the previous release that ``changes.csv`` does not record."""
    out = []
    rows = {name: datapackage.rows(name, data_dir) for name in releases_module.TRACKED}
    for d in releases_module.unrecorded(data_dir):
        cols = releases_module.TRACKED[d.table]
        at = next((i + 2 for i, r in enumerate(rows[d.table]) if "|".join(r[c] for c in cols) == d.record_id), None)
        column = None if d.field == releases_module.ADDED_OR_REMOVED else d.field
        msg = f"{d}; record it in changes.csv (version, table, record_id, field, old_value, new_value, reason)"
        out.append(Problem(_rel(data_dir / f"{d.table}.csv"), at, column, "unrecorded-change", msg))
    return out


def _rules(data_dir: Path) -> list[Problem]:
    """The rules a schema cannot express."""
    import pandas as pd

    package = datapackage.descriptor(data_dir)
    t = {res["name"]: datapackage.read_rows(data_dir / res["path"])[1] for res in package["resources"]}
    f = {name: _rel(data_dir / f"{name}.csv") for name in t}
    problems: list[Problem] = []

    def row_no(i: int) -> int:
        return i + 2  # header is line 1

    sources = {r["source_id"]: r for r in t["sources"]}

    # Sources: a date in the id agrees with `published`; where the page prints none, the basis
    # says where the id's date comes from (so an id and its date cannot drift apart again).
    for i, s in enumerate(t["sources"]):
        m = ID_DATE.search(s["source_id"])
        if not m:
            continue
        if s["published"] and s["published"] != m.group(1):
            msg = f"the id carries {m.group(1)} but published is {s['published']}: correct published, or record why they differ in a new source"
            problems.append(Problem(f["sources"], row_no(i), "published", "id-date-mismatch", msg))
        elif not s["published"] and not s["published_basis"].strip():
            msg = f"the id carries {m.group(1)} but published is empty: fill it from the page, or say in published_basis where the id's date comes from"
            problems.append(Problem(f["sources"], row_no(i), "published_basis", "id-date-unexplained", msg))

    # Sources: an English gloss for every non-English title and for nothing else; a note of
    # where a link goes only where there is a link.
    for i, s in enumerate(t["sources"]):
        english = s["language"] == "en"
        if s["title_en"] and (english or not s["title"]):
            why = "the source is in English" if english else "the source has no title"
            msg = f"{s['source_id']} has an English gloss but {why}: leave title_en empty"
            problems.append(Problem(f["sources"], row_no(i), "title_en", "gloss-not-wanted", msg))
        elif not english and s["title"] and not s["title_en"]:
            msg = f"{s['source_id']} has a title in '{s['language']}' but no English gloss: translate it in title_en"
            problems.append(Problem(f["sources"], row_no(i), "title_en", "missing-gloss", msg))
        if s["copy_at"] and not s["url"]:
            problems.append(Problem(f["sources"], row_no(i), "copy_at", "copy-without-url", f"{s['source_id']} says where its link goes but has no url"))

    # Events withdrawn since a release keep their row, with the reason in notes.
    for i, e in enumerate(t["events"]):
        if e["status"] == "withdrawn" and not e["notes"].startswith("Withdrawn"):
            msg = "a withdrawn event's notes must begin 'Withdrawn' and give the reason"
            problems.append(Problem(f["events"], row_no(i), "notes", "withdrawn-without-reason", msg))
    raw_dir, clean_dir = data_dir / "sources" / "raw", data_dir / "sources" / "clean"

    # Seed sources: raw capture present, stored clean text equal to what cleaning produces.
    texts: dict[str, str] = {}
    for i, s in enumerate(t["sources"]):
        if not s["raw_file"]:
            continue
        raw = raw_dir / s["raw_file"]
        clean = clean_dir / f"{s['source_id']}.txt"
        if not raw.exists():
            problems.append(Problem(f["sources"], row_no(i), "raw_file", "missing-raw-file", f"{_rel(raw)} does not exist"))
            continue
        if not clean.exists():
            problems.append(Problem(f["sources"], row_no(i), "source_id", "missing-clean-text", f"{_rel(clean)} does not exist; run `python -m iranaz clean`"))
            continue
        digest = hashlib.sha256(raw.read_bytes()).hexdigest()
        if s["raw_sha256"] and digest != s["raw_sha256"]:
            problems.append(
                Problem(
                    f["sources"],
                    row_no(i),
                    "raw_sha256",
                    "raw-hash-mismatch",
                    f"{_rel(raw)} has SHA-256 {digest[:12]}…, not the recorded {s['raw_sha256'][:12]}…: the capture was altered",
                )
            )
        expected = corpus.clean_text(raw.read_text(encoding="utf-8"), s["title"], s["author"])
        texts[s["source_id"]] = clean.read_text(encoding="utf-8")
        if texts[s["source_id"]] != expected:
            problems.append(
                Problem(
                    f["sources"],
                    row_no(i),
                    "source_id",
                    "stale-clean-text",
                    f"{_rel(clean)} differs from cleaning its raw capture; run `python -m iranaz clean`",
                )
            )
        if s["republishes"] == s["source_id"]:
            problems.append(Problem(f["sources"], row_no(i), "republishes", "self-reprint", "a source cannot reprint itself"))

    # Evidence: seed quotes verbatim; no copied text from other sources.
    cited: set[str] = set()
    evidence_by_event: dict[str, list[dict[str, str]]] = {}
    for i, ev in enumerate(t["evidence"]):
        cited.add(ev["source_id"])
        evidence_by_event.setdefault(ev["event_id"], []).append(ev)
        sid, quote = ev["source_id"], ev["quote"]
        if sid in texts:
            if not quote:
                problems.append(Problem(f["evidence"], row_no(i), "quote", "missing-quote", f"evidence from seed source {sid} needs a verbatim quote"))
            elif quote not in texts[sid]:
                problems.append(
                    Problem(f["evidence"], row_no(i), "quote", "quote-not-in-source", f"quote not found verbatim in the cleaned text of {sid}: {quote[:80]!r}")
                )
        elif sid in sources and quote:
            problems.append(
                Problem(
                    f["evidence"],
                    row_no(i),
                    "quote",
                    "quote-from-non-seed",
                    f"{sid} is not a stored seed text: summarise it in our own words, leave quote empty",
                )
            )

    cited |= {c["source_id"] for c in t["claim_check_sources"]}
    for i, s in enumerate(t["sources"]):
        if s["source_id"] not in cited:
            problems.append(Problem(f["sources"], row_no(i), "source_id", "unused-source", f"source {s['source_id']} is cited by no evidence row"))

    for name in ("excluded_mentions", "claim_checks"):
        for i, x in enumerate(t[name]):
            if x["source_id"] not in texts:
                problems.append(Problem(f[name], row_no(i), "source_id", "not-a-seed", f"{x['source_id']} has no stored text to quote"))
            elif x["quote"] not in texts[x["source_id"]]:
                problems.append(
                    Problem(f[name], row_no(i), "quote", "quote-not-in-source", f"quote not found verbatim in the cleaned text of {x['source_id']}")
                )

    # Actor name variants: one spelling, one actor; attested where claimed.
    seen: dict[str, int] = {}
    for i, a in enumerate(t["actor_names"]):
        key = a["name_variant"].casefold()
        if key in seen:
            problems.append(
                Problem(f["actor_names"], row_no(i), "name_variant", "ambiguous-variant", f"'{a['name_variant']}' already listed at row {seen[key]}")
            )
        seen.setdefault(key, row_no(i))
        if a["attested_in"] in texts and a["name_variant"] not in texts[a["attested_in"]]:
            problems.append(
                Problem(
                    f["actor_names"],
                    row_no(i),
                    "attested_in",
                    "variant-not-attested",
                    f"'{a['name_variant']}' does not occur in the cleaned text of {a['attested_in']}",
                )
            )

    # Persons: a role for every year they act in an event; role years in order.
    kinds = {a["actor_id"]: a["kind"] for a in t["actors"]}
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, r in enumerate(t["actor_roles"]):
        try:
            lo, hi = int(r["from_year"]), int(r["to_year"])
        except ValueError:
            continue  # reported by Frictionless as a type error
        if lo > hi:
            problems.append(Problem(f["actor_roles"], row_no(i), "to_year", "years-reversed", f"to_year {hi} is before from_year {lo}"))
        spans.setdefault(r["actor_id"], []).append((lo, hi))
    for i, e in enumerate(t["events"]):
        year = int(e["date"][:4]) if e["date"][:4].isdigit() else None
        for side in ("actor1", "actor2"):
            a = e[side]
            if year and kinds.get(a) == "person" and not any(lo <= year <= hi for lo, hi in spans.get(a, [])):
                problems.append(Problem(f["events"], row_no(i), side, "role-not-attested", f"{a} has no row in actor_roles.csv covering {year}"))

    # Events: dates, periods, evidence, domains, duplicates.
    periods = [(pd.Timestamp(p["start"]), pd.Timestamp(p["end"]), p["period_id"]) for p in t["periods"]]
    domains_of: dict[str, int] = {}
    for d in t["event_domains"]:
        domains_of[d["event_id"]] = domains_of.get(d["event_id"], 0) + 1
    keys: dict[tuple[str, ...], str] = {}
    for i, e in enumerate(t["events"]):
        eid = e["event_id"]
        try:
            date = pd.Timestamp(e["date"])
        except (ValueError, TypeError):
            continue  # reported by Frictionless as a type error
        if not any(start <= date <= end for start, end, _ in periods):
            problems.append(Problem(f["events"], row_no(i), "date", "date-outside-periods", f"{e['date']} is in no period of periods.csv"))
        evs = evidence_by_event.get(eid, [])
        if not evs:
            problems.append(Problem(f["events"], row_no(i), "event_id", "missing-evidence", f"event {eid} is cited by no evidence row"))
        for ev in evs:
            pub = sources.get(ev["source_id"], {}).get("published")
            if not pub:
                continue
            if ev["reporting"] == "advance":
                if pd.Timestamp(pub) > date and e["date_precision"] != "before":
                    problems.append(
                        Problem(
                            f["events"],
                            row_no(i),
                            "date",
                            "advance-after-event",
                            f"{ev['source_id']}, published {pub}, is marked 'advance' but appeared after the event's date {e['date']}",
                        )
                    )
            elif date > pd.Timestamp(pub):
                problems.append(
                    Problem(f["events"], row_no(i), "date", "date-after-source", f"{e['date']} is after {ev['source_id']}, published {pub}, which reports it")
                )
        if not domains_of.get(eid):
            problems.append(Problem(f["events"], row_no(i), "event_id", "missing-domain", f"event {eid} has no row in event_domains.csv"))
        if bool(e["date_alt"]) != bool(e["date_alt_precision"]):
            problems.append(Problem(f["events"], row_no(i), "date_alt_precision", "date-alt-precision", "date_alt and date_alt_precision go together"))
        if e["date_alt"] and e["date_alt"] == e["date"]:
            problems.append(Problem(f["events"], row_no(i), "date_alt", "date-alt-equal", "date_alt repeats date"))
        key = (e["date"], e["actor1"], e["actor2"], e["cameo_code"], e["subject"].casefold())
        if key in keys:
            problems.append(
                Problem(
                    f["events"],
                    row_no(i),
                    "event_id",
                    "duplicate-event",
                    f"{eid} has the same date, actors, code and subject as {keys[key]}; merge them or set 'subject' to tell them apart",
                )
            )
        keys.setdefault(key, eid)
        if e["actor1"] == e["actor2"]:
            problems.append(Problem(f["events"], row_no(i), "actor2", "same-actors", "actor1 and actor2 are the same actor"))
    problems += _place_rules(t, f)
    return problems


def _place_rules(t: dict[str, list[dict[str, str]]], f: dict[str, str]) -> list[Problem]:
    """Every stated location names exactly one place; a place has a point iff it says how."""
    from . import places as places_module

    problems: list[Problem] = []
    if "places" not in t:
        return problems
    table = places_module.lookup(t["places"])
    for i, e in enumerate(t["events"]):
        found = sorted(set(places_module.resolve(e["location"], table)))
        if e["location"].strip() and not found:
            msg = f"{e['location']!r} matches no place in {f['places']}: add it to a place's variants, or a new place"
            problems.append(Problem(f["events"], i + 2, "location", "unknown-place", msg))
        elif len(found) > 1:
            msg = f"{e['location']!r} matches {len(found)} places: {', '.join(found)}; keep the spelling in one place's variants"
            problems.append(Problem(f["events"], i + 2, "location", "ambiguous-place", msg))
    for i, p in enumerate(t["places"]):
        has_point = bool(p["latitude"].strip()) and bool(p["longitude"].strip())
        if has_point != bool(p["coord_method"].strip()) or (p["latitude"].strip() == "") != (p["longitude"].strip() == ""):
            msg = "latitude and longitude are filled exactly when coord_method says how: run `python -m iranaz.places gazetteer`"
            problems.append(Problem(f["places"], i + 2, "coord_method", "coordinates-unexplained", msg))
        elif has_point and not p["coord_source"].strip():
            problems.append(Problem(f["places"], i + 2, "coord_source", "coordinates-without-source", "a place with a point must say where it comes from"))
        if p["kind"] in ("country", "sea") and has_point:
            problems.append(Problem(f["places"], i + 2, "kind", "point-for-area", f"a {p['kind']} is not a point: leave its coordinates empty"))
        if has_point and p["coord_method"].startswith(("as:", "midpoint:")) and not p["note"].strip():
            msg = "a representative point must say in note how it was chosen"
            problems.append(Problem(f["places"], i + 2, "note", "representative-point-unexplained", msg))
    return problems


#: The modules whose code decides the verdict; a change to any of them voids every stamp.
RULE_MODULES = ("validate.py", "corpus.py", "paths.py", "datapackage.py", "files.py", "releases.py", "places.py")


def fingerprint(data_dir: Path | None = None) -> str:
    """SHA-256 over every file under ``data_dir`` (names and bytes), the rules' code and the
    Frictionless version: equal fingerprints mean :func:`validate` would give equal verdicts."""
    from importlib import metadata

    data_dir = Path(data_dir or paths.DATA)
    h = hashlib.sha256(metadata.version("frictionless").encode())
    package = Path(__file__).resolve().parent
    files.update_digest(h, [package / name for name in RULE_MODULES], package, "rules")
    files.update_digest(h, files.walk(data_dir), data_dir, "data")
    return h.hexdigest()


def _stamp(data_dir: Path | None) -> Path:
    return paths.cache_dir() / "validated" / fingerprint(data_dir)


def check(data_dir: Path | None = None) -> None:
    """Raise :class:`DataError` listing every problem, or return quietly.

    A pass leaves a stamp named by :func:`fingerprint` in the cache dir, so the chapters of a
    build, which all load the same tables, validate them once (about 1.5 s each) rather than
    each time. Any change to a data file or to the rules changes the fingerprint; a failure
    never leaves a stamp.
    """
    stamp = _stamp(data_dir)
    if stamp.exists():
        return
    problems = validate(data_dir)
    if problems:
        raise DataError(problems)
    mark_valid(data_dir)


def mark_valid(data_dir: Path | None = None) -> None:
    """Leave the stamp of a pass; call only after :func:`validate` found no problem."""
    stamp = _stamp(data_dir)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:  # a read-only cache only costs the next check its time
        pass
