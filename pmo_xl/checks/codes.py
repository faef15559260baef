"""The catalogue of issue codes: every code that parsing and the checks can emit, once.

Each code is stable (tests, filters and users rely on it), kebab-case, with its default
severity, what it means and an example message. `pmo_xl/schema/contract.py` renders this table
into `workbooks/CONTRACT.md`; a test proves that every code the code base emits is listed here.
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
    IssueCode("missing-column", E, "A required column is missing from a register; none of its rows can be used.",
              "The required column 'Planned finish' is missing from Projects — add it back from the template"),
    IssueCode("duplicate-column", E, "Two columns have the same header; the first is used.",
              "Column 'Start' appears twice in Allocations; column D is used and this one is ignored — delete or rename one of them"),
    IssueCode("extra-column", N, "A column that is not part of the register; it is kept in the workbook and ignored.",
              "Column 'Notes' is not part of the Projects register; it is kept in the workbook and ignored"),
    IssueCode("no-table", N, "The register was found by its headers, not as its Excel Table (the table was renamed or the data pasted as values).",
              "Projects is not an Excel Table named tblProjects; it was found by its headers in row 1 — recreate the table"),
    IssueCode("hidden-sheet", N, "The sheet holding a register is hidden; its rows are read like any others.",
              "The sheet 'Risks' is hidden; its Risks rows are read like any others"),
    IssueCode("hidden-rows", N, "Rows of a register are hidden; they are read like any others.",
              "Rows 5-7 are hidden; hidden rows are read like any others — unhide them so everyone sees them"),
    IssueCode("merged-cells", W, "Merged cells in a register: only the top-left cell keeps a value.",
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
    IssueCode("decimal-comma", E, "A number typed as text with a decimal comma; it is not guessed.",
              "'1,5' uses a decimal comma; type it with a decimal point (e.g. 1.5 for 1,5)"),
    IssueCode("ambiguous-number", E, "Text such as '1,500' that means 1500 or 1.5 depending on the locale; it is not guessed.",
              "'1,500' is text that could mean a thousands separator or a decimal comma — type the number itself"),
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
    IssueCode("not-allowed", E, "A value that is not one of the column's allowed values (case, spacing, hyphens and underscores do not matter).",
              "'Actve' is not an allowed Status; did you mean 'Active'? choose one of: Proposed, Approved, Active, On hold, Closed, Cancelled"),
    # --- one row ----------------------------------------------------------------------------------
    IssueCode("finish-before-start", E, "An end date before its start date (projects, allocations, resource availability, risk review).",
              "Finish 2026-03-01 is before Start 2026-04-15 — correct one of them"),
    IssueCode("actual-in-future", E, "An actual date after the status date, or progress for a period after the status period.",
              "Actual date 2026-12-01 is after the status date 2026-10-31 — an actual cannot be in the future; clear it or use Forecast date"),
    IssueCode("above-bac", E, "Cumulative EV or PV above the project's budget at completion.",
              "EV (cumulative) 1,250,000 is above the budget (BAC) 1,000,000 of PRJ-001 — EV cannot exceed BAC"),
    IssueCode("no-effort", E, "An allocation with neither hours nor FTE.", "Give the effort as hours or as FTE"),
    IssueCode("no-earned-value", E, "A progress row with neither EV nor % complete.", "Give EV or % complete for PRJ-001"),
    IssueCode("resource-or-role", E, "An allocation naming neither a resource nor a role.", "Name a resource or, for a generic demand, a role"),
    IssueCode("status-vs-progress", W, "The project status disagrees with its progress (closed but not complete; proposed but spending).",
              "PRJ-007 is Closed but its latest % complete is 40% (2026-09) — set EV/% complete to 100% or correct the status"),
    IssueCode("status-vs-dates", W, "The project status disagrees with its dates (active or on hold, but the planned finish is long past).",
              "PRJ-003 is Active but its Planned finish 2026-05-31 is 153 days before the status date — re-plan the finish or close the project"),
    IssueCode("score-out-of-scale", E, "A criterion score outside that criterion's scale in Settings.",
              "Score: Urgency 7 is outside the scale 1-5 of Urgency — correct it"),
    # --- across rows ------------------------------------------------------------------------------
    IssueCode("duplicate-id", E, "An ID already used in an earlier row; the first row keeps it.",
              "PRJ-004 is already used in row 5 — give this row its own ID"),
    IssueCode("duplicate-key", E, "A row that repeats an earlier row's key (baseline month, milestone name, identical progress row); the first is kept.",
              "PRJ-002 / 2026-05 is already in row 14 — delete this row or correct its key"),
    IssueCode("duplicate-allocation", E, "The same allocation (project, resource or role, start, finish) twice; the first is kept.",
              "This allocation repeats row 12 (PRJ-001, RES-0007, 2026-03-01 to 2026-03-31) — delete it or merge the effort"),
    IssueCode("conflicting-progress", E, "Two or more progress rows for one project and period with different figures; none is used.",
              "PRJ-003 has 2 different Progress rows for 2026-09 (rows 41, 57) — keep one"),
    # --- across registers -------------------------------------------------------------------------
    IssueCode("unknown-reference", E, "A project or resource ID that is not in its register.",
              "Project PRJ-999 is not in the Projects register — check the ID or add the project"),
    IssueCode("unknown-role", E, "A role that no resource has (a warning when a resource is named, since the role is then informative).",
              "Role 'Develper' is not the role of any resource; did you mean 'Developer'? — correct it or add a resource with that role"),
    IssueCode("unknown-dependency", W, "Depends on names a project that is not in Projects, or the project itself.",
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
    # --- the engine -------------------------------------------------------------------------------
    IssueCode("internal-error", W, "A check crashed; its rule was not applied, the run went on. Please report it.",
              "The check check_references failed (KeyError: 'role'); its rule was not applied"),
)

CODES_BY_NAME: dict[str, IssueCode] = {code.code: code for code in ISSUE_CODES}
