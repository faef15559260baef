"""Charts whose cached numbers are written in one pass: the bytes XlsxWriter writes, faster.

A chart keeps a copy of the numbers it plots (the `numCache` of each series' values and
categories) so a reader can draw it without recalculating. XlsxWriter writes every point through
its general XML writer: a start tag, an escaped data element and an end tag, each with the
regular expressions that guard text. The report has ~450 charts (two a project page) and ~50,000
points. The cache of a number cell is its value as "%.16g" text, which never needs escaping: each
point here is one f-string. A cache holding other text (a text cell a series points at) goes
through XlsxWriter as before.

`with_fast_caches(chart)` turns a chart made by `Workbook.add_chart` into the same chart type
with this writer mixed in (tests/test_block_sheet.py compares the files with XlsxWriter's own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.chart import Chart

# What XlsxWriter puts in a number cache for a number cell: its value as text, "%.16g".
_NUMBER_CHARACTERS = frozenset("0123456789.-+eE")


class _NumCacheInOnePass:
    """Mixed in before a chart class: its `_write_num_cache`, for caches of numbers and gaps."""

    def _write_num_cache(self, data: Sequence[object] | None) -> None:
        tokens = [token for token in data or () if token is not None]
        if (not data or not all(token.__class__ is str for token in tokens)
                or not _NUMBER_CHARACTERS.issuperset("".join(tokens))):  # type: ignore[arg-type]
            super()._write_num_cache(data)  # type: ignore[misc]  # text that may need escaping, other values
            return
        points = []
        for index, token in enumerate(data):
            if token is None:
                continue
            try:
                float(token)  # type: ignore[arg-type]
            except ValueError:
                token = 0  # as XlsxWriter: what is not a number is drawn as 0 (a blank cell's "")
            points.append(f'<c:pt idx="{index}"><c:v>{token}</c:v></c:pt>')
        self.fh.write(  # type: ignore[attr-defined]
            f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(data)}"/>{"".join(points)}</c:numCache>')


    def _get_data_type(self, data: Sequence[object] | None) -> str:
        """XlsxWriter's test of a series' categories (numbers or text), one pass for number texts."""
        tokens = [token for token in data or () if token is not None]
        if (not data or data[0].__class__ is list or not all(token.__class__ is str for token in tokens)
                or not _NUMBER_CHARACTERS.issuperset("".join(tokens))):  # type: ignore[arg-type]
            return super()._get_data_type(data)  # type: ignore[misc]
        for token in tokens:  # no "_" or " " in them (XlsxWriter's first test): is each a number?
            try:
                float(token)  # type: ignore[arg-type]
            except ValueError:
                return "str"
        return "num"


_FAST: dict[type, type] = {}


def with_fast_caches(chart: Any) -> Any:
    """`chart`, its class now its own with the one-pass cache writer before it (None stays None)."""
    if not isinstance(chart, Chart):
        return chart
    kind = type(chart)
    fast = _FAST.get(kind)
    if fast is None:
        fast = _FAST[kind] = type(kind.__name__, (_NumCacheInOnePass, kind), {"__module__": __name__})
    chart.__class__ = fast
    return chart
