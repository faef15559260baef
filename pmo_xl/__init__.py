"""pmo-xl: the engine behind the standard PMO Excel workbook."""

__version__ = "0.1.0"
