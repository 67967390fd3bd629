"""The chart loader (``iranaz/book/static/iranaz-loader.js``) in a real browser: it draws a
spec as the page carries it (plain JSON, text in any script, as much data as a chart holds),
and fails loudly, naming the chart, on a spec it cannot read or draw."""

from __future__ import annotations

import pytest

from iranaz.book import offline

LABELS = ["Əliyev", "Aliyev", "روحانی", "Роухани", "🇦🇿 🇮🇷", "</script> & <b>"]


def _spec(n: int) -> dict:
    """A small bar chart of ``n`` labelled rows, compiled to Vega as the book compiles it."""
    values = [{"label": f"{LABELS[i % len(LABELS)]} {i}", "n": i % 7} for i in range(n)]
    return offline.page_spec(
        {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "data": {"values": values},
            "mark": "bar",
            "width": 300,
            "encoding": {"x": {"field": "n", "type": "quantitative"}, "y": {"field": "label", "type": "nominal"}},
        }
    )


def _page(charts: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>loader</title>'
        f'<script src="../_static/{offline.bundle_filename()}"></script></head><body><main>{charts}</main></body></html>'
    )


def _chart(chart_id: str, spec_text: str) -> str:
    return (
        f'<div class="{offline.CHART_CLASS}" id="{chart_id}" data-iranaz-state="pending"></div>'
        f'<script type="application/json" id="{chart_id}-spec">{spec_text}</script>'
    )


def _states(visit) -> dict:
    return visit.page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('div.iranaz-chart')].map(d => [d.id,"
        " {state: d.dataset.iranazState, text: d.textContent, bars: d.querySelectorAll('svg .mark-rect path').length}]))"
    )


@pytest.mark.parametrize("n", [1, 40, 2000])
def test_loader_draws_plain_json_specs(browsing, n: int) -> None:
    visit = browsing.open(f"loader/plain-{n}.html", html=_page(_chart("c", offline.json_for_html(_spec(n)))))
    got = _states(visit)["c"]
    assert got["state"] == "drawn" and got["bars"] == n, got
    assert visit.problems() == []


def test_loader_keeps_source_text_as_text(browsing) -> None:
    visit = browsing.open("loader/text.html", html=_page(_chart("c", offline.json_for_html(_spec(len(LABELS))))))
    assert _states(visit)["c"]["state"] == "drawn"
    labels = visit.page.evaluate("() => [...document.querySelectorAll('#c svg text')].map(t => t.textContent)")
    assert any(label.startswith("</script> & <b>") for label in labels), labels
    assert visit.page.evaluate("() => document.querySelectorAll('main b').length") == 0


@pytest.mark.parametrize(
    "damage,says",
    [("not JSON", "JSON"), ("a mark drawing data the spec lacks", "no-such-data"), ("an expression that does not parse", "")],
)
def test_damaged_spec_fails_loudly(browsing, damage: str, says: str) -> None:
    good = _spec(3)
    spec_text = {
        "not JSON": offline.json_for_html(good)[: 40],
        "a mark drawing data the spec lacks": offline.json_for_html({**good, "marks": [{"type": "rect", "from": {"data": "no-such-data"}}]}),
        "an expression that does not parse": offline.json_for_html({**good, "signals": [*good.get("signals", []), {"name": "broken", "update": "1 +"}]}),
    }[damage]
    visit = browsing.open("loader/broken.html", html=_page(_chart("broken", spec_text) + _chart("fine", offline.json_for_html(good))))
    states = _states(visit)
    assert states["broken"]["state"] == "error", states
    assert states["broken"]["text"].startswith("This chart could not be drawn:") and says in states["broken"]["text"], states
    assert states["fine"]["state"] == "drawn", "one broken chart must not stop the others"
    assert visit.console_errors, "the error should also reach the console"
