"""Texts fastexcel takes for an empty cell, and where a workbook holds one.

fastexcel types a column from its cells, counting a text such as "N/A", "NA", "null" or "nan" as no
value at all (its NULL_STRING_VALUES); in a number or date column it then gives such a cell as empty,
where calamine's grid gives the text and parsing reports it. So the typed read (io/typed_sheet.py)
must not hand over a number or date column with empty cells when the sheet may hold such a text: in
the shared strings (most writers), in an inline string (t="inlineStr", Apache POI's streaming writer)
or as a formula's text result (t="str"). The look is conservative: any such text anywhere, whatever
its case or the spaces around it, and every run of a rich text joined, sends the sheet to the grid.
"""

from __future__ import annotations

import html
import re

# fastexcel's list (src/types/dtype: NULL_STRING_VALUES) less "", which calamine also gives as ''
NULL_LIKE_TEXTS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
                   "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
_FOLDED = frozenset(text.casefold() for text in NULL_LIKE_TEXTS)
# A text or value element holding one of them (as XML escapes it), spaces around allowed
_ELEMENT = re.compile(
    rb"<(?:\w+:)?[tv](?:\s[^>]*)?>\s*(?:"
    + b"|".join(re.escape(html.escape(text, quote=False).encode()) for text in sorted(NULL_LIKE_TEXTS, key=len, reverse=True))
    + rb")\s*</(?:\w+:)?[tv]>",
    re.IGNORECASE,
)
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_ESCAPED_TEXT = re.compile(rb"<(?:\w+:)?[tv](?:\s[^>]*)?>([^<]{0,64}&#[^<]{0,64})</(?:\w+:)?[tv]>")


def is_null_like(text: str) -> bool:
    return text.strip().casefold() in _FOLDED


def holds_null_like_text(xml: bytes) -> bool:
    """Whether XML (a sheet's piece, or the shared strings) has a text or value element reading as no value,
    or a rich text whose runs together do."""
    if _ELEMENT.search(xml) or b"<![CDATA[" in xml:  # CDATA: rare in either part, not worth reading
        return True
    if b"&#" in xml:  # a character written as a number (&#78;/A is N/A): those texts unescaped one by one
        for text in _ESCAPED_TEXT.findall(xml):
            if is_null_like(html.unescape(text.decode("utf-8", "replace"))):
                return True
    for run in (b"<r>", b":r>"):  # a rich text's runs (<r>, or <x:r> with a prefix): rare, each entry read whole
        at = xml.find(run)
        while at >= 0:
            start, end = xml.rfind(b"si>", 0, at), xml.find(b"si>", at)  # its entry's opening and closing tags
            if end < 0:
                end = len(xml)
            if is_null_like(html.unescape(b"".join(_TEXT.findall(xml, max(start, 0), end)).decode("utf-8", "replace"))):
                return True
            at = xml.find(run, end)
    return False
