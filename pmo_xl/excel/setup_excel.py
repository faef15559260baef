"""`pmo-xl excel-setup`: prepare a Windows or Mac PC so the PMO.xlsm buttons can run Python.

What it does, once per user and PC:
1. creates a private virtual environment (`%LOCALAPPDATA%\\pmo-xl\\venv` on Windows,
   `~/.pmo-xl/venv` on Mac): the interpreter the workbook's `xlwings.conf` sheet names;
2. pip-installs pmo-xl (and with it the pinned xlwings) into it;
3. on Mac, runs `xlwings runpython install` from that venv, which installs the AppleScript
   RunPython needs; it must come from the same xlwings version as the workbook's VBA;
4. writes a PMO.xlsm built by that very venv, so its VBA, its `xlwings.conf` and the
   installed package match. An existing workbook is never overwritten.

On Linux there is no Excel: the command explains that and `--dry-run` prints the steps.
"""

from __future__ import annotations

import argparse
import os
import platform as host_platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Literal

from pmo_xl import __version__

# Only the config sheet's keys: PMO.xlsm itself is built by the new environment's Python (a step below).
from pmo_xl.excel.layout import XlwingsConfig

Platform = Literal["windows", "mac"]
DEFAULT_CONFIG = XlwingsConfig()
WINDOWS_VENV = r"%LOCALAPPDATA%\pmo-xl\venv"
MAC_VENV = "$HOME/.pmo-xl/venv"


@dataclass(frozen=True)
class Step:
    """One command of the setup, shown in a dry run and executed otherwise."""

    title: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class SetupPlan:
    """Everything the setup will do on one platform."""

    platform: Platform
    venv: PurePath
    python: PurePath  # the venv interpreter that runs pip and the build
    workbook: PurePath
    config: XlwingsConfig
    steps: tuple[Step, ...]

    def describe(self) -> str:
        lines = [f"pmo-xl excel-setup for {'Windows' if self.platform == 'windows' else 'Mac'}:"]
        for number, step in enumerate(self.steps, start=1):
            lines.append(f"  {number}. {step.title}")
            lines.append(f"     {_quoted(step.argv)}")
        lines.append(f"  The workbook's xlwings.conf: Interpreter_Win = {self.config.interpreter_win}")
        lines.append(f"                               Interpreter_Mac = {self.config.interpreter_mac}")
        return "\n".join(lines)


def _quoted(argv: Sequence[str]) -> str:
    return " ".join(f'"{a}"' if " " in a else a for a in argv)


def current_platform() -> Platform | None:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "mac"
    return None


def plan_setup(
    platform: Platform,
    *,
    venv: str | None = None,
    workbook: str | None = None,
    package: str | None = None,
    base_python: str | None = None,
    env: dict[str, str] | None = None,
) -> SetupPlan:
    """The steps for `platform`. Paths are spelled for that platform, whatever this machine is.

    `env` supplies LOCALAPPDATA/HOME/USERPROFILE for expanding the default locations; where a
    variable is unknown (a dry run on another OS) the path keeps the variable, as the user sees it.
    """
    env = dict(os.environ if env is None else env)
    package = package or f"pmo-xl=={__version__}"
    if platform == "windows":
        path_type: type[PurePath] = PureWindowsPath
        venv_path = path_type(_expand(venv or WINDOWS_VENV, env))
        python = venv_path / "Scripts" / "python.exe"
        default_workbook = path_type(_expand(r"%USERPROFILE%\Documents\PMO.xlsm", env))
        custom = venv is not None and venv != WINDOWS_VENV
        # The default venv is written with its variable, so one workbook works for every user.
        config = (
            XlwingsConfig(interpreter_win=str(venv_path / "Scripts" / "pythonw.exe"))
            if custom
            else DEFAULT_CONFIG
        )
    else:
        path_type = PurePosixPath
        venv_path = path_type(_expand(venv or MAC_VENV, env))
        python = venv_path / "bin" / "python"
        default_workbook = path_type(_expand("$HOME/Documents/PMO.xlsm", env))
        custom = venv is not None and venv != MAC_VENV
        config = XlwingsConfig(interpreter_mac=str(python)) if custom else DEFAULT_CONFIG
    workbook_path = path_type(workbook) if workbook else default_workbook
    base = base_python or (
        sys.executable if current_platform() == platform else ("py" if platform == "windows" else "python3")
    )
    steps = [
        Step("Create the Python environment the buttons use", (base, "-m", "venv", str(venv_path))),
        Step(
            "Install pmo-xl and the pinned xlwings into it",
            (str(python), "-m", "pip", "install", "--upgrade", package),
        ),
    ]
    if platform == "mac":
        xlwings_cli = str(venv_path / "bin" / "xlwings")
        steps.append(
            Step(
                "Install the RunPython AppleScript of this xlwings version",
                (xlwings_cli, "runpython", "install"),
            )
        )
    steps.append(
        Step(
            "Write PMO.xlsm built by that environment (its VBA matches the installed xlwings)",
            (str(python), "-m", "pmo_xl.excel.build_xlsm", str(workbook_path),
             "--interpreter-win", config.interpreter_win, "--interpreter-mac", config.interpreter_mac),
        )
    )  # fmt: skip
    return SetupPlan(platform, venv_path, python, workbook_path, config, tuple(steps))


