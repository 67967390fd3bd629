"""Every path the project uses, anchored on this file so notebooks, the book build and
pytest find the same data whatever their working directory."""

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent.parent
#: ``$IRANAZ_DATA`` names another copy of the data package (the bench's synthetic one);
#: by default, the project's own ``data/``.
DATA_ENV = "IRANAZ_DATA"
DATA: Path = Path(os.environ[DATA_ENV]).resolve() if os.environ.get(DATA_ENV) else ROOT / "data"
SOURCES_DIR: Path = DATA / "sources"
RAW_DIR: Path = SOURCES_DIR / "raw"
CLEAN_DIR: Path = SOURCES_DIR / "clean"
DATAPACKAGE: Path = DATA / "datapackage.json"
CONFIG: Path = ROOT / "_config.yml"
BUILD_DIR: Path = ROOT / "_build"

#: Where derived artefacts are kept between runs (the Vega bundle, validation stamps).
CACHE_ENV = "IRANAZ_CACHE"


def cache_dir() -> Path:
    """``$IRANAZ_CACHE`` if set, else the user cache dir (``~/.cache/iranaz``)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("iranaz"))
