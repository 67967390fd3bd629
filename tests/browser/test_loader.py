"""The loader's own DEFLATE decoder, in a real browser: it must read every kind of block any
encoder may write (stored, fixed and dynamic Huffman, long matches, far distances), give back
exactly what Python packed, and fail loudly, naming the chart, on a damaged spec."""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest

from iranaz import offline

TEXTS = {
    "empty object": {},
    "names in three scripts": {"names": ["Əliyev", "Aliyev", "روحانی", "Роухани", "🇦🇿 🇮🇷"]},
    "long runs (258-byte matches)": {"run": "a" * 70_000},
    "far repeats (distances near 32 KB)": {"chunks": [random.Random(1).randbytes(30_000).hex()[:30_000]] * 3},
    "incompressible": {"noise": base64.b64encode(random.Random(2).randbytes(50_000)).decode()},
}


def _packed(obj: dict, level: int = 9, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> dict:
    comp = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return {offline.PACK_KEY: base64.b64encode(comp.compress(data) + comp.flush()).decode("ascii")}


def _page() -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>decoder</title>'
        f'<script src="../_static/{offline.bundle_filename()}"></script></head><body><main></main></body></html>'
    )


@pytest.fixture(scope="module")
def loader_page(browsing) -> object:
    return browsing.open("decoder/index.html", html=_page()).page


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize(
    "level,strategy",
    [(9, zlib.Z_DEFAULT_STRATEGY), (0, zlib.Z_DEFAULT_STRATEGY), (6, zlib.Z_FIXED), (1, zlib.Z_HUFFMAN_ONLY), (9, zlib.Z_RLE)],
    ids=["best", "stored", "fixed-huffman", "huffman-only", "rle"],
)
def test_decoder_gives_back_what_python_packed(loader_page, name: str, level: int, strategy: int) -> None:
    obj = TEXTS[name]
    packed = _packed(obj, level, strategy)
    assert offline.unpack(packed) == obj  # Python's own reading agrees
    assert loader_page.evaluate("(p) => window.iranazDraw.unpack(p)", packed) == obj


def test_decoder_reads_packs_made_by_the_book(loader_page) -> None:
    spec = {"$schema": "https://vega.github.io/schema/vega/v6.json", "data": [{"name": "d", "values": [{"x": i, "label": f"Event {i}"} for i in range(500)]}]}
    packed = offline.pack(spec)
    assert loader_page.evaluate("(p) => window.iranazDraw.unpack(p)", packed) == spec


def test_decoder_reads_blocks_of_every_kind_in_one_stream(loader_page) -> None:
    """Huffman blocks followed by stored ones (a sync flush writes an empty stored block right
    after a Huffman block; incompressible bytes come stored), as one stream."""
    parts = [json.dumps(TEXTS["names in three scripts"]), TEXTS["incompressible"]["noise"][:20_000], "a" * 5_000, TEXTS["incompressible"]["noise"][20_000:]]
    obj = {"parts": parts}
    data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks, step = [], len(data) // 7
    for start in range(0, len(data), step):
        chunks.append(comp.compress(data[start : start + step]) + comp.flush(zlib.Z_SYNC_FLUSH))
    stream = b"".join(chunks) + comp.flush()
    assert stream.count(b"\x00\x00\xff\xff") >= 7  # the empty stored blocks are there
    packed = {offline.PACK_KEY: base64.b64encode(stream).decode("ascii")}
    assert offline.unpack(packed) == obj
    assert loader_page.evaluate("(p) => window.iranazDraw.unpack(p)", packed) == obj


def test_unpacked_specs_pass_through(loader_page) -> None:
    spec = {"marks": [{"type": "rect"}]}
    assert loader_page.evaluate("(p) => window.iranazDraw.unpack(p)", spec) == spec


@pytest.mark.parametrize("damage,says", [("truncated", "truncated"), ("bad block type", "invalid block type"), ("garbled", "")])
def test_damaged_spec_fails_loudly(browsing, damage: str, says: str) -> None:
    good = offline.pack({"values": list(range(2000))})[offline.PACK_KEY]
    raw = base64.b64decode(good)
    bad = {
        "truncated": base64.b64encode(raw[: len(raw) // 2]).decode(),
        "bad block type": base64.b64encode(bytes([0b111]) + raw[1:]).decode(),  # BTYPE 11 is reserved
        "garbled": base64.b64encode(random.Random(3).randbytes(64)).decode(),
    }[damage]
    chart = (
        f'<div class="{offline.CHART_CLASS}" id="broken" data-iranaz-state="pending"></div>'
        f'<script type="application/json" id="broken-spec">{json.dumps({offline.PACK_KEY: bad})}</script>'
    )
    page = _page().replace("<main></main>", f"<main>{chart}</main>")
    visit = browsing.open("decoder/broken.html", html=page)
    state = visit.page.evaluate("() => [document.getElementById('broken').dataset.iranazState, document.getElementById('broken').textContent]")
    assert state[0] == "error"
    assert state[1].startswith("This chart could not be drawn:") and says in state[1], state
    assert visit.console_errors, "the error should also reach the console"