def _expand(path: str, env: dict[str, str]) -> str:
    for name in ("LOCALAPPDATA", "USERPROFILE", "HOME"):
        value = env.get(name)
        if value:
            path = path.replace(f"%{name}%", value).replace(f"${name}", value)
    return path


Runner = Callable[[Sequence[str]], int]


def _subprocess_runner(argv: Sequence[str]) -> int:
    return subprocess.run(list(argv), check=False).returncode


def run_plan(plan: SetupPlan, runner: Runner = _subprocess_runner, out: Callable[[str], None] = print) -> int:
    """Execute the steps in order; stop at the first failure with one clear line. 0 on success."""
    if Path(str(plan.workbook)).exists():
        out(f"{plan.workbook} already exists and is never overwritten; choose another file with --workbook.")
        return 2
    for number, step in enumerate(plan.steps, start=1):
        out(f"[{number}/{len(plan.steps)}] {step.title}")
        try:
            code = runner(step.argv)
        except OSError as error:
            out(f"cannot run {step.argv[0]}: {error.strerror or error}")
            return 2
        if code != 0:
            out(f"step {number} failed (exit code {code}): {_quoted(step.argv)}")
            return 2
    out(
        f"Done. Open {plan.workbook} in Excel; if Excel blocks its macros, see docs/excel-checklist.md (Unblock)."
    )
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `pmo-xl excel-setup` (the CLI adds these to its sub-command)."""
    parser.add_argument("--dry-run", action="store_true", help="print the steps without running anything")
    parser.add_argument(
        "--platform", choices=("windows", "mac"), help="plan for this platform (default: this PC)"
    )
    where = f"where to create the environment (default {WINDOWS_VENV} / {MAC_VENV})"
    parser.add_argument("--venv", help=where.replace("%", "%%"))  # argparse %-formats help: %LOCALAPPDATA% as such
    parser.add_argument(
        "--workbook", help="the PMO.xlsm to write (default: Documents/PMO.xlsm; never overwritten)"
    )
    parser.add_argument(
        "--package",
        help=f"what pip installs (default pmo-xl=={__version__}; a wheel, path or URL also works)",
    )


def run(args: argparse.Namespace, out: Callable[[str], None] = print) -> int:
    """`pmo-xl excel-setup` itself."""
    here = current_platform()
    platforms: list[Platform] = [args.platform] if args.platform else ([here] if here else ["windows", "mac"])
    if here is None and not args.dry_run:
        out(f"excel-setup prepares Excel on Windows or Mac; this is {host_platform.system() or 'another system'}, "
            "which has no Excel. Run it on the PC that has Excel, or see the steps with --dry-run.")  # fmt: skip
        return 2
    plans = [plan_setup(p, venv=args.venv, workbook=args.workbook, package=args.package) for p in platforms]
    if args.dry_run:
        out("\n\n".join(plan.describe() for plan in plans))
        return 0
    if args.platform and args.platform != here:
        out(f"--platform {args.platform} can only be run on that platform; use --dry-run to see the steps.")
        return 2
    return run_plan(plans[0], out=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pmo-xl excel-setup", description=__doc__.splitlines()[0] if __doc__ else None
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
