"""One declaration of the workbook: registers, columns and settings."""

from pmo_xl.schema.columns import Column, Kind, Register, normalise_header
from pmo_xl.schema.registers import REGISTERS, REGISTERS_BY_NAME
from pmo_xl.schema.settings import SCALAR_SETTINGS, SETTINGS_TABLES

__all__ = ["Column", "Kind", "Register", "normalise_header", "REGISTERS", "REGISTERS_BY_NAME", "SCALAR_SETTINGS", "SETTINGS_TABLES"]
