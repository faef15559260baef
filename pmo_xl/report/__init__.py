"""The monthly report pack: a report model translated from the results, written with XlsxWriter.

`model` (pure: what each sheet shows, no Excel library) is the build stage of `pmo_xl.pipeline`;
`write` and `sheets` (XlsxWriter) are its write stage, an adapter. Nothing is imported here, so
importing the model never loads the writer.
"""
