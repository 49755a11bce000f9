"""Benchmark of bulk screening (product.md §6 "Speed"); prints CPU times, rows/s and ratios.

    .venv/bin/python benchmarks/screening.py --rows 1000000 [--pairs 5] [--python-rows 20000]

In one run it

1. generates (or reuses) a deterministic synthetic Parquet roster of N rows
   (clemency.screening.synthetic: realistic shares, 4% missing cells per column) in
   ``--cache-dir`` (default ``$TMPDIR/clemency-bench``);
2. runs ``--pairs`` rounds, each of these four subprocesses in a rotating order, so every one
   sees the same load from other people's work:

   (a) DuckDB merely copying the roster Parquet -> Parquet, with the settings the engine uses
       (2 threads, 1 GB memory limit, no insertion order, zstd);
   (h) the hand-written DuckDB query ``benchmarks/screening_by_hand.sql`` (the same seven
       result columns for ``us-federal/commutation`` as of 2024-02-29), same settings;
   (b) ``clemency screen ROSTER --engine duckdb --json``: the whole command (start-up, rules,
       compilation, engine, summary);
   (e) the engine alone, in process: CPU of ``run_engine`` (compiling the rules and the one
       COPY statement) and of the summary pass, each with ``time.process_time``;

3. checks that (h) and (b) wrote the same rows (``EXCEPT ALL`` both ways; exit 1 if not);
4. times ``clemency screen --engine python`` on the first ``--python-rows`` rows (c).

Every time is CPU (user + system, DuckDB's threads included) unless it says wall: the machine
is shared, and CPU is what a run costs whoever else is busy. A ratio is the median of the
ratios of the pairs (each pair ran back to back). Peak memory is the peak resident set size of
each subprocess (``os.wait4``). Targets: screening within 1.2 x the hand-written query (CPU),
(b) <= 2 x (a) wall, DuckDB >= 10 x Python, peak memory < 2 GB.

Every output goes to a temporary folder of this run alone (removed at the end); the cached
roster is written under a temporary name and renamed into place, so two runs at once neither
share nor clobber a file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parents[1]
CLEMENCY = [str(Path(sys.executable).parent / "clemency")]
AS_OF = date(2024, 2, 29)
RULESET = "us-federal/commutation"
BY_HAND = Path(__file__).resolve().with_name("screening_by_hand.sql")
"""The hand-written query: ``RULESET`` as of ``AS_OF`` over the view ``roster``."""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    stdout: str


def measured(command: list[str]) -> Run:
    """Run ``command``; its wall and CPU seconds, peak RSS and stdout. Fails loudly."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{stderr}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


# The settings of clemency.screening.duckdb_connection.connect, without its progress tracking.
CONNECT = """
import sys, time, duckdb
con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
con.execute("SET preserve_insertion_order = false")
con.execute("SET enable_progress_bar = false")
roster, out = sys.argv[1].replace("'", "''"), sys.argv[2].replace("'", "''")
"""

COPY_SCRIPT = (
    CONNECT
    + """
con.execute(f"COPY (SELECT * FROM read_parquet('{roster}')) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
"""
)

BY_HAND_SCRIPT = (
    CONNECT
    + """
con.execute(f"CREATE VIEW roster AS SELECT * FROM read_parquet('{roster}')")
query = open(sys.argv[3], encoding="utf-8").read()
started = time.process_time()
con.execute(f"COPY ({query}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
print(time.process_time() - started)
"""
)

ENGINE_SCRIPT = """
import json, sys, time
from datetime import date
from pathlib import Path
from clemency.screening import service
from clemency.screening.engines import run_engine
roster, out, ruleset, as_of = sys.argv[1:5]
plan = service.plan(Path(roster), service.load(ruleset), date.fromisoformat(as_of), Path(out))
started = time.process_time()
run_engine(plan.engine, plan.job)
engine = time.process_time() - started
started = time.process_time()
service.summarize(Path(out))
print(json.dumps({"engine": engine, "summary": time.process_time() - started}))
"""

