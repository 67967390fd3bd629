"""Tables on a page: escaped, without index or generated ids, identical at every build."""

from __future__ import annotations

import re

import pandas as pd

from iranaz import display


def test_table_html_is_plain_escaped_and_stable():
    frame = pd.DataFrame({"Date": ["1 May 2014", "2 May 2014"], "What happened": ["<script>alert(1)</script>", "A & B"]}, index=[7, 9])
    html = display.table(frame)._repr_html_()
    assert html == display.table(frame)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "A &amp; B" in html
    assert re.findall(r"<th[^>]*>(.*?)</th>", html) == ["Date", "What happened"]  # no index column
    assert len(re.findall(r"<tr", html)) == 3
    assert " id=" not in html and "<style" not in html
    assert "iranaz-table" in html


def test_table_text_repr_has_no_index():
    text = repr(display.table(pd.DataFrame({"A": [1, 2]}, index=[5, 6])))
    assert text.split() == ["A", "1", "2"]


def test_formats_apply_to_their_column_only():
    html = display.table(pd.DataFrame({"Goldstein": [-10.0, 1.0], "n": [3, 4]}), formats={"Goldstein": "{:+.1f}"})._repr_html_()
    assert re.findall(r"<td>(.*?)</td>", html) == ["-10.0", "3", "+1.0", "4"]
