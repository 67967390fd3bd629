"""Budgets of the reader's experience, measured (``make bench``; ``make bench-quick``).

Builds a copy of the book (never the project's own ``_build``) twice over: with the offline
chart output (the book as published) and with Altair's default CDN output, side by side.
For each it reports

* clean build time (cold notebook cache, cold Vega-bundle cache), no-change rebuild time,
  rebuild time after editing one chapter's prose and after editing one of its code cells;
* HTML bytes per page (raw, and gzip-compressed as a static host sends them);
* shared static bytes (``_static/``; the Vega bundle on its own line);
* per page, in headless Chromium with every non-local request blocked, the time from
  navigation to DOMContentLoaded and from DOMContentLoaded to the last chart drawn (the CDN
  variant cannot draw offline: n/a).

Then a scaling run builds the book on a synthetic events table ``--scale`` times larger
(``bench/synthetic.py``) and reports validation time, chapter execution time, the largest
chart spec and the clean build time as ratios to the real book.

Usage: ``python bench/bench.py [--runs 9] [--scale 10] [--quick] [--json artifacts/bench.json]``.
Timings depend on the machine and on what else runs on it; the numbers in
docs/benchmarks.md say where they were taken.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import synthetic  # noqa: E402  (bench/synthetic.py)

from iranaz import paths  # noqa: E402
from iranaz.book import BOOK_BUILD_ENV, offline, toc  # noqa: E402
from iranaz.book import build as build_module  # noqa: E402
from iranaz.book.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

#: Every request not to the loopback (which Chromium never proxies) goes to a closed port.
NO_NETWORK = "--proxy-server=http://127.0.0.1:9"
SKIP = {".git", ".venv", ".venv-cff", "_build", "artifacts", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache", "staging"}
#: clean build at most 1.3 times the CDN build's; no-change rebuild at most 3 s; a chapter at
#: most 40 KB gzip-compressed; on a first visit, drawing (DOMContentLoaded to the last chart
#: drawn) no longer than loading (navigation to DOMContentLoaded), a ratio within one run.
TARGETS = {"clean_ratio": 1.3, "nochange_s": 3.0, "page_gzip_kb": 40.0, "draw_over_load": 1.0}


def copy_book(dst: Path) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP or n.endswith(".egg-info")}

    shutil.copytree(ROOT, dst, ignore=ignore)
    return dst


def _timed(cmd: list[str], src: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed


def build(src: Path, out: Path, env: dict[str, str]) -> float:
    """``python -m iranaz build``, as ``make book`` runs it."""
    return _timed([sys.executable, "-m", "iranaz", "build", "--source", str(src), "--path-output", str(out)], src, env)


def sphinx_pass(src: Path, out: Path, env: dict[str, str]) -> float:
    """``jupyter-book build`` run directly: Sphinx's own incremental pass, which the up-to-date
    check of ``python -m iranaz build`` skips when nothing changed."""
    jb = Path(sys.executable).with_name("jupyter-book")
    return _timed([str(jb), "build", str(src), "--path-output", str(out), *build_module.STRICT], src, env)


def chart_chapter(src: Path) -> Path:
    for page in toc.pages(src):
        if page.number and page.path.suffix == ".md" and "charts." in page.path.read_text(encoding="utf-8"):
            return page.path
    sys.exit("no chapter with charts")


def edit_prose(chapter: Path) -> None:
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8")


def edit_code(chapter: Path) -> None:
    lines = chapter.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "```")
    lines.insert(end, "# edited by the benchmark\n")
    chapter.write_text("".join(lines), encoding="utf-8")


def pages(html: Path) -> list[str]:
    return sorted(
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if not p.relative_to(html).as_posix().startswith(("_static/", "_sources/")) and p.name != "index.html"
    )


def sizes(html: Path) -> dict:
    per_page = {}
    for page in pages(html):
        data = (html / page).read_bytes()
        per_page[page] = {"bytes": len(data), "gzip": len(gzip.compress(data, compresslevel=6, mtime=0)), "charts": data.count(b'class="iranaz-chart"')}
    static = [f for f in (html / "_static").rglob("*") if f.is_file()]
    bundle = [f for f in static if f.name.startswith("iranaz-vega-")]
    return {
        "pages": per_page,
        "static_bytes": sum(f.stat().st_size for f in static),
        "bundle_bytes": sum(f.stat().st_size for f in bundle),
        "bundle_gzip": sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in bundle),
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def draw_times(html: Path, chart_pages: list[str], runs: int) -> dict[str, dict]:
    """Median (and spread) of navigation → last chart drawn. Cold: a fresh browser context per
    run (empty cache, as on a first visit). Warm: the same page opened again in that context
    (the bundle cached, as when a reader moves on from one chapter to the next)."""
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    out: dict[str, dict] = {}
    try:
        with sync_playwright() as pw:
            # The network is cut off by the browser itself: every request that does not go to
            # 127.0.0.1 is sent to a proxy on a closed local port and fails. (Playwright's
            # request interception, which the browser tests use, would hold every request until
            # this Python process answers it: about 0.1-0.3 s that no reader waits.) Requests
            # are still listened to, and any that leaves is reported.
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, NO_NETWORK])
            drawn = "() => [...document.querySelectorAll('div.iranaz-chart')].every(d => d.dataset.iranazState === 'drawn')"
            last = "() => Math.max(...[...document.querySelectorAll('div.iranaz-chart')].map(d => +d.dataset.iranazDrawnMs))"
            dcl = "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"
            interactive = "() => performance.getEntriesByType('navigation')[0].domInteractive"
            for page_path in chart_pages:
                cold, warm, left, loads, parsed = [], [], [], [], []
                for _ in range(runs + 1):  # the first run warms the OS file cache; not counted
                    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                    ctx.on("request", lambda r, left=left: left.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
                    page = ctx.new_page()
                    for samples in (cold, warm):
                        page.goto(f"{base}/{page_path}")
                        page.wait_for_function(drawn, timeout=60_000)
                        samples.append(page.evaluate(last))
                        if samples is cold:
                            loads.append(page.evaluate(dcl))
                            parsed.append(page.evaluate(interactive))
                    ctx.close()
                cold, warm, loads, parsed = cold[1:], warm[1:], loads[1:], parsed[1:]
                drawing = [c - d for c, d in zip(cold, loads)]
                # The loader runs as a deferred script, between the page being parsed
                # (domInteractive) and DOMContentLoaded: the same ratio from that moment.
                drawing_parsed = [c - p for c, p in zip(cold, parsed)]
                out[page_path] = {
                    "dcl_median_ms": statistics.median(loads),
                    "drawing_median_ms": statistics.median(drawing),
                    "draw_over_load": statistics.median(d / max(load, 1) for d, load in zip(drawing, loads)),
                    "interactive_median_ms": statistics.median(parsed),
                    "drawing_from_parsed_median_ms": statistics.median(drawing_parsed),
                    "draw_over_parse": statistics.median(d / max(p, 1) for d, p in zip(drawing_parsed, parsed)),
                    "requests_off_machine": sorted(set(left)),
                    "median_ms": statistics.median(cold),
                    "min_ms": min(cold),
                    "max_ms": max(cold),
                    "warm_median_ms": statistics.median(warm),
                    "warm_min_ms": min(warm),
                    "warm_max_ms": max(warm),
                }
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return out


EXPLORER = "reference/explorer.html"


def explorer_bench(html: Path, runs: int) -> dict:
    """The event explorer: its weight (the page and the files only it loads, raw and gzip) and
    its time to interactive, navigation -> table enhanced (the ``data-ready-ms`` its script
    records), medians over first visits with no network."""
    from playwright.sync_api import sync_playwright

    text = (html / EXPLORER).read_text(encoding="utf-8")
    own = sorted({m for m in re.findall(r'(?:src|href)="\.\./_static/([^"?]+)', text) if m.startswith(("datatables-", "iranaz-explorer"))})
    weight = {"page": (html / EXPLORER).read_bytes(), **{name: (html / "_static" / name).read_bytes() for name in own}}
    sizes = {name: {"bytes": len(b), "gzip": len(gzip.compress(b, 6, mtime=0))} for name, b in weight.items()}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    ready, dcl, left = [], [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, NO_NETWORK])
            for _ in range(runs + 1):  # the first run warms the OS file cache; not counted
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                ctx.on("request", lambda r: left.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
                page = ctx.new_page()
                page.goto(f"{base}/{EXPLORER}")
                page.wait_for_selector(".iranaz-explorer[data-ready=yes]", timeout=60_000)
                ready.append(float(page.get_attribute(".iranaz-explorer", "data-ready-ms")))
                dcl.append(page.evaluate("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"))
                ctx.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return {
        "sizes": sizes,
        "total_bytes": sum(s["bytes"] for s in sizes.values()),
        "total_gzip": sum(s["gzip"] for s in sizes.values()),
        "ready_median_ms": statistics.median(ready[1:]),
        "ready_min_ms": min(ready[1:]),
        "ready_max_ms": max(ready[1:]),
        "dcl_median_ms": statistics.median(dcl[1:]),
        "requests_off_machine": sorted(set(left)),
    }


def measure(variant: str, work: Path, runs: int) -> dict:
    src = copy_book(work / f"src-{variant}")
    out = work / f"out-{variant}"
    env = {**os.environ, "PYTHONHASHSEED": "0", paths.CACHE_ENV: str(work / f"vega-cache-{variant}")}
    env.pop(BOOK_BUILD_ENV, None)
    env[offline.OUTPUT_ENV] = "cdn" if variant == "cdn" else "offline"
    result = {"variant": variant}
    print(f"[{variant}] clean build ...", flush=True)
    result["clean_s"] = build(src, out, env)
    result["nochange_s"] = build(src, out, env)
    result["sphinx_nochange_s"] = sphinx_pass(src, out, env)
    chapter = chart_chapter(src)
    result["edited_chapter"] = chapter.relative_to(src).as_posix()
    edit_prose(chapter)
    result["prose_edit_s"] = build(src, out, env)
    edit_code(chapter)
    result["code_edit_s"] = build(src, out, env)
    html = out / "_build" / "html"
    result["sizes"] = sizes(html)
    result["execution_s"] = execution_seconds(out)
    result["largest_spec_bytes"] = largest_spec(html)
    if variant == "offline":
        chart_pages = [p for p, s in result["sizes"]["pages"].items() if s["charts"]]
        print(f"[{variant}] drawing {len(chart_pages)} pages x {runs} runs ...", flush=True)
        result["draw"] = draw_times(html, chart_pages, runs)
        print(f"[{variant}] event explorer x {runs} runs ...", flush=True)
        result["explorer"] = explorer_bench(html, runs)
    return result


SPEC_RE = re.compile(rb'<script type="application/json" id="iranaz-chart-[0-9a-f-]+-spec">(.*?)</script>', re.S)


def largest_spec(html: Path) -> int:
    """Bytes of the largest chart spec of any page."""
    return max((len(m.group(1)) for page in pages(html) for m in SPEC_RE.finditer((html / page).read_bytes())), default=0)


def execution_seconds(out: Path) -> float:
    """Seconds the chapters took to execute, summed, as the build's execution cache records them."""
    from jupyter_cache import get_cache

    cache = get_cache(str(out / "_build" / ".jupyter_cache"))
    return sum(float((r.data or {}).get("execution_seconds", 0.0)) for r in cache.list_cache_records())