SAMPLE_SCRIPT = """
import sys, duckdb
duckdb.execute(f"COPY (SELECT * FROM read_parquet('{sys.argv[1]}') LIMIT {int(sys.argv[3])}) TO '{sys.argv[2]}' (FORMAT parquet)")
"""

DIFFERENT_ROWS = """
SELECT count(*) FROM (
    (SELECT * FROM read_parquet($a) EXCEPT ALL SELECT * FROM read_parquet($b))
    UNION ALL
    (SELECT * FROM read_parquet($b) EXCEPT ALL SELECT * FROM read_parquet($a))
)
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


def cached_roster(cache: Path, rows: int, dirty_csv: bool) -> Path:
    """The synthetic roster of ``rows`` rows, generated once (under a name of this run alone,
    then renamed into place: a concurrent run sees the whole file or none)."""
    cache.mkdir(parents=True, exist_ok=True)
    name = f"roster-dirty-{rows}.csv" if dirty_csv else f"roster-{rows}.parquet"
    roster = cache / name
    if not roster.exists():
        from clemency.screening.synthetic import write_roster

        started = time.perf_counter()
        partial = cache / f".{os.getpid()}.partial.{name}"
        try:
            write_roster(partial, rows, AS_OF, dirty=dirty_csv)
            os.replace(partial, roster)
        finally:
            partial.unlink(missing_ok=True)
        print(f"generated {roster} in {time.perf_counter() - started:.1f} s")
    return roster


def same_rows(left: Path, right: Path) -> int:
    """How many rows are in one result file and not the other (0: the same content)."""
    import duckdb

    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
    try:
        row = con.execute(DIFFERENT_ROWS, {"a": str(left), "b": str(right)}).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def line(label: str, values: list[float], n: int, unit: str = "s") -> str:
    shown = ", ".join(f"{v:.2f}" for v in values)
    mid = median(values)
    return f"{label:<38}{mid:8.2f} {unit}  {n / mid:12,.0f} rows/s   (runs: {shown})"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--python-rows", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=5, help="interleaved rounds of (a)(h)(b)(e)")
    parser.add_argument(
        "--dirty-csv",
        action="store_true",
        help="a CSV roster with invalid cells (about 1%% of typed cells): times (b) and (e) only",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "clemency-bench",
        help="where the generated roster is kept for later runs",
    )
    args = parser.parse_args()
    n = args.rows
    roster = cached_roster(args.cache_dir, n, args.dirty_csv)
    size_mb = roster.stat().st_size / 1e6
    kind = "CSV with invalid cells" if args.dirty_csv else "Parquet"
    print(f"roster: {n:,} rows, {size_mb:,.0f} MB {kind}; ruleset {RULESET}; as of {AS_OF}")
    print(
        f"machine: {os.cpu_count()} cores shared with other work (load average "
        f"{os.getloadavg()[0]:.1f}), DuckDB threads=2, memory_limit=1GB"
    )
    work = Path(tempfile.mkdtemp(prefix="clemency-bench-run-"))
    try:
        engine_seconds = run_pairs(args, roster, work)
        if not args.dirty_csv:
            run_python(args, roster, work, engine_seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def run_pairs(args: argparse.Namespace, roster: Path, work: Path) -> float:
    """The interleaved rounds; returns the engine's median wall seconds as (b) reports it."""
    n = args.rows
    outs = {k: work / f"{k}.parquet" for k in "ahbe"}
    commands = {
        "a": [sys.executable, "-c", COPY_SCRIPT, str(roster), str(outs["a"])],
        "h": [sys.executable, "-c", BY_HAND_SCRIPT, str(roster), str(outs["h"]), str(BY_HAND)],
        "b": screen_command(roster, outs["b"], RULESET, "duckdb"),
        "e": [
            sys.executable,
            "-c",
            ENGINE_SCRIPT,
            str(roster),
            str(outs["e"]),
            RULESET,
            AS_OF.isoformat(),
        ],
    }
    if args.dirty_csv:  # the yardsticks read the Parquet roster's native types
        del commands["a"], commands["h"]
    runs: dict[str, list[Run]] = {k: [] for k in commands}
    order = list(commands)
    for round_ in range(args.pairs):  # rotate the order: none always runs first or last
        for key in order[round_ % len(order) :] + order[: round_ % len(order)]:
            runs[key].append(measured(commands[key]))
    b_json = [json.loads(r.stdout) for r in runs["b"]]
    outcomes = b_json[0]["summary"]["outcomes"]
    print("outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
    if "h" in runs:
        differing = same_rows(outs["h"], outs["b"])
        print(f"hand-written query and `clemency screen` wrote the same rows: {differing == 0}")
        if differing:
            raise SystemExit(f"{differing} rows differ between {outs['h']} and {outs['b']}")

    def cpu(key: str) -> list[float]:
        return [r.cpu for r in runs[key]]

    engine = [json.loads(r.stdout)["engine"] for r in runs["e"]]
    summary = [json.loads(r.stdout)["summary"] for r in runs["e"]]
    print(f"CPU seconds (user + system), medians of {args.pairs} interleaved rounds:")
    if "h" in runs:
        by_hand_copy = [float(r.stdout) for r in runs["h"]]
        print(line("(a) DuckDB copy, whole process", cpu("a"), n))
        print(line("(h) hand-written query, whole process", cpu("h"), n))
        print(line("    of which its COPY statement", by_hand_copy, n))
    print(line("(b) `clemency screen`, whole command", cpu("b"), n))
    print(line("(e) engine alone (compile + COPY)", engine, n))
    print(line("    summary pass", summary, n))
    print("wall seconds:")
    if "h" in runs:
        print(line("(a) DuckDB copy", [r.wall for r in runs["a"]], n))
        print(line("(h) hand-written query", [r.wall for r in runs["h"]], n))
    print(line("(b) `clemency screen`", [r.wall for r in runs["b"]], n))
    print(line("    engine, as the command reports it", [j["seconds"] for j in b_json], n))
    peaks = {k: max(r.peak_mb for r in v) for k, v in runs.items()}
    print("peak RSS: " + ", ".join(f"({k}) {mb:,.0f} MB" for k, mb in peaks.items()))
    print("  target for (b): < 2048 MB")
    if "h" not in runs:
        return median(j["seconds"] for j in b_json)

    def ratio(top: list[float], bottom: list[float]) -> str:
        pairs = [t / b for t, b in zip(top, bottom, strict=True)]
        return f"{median(pairs):6.2f}  (pairs: {', '.join(f'{p:.2f}' for p in pairs)})"

    print("ratios (median of the per-round ratios):")
    print(f"  engine / hand-written COPY, CPU            : {ratio(engine, by_hand_copy)}")
    print(f"  `clemency screen` / hand-written, CPU      : {ratio(cpu('b'), cpu('h'))}")
    print("  target for both: <= 1.2")
    print(
        f"  (b)/(a) `clemency screen` / copy, wall     : {ratio([r.wall for r in runs['b']], [r.wall for r in runs['a']])}  (target <= 2)"
    )
    print(f"  (b)/(a) `clemency screen` / copy, CPU      : {ratio(cpu('b'), cpu('a'))}")
    return median(j["seconds"] for j in b_json)


def run_python(args: argparse.Namespace, roster: Path, work: Path, engine_seconds: float) -> None:
    n = args.rows
    m = min(args.python_rows, n)
    sample = work / f"sample-{m}.parquet"
    measured([sys.executable, "-c", SAMPLE_SCRIPT, str(roster), str(sample), str(m)])
    c = measured(screen_command(sample, work / "screened-python.parquet", RULESET, "python"))
    c_engine = json.loads(c.stdout)["seconds"]
    print(
        f"(c) screen python on {m:,} rows: {c.cpu:.2f} s CPU, {c.wall:.2f} s wall, engine alone "
        f"{c_engine:.2f} s wall ({m / c_engine:,.0f} rows/s), peak {c.peak_mb:,.0f} MB"
    )
    speedup = (n / engine_seconds) / (m / c_engine)
    print(f"DuckDB engine is {speedup:,.0f}x the Python engine, rows/s (target >= 10)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
