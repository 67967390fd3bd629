"""The project's one command line, ``python -m iranaz``:

* ``validate``: check the tables (exit 1, listing every problem, if a rule is broken);
* ``clean``: regenerate the cleaned corpus from the raw captures;
* ``build``: build the book (``make book``);
* ``pdf``: print the built book to one PDF (``make pdf``);
* ``metadata write|check``: rewrite, or list as stale, the files generated from ``_config.yml``
  (``CITATION.cff``, ``LICENSE``, ``book/references.bib``, the data package's version).

The book's commands import :mod:`iranaz.book` only when they run, so the research core works
without the publishing dependencies installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import corpus, paths, validate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m iranaz", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the data package; exit 1 and list every problem if any rule is broken")
    v.add_argument("--data", type=Path, default=paths.DATA, help="data directory (default: the project's data/)")
    sub.add_parser("clean", help="regenerate data/sources/clean/ from the raw captures")
    b = sub.add_parser("build", help="build the book: execute the chapters on every core, then jupyter-book build -n -W --keep-going")
    b.add_argument("--source", type=Path, default=paths.ROOT, help="the book's folder, with _config.yml and _toc.yml (default: this project)")
    b.add_argument("--path-output", type=Path, default=None, help="where _build/ goes (default: the book's folder)")
    b.add_argument("--builder", default="html", help="jupyter-book builder (default: html)")
    b.add_argument("--jobs", type=int, default=None, help="chapters executed at once (default: the number of cores)")
    p = sub.add_parser("pdf", help="print the built book to one PDF with Debian's chromium")
    p.add_argument("--html", type=Path, default=paths.ROOT / "_build" / "html", help="the built HTML book (default: _build/html)")
    p.add_argument("--out", type=Path, default=None, help="the PDF to write (default: _build/pdf/<title>-<version>.pdf)")
    p.add_argument("--root", type=Path, default=paths.ROOT, help="the book's sources (_config.yml, _toc.yml)")
    p.add_argument("--chromium", default=None, help="the Chromium executable (default: /usr/bin/chromium, or $IRANAZ_CHROMIUM)")
    m = sub.add_parser("metadata", help="write, or check, the files generated from _config.yml")
    m.add_argument("action", choices=["write", "check"])
    m.add_argument("--root", type=Path, default=paths.ROOT)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        problems = validate.validate(args.data)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s): the data package is not valid.", file=sys.stderr)
            return 1
        validate.mark_valid(args.data)  # the chapters of the next build need not check again
        print(f"{args.data / 'datapackage.json'}: valid.")
        return 0
    if args.command == "clean":
        for p in corpus.write_clean_corpus():
            print(p.relative_to(paths.ROOT))
        return 0
    if args.command == "build":
        from .book import build

        return build.build_book(args.source, path_output=args.path_output, builder=args.builder, jobs=args.jobs, capture=False).returncode
    if args.command == "pdf":
        from .book import chromium, pdf

        try:
            out = pdf.make_pdf(args.html, args.out, args.root, args.chromium or chromium.CHROMIUM)
        except pdf.ChartsNotDrawn as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(out)
        return 0
    if args.command == "metadata":
        from .book import generated

        if args.action == "write":
            for name in generated.write(args.root):
                print(f"wrote {name}")
            return 0
        problems = generated.check(args.root)
        for msg in problems:
            print(msg, file=sys.stderr)
        return 1 if problems else 0
    return 2  # unreachable: argparse requires a command


if __name__ == "__main__":
    raise SystemExit(main())
