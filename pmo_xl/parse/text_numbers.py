"""Numbers typed as text: one rule for separators, digits of any script, no infinity.

THE SEPARATOR RULE (stated in CONTRACT.md and in every refusal message, `SEPARATOR_RULE`):
text is read as a number when it uses a decimal POINT and, optionally, commas or spaces between
groups of three digits (`1500`, `1,234,567.5`, `1 234.5`). Everything else is refused at its
cell, never guessed:
  - a decimal comma (`1,5`, `1.234,56`) or points between thousands (`1.500.000`): `decimal-comma`;
  - ONE separator, point or comma, followed by exactly three digits (`1.500`, `1,500`, `-12,000`):
    `ambiguous-number` — it is 1500 in English and 1.5 in most of Europe, so `"1.500"` and
    `"1,500"` get the same answer. A leading zero (`0.500`) is not a thousands group: it is read.
Digits of other scripts (Arabic-Indic `١٥٠٠`, full-width `１５００`, Devanagari ...) and their
separators (Arabic `٫` `٬`, full-width `．` `，`) are converted to ASCII first and the number
is read with a `non-ascii-digits` warning. Infinity and NaN (`inf`, `1e999`, `NaN`) are
refused (`not-finite`): no budget or effort is infinite.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

SEPARATOR_RULE = "text numbers are read with a decimal point and, optionally, commas or spaces between thousands (1,234.5)"

_SIGN = r"[+-]?"
_PLAIN = re.compile(rf"^{_SIGN}(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_ONE_GROUP = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}[.,]\d{{3}}$", re.ASCII)  # 1.500 or 1,500: 1500 or 1.5?
_COMMA_GROUPED = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}((,\d{{3}}){{2,}}(\.\d+)?|,\d{{3}}\.\d+)$", re.ASCII)  # 1,234,567 / 1,234.5
_SPACE_GROUPED = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}( \d{{3}})+(\.\d+)?$", re.ASCII)  # 1 234 567.5
_DECIMAL_COMMA = re.compile(rf"^{_SIGN}(\d{{1,3}}([. ]\d{{3}})+|\d+),\d+$|^{_SIGN}[1-9]\d{{0,2}}(\.\d{{3}}){{2,}}$", re.ASCII)
_NOT_FINITE = re.compile(rf"^{_SIGN}(inf|infinity|nan|∞)$", re.IGNORECASE)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007\u3000"), " ")  # no-break, thin, figure, ideographic
_SEPARATORS = {ord("\u066b"): ".", ord("\u066c"): ",", ord("\u066a"): "%", ord("\u2212"): "-"}  # Arabic . , % and −



@dataclass(frozen=True)
class TextNumber:
    """What became of one text: its number (None when refused), the code of the warning or the
    refusal, and the message (with {value} for the cell as typed and {header} for the column)."""

    number: float | None
    code: str
    message: str


def ascii_digits(text: str) -> tuple[str, bool]:
    """Text with digits of any script turned into 0-9 (and their separators into . , %); whether any were."""
    if text.isascii():
        return text, False
    had_digits = any(_other_digit(ch) for ch in text)
    normal = unicodedata.normalize("NFKC", text).translate(_SEPARATORS).translate(_SPACES)  # full-width -> ASCII
    return "".join(str(unicodedata.decimal(ch)) if _other_digit(ch) else ch for ch in normal), had_digits


def _other_digit(ch: str) -> bool:
    return not ch.isascii() and unicodedata.decimal(ch, None) is not None


def read_text_number(text: str, percent: bool = False) -> TextNumber:
    """The number a stripped text holds under `SEPARATOR_RULE`, or why it is refused."""
    text, converted = ascii_digits(text.translate(_SPACES).strip())
    is_percent = percent and text.endswith("%")
    body = text[:-1].rstrip() if is_percent else text
    if _NOT_FINITE.match(body):
        return TextNumber(None, "not-finite", NOT_FINITE_MESSAGE)
    if _ONE_GROUP.match(body):
        return TextNumber(None, "ambiguous-number",
                          "{value} has one separator before three digits, which is a thousands separator in some countries "
                          f"and a decimal one in others — type the number itself (e.g. 1500 or 1.5); {SEPARATOR_RULE}")
    if _DECIMAL_COMMA.match(body):
        return TextNumber(None, "decimal-comma",
                          "{value} uses a decimal comma (or points between thousands) — type it as a number, "
                          f"e.g. 1.5 for 1,5; {SEPARATOR_RULE}")
    if not (_PLAIN.match(body) or _COMMA_GROUPED.match(body) or _SPACE_GROUPED.match(body)):
        return TextNumber(None, "not-a-number", "{value} is text where {header} needs a number — type a number")
    number = float(body.replace(",", "").replace(" ", ""))
    if not math.isfinite(number):
        return TextNumber(None, "not-finite", NOT_FINITE_MESSAGE)
    number = number / 100.0 if is_percent else number
    if converted:
        return TextNumber(number, "non-ascii-digits", "{value} is written with digits other than 0-9; it was read as the number "
                          "those digits say — re-type it with 0-9 as a number")
    return TextNumber(number, "number-as-text", "The number {value} is stored as text; it was read as a number — re-type it as a number")


NOT_FINITE_MESSAGE = "{header} {value} is not a finite number (infinity or NaN) — type a real value"
