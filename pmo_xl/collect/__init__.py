"""Collecting PM project updates: the update template, reading and validating a folder of
updates, merging the good ones into the portfolio, and the collection report.

`collect_updates` is the use case the CLI (`pmo-xl collect`) and the *Collect updates* button share;
`write_update_template` writes the template a PM fills in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmo_xl.collect.model import CollectionResult, FileResult, LateUpdate, Limits, Status

if TYPE_CHECKING:
    from pmo_xl.collect.usecase import collect_updates


def __getattr__(name: str) -> Any:
    # `collect_updates` brings pandas and XlsxWriter; loaded on first use, so `pmo-xl --help`
    # and the commands that only need the records above start without them.
    if name == "collect_updates":
        from pmo_xl.collect.usecase import collect_updates

        return collect_updates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["collect_updates", "CollectionResult", "FileResult", "LateUpdate", "Limits", "Status"]
