"""Benchmark of bulk screening (product.md §6 "Speed"); prints rows/s, ratios and peak memory.

    .venv/bin/python benchmarks/screening.py --rows 1000000 [--ruleset ID] [--python-rows 20000]

In one run it

1. generates (or reuses) a deterministic synthetic Parquet roster of N rows
   (clemency.screening.synthetic: realistic shares, 4% missing cells per column);
2. (a) times DuckDB merely copying that roster Parquet -> Parquet, with the same settings the
   engine uses (2 threads, memory limit, no insertion order, zstd);
3. (b) times ``clemency screen ROSTER --engine duckdb`` on the same file, as a subprocess, and
   reports both its wall time and the engine time it prints (without start-up and summary);
4. (c) times ``clemency screen --engine python`` on the first ``--python-rows`` rows;

(a) and (b) run ``--repeat`` times, interleaved, and the best run of each is compared (the
machine is shared, so single runs are noisy); the medians are printed too.

then prints rows per second for each, (b)/(a), the DuckDB-to-Python speed ratio and the peak
resident memory (RSS) of each subprocess, measured with ``os.wait4``. Targets: (b) <= 2 x (a),
DuckDB >= 10 x Python, peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parents[1]
CLEMENCY = [str(Path(sys.executable).parent / "clemency")]
AS_OF = date(2024, 2, 29)


def measured(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak RSS in MB, stdout). Fails loudly."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stdout


COPY_SCRIPT = """
import sys, duckdb
con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
con.execute("SET preserve_insertion_order = false")
con.execute(f"COPY (SELECT * FROM read_parquet('{sys.argv[1]}')) TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION zstd)")
"""

SAMPLE_SCRIPT = """
import sys, duckdb
duckdb.execute(f"COPY (SELECT * FROM read_parquet('{sys.argv[1]}') LIMIT {int(sys.argv[3])}) TO '{sys.argv[2]}' (FORMAT parquet)")
"""


def screen_command(roster: Path, out: Path, ruleset: str, engine: str) -> list[str]:
    return [
        *CLEMENCY,
        "screen",
        str(roster),
        "--ruleset",
        ruleset,
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(out),
        "--engine",
        engine,
        "--json",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ruleset", default="us-federal/commutation")
    parser.add_argument("--python-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b), interleaved")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "clemency-bench"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    roster = args.workdir / f"roster-{args.rows}.parquet"
    if not roster.exists():
        from clemency.screening.synthetic import write_roster

        started = time.perf_counter()
        write_roster(roster.with_suffix(".tmp.parquet"), args.rows, AS_OF)
        roster.with_suffix(".tmp.parquet").rename(roster)
        print(f"generated {roster} in {time.perf_counter() - started:.1f} s")
    size_mb = roster.stat().st_size / 1e6
    n = args.rows
    print(f"roster: {n:,} rows, {size_mb:,.0f} MB Parquet; ruleset {args.ruleset}; as of {AS_OF}")
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} cores shared with other work (load average {load:.1f}), "
        "DuckDB threads=2, memory_limit=1GB"
    )

    copy_out = args.workdir / "copy.parquet"
    b_out = args.workdir / "screened.parquet"
    copies, screens, engines, a_peak, b_peak = [], [], [], 0.0, 0.0
    for _ in range(args.repeat):  # interleaved, so both see the same load from other work
        a_s, a_mb, _ = measured([sys.executable, "-c", COPY_SCRIPT, str(roster), str(copy_out)])
        b_s, b_mb, b_json = measured(screen_command(roster, b_out, args.ruleset, "duckdb"))
        copies.append(a_s)
        screens.append(b_s)
        engines.append(json.loads(b_json)["seconds"])
        a_peak, b_peak = max(a_peak, a_mb), max(b_peak, b_mb)
    a_s, b_s, b_engine = min(copies), min(screens), min(engines)
    print(f"runs of (a) s: {', '.join(f'{x:.2f}' for x in copies)}")
    print(f"runs of (b) s: {', '.join(f'{x:.2f}' for x in screens)}")
    print(
        f"(a) DuckDB copy   : {a_s:8.2f} s  {n / a_s:12,.0f} rows/s  peak {a_peak:7,.0f} MB  (best)"
    )
    print(
        f"(b) screen duckdb : {b_s:8.2f} s  {n / b_s:12,.0f} rows/s  peak {b_peak:7,.0f} MB  (best;"
        f" engine alone {b_engine:.2f} s, {n / b_engine:,.0f} rows/s)"
    )
    b_mb = b_peak

    startup = min(measured([*CLEMENCY, "--help"])[0] for _ in range(3))
    print(f"start-up of the clemency command alone (--help, best of 3): {startup:.2f} s")

    m = min(args.python_rows, n)
    sample = args.workdir / f"sample-{m}.parquet"
    measured([sys.executable, "-c", SAMPLE_SCRIPT, str(roster), str(sample), str(m)])
    c_s, c_mb, c_json = measured(
        screen_command(sample, args.workdir / "screened-python.parquet", args.ruleset, "python")
    )
    c_engine = json.loads(c_json)["seconds"]
    print(
        f"(c) screen python : {c_s:8.2f} s  {m / c_s:12,.0f} rows/s  peak {c_mb:7,.0f} MB"
        f"  on {m:,} rows (engine alone {c_engine:.2f} s, {m / c_engine:,.0f} rows/s)"
    )
    print(f"(b)/(a) time ratio, wall        : {b_s / a_s:6.2f}  (target <= 2; best runs)")
    print(f"(b)/(a) time ratio, medians     : {median(screens) / median(copies):6.2f}")
    print(f"(b)/(a) without command start-up: {(b_s - startup) / a_s:6.2f}")
    print(f"(b)/(a) time ratio, engine only : {b_engine / a_s:6.2f}")
    speedup = (n / b_engine) / (m / c_engine)
    print(f"(c)/(b) time per row, engines   : {1 / speedup:8.4f}  (target <= 0.1)")
    print(f"(b)/(c) speed: DuckDB is {speedup:,.0f}x the Python engine (target >= 10)")
    wall_speedup = (n / b_s) / (m / c_s)
    print(f"(b)/(c) speed, wall times       : {wall_speedup:,.0f}x")
    print(f"peak memory of the screening run: {b_mb:,.0f} MB (target < 2048)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
