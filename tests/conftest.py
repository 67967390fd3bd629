"""Shared fixtures: a private copy of the data to break, and small hand-made tables."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from iranaz import datapackage, paths

#: Fixtures that stand for a book build of the session (see tests/book/bookbuild.py).
BUILD_FIXTURES = {"built", "book", "mini", "executed", "book_html"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark what needs a browser (``browser``) or a book build (``build``), so that
    ``make test-fast`` can leave both out; ``make test`` runs everything."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("build"):
            item.add_marker(pytest.mark.build)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ (tables, descriptor, raw and clean sources) that a test may break."""
    dst = tmp_path / "data"
    shutil.copytree(paths.DATA, dst, ignore=shutil.ignore_patterns("staging"))
    return dst


read_rows = datapackage.read_rows
write_rows = datapackage.write_rows


def edit_csv(path: Path, fn: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]) -> None:
    """Apply ``fn`` to the rows of a CSV (in place, or return new rows) and write it back."""
    header, rows = read_rows(path)
    out = fn(rows)
    write_rows(path, header, rows if out is None else out)


def row_of(path: Path, column: str, value: str) -> int:
    """The file line (header = 1) of the first row whose ``column`` equals ``value``."""
    _, rows = read_rows(path)
    return next(i for i, r in enumerate(rows) if r[column] == value) + 2


@pytest.fixture
def toy_events() -> pd.DataFrame:
    """Five events with the derived columns measures and charts need, values chosen by hand."""
    ev = pd.DataFrame(
        {
            "event_id": ["E901", "E902", "E903", "E904", "E905"],
            "date": pd.to_datetime(["2014-04-09", "2014-04-09", "2014-11-20", "2015-03-01", "2015-03-19"]),
            "date_precision": ["day", "day", "day", "month", "day"],
            "cameo_code": ["042", "057", "111", "036", "190"],
            "cameo_label": [
                "Make a visit",
                "Sign formal agreement",
                "Criticize or denounce",
                "Express intent to meet or negotiate",
                "Use conventional military force, not specified below",
            ],
            "goldstein": [1.9, 8.0, -2.0, 4.0, -10.0],
            "quad_class": [1, 1, 3, 1, 4],
            "quad_label": ["Verbal cooperation", "Verbal cooperation", "Verbal conflict", "Verbal cooperation", "Material conflict"],
            "actor1": ["ilham_aliyev", "IRN", "IRN", "AZE", "AZE"],
            "actor2": ["IRN", "AZE", "AZE", "IRN", "ARM"],
            "actor1_name": ["Ilham Aliyev", "Iran", "Iran", "Azerbaijan", "Azerbaijan"],
            "actor2_name": ["Iran", "Azerbaijan", "Azerbaijan", "Iran", "Armenia"],
            "bilateral": [True, True, True, True, False],
            "period_id": ["p2014", "p2014", "p2014", "p2015", "p2015"],
            "period_label": ["2014", "2014", "2014", "2015", "2015"],
            "summary": ["A visit.", "An agreement.", "A criticism.", "An intent to meet.", "A clash."],
            "source_ids": ["s1", "s1, s2", "s2", "s3", "s3"],
            "source_labels": ["Outlet One 2014", "Outlet One 2014; Outlet Two 2014", "Outlet Two 2014", "Outlet Three 2015", "Outlet Three 2015"],
            "reported_as": ["first-hand", "first-hand", "background", "first-hand", "background"],
        }
    )
    return ev.assign(
        year=ev["date"].dt.year,
        quarter=ev["date"].dt.to_period("Q").dt.start_time,
        quarter_label=ev["date"].dt.year.astype(str) + " Q" + ev["date"].dt.quarter.astype(str),
    )
