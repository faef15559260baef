"""Collecting PM project updates: the update template, reading and validating a folder of
updates, merging the good ones into the portfolio, and the collection report.

`collect_updates` is the use case the CLI (`pmo-xl collect`) and the *Collect updates* button share;
`write_update_template` writes the template a PM fills in.
"""

from pmo_xl.collect.model import CollectionResult, FileResult, LateUpdate, Limits, Status
from pmo_xl.collect.usecase import collect_updates

__all__ = ["collect_updates", "CollectionResult", "FileResult", "LateUpdate", "Limits", "Status"]
