Attribute VB_Name = "PMOMacros"
' PMO workbook buttons. Each Sub hands over to Python through xlwings RunPython; all the work
' (reading the registers, checks, computations, writing results) happens in pmo_xl.macros.
' Source of truth: pmo_xl/excel/vba/PMOMacros.bas in the pmo-xl repository. PMO.xlsm is
' rebuilt from it; edits made in the VBA editor are lost at the next build.
' RunPython comes from the xlwings module of this workbook and starts the interpreter named
' by Interpreter_Win / Interpreter_Mac on the hidden xlwings.conf sheet.
Option Explicit

Public Sub Validate()
    RunPython "import pmo_xl.macros as m; m.validate()"
End Sub

Public Sub RefreshPriorities()
    RunPython "import pmo_xl.macros as m; m.refresh_priorities()"
End Sub

Public Sub RefreshLoading()
    RunPython "import pmo_xl.macros as m; m.refresh_loading()"
End Sub

Public Sub CollectUpdates()
    RunPython "import pmo_xl.macros as m; m.collect_updates()"
End Sub

Public Sub ImportSchedules()
    RunPython "import pmo_xl.macros as m; m.import_schedules()"
End Sub

Public Sub GenerateMonthlyReport()
    RunPython "import pmo_xl.macros as m; m.generate_monthly_report()"
End Sub

Public Sub CompareScenarios()
    RunPython "import pmo_xl.macros as m; m.compare_scenarios()"
End Sub

Public Sub ClosePeriod()
    RunPython "import pmo_xl.macros as m; m.close_period()"
End Sub
