"""Excel Table headers that Excel accepts: unique as Excel compares them, never blank, not too long.

Excel compares table column names ignoring case (and XlsxWriter refuses a table with a repeat,
writing no table at all), so two criteria 'Cost' and 'cost', or a user's extra column named
like one of ours, would leave an output sheet with no table and no header. Every table an
output writes goes through `unique_headers`: a repeat gets ' (2)', ' (3)' ...
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_HEADER = 255  # characters in an Excel Table column name


def unique_headers(headers: Sequence[object]) -> list[str]:
    """The headers, made unique ignoring case and spacing; blank ones become 'Column N'."""
    taken: set[str] = set()
    out: list[str] = []
    for position, header in enumerate(headers, start=1):
        text = str(header if header is not None else "").strip()[:MAX_HEADER] or f"Column {position}"
        candidate, number = text, 2
        while _key(candidate) in taken:
            suffix = f" ({number})"
            candidate = text[:MAX_HEADER - len(suffix)] + suffix
            number += 1
        taken.add(_key(candidate))
        out.append(candidate)
    return out


def _key(header: str) -> str:
    """As headers are compared when read back (pmo_xl.schema.columns.normalise_header) — stricter than Excel."""
    return " ".join(header.split()).casefold()
