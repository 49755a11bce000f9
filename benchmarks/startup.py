"""Start-up and packet benchmark (issue 18 item 10); prints CPU and wall figures, median and p95.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--form us-federal/pardon] [--importtime]
        [--baseline DIR] [--workdir DIR]

In one run it

1. makes a demo database in a temporary folder (``clemency demo --no-serve``: 300 synthetic
   cases and Alice Johnson, case 1, with her documents), or reuses ``--workdir`` if it holds one;
2. runs, interleaved, ``clemency --help`` and ``clemency petition packet 1 --form FORM --format
   pdf --out …`` ``--runs`` times each as subprocesses: wall time, and user + system CPU of the
   child from ``os.wait4``;
3. starts ``--servers`` fresh processes that each build the web application, enter its
   lifespan (as a server does: WeasyPrint warm-up, job runner), sign in as the demo attorney
   and ask ``GET /cases/1/packet?form=FORM&format=pdf`` ``--requests`` times, then run the
   packet job's work function (``generate_packet``, through ``jobs.service.run_now``) as many
   times; half of the processes skip the warm-up (``--no-warm`` figures: a worker's first
   packet without it). CPU there is ``time.process_time`` of the process (every thread).

With ``--baseline DIR`` (a ``src`` folder of other code, e.g. ``git archive main src | tar -x
-C /tmp/main``) every figure is measured for that code too, interleaved: rows "A" are the
baseline, rows "B" this checkout (the machine is shared: compare A and B, not runs of
different hours). With ``--importtime`` it also prints, for both commands, the top-level packages whose import
costs most (``python -X importtime``, cumulative microseconds, self time summed per package).

The bytecode of the ``clemency`` package is compiled first (``compileall``, as ``make venv``
does), unless ``--no-compile``: a process that may not write ``__pycache__`` (this machine sets
``PYTHONDONTWRITEBYTECODE=1``) would otherwise compile every module from source at each start.

Targets: ``--help`` under 0.3 s; a packet under 1 s from a warm server, under 1.5 s from the CLI.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from typing import Any

CLEMENCY = str(Path(sys.executable).parent / "clemency")
DEMO_DB = "demo.db"


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measured(command: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, CPU seconds of the child, stderr). Fails loudly."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode()
        if os.waitstatus_to_exitcode(status) != 0:
            out.seek(0)
            raise SystemExit(
                f"failed: {' '.join(command)}\n{out.read().decode()}\n{stderr}".rstrip()
            )
    return wall, usage.ru_utime + usage.ru_stime, stderr


def demo_env(workdir: Path, code: Path | None = None) -> dict[str, str]:
    """The environment of a command against the demo database of ``workdir`` (running the
    ``clemency`` package of the folder ``code`` when given)."""
    database = workdir / DEMO_DB
    return {
        **os.environ,
        **({"PYTHONPATH": str(code)} if code is not None else {}),
        "CLEMENCY_DATABASE_URL": f"sqlite:///{database}",
        "CLEMENCY_KEY_FILE": str(database.with_suffix(".keys")),
        "CLEMENCY_AUDIT_KEY_FILE": str(database.with_name(database.name + ".audit-key")),
        "CLEMENCY_DATA_DIR": str(workdir / "clemency-data"),
        "COLUMNS": "100",
    }


def make_demo(workdir: Path) -> None:
    if (workdir / DEMO_DB).exists():
        print(f"using the demo database in {workdir}", flush=True)
        return
    print(f"making the demo database in {workdir} …", flush=True)
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEMENCY_")}
    measured(
        [CLEMENCY, "demo", "--no-serve", "--database", str(workdir / DEMO_DB)],
        cwd=workdir,
        env=env,
    )
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)


def row(label: str, walls: Sequence[float], cpus: Sequence[float]) -> str:
    return (
        f"| {label} | {len(cpus)} | {median(cpus):.2f} | {p95(cpus):.2f} "
        f"| {median(walls):.2f} | {p95(walls):.2f} |"
    )


HEADER = "| what | runs | CPU s median | CPU s p95 | wall s median | wall s p95 |\n|---|--:|--:|--:|--:|--:|"


Variants = dict[str, Path | None]  # label ("" or "A: ", "B: ") -> the code it runs


def cli_figures(workdir: Path, form: str, runs: int, variants: Variants) -> list[str]:
    out = workdir / "packet.pdf"
    commands = {
        "`clemency --help`": [CLEMENCY, "--help"],
        f"`clemency petition packet 1 --form {form}` (PDF)": [
            CLEMENCY,
            *("petition", "packet", "1", "--form", form, "--format", "pdf", "--out", str(out)),
        ],
    }
    figures: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits every one
        for label, command in commands.items():
            for variant, code in variants.items():
                wall, cpu, _ = measured(command, cwd=workdir, env=demo_env(workdir, code))
                figures[variant + label][0].append(wall)
                figures[variant + label][1].append(cpu)
    print(f"  packet: {out.stat().st_size:,} bytes", flush=True)
    return [row(label, walls, cpus) for label, (walls, cpus) in figures.items()]


def server_figures(
    workdir: Path, form: str, servers: int, requests: int, variants: Variants
) -> list[str]:
    results: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    for index in range(servers):
        warm = index % 2 == 0
        for variant, code in variants.items():
            command = [sys.executable, __file__, "--child", str(workdir), "--form", form]
            command += ["--requests", str(requests), *([] if warm else ["--no-warm"])]
            env = demo_env(workdir, code)
            completed = subprocess.run(
                command, cwd=workdir, env=env, capture_output=True, text=True
            )
            if completed.returncode != 0:
                raise SystemExit(f"server process failed:\n{completed.stderr}")
            results[variant, warm].append(json.loads(completed.stdout.strip().splitlines()[-1]))
    lines = []
    for (v, warm), found in sorted(results.items(), key=lambda item: (not item[0][1], item[0][0])):
        name = "warm-up" if warm else "no warm-up"

        def pick(key: str, found: list[dict[str, Any]] = found) -> tuple[list[float], list[float]]:
            return [w for r in found for w in r[key][0]], [c for r in found for c in r[key][1]]

        if warm:
            lines.append(row(f"{v}server start: import + `create_app`", *pick("create_app")))
            lines.append(row(f"{v}server start: lifespan (warm-up, job runner)", *pick("lifespan")))
        lines.append(row(f"{v}first `GET /cases/1/packet` of a process ({name})", *pick("first")))
        if warm:
            lines.append(row(f"{v}later `GET /cases/1/packet` (warm)", *pick("later")))
            lines.append(row(f"{v}first job `generate_packet` of a process", *pick("job_first")))
            lines.append(row(f"{v}later jobs `generate_packet`", *pick("job")))
    return lines


def importtime(workdir: Path, form: str, top: int) -> None:
    env = {**demo_env(workdir), "PYTHONPROFILEIMPORTTIME": "1"}
    commands = {
        "clemency --help": [sys.executable, "-X", "importtime", CLEMENCY, "--help"],
        "clemency petition packet": [
            *(sys.executable, "-X", "importtime", CLEMENCY, "petition", "packet", "1"),
            *("--form", form, "--out", str(workdir / "importtime.pdf")),
        ],
    }
    for label, command in commands.items():
        _, _, stderr = measured(command, cwd=workdir, env=env)
        per_package: dict[str, int] = defaultdict(int)
        for line in stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
                continue
            self_us, _cumulative, name = (part.strip() for part in line[12:].split("|"))
            per_package[name.split(".")[0]] += int(self_us)
        total = sum(per_package.values())
        print(f"\nimports of `{label}`: {total / 1e6:.2f} s in all; by top-level package:")
        for package, us in sorted(per_package.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {package:24} {us / 1e6:6.3f} s")


# --- the server process (``--child``) ---------------------------------------------------------


@contextmanager
def clock(into: tuple[list[float], list[float]]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into[0].append(time.perf_counter() - wall)
    into[1].append(time.process_time() - cpu)


def child(workdir: Path, form: str, requests: int, warm: bool) -> None:
    figures: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    with clock(figures["create_app"]):
        from clemency.config import Settings
        from clemency.web.app import create_app

        settings = Settings(environment="development", mail_backend="file")
        app = create_app(settings)
    from fastapi.testclient import TestClient

    from clemency.cases.demo.seed import DEMO_PASSWORD, demo_email
    from clemency.documents import render_pdf

    if not warm:
        render_pdf.warm_up = lambda: None  # what a worker without the warm-up does
    client = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    with clock(figures["lifespan"]):
        client.__enter__()
    try:
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        email = demo_email("justice-clinic", "attorney")
        signed = client.post(
            "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text[:500]

        def get_packet() -> None:
            response = client.get("/cases/1/packet", params={"form": form, "format": "pdf"})
            assert response.status_code == 200, response.text[:500]
            assert response.content.startswith(b"%PDF")

        timed(figures["first"], get_packet, 1)
        if warm:
            timed(figures["later"], get_packet, requests)
            run_job = job_runner(settings, app, email, form)
            timed(figures["job_first"], run_job, 1)
            timed(figures["job"], run_job, requests)
    finally:
        client.__exit__(None, None, None)
    print(json.dumps(figures))


def timed(into: tuple[list[float], list[float]], work: Callable[[], None], times: int) -> None:
    for _ in range(times):
        with clock(into):
            work()


def job_runner(settings: Any, app: Any, email: str, form: str) -> Callable[[], None]:
    from datetime import date

    from sqlalchemy import select

    from clemency.accounts.models import User
    from clemency.db.session import unit_of_work
    from clemency.jobs import service as jobs

    def run() -> None:
        with unit_of_work(app.state.engine) as session:
            user = session.scalars(select(User).where(User.email == email)).one()
            job = jobs.run_now(
                session=session,
                settings=settings,
                kind="generate_packet",
                payload={
                    "case_id": 1,
                    "form_id": form,
                    "format": "pdf",
                    "as_of": date.today().isoformat(),
                    "petition_id": None,
                },
                user_id=user.id,
            )
            assert job.status == "done", job.status

    return run


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="CLI runs of each command")
    parser.add_argument("--servers", type=int, default=4, help="server processes (half warm)")
    parser.add_argument("--requests", type=int, default=5, help="warm packets per server")
    parser.add_argument("--form", default="us-federal/pardon")
    parser.add_argument("--workdir", type=Path, help="keep (or reuse) the demo database here")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a src folder of other code (e.g. `git archive main src`): measure it too, "
        "interleaved (rows A) with the code of this checkout (rows B)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.form, args.requests, warm=not args.no_warm)
        return

    import clemency

    package = Path(clemency.__file__).parent
    variants: Variants = {"": None}
    if args.baseline is not None:
        variants = {"A: ": args.baseline.resolve(), "B: ": package.parent}
    if not args.no_compile:
        compileall.compile_dir(package, quiet=1)
        if args.baseline is not None:
            compileall.compile_dir(args.baseline, quiet=1)
    load = os.getloadavg()
    print(f"clemency from {package}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="clemency-startup-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        make_demo(workdir)
        lines = [HEADER, *cli_figures(workdir, args.form, args.runs, variants)]
        if args.servers:
            lines += server_figures(workdir, args.form, args.servers, args.requests, variants)
        print()
        print("\n".join(lines))
        if args.importtime:
            importtime(workdir, args.form, top=15)
        load = os.getloadavg()
        print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
