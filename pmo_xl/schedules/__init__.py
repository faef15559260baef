"""Import project schedules (Microsoft Project XML, Primavera P6 XER) into the registers.

read (mspdi.py, xer.py → one neutral model, model.py) → map to register rows with located issues
(mapping.py) → merge with collect's machinery (merge.py) → write a new workbook (usecase.py).
"""
