"""Number formats and colours of the report, shared by every sheet (pure: no Excel library).

Money is shown in whole units of Settings.currency. A symbol Excel knows gets Excel's own
locale-tagged currency format (`[$€-2] #,##0`, which Excel lists as "€ Euro" and LibreOffice
reads as the euro); any other code is printed after the number as a literal (`#,##0 "CHF"`), a
format every spreadsheet shows the same way. Negative money is red with a minus sign, so a
variance reads right in colour and in black-and-white print.
"""

from __future__ import annotations

import re
from typing import Final

# ISO code or symbol -> (symbol, Excel locale tag or None when the symbol follows the number).
CURRENCIES: Final[dict[str, tuple[str, str | None]]] = {
    "EUR": ("€", "-2"), "€": ("€", "-2"),
    "USD": ("$", "-409"), "$": ("$", "-409"), "US$": ("$", "-409"),
    "GBP": ("£", "-809"), "£": ("£", "-809"),
    "JPY": ("¥", "-411"), "¥": ("¥", "-411"),
    "CNY": ("¥", "-804"),
    "INR": ("₹", "-4009"), "₹": ("₹", "-4009"),
    "CHF": ("CHF", None), "SEK": ("kr", "-41D"), "NOK": ("kr", "-414"), "DKK": ("kr.", "-406"),
    "AUD": ("$", "-C09"), "CAD": ("$", "-1009"), "NZD": ("$", "-1409"),
    "PLN": ("zł", "-415"), "ZAR": ("R", "-1C09"), "BRL": ("R$", "-416"),
}

INTEGER: Final = "#,##0"
COUNT: Final = "0"
RATIO: Final = "0.00"  # CPI, SPI, SPI(t), TCPI
PERCENT: Final = "0%"
PERCENT_1: Final = "0.0%"
SIGNED_PERCENT: Final = '+0.0%;[Red]-0.0%;0.0%'
DATE: Final = "d mmm yyyy"
MONTH: Final = "mmm yyyy"
DAYS: Final = '#,##0" d";[Red]-#,##0" d";0" d"'
MONTHS: Final = '0.0" mo";[Red]-0.0" mo";0.0" mo"'
HOURS: Final = '#,##0" h"'
SCORE: Final = "0.00"

# RAG colours: fills light enough to print black text on, borders strong enough for B&W.
RAG_FILL: Final = {"Green": "#C6EFCE", "Amber": "#FFEB9C", "Red": "#FFC7CE"}
RAG_FONT: Final = {"Green": "#006100", "Amber": "#9C5700", "Red": "#9C0006"}
RAG_SOLID: Final = {"Green": "#2E9E4F", "Amber": "#F2B135", "Red": "#D64541"}
BAND_FILL: Final = {"Low": "#C6EFCE", "Medium": "#FFEB9C", "High": "#F8CBAD", "Critical": "#FF7C80"}
HEADER_BLUE: Final = "#1F4E79"
ACCENT: Final = "#2F75B5"
GREY: Final = "#7F7F7F"
LIGHT_GREY: Final = "#F2F2F2"
SERIES: Final = {"pv": "#7F7F7F", "ev": "#2F75B5", "ac": "#C0504D", "eac": "#ED7D31", "bac": "#A5A5A5"}


def currency_symbol(currency: str | None) -> str:
    """The symbol printed for a Settings currency (its code when no symbol is known)."""
    code = (currency or "").strip()
    known = CURRENCIES.get(code.upper()) or CURRENCIES.get(code)
    return known[0] if known else code


def money_format(currency: str | None, decimals: int = 0) -> str:
    """An Excel number format for money in `currency` (ISO code or symbol; blank: plain number)."""
    number = INTEGER + ("." + "0" * decimals if decimals else "")
    code = (currency or "").strip()
    known = CURRENCIES.get(code.upper()) or CURRENCIES.get(code)
    if known and known[1] is not None:
        symbol, tag = known
        positive = f"[${symbol}{tag}] {number}"
        return f"{positive};[Red]-{positive};{positive}"
    label = known[0] if known else code
    if not label:
        return f"{number};[Red]-{number};{number}"
    # A literal in quotes: any text is safe there once its own quotes are removed.
    literal = '"' + re.sub(r'["\\]', "", label) + '"'
    return f"{number} {literal};[Red]-{number} {literal};{number} {literal}"
