"""Hostile inputs at full size: how long and how much memory `pmo-xl validate` takes to refuse them.

Run on demand: `python benchmarks/bench_hostile.py [--runs N]`.

The tests run the same classes small (tests/test_hostile_reader.py); here they are at the sizes
issue 13 names, each `pmo-xl validate` in its own process (wall seconds, and the child's peak
resident memory from getrusage):
  - one stray value at XFD1048576 on the Projects sheet (calamine would ask for ~512 GiB);
  - a 2 GiB zip bomb with an honest header (a sheet part inflating 1,000 times);
  - a 2 GiB zip bomb whose header says 1 KB (it must be stopped as its bytes come out);
The machine is shared: wall time swings with the load, so CPU seconds are shown too.
Targets (issue 13): each ends in under 5 s, the stray cell in under 500 MB, exit 1 with a located
issue for the stray cell, exit 2 with one line for the bombs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from _common import OUT  # noqa: E402
from zip_surgery import replace_member_raw, rewritten, sheet_member, with_cell  # noqa: E402

from pmo_xl.io.write_template import write_portfolio_workbook  # noqa: E402

BOMB_BYTES = 2 << 30


def base_workbook() -> Path:
    path = OUT / "hostile-base.xlsx"
    if not path.exists():
        write_portfolio_workbook(path, {"Projects": [["P1", "CRM"]]})
    return path


def bomb(path: Path, base: Path, declared: int | None) -> Path:
    """`base` with its Projects sheet replaced by 2 GiB of one repeated row (generated once, cached)."""
    if path.exists():
        return path
    member = sheet_member(base, "Projects")
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    block = row * ((4 << 20) // len(row))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    pieces, crc, total = [], 0, 0
    while total + len(block) <= BOMB_BYTES:
        pieces.append(packer.compress(block))
        crc, total = zlib.crc32(block, crc), total + len(block)
    pieces.append(packer.flush())
    path.write_bytes(base.read_bytes())
    return replace_member_raw(path, member, b"".join(pieces), total, crc, declared=declared)


def run(path: Path) -> tuple[float, float, int, str, float]:
    """Wall seconds, peak RSS MiB of the child, exit code, the first line of its output, CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pmo_xl", "validate", str(path)], capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    first = (result.stderr.strip() or result.stdout.strip()).splitlines()[0] if (result.stderr or result.stdout).strip() else ""
    return wall, after.ru_maxrss / 1024, result.returncode, first, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    base = base_workbook()
    cases = {
        "stray value at XFD1048576": rewritten(base, OUT / "hostile-stray.xlsx",
                                               {sheet_member(base, "Projects"): lambda xml: with_cell(xml, "XFD1048576")}),
        "2 GiB zip bomb (honest header)": bomb(OUT / "hostile-bomb.xlsx", base, None),
        "2 GiB zip bomb (header says 1 KB)": bomb(OUT / "hostile-liar.xlsx", base, 1024),
    }
    print("peak memory is the largest child so far (getrusage), so read it as an upper bound")
    for label, path in cases.items():
        results = [run(path) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[4] for r in results)
        print(f"  {label:<36} median {wall:6.2f} s (CPU {cpu:5.2f} s)  peak ≤ {max(r[1] for r in results):6.0f} MiB  exit {results[-1][2]}"
              f"  {'OK' if wall < 5 else 'OVER 5 s'}\n    {results[-1][3][:160]}", flush=True)


if __name__ == "__main__":
    main()
