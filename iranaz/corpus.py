"""From captured web pages to article text.

The seed pages were captured with their page furniture: repeated titles, bylines, topic
lists, related-article blocks, paywall prompts, ad-loader JavaScript, captcha text and
comment prompts. Evidence quotes must come from the *article*, so cleaning is code,
tested on every seed, and its output is stored beside the raw bytes in
``data/sources/clean/``. Cleaning only removes whole lines and normalises white space;
it never rewrites a sentence, so every cleaned sentence is also in the raw page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import datapackage, paths

# A line that *starts* the page furniture after the article: everything from it on goes.
END_MARKERS: tuple[str, ...] = (
    "Related articles",  # commonspace.eu related-article block
    "Editor's choice",
    "Popular",
    "Continue reading this article",  # Al-Monitor paywall prompt
    "More from",  # Al-Monitor list of unrelated headlines
    "- Advertisement -",  # Fort Russ ad slot
    "__ATA.cmd.push",  # ad-loader JavaScript
    "Subscribe to our newsletter",
    "Security Key:",  # Iran Daily captcha
    "Captcha",
    "Page Generated in",
    "Leave a Comment",  # comment prompt
)

# Whole lines of page furniture *inside* the captured page, before or around the article.
FURNITURE_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"News ID: \d+",  # Iran Daily header
        r"Published: .*\d{4}",  # Iran Daily header
        r"By [A-Z][\w.' -]+\*?",  # byline
        r"Translated by [A-Z][\w.' -]+",  # translator's byline
        r"source: \S+",  # commonspace.eu source tag
        # printed dates and datelines on a line of their own
        r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}( - \d{1,2}:\d{2})?( \(.*\))?",
    )
)

# A heading whose *next* non-empty line is furniture too (Al-Monitor's topic list).
FURNITURE_BLOCKS: tuple[str, ...] = ("Topics covered",)

# Watermark words some captures put in front of a photo caption.
CAPTION_PREFIXES: tuple[str, ...] = ("al-monitor ",)


@dataclass(frozen=True)
class SeedMeta:
    """What cleaning needs to know of a source: its id, title, author and raw file."""

    source_id: str
    title: str
    author: str
    raw_file: str


def normalise_space(text: str) -> str:
    """Fold runs of spaces/tabs (and no-break spaces) to one space; strip line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


def clean_text(raw: str, title: str = "", author: str = "") -> str:
    """Return the article of a captured page: from its first to its last sentence.

    Removes the furniture named in this module, lines repeating the title or the author
    (bylines), and collapses blank lines so paragraphs are separated by one empty line.
    """
    lines = normalise_space(raw).split("\n")
    kept: list[str] = []
    skip_next_text_line = False
    for line in lines:
        if any(line.startswith(m) for m in END_MARKERS):
            break
        if skip_next_text_line and line:
            skip_next_text_line = False
            continue
        if line in FURNITURE_BLOCKS:
            skip_next_text_line = True
            continue
        if (title and line == title.strip()) or (author and line == author.strip()):
            continue
        if any(p.fullmatch(line) for p in FURNITURE_LINES):
            continue
        for prefix in CAPTION_PREFIXES:
            if line.startswith(prefix):
                line = line[len(prefix):]
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n"


def read_seed_meta(sources_csv: Path | None = None) -> list[SeedMeta]:
    """The sources that have a raw capture in ``data/sources/raw`` (the seeds)."""
    sources_csv = sources_csv or paths.DATA / "sources.csv"
    _, rows = datapackage.read_rows(sources_csv)
    return [
        SeedMeta(r["source_id"], r["title"], r.get("author", ""), r["raw_file"])
        for r in rows
        if r.get("raw_file")
    ]


def clean_path(source_id: str) -> Path:
    """Where the cleaned article text of a source is stored."""
    return paths.CLEAN_DIR / f"{source_id}.txt"


def cleaned_corpus(sources_csv: Path | None = None) -> dict[str, str]:
    """Clean every raw capture in memory: ``{source_id: article text}``."""
    out = {}
    for meta in read_seed_meta(sources_csv):
        raw = (paths.RAW_DIR / meta.raw_file).read_text(encoding="utf-8")
        out[meta.source_id] = clean_text(raw, meta.title, meta.author)
    return out


def write_clean_corpus() -> list[Path]:
    """Regenerate ``data/sources/clean/*.txt`` from the raw captures."""
    paths.CLEAN_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for source_id, text in cleaned_corpus().items():
        p = clean_path(source_id)
        p.write_text(text, encoding="utf-8", newline="\n")
        written.append(p)
    return written


def read_clean(source_id: str) -> str:
    """The stored cleaned text of one source."""
    return clean_path(source_id).read_text(encoding="utf-8")
