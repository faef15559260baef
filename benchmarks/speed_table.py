"""Run the benchmarks and write the README's speed table from what they print: one command.

    python benchmarks/speed_table.py                    # every benchmark, default sizes (long: ~1 h on 2 busy cores)
    python benchmarks/speed_table.py --only startup report   # these again, the other rows kept
    python benchmarks/speed_table.py --no-run           # the table again from the saved figures

Each benchmark saves its comparisons (pmo-xl, floor, ratio, load, machine, date) under
benchmarks/out/speed-table/; the table between the README's `speed-table` markers is rewritten
from them, so the README shows only figures measured, each beside its floor and its date.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
SAVED = HERE / "out" / "speed-table"
BEGIN, END = "<!-- speed-table: begin (python benchmarks/speed_table.py) -->", "<!-- speed-table: end -->"
# name → the benchmark and its arguments, in the table's order
BENCHMARKS = {
    "startup": ["bench_startup.py"],
    "validate": ["bench_validate.py"],
    "report": ["bench_report.py"],
    "loading": ["bench_loading.py"],
    "earned-value": ["bench_earned_value.py"],
    "selection": ["bench_selection.py"],
    "collect": ["bench_collect.py"],
    "import": ["bench_import.py", "--runs", "1"],
}
# Rows whose job was renamed: the README's row under the old name takes the new one's figures in
# its place, rather than staying behind with stale ones.
RENAMED = {"loading with causes": "loading with the causes of every over-allocated cell"}


def run(names: list[str]) -> None:
    env = {**os.environ, "PMO_BENCH_RESULTS": str(SAVED)}
    SAVED.mkdir(parents=True, exist_ok=True)
    for name in names:
        script, *arguments = BENCHMARKS[name]
        print(f"== {name}: {script} {' '.join(arguments)}", flush=True)
        for old in SAVED.glob(f"{name}--*.json"):
            old.unlink()
        subprocess.run([sys.executable, str(HERE / script), *arguments], check=True,
                       env=env | {"PMO_BENCH_GROUP": name})


def table() -> str:
    records = [json.loads(p.read_text()) for p in SAVED.glob("*.json")]
    records = [r for r in records if r["job"] not in RENAMED]  # saved under a job's old name: stale
    order = list(BENCHMARKS)
    records.sort(key=lambda r: (order.index(r.get("group", "collect")) if r.get("group") in order else len(order), r["job"], r["size"]))
    if not records:
        raise SystemExit(f"no saved figures under {SAVED}: run without --no-run first")
    machines = sorted({r["machine"] for r in records})
    lines = [
        f"Measured by `python benchmarks/speed_table.py` on {'; '.join(machines)}. Each row is pmo-xl timed "
        "interleaved with its floor in the same run (medians of at least 5 rounds); the ratio is the median of "
        "the per-round ratios, which moves far less with the machine's load than the times do. What each floor "
        "is: [benchmarks/README.md](benchmarks/README.md).",
        "",
        "| job | size | pmo-xl | floor | ratio | target | measured (load avg) |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = {(r["job"], r["size"]): _row(r) for r in records}
    group = {(r["job"], r["size"]): r.get("group") for r in records}
    # Rows already in the README keep their place; those measured now get the new figures, the
    # others stay as they were (each carries its date): `--only`, or a checkout without the saved
    # figures of every benchmark, never drops a row.
    placed = [(key, rows.pop(key, line)) for key, line in _readme_rows()]
    for key, line in rows.items():  # a new row: after the last one of its benchmark, else last
        same = [i for i, (k, _) in enumerate(placed) if group.get(k) is not None and group.get(k) == group[key]]
        placed.insert(same[-1] + 1 if same else len(placed), (key, line))
    lines += [line for _, line in placed]
    return "\n".join(lines)


def _row(r: dict) -> str:
    target = f"≤ {r['target']:g}×" if r.get("target") else ""
    return (f"| {r['job']} | {r['size']} | {r['pmo_median']:.3f} s | {r['floor_median']:.3f} s ({r['floor']}) | "
            f"**{r['ratio']:.2f}×** | {target} | {r['date']} ({r['load'][0]:.1f}–{r['load'][1]:.1f}) |")


def _readme_rows() -> list[tuple[tuple[str, str], str]]:
    """The table rows between the README's markers, keyed by (job, size)."""
    readme = README.read_text()
    if BEGIN not in readme or END not in readme:
        return []
    body = readme.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 2 and cells[0] != "job":
            rows.append(((RENAMED.get(cells[0], cells[0]), cells[1]), line))
    return rows


def write_readme(text: str) -> None:
    readme = README.read_text()
    if BEGIN not in readme or END not in readme:
        raise SystemExit(f"README.md has no {BEGIN} … {END} markers")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    print(f"wrote the speed table of {README}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these benchmarks (other rows kept)")
    parser.add_argument("--no-run", action="store_true", help="only rewrite the table from the saved figures")
    args = parser.parse_args()
    if not args.no_run:
        run(args.only or list(BENCHMARKS))
    write_readme(table())


if __name__ == "__main__":
    main()
