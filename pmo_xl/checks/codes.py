"""The catalogue of issue codes: every code pmo-xl can emit, once.

That is every code of reading and checking the workbook (`pmo_xl/parse`, `pmo_xl/checks`), of
the computations (`pmo_xl/compute`: earned value, prioritisation and selection, resource loading,
risks), of the report (`pmo_xl/report`) and of collecting PM updates (`pmo_xl/collect`); a code
used in several places (`unknown-project`, `internal-error` ...) is listed once, and its meaning
says where else it appears.

Each code is stable (tests, filters and users rely on it), kebab-case, with its default
severity, what it means and an example message. `pmo_xl/schema/contract.py` renders this table
into `workbooks/CONTRACT.md`; a test scans the whole code base (the `Issue` calls, the helpers
that build issues and the records whose code becomes an issue's) and proves that every code it
emits is listed here, and that every code listed here is emitted somewhere.
A few codes are raised at another severity where the context says so (noted in the meaning).
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_xl.issues import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note (info)


@dataclass(frozen=True)
class IssueCode:
    """One issue code as documented for users."""

    code: str
    severity: Severity  # the default severity
    meaning: str
    example: str


ISSUE_CODES: tuple[IssueCode, ...] = (
    # --- the workbook's layout ------------------------------------------------------------------
    IssueCode("missing-register", W, "A register (Excel Table or sheet with its headers) is not in the workbook; an error for Projects, which every computation needs.",
              "No Risks register found (no table tblRisks and no sheet 'Risks' with its headers) — add it from the template"),
    IssueCode("missing-column", E, "A required column is missing from a register (or from a table of a PM update); none of its rows can be used.",
              "The required column 'Planned finish' is missing from Projects — add it back from the template"),
    IssueCode("duplicate-column", E, "Two columns have the same header (in the workbook or a PM update); the first is used.",
              "Column 'Start' appears twice in Allocations; column D is used and this one is ignored — delete or rename one of them"),
    IssueCode("extra-column", N, "A column that is not part of the register; it is kept in the workbook and ignored (in a PM update: not merged).",
              "Column 'Notes' is not part of the Projects register; it is kept in the workbook and ignored"),
    IssueCode("no-table", N, "The register was found by its headers, not as its Excel Table (the table was renamed or the data pasted as values).",
              "Projects is not an Excel Table named tblProjects; it was found by its headers in row 1 — recreate the table"),
    IssueCode("hidden-sheet", N, "The sheet holding a register is hidden; its rows are read like any others. In a PM update a hidden sheet of the template is a warning (its rows are merged anyway); any other hidden sheet is ignored.",
              "The sheet 'Risks' is hidden; its Risks rows are read like any others"),
    IssueCode("hidden-rows", N, "Rows of a register (or of a PM update) are hidden; they are read like any others.",
              "Rows 5-7 are hidden; hidden rows are read like any others — unhide them so everyone sees them"),
    IssueCode("merged-cells", W, "Merged cells in a register or a PM update: only the top-left cell keeps a value.",
              "Cells A4:C4 are merged: only A4 keeps a value and the others read as blank — unmerge them"),
    # --- one cell ---------------------------------------------------------------------------------
    IssueCode("required", E, "A required value is blank.", "Planned finish is required — fill it in"),
    IssueCode("excel-error", E, "The cell shows an Excel error value (#N/A, #REF!, #DIV/0! ...).",
              "Budget (BAC) shows the Excel error '#REF!' — fix the formula or type the value"),
    IssueCode("uncalculated-formula", E, "A formula that was never calculated (the file was written by a program, not saved by Excel): its value is unknown.",
              "Budget (BAC) holds a formula that was never calculated, so its value is unknown — open the workbook in Excel and save it"),
    IssueCode("wrong-type", E, "A number column holds TRUE/FALSE, a date or another non-number.",
              "Effort (hours) must be a number, not a date (2026-03-01) — type a number"),
    IssueCode("number-as-text", W, "A number stored as text; it was read as that number (also '40%' typed as text in a percentage column).",
              "The number '1500' is stored as text; it was read as a number — re-type it as a number"),
    IssueCode("decimal-comma", E, "A number typed as text with a decimal comma (1,5), or with points between thousands (1.500.000); it is not guessed. Text numbers are read with a decimal point and, optionally, commas or spaces between groups of three digits (1,234,567.5).",
              "'1,5' uses a decimal comma; type it with a decimal point (e.g. 1.5 for 1,5)"),
    IssueCode("ambiguous-number", E, "Text with ONE separator, point or comma, before exactly three digits ('1,500', '1.500'): 1500 in some locales and 1.5 in others, so both are refused by the same rule, never guessed. A leading zero ('0.500') is read.",
              "'1.500' has one separator before three digits, which is a thousands separator in some countries and a decimal one in others — type the number itself (e.g. 1500 or 1.5)"),
    IssueCode("not-a-number", E, "Text where a number is expected.", "'TBD' is text where Budget (BAC) needs a number — type a number"),
    IssueCode("percent-as-whole-number", E, "A percentage typed as 0-100 where a fraction 0-1 is expected; never divided silently.",
              "45 looks like a percentage typed as a whole number; type it as a fraction (0.45) or with a % sign (45%)"),
    IssueCode("out-of-range", E, "A number outside the column's range (negative money or effort, probability outside 1-5 ...).",
              "AC (cumulative) -250 cannot be negative — correct it"),
    IssueCode("not-whole-number", E, "A fraction where a whole number is expected.", "Probability (1-5) must be a whole number, not 2.5"),
    IssueCode("not-a-date", E, "A value that is not a date where a date is expected (including day/month text whose order is ambiguous).",
              "'15/03/2027' is a date typed as text, and day/month order cannot be told for sure — type Planned finish as a date"),
    IssueCode("date-as-text", W, "A year-first date stored as text; it was read as that date.",
              "The date '2026-03-31' is stored as text; it was read as that date — re-type it as a date"),
    IssueCode("serial-date", N, "An Excel date serial number shown as a number; it was read as a date.",
              "46112 is an Excel date serial number shown as a number; it was read as a date — format the cell as a date"),
    IssueCode("date-out-of-range", E, "A date before 1990 or after 2100: a typo, or a zero shown as a date.",
              "Planned finish 1900-01-00 is outside 1990-2100 — a typo, or a 0 shown as a date; correct it"),
    IssueCode("not-finite", E, "Infinity or NaN where a value is expected (a number cell holding 1e309 or INF, or text such as 'inf' or '1e999'); no column takes it.",
              "Budget (BAC) inf is not a finite number (infinity or NaN) — type a real value"),
    IssueCode("non-ascii-digits", W, "A number typed as text with digits other than 0-9 (Arabic-Indic, full-width ...); it was read as the number those digits say, by the same separator rule.",
              "'١٥٠٠' is written with digits other than 0-9; it was read as the number those digits say — re-type it with 0-9 as a number"),
    IssueCode("unreadable-value", E, "A cell whose value could not be read at all (an internal failure limited to that cell); the rest of the register is read. Please report it.",
              "Budget (BAC) 'x' could not be read (OverflowError) — retype the value"),
    IssueCode("not-allowed", E, "A value that is not one of the column's allowed values (case, spacing, hyphens and underscores do not matter).",
              "'Actve' is not an allowed Status; did you mean 'Active'? choose one of: Proposed, Approved, Active, On hold, Closed, Cancelled"),
    # --- one row ----------------------------------------------------------------------------------
    IssueCode("finish-before-start", E, "An end date before its start date (projects, allocations, resource availability, risk review; also a need in a PM update, which is then not merged).",
              "Finish 2026-03-01 is before Start 2026-04-15 — correct one of them"),
    IssueCode("actual-in-future", E, "An actual date after the status date, or progress for a period after the status period.",
              "Actual date 2026-12-01 is after the status date 2026-10-31 — an actual cannot be in the future; clear it or use Forecast date"),
    IssueCode("above-bac", E, "Cumulative EV or PV above the project's budget at completion.",
              "EV (cumulative) 1,250,000 is above the budget (BAC) 1,000,000 of PRJ-001 — EV cannot exceed BAC"),
    IssueCode("no-effort", E, "An allocation (or a need in a PM update) with neither hours nor FTE.", "Give the effort as hours or as FTE"),
    IssueCode("no-earned-value", E, "A progress row (or a PM update's month) with neither EV nor % complete.", "Give EV or % complete for PRJ-001"),
    IssueCode("resource-or-role", E, "An allocation (or a need in a PM update) naming neither a resource nor a role.", "Name a resource or, for a generic demand, a role"),
    IssueCode("status-vs-progress", W, "The project status disagrees with its progress (closed but not complete; proposed but spending).",
              "PRJ-007 is Closed but its latest % complete is 40% (2026-09) — set EV/% complete to 100% or correct the status"),
    IssueCode("status-vs-dates", W, "The project status disagrees with its dates (active or on hold, but the planned finish is long past).",
              "PRJ-003 is Active but its Planned finish 2026-05-31 is 153 days before the status date — re-plan the finish or close the project"),
    IssueCode("score-out-of-scale", W, "A criterion score outside that criterion's scale in Settings; the project is kept and prioritisation uses the score clipped to the scale.",
              "Score: Urgency 7 is outside the scale 1-5 of Urgency; prioritisation uses it clipped to the scale (5) — correct it"),
    # --- across rows ------------------------------------------------------------------------------
    IssueCode("duplicate-id", E, "An ID already used in an earlier row (also a risk ID twice in one PM update); the first row keeps it.",
              "PRJ-004 is already used in row 5 — give this row its own ID"),
    IssueCode("duplicate-key", E, "A row that repeats an earlier row's key (baseline month, milestone name, identical progress row); the first is kept.",
              "PRJ-002 / 2026-05 is already in row 14 — delete this row or correct its key"),
    IssueCode("duplicate-allocation", E, "The same allocation (project, resource or role, start, finish) twice; the first is kept.",
              "This allocation repeats row 12 (PRJ-001, RES-0007, 2026-03-01 to 2026-03-31) — delete it or merge the effort"),
    IssueCode("conflicting-progress", E, "Two or more progress rows for one project and period with different figures; none is used.",
              "PRJ-003 has 2 different Progress rows for 2026-09 (rows 41, 57) — keep one"),
    # --- across registers -------------------------------------------------------------------------
    IssueCode("unknown-reference", E, "A project or resource ID that is not in its register (also a resource named by a PM update).",
              "Project PRJ-999 is not in the Projects register — check the ID or add the project"),
    IssueCode("unknown-role", E, "A role that no resource has (a warning when a resource is named, since the role is then informative).",
              "Role 'Develper' is not the role of any resource; did you mean 'Developer'? — correct it or add a resource with that role"),
    IssueCode("unknown-dependency", W, "Depends on names a project that is not in Projects, or the project itself; selection ignores that dependency.",
              "Depends on names PRJ-777, which is not in Projects — correct the ID"),
    IssueCode("allocation-outside-project", W, "An allocation that starts before or finishes after its project.",
              "Allocation 2026-01-01 to 2026-03-31 runs outside PRJ-001 (2026-02-01 to 2026-12-31) — adjust it or the project dates"),
    IssueCode("allocation-outside-availability", W, "An allocation of a resource outside that resource's availability window.",
              "RES-0004 is available 2026-03-01 to 2026-12-31, but is allocated from 2026-01-15 — adjust the allocation or the availability"),
    IssueCode("milestone-outside-project", W, "A milestone whose baseline date lies outside its project's planned start and finish.",
              "Baseline date 2027-03-01 is outside PRJ-001 (2026-01-05 to 2026-12-31) — correct the milestone or the project dates"),
    # --- across periods ---------------------------------------------------------------------------
    IssueCode("cumulative-decrease", W, "Cumulative PV, EV, AC or % complete lower than in the project's previous period (which of the two is wrong cannot be told: both are kept).",
              "EV (cumulative) 80,000 is lower than 95,000 in 2026-08 — cumulative figures never go down; correct this month or the last"),
    IssueCode("late-update", W, "An active project has no usable progress for the status period, and the update is past due (month end + update due days).",
              "PRJ-005 is Active but has no progress for 2026-10; the update was due by 2026-11-10 — chase the PM or add the row"),
    IssueCode("update-pending", N, "An active project has no progress for the status period yet, and the update is not yet due.",
              "PRJ-005 has no progress for 2026-10 yet; the update is due by 2026-11-10"),
    # --- settings ---------------------------------------------------------------------------------
    IssueCode("unknown-setting", N, "A row of the Settings table that pmo-xl does not know; it is ignored.", "'Colour' is not a setting pmo-xl knows; it is ignored"),
    IssueCode("weights-all-zero", E, "Every criterion weight is zero (or blank), so no priority can be computed.",
              "All criterion weights are 0 — give at least one criterion a positive weight"),
    IssueCode("scale-invalid", E, "A criterion whose scale minimum is not below its maximum.", "Scale min 5 is not below Scale max 1 for Urgency — swap them"),
    IssueCode("thresholds-out-of-order", E, "RAG bands not in the order Red below ≤ Amber below ≤ Amber above ≤ Red above (or under-use not below over-allocation); the default bands are used instead.",
              "CPI bands are out of order: Amber below 0.85 is below Red below 0.90 — they must rise from left to right"),
    IssueCode("missing-score-column", E, "A criterion of Settings with no `Score: <criterion>` column in Projects.",
              "Criterion 'Urgency' has no column 'Score: Urgency' in Projects — add the column or remove the criterion"),
    IssueCode("unknown-criterion", W, "A `Score:` column in Projects for a criterion that is not in Settings; it is ignored.",
              "Column 'Score: Agility' has no criterion 'Agility' in Settings — add the criterion or remove the column"),
    IssueCode("ahp-unknown-criterion", E, "A row of the AHP matrix whose criterion is not one of its columns.",
              "AHP row 'Costs' does not match a column of the matrix — use the same criteria across and down"),
    IssueCode("ahp-bad-judgement", E, "An AHP judgement that is not a positive number.", "Judgement 'high' must be a positive number on Saaty's 1-9 scale (or its reciprocal)"),
    IssueCode("ahp-out-of-scale", W, "An AHP judgement outside Saaty's scale 1/9 to 9.", "Judgement 12 is outside Saaty's scale 1/9 to 9"),
    IssueCode("ahp-diagonal", E, "A criterion compared with itself must be 1.", "Urgency compared with itself must be 1, not 3"),
    IssueCode("ahp-not-reciprocal", E, "Both judgements of a pair are typed and a_ij × a_ji is not 1 (beyond a 2 % tolerance).",
              "Urgency vs Risk is 3 but Risk vs Urgency is 2 (product 6, not 1) — type 1/3 or leave the lower cell blank"),
    IssueCode("ahp-missing-judgement", E, "A pair of criteria with neither judgement typed.", "Urgency vs Risk has no judgement — fill the upper cell"),
    IssueCode("ahp-criteria-mismatch", E, "The AHP matrix and the criteria table name different criteria (AHP issues are notes while typed weights are used).",
              "Criterion 'Urgency' is in tblCriteria but not in the AHP matrix — add it to both or neither"),
    # --- earned value (computation) ----------------------------------------------------------------
    IssueCode("invalid-setting", W, "A setting the earned-value computation cannot use (an unknown default EAC method, an EAC weight outside 0-1); its default is used.",
              "The EAC weight on CPI must be between 0 and 1; 0.8 is used."),
    IssueCode("unknown-project", W, "Progress for a project that is not in Projects: it has no BAC and is left out of earned value. In a PM update the file is refused (an error): new projects are added by the PMO first.",
              "Project PRJ-999 is not in the Projects register, so its progress has no BAC and is left out of earned value."),
    IssueCode("baseline-differs-from-bac", W, "A project's Baseline planned values do not add up to its BAC: earned schedule measures EV against the baseline, the cost figures against BAC.",
              "PRJ-002: the Baseline planned values add up to 950,000 but BAC is 1,000,000; earned schedule measures EV against the baseline."),
    IssueCode("milestone-weights-not-one", W, "A project measured by milestones whose milestone EV weights do not add up to 100 %, so its EV at completion will not equal BAC.",
              "PRJ-006: its milestones' EV weights add up to 90.0%, not 100%, so EV at completion will be 90.0% of BAC."),
    IssueCode("missing-plan", W, "A project with no Baseline rows, no PV and no planned start and finish: nothing to draw a plan from, so the schedule figures (earned schedule, SPI(t) ...) are left empty.",
              "PRJ-008: the project has no Baseline rows, no PV and no planned start and finish to draw a plan from; PD, ES, AT, SV(t), SPI(t), TSPI, IEAC(t), TSPI to ED and forecast finish are left empty."),
    IssueCode("missing-ev", W, "EV is blank for the status period and the project's EV technique cannot derive it (no % complete; no milestones): the figures that need EV are left empty.",
              "PRJ-004: EV is blank for 2026-10 and the % complete technique cannot derive it (% complete is blank too); EV, SV, CV, SV%, CV%, SPI, CPI, "
              "EAC (BAC/CPI), EAC (AC+BAC−EV), EAC (CPI×SPI), EAC (weighted), EAC, ETC, VAC, VAC%, TCPI to EAC, TCPI to BAC, % complete, ES, SV(t), "
              "SPI(t), TSPI, IEAC(t), TSPI to ED and forecast finish are left empty."),
    IssueCode("undefined-metric", W, "A figure of the status period cannot be computed, and the message says why (PV or AC blank, BAC blank or 0, the work complete ...); the figure is left empty, never guessed. A note (info) when the cause is normal, e.g. no cost booked yet.",
              "PRJ-008: PV is blank for 2026-10 and there is no plan to read it from; PV, SV, SV%, SPI, EAC (CPI×SPI) and EAC (weighted) are left empty."),
    # --- prioritisation and selection (computation) ------------------------------------------------
    IssueCode("no-criteria", W, "Settings has no prioritisation criteria: projects cannot be scored or selected on value.",
              "No prioritisation criteria in Settings: projects cannot be scored or selected on value"),
    IssueCode("missing-score", W, "A candidate project has no score for a criterion: its priority is computed over the criteria that are scored.",
              "PRJ-003 has no score for Urgency: its priority is computed over the criteria that are scored (80% of the weight)"),
    IssueCode("ahp-unusable", W, "Criteria weights are set to come from AHP, but the matrix is missing, does not cover every criterion or cannot give weights; the typed weights are used.",
              "Criteria weights are set to come from AHP, but there is no AHP matrix in Settings; the typed weights are used"),
    IssueCode("ahp-inconsistent", W, "The AHP consistency ratio is above 0.10: the judgements contradict each other; the weights are used, and the judgement most at odds with the rest is named.",
              "AHP consistency ratio is 0.142, above 0.10: the judgements contradict each other; the judgement most at odds with the rest is Urgency vs Risk = 5 (the other judgements imply about 0.5) — revisit it"),
    IssueCode("ahp-extrapolated-index", N, "More than 10 criteria in the AHP matrix: Saaty's random index is extrapolated to judge consistency.",
              "Saaty's random index stops at 10 criteria; for 12 the Alonso-Lamata fit (1.536) is used"),
    IssueCode("force-not-candidate", W, "'Force in' on a Closed or Cancelled project: it is not a candidate, so the forcing is ignored.",
              "PRJ-009 is Closed: 'Force in' is ignored for projects that are not candidates"),
    IssueCode("force-conflict", W, "A project fixed in (forced in or committed) that cannot be selected: it is also out, depends on a project that is out, or needs an alternative of a project placed higher; its fixing is dropped.",
              "PRJ-004 is forced in but cannot be selected: Depends on PRJ-002, which is out (forced out)"),
    IssueCode("fixed-over-budget", W, "The fixed-in projects (forced in, committed) alone exceed a budget (total or of a year): no other project needing that budget can be added.",
              "Budget 2027: the fixed-in projects alone need 5,200,000 budget against 4,000,000; no other project needing it can be added"),
    IssueCode("fixed-over-capacity", W, "The fixed-in projects alone need more hours of a role in a month than its resources have: no other project needing that role then can be added.",
              "Developer capacity 2027-02: the fixed-in projects alone need 1,480 hours against 1,200; no other project needing it can be added"),
    IssueCode("capacity-not-checked", W, "The role capacity per month could not be worked out, so this selection ignores capacity.",
              "Role capacity could not be worked out (ValueError: ...); selection ignores capacity this time"),
    IssueCode("role-without-capacity", W, "Allocations need a role that no resource has: selection cannot check that role's capacity.",
              "Role 'Data scientist' is needed by allocations but no resource has it: its capacity is not checked in selection"),
    IssueCode("not-optimal", W, "The solver's time ran out: the portfolio shown is good but not proven the best (the message says how far from the best it can be).",
              "The solver's time ran out (30 s): the portfolio shown is at most 0.4% below the best possible"),
    IssueCode("selection-failed", W, "The solver found no portfolio: only the fixed-in projects are selected. Please report it.",
              "The solver found no portfolio (Infeasible); only fixed-in projects are selected"),
    # --- loading (computation) ---------------------------------------------------------------------
    IssueCode("unknown-resource", E, "An allocation's resource is not in Resources: its hours are not counted in the loading.",
              "Resource 'RES-0099' is not in Resources; its 120.0 h are not counted."),
    IssueCode("no-resource-or-role", E, "An allocation with neither a resource nor a role: its hours are not counted in the loading.",
              "Give a resource or a role; the 80.0 h are not counted."),
    IssueCode("missing-dates", E, "An allocation without a start or finish date: its effort cannot be spread over time.",
              "Start and finish dates are needed to spread the effort; 40.0 h not counted."),
    IssueCode("no-working-days", W, "An allocation whose dates hold no working day (weekends and holidays only): its hours cannot be placed.",
              "No working day between start and finish (weekends and holidays only); 16.0 h cannot be placed."),
    IssueCode("unknown-profile", W, "An allocation's profile (how effort is spread) is not one pmo-xl knows; the effort is spread flat.",
              "Unknown profile 'Front-heavy'; the effort is spread flat."),
    IssueCode("allocation-overdue", W, "An allocation whose finish has passed the status date with hours left: they are loaded after the status date at the planned pace.",
              "Finish is before the status date 2026-10-31 but 60.0 h of 200.0 h remain; they are loaded after the status date at the planned pace. Update the finish date."),
    IssueCode("unknown-calendar", W, "A resource's calendar has no holidays in Settings: only weekends are non-working days for that resource.",
              "Calendar 'UK-Scotland' has no holidays in Settings; only weekends are non-working days for this resource."),
    # --- risks (computation) -----------------------------------------------------------------------
    IssueCode("risk-on-closed-project", N, "An open risk on a closed or cancelled project: a register that was not tidied up.",
              "Risk RSK-014 is open but project PRJ-002 is closed: close the risk or move it to a live project"),
    # --- collection of PM updates (the update file) ------------------------------------------------
    IssueCode("too-large", E, "The update file (or one of its sheets) is larger than an update can be; it is refused.",
              "The file is 48.2 MB; a project update is capped at 10.5 MB — is this really an update? Send the filled-in template only"),
    IssueCode("unreadable", E, "The update file cannot be opened or read (locked, damaged, not an Excel file); it is refused.",
              "The file cannot be opened (Permission denied); is it open in another program?"),
    IssueCode("not-an-update", E, "The file has no project-update sheet: it is not a filled-in update template; it is refused.",
              "No Update sheet (table tblUpdate): this is not a project-update workbook — fill in the project-update template"),
    IssueCode("newer-template", E, "The update was made from a template newer than this pmo-xl knows; it is refused.",
              "The file says template version 3, newer than this pmo-xl knows (2); update pmo-xl or use the PMO's current template"),
    IssueCode("old-template", N, "The update records no template version: it is read as version 1 (older line names are recognised).",
              "No template version recorded: read as template version 1 (older line names are recognised) — please use the current template next month"),
    IssueCode("missing-sheet", W, "A table sheet of the update template is missing: nothing of it is merged (a note for an older template that did not have it).",
              "No Risks sheet (table tblRisks): nothing about risks was merged"),
    IssueCode("unknown-line", N, "A line of the update form that is not part of the template; it is ignored.",
              "'Comments' is not a line of the update template; it was ignored"),
    IssueCode("retired-line", W, "A line of an older update template that is no longer used; it is not carried over, and the message says what replaces it.",
              "'Overall RAG' (template v1) is no longer used and was not carried over: it cannot be split into the scope, schedule, cost and resources RAG lines — fill those in"),
    IssueCode("renamed-line", N, "A form line typed with an older or short name; it was read as the template's line.",
              "'EV' was read as 'EV (cumulative)' (its older or short name)"),
    IssueCode("duplicate-line", E, "A line of the update form appears twice; the first is used.",
              "'Period' appears twice; the first line (row 5) was used — delete this one"),
    # --- collection of PM updates (against the portfolio) ------------------------------------------
    IssueCode("project-name-mismatch", W, "The update's project name differs from the portfolio's name for that Project ID: a sign of a wrong ID.",
              "The portfolio calls PRJ-001 'CRM replacement', not 'ERP upgrade' — check the Project ID"),
    IssueCode("manager-mismatch", N, "The update names another project manager than the portfolio lists.",
              "The portfolio lists Ana Silva as PM of PRJ-001; the update names Tom Berg"),
    IssueCode("project-not-active", W, "An update for a project that is not active in the portfolio (closed, on hold ...); it was merged anyway.",
              "PRJ-011 is Closed in the portfolio; its update was merged anyway"),
    IssueCode("no-submitted-date", W, "The update has no 'Submitted on' date: should another update for the same month arrive, the file's date stands in for it.",
              "No 'Submitted on' date: should another update for the same month arrive, the file's modification date stands in for it — fill in the date you send the update"),
    IssueCode("other-period", N, "The update is for another month than the collection; it is merged for its own month.",
              "This update is for 2026-09, the collection is for 2026-10; it was merged for 2026-09"),
    IssueCode("figure-went-backwards", W, "A cumulative PV, EV or AC in the update is lower than the project's previous month.",
              "EV (cumulative) 80,000 is lower than 2026-09's 95,000: cumulative figures never go down — check it"),
    IssueCode("other-project", E, "A row of the update names another project than the update's own; it is not merged.",
              "This row names project PRJ-002, but the update is for PRJ-001 — send it in PRJ-002's update"),
    IssueCode("risk-of-other-project", E, "A risk ID that belongs to another project in the portfolio (or was just merged for one); the row is not merged.",
              "Risk RSK-014 belongs to PRJ-002 in the portfolio — give this risk a new ID"),
    IssueCode("duplicate-milestone", E, "The same milestone twice in one update; the second is not merged.",
              "Milestone 'Go-live' is already listed in row 4 — keep one row per milestone"),
    IssueCode("duplicate-submission", N, "Another update for the same project and month has the same figures; it is counted once.",
              "The same figures as PRJ-001_2026-10.xlsx; counted once"),
    IssueCode("superseded", W, "A later update for the same project and month replaces this one; it is not merged.",
              "Replaced by PRJ-001_2026-10_v2.xlsx (submitted 2026-11-04), which is later; this one was not merged"),
    IssueCode("conflicting-submission", E, "Two updates for the same project and month with different figures and nothing saying which is later: neither is merged.",
              "Conflicts with PRJ-001_b.xlsx: the same project (PRJ-001) and month (2026-10), submitted 2026-11-03 on both, different figures — neither was merged; send one corrected update with a later 'Submitted on' date"),
    # --- the engine -------------------------------------------------------------------------------
    IssueCode("internal-error", W, "A check, a parser or a computation crashed; its rule was not applied (a report leaves that sheet's figures out), the run went on. In collection the file concerned is refused (an error). Please report it.",
              "The check check_references failed (KeyError: 'role'); its rule was not applied"),
)

CODES_BY_NAME: dict[str, IssueCode] = {code.code: code for code in ISSUE_CODES}
