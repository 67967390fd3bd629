"""Publishing: everything that turns the chapters into the published book.

The research core (:mod:`iranaz` itself: corpus, tables, validation, measures, charts,
facts) never imports this subpackage. Here live the Sphinx extension (:mod:`.sphinxext`),
the build (:mod:`.build`), the offline chart output (:mod:`.offline`, whose loader is
``static/iranaz-loader.js``), downloads and citations (:mod:`.downloads`, :mod:`.cite`), the
book's metadata and the files generated from it (:mod:`.metadata`, :mod:`.generated`), the
table of contents (:mod:`.toc`), the data card (:mod:`.datacard`), the PDF (:mod:`.pdf`), the
HTML templates (:mod:`.markup`) and the static files every page loads (``static/``).
"""

import os
from pathlib import Path

#: Set to ``1`` in the book build (by :mod:`.sphinxext` and :mod:`.build`); the notebook kernels
#: the build starts inherit it, so charts are served from the book's static files.
BOOK_BUILD_ENV = "IRANAZ_BOOK_BUILD"
#: The book's CSS and JavaScript, served with every page.
STATIC_DIR = Path(__file__).resolve().parent / "static"


def mark_book_build() -> None:
    """Say, in this process's environment, that the book is being built: the notebook kernels
    started from here inherit it and serve charts from the book's static files."""
    os.environ[BOOK_BUILD_ENV] = "1"
