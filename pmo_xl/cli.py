"""`pmo-xl`: the command line. Wiring and presentation only; the work is in `usecases`.

Every command lives in `pmo_xl/commands/<name>.py` with `add_parser(subparsers)` and
`run(args) -> int`. Exit codes: 0 fine, 1 the data has errors, 2 the input could not be used
(always one clear line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pmo_xl import __version__

COMMANDS = ("new", "demo", "validate", "report", "scenarios", "close", "collect", "import_schedules", "sample", "build", "excel_setup")

EXIT_OK, EXIT_DATA_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmo-xl",
        description="The engine behind the standard PMO Excel workbook: validate registers, compute priorities, "
        "loading and earned value, and generate the monthly report.",
    )
    parser.add_argument("--version", action="version", version=f"pmo-xl {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"pmo_xl.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"pmo_xl.commands.{name}":
                continue  # a command still being built is simply not offered
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):  # no command: a usage error, like any missing argument
        parser.print_help(sys.stderr)
        print("pmo-xl: name a command, e.g. pmo-xl demo", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        return int(args.run(args))
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        return EXIT_OK
    except KeyboardInterrupt:
        print("pmo-xl: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: one line, never a traceback
        from pmo_xl.errors import describe

        print(f"pmo-xl: {describe(error)}", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    raise SystemExit(main())
