"""The shared strings part written in one pass for plain text: the bytes XlsxWriter writes, faster.

XlsxWriter writes each of a workbook's distinct strings through four regular expressions (control
characters, their escapes, leading or trailing space, XML's special characters) and the general
element writer: ~19,000 strings in the 1,000-project report. Text with none of those (almost all
of it: names, IDs, statuses) is written here as it would be, `<si><t>text</t></si>`, in one step;
anything else goes through XlsxWriter's own `_write_si`.
"""

from __future__ import annotations

import re

from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings

# What makes XlsxWriter write a string otherwise than as is: a control character (escaped as
# _xHHHH_), an escape's look-alike, a non-character, XML's special characters (and the quote and
# newline its test looks for), leading or trailing white space (xml:space="preserve"), rich text.
_NEEDS_CARE = re.compile(r'[\x00-\x1f"&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')


class _OnePassSharedStrings(SharedStrings):
    def _write_sst_strings(self) -> None:
        write, needs_care, write_si = self.fh.write, _NEEDS_CARE.search, self._write_si
        for string in self.string_table.string_array:
            if needs_care(string):
                write_si(string)
            else:
                write(f"<si><t>{string}</t></si>")


class OnePassPackager(Packager):
    """XlsxWriter's Packager, its shared strings part written by _OnePassSharedStrings."""

    def _write_shared_strings_file(self) -> None:  # XlsxWriter's, with the one-pass writer
        sst = _OnePassSharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()
