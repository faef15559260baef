"""The monthly report pack: a report model translated from the results, written with XlsxWriter.

`model` (pure: what each sheet shows) is the build stage of `pmo_xl.pipeline`; `write` and
`sheets` (XlsxWriter) are its write stage, an adapter.
"""

from pmo_xl.report.write import write_report_model

__all__ = ["write_report_model"]
