"""Build the committed artefacts in `workbooks/` from source, deterministically.

`pmo-xl build` writes them; `pmo-xl build --check` (and a test) proves the committed files are
what the current schema and code produce, byte for byte.
"""

from __future__ import annotations

import filecmp
import tempfile
from collections.abc import Callable
from pathlib import Path

from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.sample import generate_sample
from pmo_xl.schema.contract import build_contract

Builder = Callable[[Path], None]


def _contract(path: Path) -> None:
    path.write_text(build_contract(), encoding="utf-8")


def _template(path: Path) -> None:
    write_portfolio_workbook(path)


def _sample(path: Path) -> None:
    sample = generate_sample()
    write_portfolio_workbook(path, sample.data, sample.settings)


def artefacts() -> dict[str, Builder]:
    """Relative path under workbooks/ -> the function that writes it."""
    built: dict[str, Builder] = {
        "CONTRACT.md": _contract,
        "PMO-template.xlsx": _template,
        "samples/PMO-sample.xlsx": _sample,
    }
    built.update(_optional_artefacts())
    return built


def _optional_artefacts() -> dict[str, Builder]:
    """Artefacts of the Excel front end and the PM update template."""
    extra: dict[str, Builder] = {}
    try:
        from pmo_xl.collect.template import write_update_template
    except ImportError:
        pass
    else:
        extra["Project-update-template.xlsx"] = lambda path: write_update_template(path)
    try:
        from pmo_xl.excel.build_xlsm import build_pmo_xlsm
    except ImportError:
        pass
    else:
        extra["PMO.xlsm"] = lambda path: build_pmo_xlsm(path)
    return extra


def build_all(root: Path) -> list[Path]:
    written = []
    for relative, builder in artefacts().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        builder(path)
        written.append(path)
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
            if not committed.exists() or not filecmp.cmp(fresh, committed, shallow=False):
                stale.append(relative)
    return stale
