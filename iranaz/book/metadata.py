"""The book's metadata, in one place: the top of ``_config.yml``::

    title, author, copyright      # Jupyter Book's own keys
    version, date_released        # this release
    license: {text, data, code}   # SPDX identifiers
    repository: {url, branch}     # ``repository.url`` is the repository URL ("" until public)
    html: {baseurl}               # where the book is published ("" until published)

Everything that names the book, its version or its licences (citations, ``CITATION.cff``,
``LICENSE``, the footer, the data package) reads it through :func:`metadata`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import datapackage, files, paths
from .toc import find_root, read_yaml

#: SPDX identifiers the metadata may use, with the names and URLs the licences give themselves.
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-4.0": {"name": "Creative Commons Attribution 4.0 International", "short": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "MIT": {"name": "MIT License", "short": "MIT", "url": "https://opensource.org/license/mit"},
}


@dataclass(frozen=True)
class Metadata:
    """The book's metadata, read from ``_config.yml``."""

    root: Path
    title: str
    authors: tuple[str, ...]
    copyright: str
    version: str
    date_released: dt.date
    licenses: dict[str, str] = field(hash=False)
    repository_url: str
    repository_branch: str
    path_to_book: str
    baseurl: str

    @property
    def year(self) -> int:
        return self.date_released.year

    def licence(self, part: str) -> dict[str, str]:
        """``{"id", "name", "short", "url"}`` of the licence of ``text``, ``data`` or ``code``."""
        spdx = self.licenses[part]
        return {"id": spdx, **LICENCES[spdx]}

    def page_url(self, docname: str) -> str:
        """The published URL of a page, or "" while ``html.baseurl`` is empty."""
        return f"{self.baseurl.rstrip('/')}/{docname}.html" if self.baseurl else ""


class MetadataError(ValueError):
    """``_config.yml`` lacks a metadata key or holds an invalid value."""


@lru_cache(maxsize=8)
def _metadata(config: Path, mtime: float) -> Metadata:
    cfg = read_yaml(config)
    missing = [k for k in ("title", "author", "copyright", "version", "date_released", "license") if not cfg.get(k)]
    if missing:
        raise MetadataError(f"{config}: missing metadata key(s): {', '.join(missing)}")
    authors = cfg["author"]
    authors = tuple(authors) if isinstance(authors, list) else (str(authors),)
    released = cfg["date_released"]
    if not isinstance(released, dt.date):
        try:
            released = dt.date.fromisoformat(str(released))
        except ValueError as err:
            raise MetadataError(f"{config}: date_released must be YYYY-MM-DD, not {released!r}") from err
    licenses = dict(cfg["license"])
    for part in ("text", "data", "code"):
        if licenses.get(part) not in LICENCES:
            raise MetadataError(f"{config}: license.{part} must be one of {sorted(LICENCES)}, not {licenses.get(part)!r}")
    if not re.fullmatch(r"\d+\.\d+\.\d+", str(cfg["version"])):
        raise MetadataError(f"{config}: version must look like 1.2.3, not {cfg['version']!r}")
    repo = cfg.get("repository") or {}
    return Metadata(
        root=config.parent,
        title=str(cfg["title"]),
        authors=authors,
        copyright=str(cfg["copyright"]),
        version=str(cfg["version"]),
        date_released=released,
        licenses=licenses,
        repository_url=str(repo.get("url") or "").strip(),
        repository_branch=str(repo.get("branch") or "main"),
        path_to_book=str(repo.get("path_to_book") or ""),
        baseurl=str((cfg.get("html") or {}).get("baseurl") or "").strip(),
    )


def metadata(root: Path | None = None) -> Metadata:
    """The metadata of the book at ``root`` (default: :func:`find_root`)."""
    config = Path(root or find_root()) / "_config.yml"
    return _metadata(config.resolve(), config.stat().st_mtime)


def datapackage_problems(package: dict[str, Any], root: Path | None = None) -> list[str]:
    """Where ``datapackage.json`` disagrees with the metadata on version or licence."""
    meta = metadata(root)
    lic = meta.licence("data")
    problems = []
    if package.get("version") != meta.version:
        problems.append(f"datapackage.json version is {package.get('version')!r}, _config.yml says {meta.version!r}")
    expected = [{"name": lic["id"], "path": lic["url"]}]
    got = [{k: x.get(k) for k in ("name", "path")} for x in package.get("licenses", [])]
    if got != expected:
        problems.append(f"datapackage.json licenses are {got}, _config.yml says {expected}")
    return problems


def sync_datapackage(path: Path | None = None, root: Path | None = None) -> bool:
    """Write version and licence of the metadata into ``datapackage.json``; True if it changed."""
    path = Path(path or paths.DATAPACKAGE)
    pkg = datapackage.descriptor(path.parent)
    if not datapackage_problems(pkg, root):
        return False
    meta = metadata(root)
    lic = meta.licence("data")
    pkg["version"] = meta.version
    pkg["licenses"] = [{"name": lic["id"], "path": lic["url"], "title": lic["name"]}]
    files.write_if_changed(path, json.dumps(pkg, ensure_ascii=False, indent=2) + "\n")
    return True
