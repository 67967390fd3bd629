"""Loading: derived columns, name variants, corroboration."""

from __future__ import annotations

import pandas as pd
import pytest

from iranaz import paths, tables


@pytest.fixture(scope="module")
def t() -> tables.Tables:
    return tables.load()


@pytest.mark.parametrize(
    "variants, actor_id",
    [
        (("Aliev", "Aliyev", "Ilham Aliev", "ILHAM ALIYEV"), "ilham_aliyev"),
        (("Rohani", "Rouhani", "Hassan Rouhani"), "hassan_rouhani"),
        (("Khamanei", "Khamenei"), "ali_khamenei"),
        (("Raeisi", "Raisi"), "ebrahim_raisi"),
        (("Mammadov", "Mammedov"), "novruz_mammadov"),
        (("Azerbaijan", "Azerbajan"), "AZE"),
        (("Heydar Aliyev",), "heydar_aliyev"),
    ],
)
def test_spelling_variants_resolve_to_one_actor(variants, actor_id):
    assert {tables.resolve_actor(v) for v in variants} == {actor_id}


def test_unknown_spelling_is_an_error_that_says_where_to_add_it():
    with pytest.raises(KeyError, match="actor_names.csv"):
        tables.resolve_actor("Aliyeff")


def test_codes_keep_leading_zeros(t):
    assert t.events.set_index("event_id").loc["E001", "cameo_code"] == "042"
    assert t.events["cameo_code"].str.len().min() >= 2


def test_goldstein_and_quad_class_come_from_the_codebook(t):
    codes = t.cameo_codes.set_index("cameo_code")
    expected = t.events["cameo_code"].map(codes["goldstein"].astype(float))
    assert (t.events["goldstein"] == expected).all()
    visit = t.events.set_index("event_id").loc["E001"]
    assert (visit["goldstein"], visit["quad_class"], visit["quad_label"]) == (1.9, 1, "Verbal cooperation")


def test_bilateral_means_one_iranian_and_one_azerbaijani_actor(t):
    ev = t.events.set_index("event_id")
    assert ev.loc["E001", "bilateral"]  # Aliyev -> Iran
    assert not ev.loc["E024", "bilateral"]  # Azerbaijan -> Armenia
    assert not ev.loc["E014", "bilateral"]  # Azerbaijan -> Israel


def test_every_event_is_in_exactly_one_period(t):
    assert t.events["period_id"].notna().all()
    for p in t.periods.itertuples():
        inside = t.events[t.events["period_id"] == p.period_id]
        assert inside["date"].between(pd.Timestamp(p.start), pd.Timestamp(p.end)).all()


def _toy_sources(rows):
    cols = ["source_id", "outlet_id", "origin_id", "republishes"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_corroboration_counts_independent_originators():
    sources = _toy_sources(
        [
            ("a1", "ap-host-1", "associated-press", ""),  # AP copy
            ("a2", "ap-host-2", "associated-press", ""),  # another AP copy: same originator
            ("b1", "irna", "", ""),
            ("b2", "irna", "", ""),  # a second IRNA page: same outlet
            ("c1", "tehran-times", "", "b1"),  # reprint of b1: IRNA's text
            ("d1", "trend", "", ""),
            ("x1", "", "", ""),  # unknown outlet: stands for itself
        ]
    )
    evidence = pd.DataFrame(
        {
            "event_id": ["E1", "E1", "E1", "E1", "E1", "E2", "E2", "E3"],
            "source_id": ["a1", "a2", "b1", "b2", "c1", "d1", "x1", "d1"],
            "reporting": ["first-hand"] * 5 + ["background", "first-hand", "advance"],
        }
    )
    got = tables.independent_sources(evidence, sources).to_dict()
    assert got == {"E1": 2, "E2": 2}  # E3 has only a preview: no corroboration at all


def test_derived_source_columns(t):
    s = t.sources.set_index("source_id")
    assert s.loc["almonitor-2014-04-11", "outlet"] == "Al-Monitor"
    assert s.loc["almonitor-2014-04-11", "international"]
    assert not s.loc["irandaily-2022-01-28", "international"]
    assert s.loc["unattributed-2025-01-08", "outlet"] == ""  # unknown stays unknown


def test_rank_and_role_follow_the_year_of_the_event():
    raw = tables.read_raw()
    raw["actor_roles"] = pd.DataFrame(
        [
            {"actor_id": "hassan_rouhani", "role": "first post", "rank": "rank one", "from_year": "2014", "to_year": "2016"},
            {"actor_id": "hassan_rouhani", "role": "second post", "rank": "rank two", "from_year": "2017", "to_year": "2020"},
        ]
    )
    ev = tables.derive_events(raw)
    for side in ("actor1", "actor2"):
        mine = ev[ev[side] == "hassan_rouhani"]
        expected = mine["year"].map(lambda y: "rank one" if y <= 2016 else "rank two" if y <= 2020 else "")
        assert list(mine[f"{side}_rank"]) == list(expected)
        assert set(mine[f"{side}_role"]) <= {"first post", "second post", ""}
        assert set(ev.loc[ev[side] != "hassan_rouhani", f"{side}_rank"]) <= {""}
    assert {2014, 2018} <= set(ev.loc[(ev["actor1"] == "hassan_rouhani") | (ev["actor2"] == "hassan_rouhani"), "year"])


def test_another_copy_of_the_data_can_be_named(tmp_path):
    """``IRANAZ_DATA`` points the package at another copy (the bench's synthetic data); unset,
    the project's own data/ is read."""
    import os
    import subprocess
    import sys

    code = "from iranaz import paths; print(paths.DATA)"
    env = {k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip() == str(paths.ROOT / "data")
    env["IRANAZ_DATA"] = str(tmp_path)
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip() == str(tmp_path.resolve())
