"""``python -m data_sources``: the data layer, headless.

    python -m data_sources catalogue export [--format csv|yaml]   # to stdout
    python -m data_sources catalogue import FILE                  # .yaml or .csv

Exit codes: 0 success; 2 bad input (every problem on stderr, each naming the row and field;
nothing is imported); 1 an unexpected internal error (set POLICYLENS_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from data_sources import catalogue
from data_sources.errors import DataSourceError

PROGRAM = "python -m data_sources"


class UsageError(Exception):
    """Bad command line: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROGRAM, description="PolicyLens data layer.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    cat = commands.add_parser("catalogue", help="the policy catalogue")
    actions = cat.add_subparsers(dest="action", required=True, parser_class=_Parser)
    export = actions.add_parser("export", help="write shipped + user measures to stdout")
    export.add_argument("--format", choices=("csv", "yaml"), default="csv")
    add = actions.add_parser("import", help="validate a .yaml or .csv file and add its measures")
    add.add_argument("file", metavar="FILE")
    return parser


def export_catalogue(fmt: str) -> bytes:
    table = catalogue.load_catalogue()
    if fmt == "yaml":
        return catalogue.export_yaml(table).encode("utf-8")
    from analysis.export import csv_bytes  # the project's one CSV convention

    return csv_bytes(catalogue.export_table(table), catalogue.export_metadata())


def import_catalogue(path_text: str) -> int:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"file {path_text} does not exist")
    rows, labels = catalogue.parse_measures_file(path.read_bytes(), path.name)
    added = catalogue.add_user_measures(rows, path.name, row_labels=labels)
    print(f"added {len(added)} measure(s) from {path.name} to {catalogue.user_measures_path()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.action == "export":
            sys.stdout.buffer.write(export_catalogue(args.format))
            sys.stdout.flush()
            return 0
        return import_catalogue(args.file)
    except catalogue.CatalogueError as error:
        for problem in error.problems:
            print(f"{PROGRAM}: error: {error.source}: {problem}", file=sys.stderr)
        return 2
    except (UsageError, DataSourceError) as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        if os.environ.get("POLICYLENS_DEBUG"):
            traceback.print_exc()
        print(f"{PROGRAM}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