def validation_seconds(data_dir: Path, env: dict[str, str]) -> float:
    """``python -m iranaz validate`` on ``data_dir`` (the check itself, whatever a stamp says)."""
    return _timed([sys.executable, "-m", "iranaz", "validate", "--data", str(data_dir)], ROOT, env)


def scaling(work: Path, factor: int, real: dict) -> dict:
    """The book built on a synthetic events table ``factor`` times larger, against the real one."""
    src = copy_book(work / "src-scaled")
    # The chapters read the synthetic copy (IRANAZ_DATA), without their claim checks
    # (PYTHONOPTIMIZE drops asserts): those check what the prose says of the real data.
    env = {**os.environ, "PYTHONHASHSEED": "0", paths.CACHE_ENV: str(work / "vega-cache-scaled"), paths.DATA_ENV: str(src / "data"), "PYTHONOPTIMIZE": "1"}
    env.pop(BOOK_BUILD_ENV, None)
    env[offline.OUTPUT_ENV] = "offline"
    n = synthetic.scale(src / "data", factor)
    print(f"[scaled x{factor}] {n} events: validating and building ...", flush=True)
    real_validation = validation_seconds(ROOT / "data", {k: v for k, v in env.items() if k != paths.DATA_ENV})
    scaled_validation = validation_seconds(src / "data", env)
    out = work / "out-scaled"
    clean = build(src, out, env)
    html = out / "_build" / "html"
    return {
        "factor": factor,
        "n_events": n,
        "validation_s": [real_validation, scaled_validation],
        "execution_s": [real["execution_s"], execution_seconds(out)],
        "largest_spec_bytes": [real["largest_spec_bytes"], largest_spec(html)],
        "clean_s": [real["clean_s"], clean],
    }


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def report(off: dict, cdn: dict, scaled: dict | None) -> str:
    lines = []
    w = lines.append
    w("### Build times (seconds)\n")
    w("| | offline (book) | Altair CDN default | offline / CDN | target |")
    w("|---|---:|---:|---:|---|")
    for key, label, target in (
        ("clean_s", "clean build", f"≤ {TARGETS['clean_ratio']}× CDN"),
        ("nochange_s", "no-change rebuild (`python -m iranaz build`: up to date)", f"≤ {TARGETS['nochange_s']:.0f} s"),
        ("sphinx_nochange_s", "Sphinx's own pass with no change (`jupyter-book build` run directly)", ""),
        ("prose_edit_s", f"rebuild after a prose edit of `{off['edited_chapter']}`", ""),
        ("code_edit_s", f"rebuild after a code edit of `{off['edited_chapter']}` (re-executes it)", ""),
    ):
        w(f"| {label} | {off[key]:.1f} | {cdn[key]:.1f} | {ratio(off[key], cdn[key])} | {target} |")
    clean_ok = off["clean_s"] <= TARGETS["clean_ratio"] * cdn["clean_s"]
    nochange_ok = off["nochange_s"] <= TARGETS["nochange_s"]
    w(f"\nClean build within {TARGETS['clean_ratio']}× the CDN build: {'yes' if clean_ok else '**no**'}.")
    w(f"No-change rebuild ≤ {TARGETS['nochange_s']:.0f} s: {'yes' if nochange_ok else '**no**'}.")
    w("\n### Bytes\n")
    w(f"| page | charts | HTML offline | gzip | HTML CDN | gzip | offline / CDN (gzip) | ≤ {TARGETS['page_gzip_kb']:.0f} KB gzip |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for page, s in off["sizes"]["pages"].items():
        c = cdn["sizes"]["pages"].get(page, {"bytes": 0, "gzip": 0})
        # The budget is per chapter (notebooks/); the About pages are listed for completeness.
        ok = "yes" if s["gzip"] <= TARGETS["page_gzip_kb"] * 1000 else "**no**" if page.startswith("notebooks/") else "over (not a chapter)"
        w(
            f"| `{page}` | {s['charts']} | {s['bytes'] / 1000:.1f} KB | {s['gzip'] / 1000:.1f} KB"
            f" | {c['bytes'] / 1000:.1f} KB | {c['gzip'] / 1000:.1f} KB | {ratio(s['gzip'], c['gzip'])} | {ok} |"
        )
    so, sc = off["sizes"], cdn["sizes"]
    static_ratio = ratio(so["static_bytes"], sc["static_bytes"])
    w(f"| shared `_static/` | | {so['static_bytes'] / 1000:.0f} KB | | {sc['static_bytes'] / 1000:.0f} KB | | {static_ratio} | |")
    w(
        f"| of which the Vega bundle (loaded only by pages with charts) | | {so['bundle_bytes'] / 1000:.0f} KB"
        f" | {so['bundle_gzip'] / 1000:.0f} KB | 0 (fetched from the CDN) | | | |"
    )
    w("\n### Loading and drawing, first visit (headless Chromium, no network; medians of runs)\n")
    w(
        "| page | charts | navigation → DOMContentLoaded | DOMContentLoaded → last chart drawn | drawing / loading | ≤ 1"
        " | navigation → parsed | parsed → last chart drawn | ratio | all drawn (cold) | all drawn (warm) | CDN default |"
    )
    w("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for page, d in off.get("draw", {}).items():
        ok = "yes" if d["draw_over_load"] <= TARGETS["draw_over_load"] else "**no**"
        n = off["sizes"]["pages"][page]["charts"]
        w(
            f"| `{page}` | {n} | {d['dcl_median_ms']:.0f} ms | {d['drawing_median_ms']:.0f} ms | {d['draw_over_load']:.2f} | {ok}"
            f" | {d['interactive_median_ms']:.0f} ms | {d['drawing_from_parsed_median_ms']:.0f} ms | {d['draw_over_parse']:.2f}"
            f" | {d['median_ms']:.0f} ms ({d['min_ms']:.0f}–{d['max_ms']:.0f}) | {d['warm_median_ms']:.0f} ms | n/a (no CDN offline) |"
        )
    left = sorted({u for d in off.get("draw", {}).values() for u in d["requests_off_machine"]})
    w(f"\nRequests for anything not on 127.0.0.1 during these page loads: {', '.join(left) if left else 'none'}.")
    if "explorer" in off:
        x = off["explorer"]
        w(f"\n### Event explorer (`{EXPLORER}`): weight and time to interactive (first visit, no network)\n")
        w("| file | bytes | gzip |")
        w("|---|---:|---:|")
        for name, s in x["sizes"].items():
            w(f"| `{name}` | {s['bytes'] / 1000:.1f} KB | {s['gzip'] / 1000:.1f} KB |")
        w(f"| **total** (the page and what only it loads) | {x['total_bytes'] / 1000:.1f} KB | {x['total_gzip'] / 1000:.1f} KB |")
        w(
            f"\nNavigation → DOMContentLoaded {x['dcl_median_ms']:.0f} ms; navigation → table enhanced (sortable, filters shown,"
            f" address applied) {x['ready_median_ms']:.0f} ms ({x['ready_min_ms']:.0f}–{x['ready_max_ms']:.0f}). Requests off the machine:"
            f" {', '.join(x['requests_off_machine']) or 'none'}."
        )
    if scaled:
        k = scaled["factor"]
        w(f"\n### As the data grow: the book on a synthetic events table {k}× larger ({scaled['n_events']} events)\n")
        w("| measure | real book | synthetic | ratio | target |")
        w("|---|---:|---:|---:|---|")
        for key, label, unit, target in (
            ("validation_s", "validation (`python -m iranaz validate`)", "s", f"< {k}× (less than linear)"),
            ("execution_s", "chapter execution, summed over chapters", "s", f"< {k}×"),
            ("largest_spec_bytes", "largest chart spec", "B", "≈ 1× (data aggregated before charting)"),
            ("clean_s", "clean build", "s", f"< {k}×"),
        ):
            a, b = scaled[key]
            fmt = (lambda v: f"{v:.1f} s") if unit == "s" else (lambda v: f"{v / 1000:.1f} KB")
            w(f"| {label} | {fmt(a)} | {fmt(b)} | {ratio(b, a)} | {target} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="page loads per page for the draw time (default 9)")
    parser.add_argument("--scale", type=int, default=10, help="the synthetic data set's size, as a multiple of the real one (default 10; 0: no scaling run)")
    parser.add_argument("--quick", action="store_true", help="one page load per page and no scaling run: a check that the bench works")
    parser.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench.json")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.scale = 1, 0
    with tempfile.TemporaryDirectory(prefix="iranaz-bench-") as tmp:
        work = Path(tmp)
        off = measure("offline", work, args.runs)
        cdn = measure("cdn", work, args.runs)
        scaled = scaling(work, args.scale, off) if args.scale > 1 else None
    args.json.parent.mkdir(parents=True, exist_ok=True)
    result = {"offline": off, "cdn": cdn, "scaled": scaled, "cpus": os.cpu_count(), "load": os.getloadavg()}
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(report(off, cdn, scaled))
    load = os.getloadavg()[0]
    print(f"\n({os.cpu_count()} cores; load average {load:.1f}; data in {args.json})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
