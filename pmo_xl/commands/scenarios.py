"""`pmo-xl scenarios WORKBOOK`: the what-if scenarios of Settings compared with the portfolio as planned.

Writes the comparison workbook (the report's Scenarios sheet alone; PMO-scenarios-YYYY-MM.xlsx
beside the workbook unless -o) and prints one plain-words line per scenario; `--json` prints
the figures instead. Never modifies WORKBOOK.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pmo_xl.commands.common import step, wrong_suffix


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "scenarios", help="compare the what-if scenarios of Settings with the portfolio as planned",
        description="Read, validate and compute WORKBOOK, then each scenario of its Scenarios table (Settings): pause, "
        "delay, cancel, add or force out a project, change a budget, add or remove capacity. Writes the comparison "
        "workbook (PMO-scenarios-YYYY-MM.xlsx beside the workbook unless -o) and prints each scenario in plain words. "
        "Exit code 0: every scenario computed; 1: a scenario has errors and was left out (or there is none); "
        "2: the file could not be used. The workbook is never modified.")
    parser.add_argument("workbook", type=Path, help="the portfolio workbook (.xlsx or .xlsm)")
    parser.add_argument("-o", "--output", type=Path, help="the comparison workbook to write (.xlsx)")
    parser.add_argument("--only", action="append", metavar="NAME", help="compute only this scenario (repeat for several)")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON on stdout (no workbook is written "
                        "unless -o is given)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.output is not None and (refusal := wrong_suffix(args.output, (".xlsx",), "the comparison workbook")):
        print(refusal, file=sys.stderr)
        return 2
    from pmo_xl import pipeline
    from pmo_xl.errors import OutputError
    from pmo_xl.issues import Severity
    from pmo_xl.scenarios import UnknownScenario
    from pmo_xl.usecases import compare_scenarios, load_portfolio, scenarios_name, write_scenario_comparison

    quiet = args.quiet or args.json
    with step(f"reading {args.workbook.name}", quiet):
        portfolio = load_portfolio(args.workbook)
    problems = [i for i in portfolio.issues if i.code.startswith("scenario-") and i.severity == Severity.ERROR]
    left_out = [i for i in portfolio.issues if i.code == "scenario-left-out"]
    for issue in (*problems, *left_out):
        print(f"{issue.address}: {issue.severity} [{issue.code}] {issue.message}", file=sys.stderr)
    try:
        with step("computing the scenarios", quiet):
            result, _ = compare_scenarios(portfolio, args.only)
    except UnknownScenario as error:
        print(f"pmo-xl: {error}", file=sys.stderr)
        return 2
    if not result.scenarios:
        print(f"pmo-xl: {args.workbook.name} has no scenario to compare — add rows to the Scenarios table of Settings"
              + (" (or correct the rows listed above)" if left_out else ""), file=sys.stderr)
        return 1
    out = None
    if args.output is not None or not args.json:
        out = args.output or args.workbook.with_name(scenarios_name(pipeline.reporting_period(portfolio)))
        if out.resolve() == args.workbook.resolve():
            raise OutputError("the comparison cannot overwrite the input workbook; choose another -o")
        with step(f"writing {out.name}", quiet):
            write_scenario_comparison(portfolio, result, out)
    if args.json:
        json.dump(_as_json(result), sys.stdout, indent=1, ensure_ascii=False, default=str)
        print()
    else:
        from pmo_xl.scenarios.compare import summary

        for scenario in result.scenarios:
            print(f"- {scenario.name}: {summary(result.baseline, scenario)}")
        print(f"wrote {out}")
    return 1 if left_out else 0


def _as_json(result) -> dict:  # type: ignore[no-untyped-def]
    from pmo_xl.report.sheets.scenarios import comparison_frame
    from pmo_xl.scenarios.compare import build_comparison

    view = build_comparison(result)

    def outcome(o) -> dict:  # type: ignore[no-untyped-def]
        return {"name": o.name, "actions": list(o.actions), "cost_by_year": {str(y): v for y, v in o.cost_by_year.items()},
                "total_cost": o.total_cost, "value": o.value, "selected": sorted(o.selected),
                "over_allocated_person_months": o.over_person_months, "over_allocation_hours": o.over_hours,
                "people_over_allocated": o.over_people, "over_allocated_person_months_by_team": o.over_person_months_by_team,
                "binding_limits": list(o.binding), "pv_next_12_months": o.pv_next_12, "pv_to_date": o.pv_to_date,
                "ev_to_date": o.ev_to_date, "ac_to_date": o.ac_to_date}

    summaries = dict(zip(view.summaries["scenario"], view.summaries["summary"], strict=True))
    return {
        "from_month": f"{result.first_month:%Y-%m}",
        "baseline": outcome(result.baseline),
        "scenarios": [{**outcome(s), "summary": summaries[s.name]} for s in result.scenarios],
        "comparison": comparison_frame(view).drop(columns=["kind"]).to_dict("records"),
        "changes": view.changes.to_dict("records"),
    }
