"""The monthly report pack: a report model built from the computations, written with XlsxWriter."""

from pmo_xl.report.write import write_report, write_report_model

__all__ = ["write_report", "write_report_model"]
