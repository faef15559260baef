"""Build the committed artefacts in `workbooks/` from source, deterministically.

`pmo-xl build` writes them; `pmo-xl build --check` (and a test) proves the committed files are
what the current schema and code produce, byte for byte.
"""

from __future__ import annotations

import filecmp
import tempfile
from collections.abc import Callable
from pathlib import Path

from pmo_xl.collect.samples import write_sample_updates
from pmo_xl.collect.template import write_update_template
from pmo_xl.excel.build_xlsm import build_pmo_xlsm
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.sample import generate_sample, write_sample_workbook
from pmo_xl.schema.contract import build_contract

Builder = Callable[[Path], None]


def _contract(path: Path) -> None:
    path.write_text(build_contract(), encoding="utf-8")


def _template(path: Path) -> None:
    write_portfolio_workbook(path)


def _sample(path: Path) -> None:
    sample = generate_sample()
    write_sample_workbook(path, sample)


def artefacts() -> dict[str, Builder]:
    """Relative path under workbooks/ -> the function that writes it."""
    built: dict[str, Builder] = {
        "CONTRACT.md": _contract,
        "PMO-template.xlsx": _template,
        "samples/PMO-sample.xlsx": _sample,
    }
    built.update(_optional_artefacts())
    return built


def _update_template(path: Path) -> None:
    write_update_template(path)


def _sample_updates(folder: Path) -> None:
    """The PM updates made from the sample (a folder: each file is an artefact)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    write_sample_updates(generate_sample(), folder)


def _pmo_xlsm(path: Path) -> None:
    build_pmo_xlsm(path)


def _optional_artefacts() -> dict[str, Builder]:
    """Artefacts of the Excel front end and the PM update template; folders end with '/'."""
    return {
        "Project-update-template.xlsx": _update_template,
        "samples/updates/": _sample_updates,
        "PMO.xlsm": _pmo_xlsm,
    }


def build_all(root: Path) -> list[Path]:
    written = []
    for relative, builder in artefacts().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        builder(path)
        written += sorted(path.iterdir()) if relative.endswith("/") else [path]
    return written


def stale_artefacts(root: Path) -> list[str]:
    """Artefacts whose committed bytes differ from a fresh build."""
    stale = []
    with tempfile.TemporaryDirectory() as scratch:
        for relative, builder in artefacts().items():
            fresh = Path(scratch) / relative
            fresh.parent.mkdir(parents=True, exist_ok=True)
            builder(fresh)
            committed = root / relative
            if relative.endswith("/"):
                names = sorted(p.name for p in fresh.iterdir())
                if not committed.is_dir() or sorted(p.name for p in committed.iterdir()) != names:
                    stale.append(relative)
                    continue
                stale += [relative + n for n in names if not filecmp.cmp(fresh / n, committed / n, shallow=False)]
            elif not committed.exists() or not filecmp.cmp(fresh, committed, shallow=False):
                stale.append(relative)
    return stale
