"""The monthly report pack: a report model built from the computations, written with XlsxWriter."""

from pmo_xl.report.write import write_report

__all__ = ["write_report"]
