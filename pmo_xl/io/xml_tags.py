"""XlsxWriter's element writers with the common case first: the same bytes, fewer steps.

XlsxWriter writes every attribute value through `_escape_attributes`, which runs a regular
expression over it and, for a number (most chart and sheet attributes: indexes, sizes, flags),
returns it from the TypeError that the expression raises on a non-string. Element data goes
through three such steps. The report's 454 charts and 23 sheets write ~100,000 elements. Here a
number is written as it is, and text needing none of the escapes (almost all of it) without
them; anything else goes through XlsxWriter's own escaping.

`FastTags` is mixed in before an XMLwriter subclass (a chart class, a worksheet class). Each
element kind is compared with XlsxWriter's in tests/test_xml_tags.py, and whole workbooks (sheets,
a chart with escaped titles) in tests/test_block_sheet.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xlsxwriter.xmlwriter import XMLwriter

# What XlsxWriter's _escape_attributes changes in a text (xmlwriter.xml_escapes).
_ATTRIBUTE_NEEDS_CARE = re.compile('["&<>\n]')
# What _escape_data and _escape_control_characters change in a text: XML's special characters,
# control characters (not tab and newline), an escape's look-alike, the two non-characters.
_DATA_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")

Attributes = Sequence[tuple[str, object]]


class FastTags(XMLwriter):
    """XMLwriter's _xml_start_tag, _xml_empty_tag and _xml_data_element, the same bytes."""

    def _attributes(self, attributes: Attributes) -> str:
        text = ""
        needs_care = _ATTRIBUTE_NEEDS_CARE.search
        for key, value in attributes:
            if isinstance(value, str) and needs_care(value):
                value = self._escape_attributes(value)
            text += f' {key}="{value}"'  # a number or other value: as XlsxWriter, as it is
        return text

    def _xml_start_tag(self, tag: str, attributes: Attributes = ()) -> None:  # type: ignore[override]
        self.fh.write(f"<{tag}{self._attributes(attributes)}>" if attributes else f"<{tag}>")

    def _xml_empty_tag(self, tag: str, attributes: Attributes = ()) -> None:  # type: ignore[override]
        self.fh.write(f"<{tag}{self._attributes(attributes)}/>" if attributes else f"<{tag}/>")

    def _xml_data_element(self, tag: str, data: object, attributes: Attributes = ()) -> None:  # type: ignore[override]
        if not isinstance(data, str) or _DATA_NEEDS_CARE.search(data):
            super()._xml_data_element(tag, data, list(attributes))
            return
        self.fh.write(f"<{tag}{self._attributes(attributes)}>{data}</{tag}>")


_FAST: dict[type, type] = {}


def with_fast_tags(writer: object) -> object:
    """`writer` (an XMLwriter: a chart, a drawing), its class now its own with FastTags before it."""
    kind = type(writer)
    if not isinstance(writer, XMLwriter) or issubclass(kind, FastTags):
        return writer
    fast = _FAST.get(kind)
    if fast is None:
        fast = _FAST[kind] = type(kind.__name__, (FastTags, kind), {"__module__": kind.__module__})
    writer.__class__ = fast
    return writer
