"""The Excel front end: building PMO.xlsm from source, the macro actions, and Excel set-up.

Modules: `build_xlsm` (the workbook), `vba_project` + `ovba_compress` (its VBA project from
text), `vba_sources` (which modules), `udf_wrappers` (the VBA side of the =PMO_ functions),
`layout` (the tool-owned sheets, tables and named cells), `actions` (what each button does,
against `pmo_xl.port.WorkbookPort`), `memory_port` (the in-memory double), `setup_excel`
(`pmo-xl excel-setup`).
"""
