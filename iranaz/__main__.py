"""Command line: ``python -m iranaz validate`` checks the tables, ``build`` builds the book,
``clean`` regenerates the cleaned corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build, corpus, paths, validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iranaz", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the data package; exit 1 and list every problem if any rule is broken")
    v.add_argument("--data", type=Path, default=paths.DATA, help="data directory (default: the project's data/)")
    sub.add_parser("clean", help="regenerate data/sources/clean/ from the raw captures")
    b = sub.add_parser("build", help="build the book: execute the chapters on every core, then jupyter-book build -n -W --keep-going")
    b.add_argument("--source", type=Path, default=paths.ROOT, help="the book's folder, with _config.yml and _toc.yml (default: this project)")
    b.add_argument("--path-output", type=Path, default=None, help="where _build/ goes (default: the book's folder)")
    b.add_argument("--builder", default="html", help="jupyter-book builder (default: html)")
    b.add_argument("--jobs", type=int, default=None, help="chapters executed at once (default: the number of cores)")
    args = parser.parse_args(argv)

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
        return build.build_book(args.source, path_output=args.path_output, builder=args.builder, jobs=args.jobs, capture=False).returncode
    return 2  # unreachable: argparse requires a command


if __name__ == "__main__":
    raise SystemExit(main())
