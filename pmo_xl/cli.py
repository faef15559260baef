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
# The name typed for each command whose module is named otherwise.
TYPED = {"import_schedules": "import", "excel_setup": "excel-setup"}

EXIT_OK, EXIT_DATA_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given the arguments, only the command they name is built
    in full (its module imported): the others stay bare names, so `pmo-xl validate` starts
    without importing the collection or Excel set-up modules. With no command named
    (`pmo-xl --help`, a typo) every command is built, for the list of commands."""
    parser = argparse.ArgumentParser(
        prog="pmo-xl",
        description="The engine behind the standard PMO Excel workbook: validate registers, compute priorities, "
        "loading and earned value, and generate the monthly report.",
    )
    parser.add_argument("--version", action="version", version=f"pmo-xl {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = argv[0] if argv and argv[0] in {TYPED.get(name, name) for name in COMMANDS} else None
    for name in COMMANDS:
        if named is not None and TYPED.get(name, name) != named:
            subparsers.add_parser(TYPED.get(name, name))  # known, so never "invalid choice"; not built
            continue
        try:
            module = importlib.import_module(f"pmo_xl.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"pmo_xl.commands.{name}":
                continue  # a command still being built is simply not offered
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
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
