"""Cleaning keeps each seed article from its first to its last sentence and nothing else."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from iranaz import corpus, paths

SOURCES = pd.read_csv(paths.DATA / "sources.csv", dtype=str, keep_default_na=False)
SEEDS = SOURCES[SOURCES["raw_file"] != ""]

# First and last sentence of each article, read off the raw captures by hand.
ARTICLE_BOUNDS = {
    "commonspace-2014-04-09": (
        "The President of Azerbaijan Ilham Aliev is on an official visit to Iran.",
        "(picture courtesy of the twitter feed of the Iranian president).",
    ),
    "almonitor-2014-04-11": (
        "After several years of conflict, Iran and Azerbaijan have signed agreements to expand ties and improve relations.",
        "Azerbaijan had arrested 22 Iranians for allegedly planning attacks against the US and Israeli Embassies and linked companies in the country.",
    ),
    "irandaily-2022-01-28": (
        "Azerbaijan’s Defense Minister Zakir Hasanov held talks with his Iranian counterpart",
        "*Mohsen Pak Ayeen is a Tehran-based foreign policy expert and Iran’s former ambassador to Azerbaijan.",
    ),
    "fortruss-2015-03-29": (
        "The Presidential administration of Azerbaijan condemns any threat against Iran",
        "if only some countries can put their economic interests above their past grievances.",
    ),
    "unattributed-2025-01-08": (
        "TEHRAN – Ali Akbar Ahmadian, Secretary of Iran's Supreme National Security Council,",
        "dismantling borders that have existed for centuries.",
    ),
}

# Page furniture found in the raw captures, which must not survive cleaning.
FURNITURE = [
    "Related articles",
    "Editor's choice",
    "Popular",
    "Borrell",
    "Ottawa Convention",  # commonspace.eu blocks
    "Continue reading this article",
    "Al-Monitor Archives",
    "More from",
    "Nine Iranian MPs",
    "Topics covered",
    "iranian regionalism",  # Al-Monitor
    "News ID",
    "Published: 0309",
    "Security Key",
    "Captcha",
    "Page Generated",  # Iran Daily
    "Advertisement",
    "__ATA",
    "initDynamicSlot",
    "Subscribe to our newsletter",
    "Translated by",  # Fort Russ
    "Leave a Comment",
    "January 8, 2025 - 21:39",  # the 2025 piece
]


def test_every_seed_is_covered_here():
    assert set(ARTICLE_BOUNDS) == set(SEEDS["source_id"])


@pytest.mark.parametrize("row", SEEDS.to_dict("records"), ids=list(SEEDS["source_id"]))
def test_raw_capture_is_byte_for_byte(row):
    raw = (paths.RAW_DIR / row["raw_file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == row["raw_sha256"]


@pytest.mark.parametrize("source_id", sorted(ARTICLE_BOUNDS))
def test_cleaned_article_runs_from_first_to_last_sentence(source_id):
    text = corpus.read_clean(source_id)
    first, last = ARTICLE_BOUNDS[source_id]
    assert text.startswith(first)
    assert text.rstrip("\n").endswith(last)


@pytest.mark.parametrize("source_id", sorted(ARTICLE_BOUNDS))
def test_cleaned_article_has_no_page_furniture(source_id):
    text = corpus.read_clean(source_id)
    left = [f for f in FURNITURE if f in text]
    assert left == []


@pytest.mark.parametrize("row", SEEDS.to_dict("records"), ids=list(SEEDS["source_id"]))
def test_cleaning_only_removes_lines(row):
    raw_lines = set(corpus.normalise_space((paths.RAW_DIR / row["raw_file"]).read_text(encoding="utf-8")).split("\n"))
    for line in corpus.read_clean(row["source_id"]).split("\n"):
        if line:
            assert line in raw_lines or ("al-monitor " + line) in raw_lines, line


def test_stored_clean_text_is_what_cleaning_produces():
    for source_id, text in corpus.cleaned_corpus().items():
        assert corpus.read_clean(source_id) == text


def test_clean_text_rules_on_a_made_up_page():
    raw = (
        "My Title\r\n\r\nBy Jane Doe\r\nMarch 3, 2020\r\n\r\nFirst  sentence\u00a0here.\r\n\r\n\r\n\r\n"
        "Topics covered\r\n\r\nfoo, bar\r\n\r\nLast sentence.\r\nRelated articles\r\nUnrelated story.\r\n"
    )
    assert corpus.clean_text(raw, title="My Title", author="Jane Doe") == "First sentence here.\n\nLast sentence.\n"


def test_ad_loader_script_is_cut_even_without_a_heading():
    raw = "Real text.\n__ATA.cmd.push(function() { evil(); });\nMore junk."
    assert corpus.clean_text(raw) == "Real text.\n"
