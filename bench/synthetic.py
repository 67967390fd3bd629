"""A synthetic data set K times the size of the real one, for the bench's scaling run.

Every event is copied K - 1 times under new ids (E10000 on), with its evidence and domains:
same dates, actors, codes and sources, told apart by ``subject``, so the copy passes every
rule of the validator and every chapter reads the same shape of data, only more of it. It is
written into a copy of the book for the bench and never committed.
"""

from __future__ import annotations

from pathlib import Path

from iranaz import datapackage

FIRST_ID = 10_000


def scale(data_dir: Path, factor: int) -> int:
    """Grow ``data_dir``'s events ``factor``-fold in place; the number of events after."""
    header, events = datapackage.read_rows(data_dir / "events.csv")
    ev_header, evidence = datapackage.read_rows(data_dir / "evidence.csv")
    dom_header, domains = datapackage.read_rows(data_dir / "event_domains.csv")
    new_events, new_evidence, new_domains = [], [], []
    next_id = FIRST_ID
    for copy in range(1, factor):
        for e in events:
            eid = f"E{next_id}"
            next_id += 1
            subject = f"{e['subject']} (synthetic copy {copy})".strip()
            new_events.append({**e, "event_id": eid, "subject": subject})
            new_evidence += [{**r, "event_id": eid} for r in evidence if r["event_id"] == e["event_id"]]
            new_domains += [{**r, "event_id": eid} for r in domains if r["event_id"] == e["event_id"]]
    # The copies are new records since the last release: recorded as such, as the validator asks.
    ch_header, changes = datapackage.read_rows(data_dir / "changes.csv")
    version = datapackage.rows("releases", data_dir)[-1]["version"]
    row = {"version": version, "field": "(row)", "old_value": "", "new_value": "added", "reason": "Synthetic copy for the bench."}
    changes += [{**row, "table": "events", "record_id": e["event_id"]} for e in new_events]
    changes += [{**row, "table": "evidence", "record_id": f"{r['event_id']}|{r['source_id']}"} for r in new_evidence]
    datapackage.write_rows(data_dir / "changes.csv", ch_header, changes)
    datapackage.write_rows(data_dir / "events.csv", header, events + new_events)
    datapackage.write_rows(data_dir / "evidence.csv", ev_header, evidence + new_evidence)
    datapackage.write_rows(data_dir / "event_domains.csv", dom_header, domains + new_domains)
    return len(events) + len(new_events)
