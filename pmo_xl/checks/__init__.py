"""Checks over parsed registers: rows, across rows, across registers, across periods, settings.

Each check is `check_*(portfolio) -> list[Issue]`, declared in `CHECKS`; `run_checks` runs them
all, turns a crashing check into an `internal-error` issue, and leaves the rows with errors out
of the computations.
"""
