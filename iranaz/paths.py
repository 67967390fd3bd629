"""Every path the project uses, anchored on this file so notebooks, the book build and
pytest find the same data whatever their working directory."""

from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent.parent
DATA: Path = ROOT / "data"
SOURCES_DIR: Path = DATA / "sources"
RAW_DIR: Path = SOURCES_DIR / "raw"
CLEAN_DIR: Path = SOURCES_DIR / "clean"
DATAPACKAGE: Path = DATA / "datapackage.json"
CONFIG: Path = ROOT / "_config.yml"
BUILD_DIR: Path = ROOT / "_build"
