"""Load: 20 people sign in at once and browse for 60 s against a 10,000-case organization.

Seeds one demo organization (``justice-clinic``) with ``--cases`` synthetic cases through the
real import (petitions, letters, lifecycle rows and all), starts the production server
(``uvicorn`` with ``--workers`` processes, as ``clemency serve`` does) on a loopback socket the
benchmark binds to a port the kernel picks and hands to uvicorn (``--fd``), then runs ``--users`` simultaneous users for ``--seconds``. Each user signs in
(the four demo accounts of the organization, shared) and loops over the dashboard, the case
list, a random case page, a random case's petitions page and a random page of deadlines.
Prints p50/p95/max per page and the count of every status; any 5xx is an error (exit 1).

    python benchmarks/load.py --backend sqlite
    python benchmarks/load.py --backend postgresql \
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

PostgreSQL: the database ``clemency_bench_load_<pid>_<random>`` is created for the run and
dropped when it ends, also on an error, Ctrl-C or SIGTERM (only that one; see
``benchmarks/isolation.py``). SQLite: a file in a temporary folder, or ``--sqlite-file`` to keep
and reuse a seeded one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import sqlalchemy as sa
from isolation import listening_socket, own_postgres_database, stop_on_sigterm, stop_server

ORG = "justice-clinic"
ROLES = ("admin", "attorney", "volunteer", "viewer")


def seed(url: str, cases: int) -> None:
    from clemency.audit import service as audit
    from clemency.cases import transfer
    from clemency.cases.access import Operator
    from clemency.cases.demo.seed import seed_accounts
    from clemency.cases.demo.synthetic import synthetic_documents
    from clemency.db.migrate import upgrade
    from clemency.db.session import make_engine, unit_of_work

    upgrade(url)
    engine = make_engine(url)
    started = time.monotonic()
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="cli")
            seed_accounts(session=session)
            documents = synthetic_documents(
                seed=2018,
                count=cases,
                organizations=[ORG],
                volunteers={ORG: f"volunteer@{ORG}.example"},
            )
            transfer.import_cases(
                session=session,
                user=Operator("cli:load-benchmark"),
                rows=list(enumerate(documents, start=1)),
                source_name="load benchmark",
            )
        with unit_of_work(engine) as session:
            from clemency.search import service as search

            search.reindex_all(session=session)
    finally:
        engine.dispose()
    print(f"seeded {cases:,} cases in {time.monotonic() - started:.0f} s", flush=True)


def start_server(url: str, data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    sock = listening_socket()
    port = sock.getsockname()[1]
    env = dict(os.environ)
    env.update(
        CLEMENCY_DATABASE_URL=url,
        CLEMENCY_DATA_DIR=str(data_dir),
        CLEMENCY_ENVIRONMENT="development",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "clemency.web.app:create_app",
            "--factory",
            "--fd",
            str(sock.fileno()),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        pass_fds=(sock.fileno(),),
    )
    sock.close()  # the server holds its own copy
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise SystemExit("the server did not start")


def sign_in(client: httpx.Client, email: str) -> float:
    started = time.perf_counter()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]*)"', page.text)
    assert token is not None, page.status_code
    answer = client.post(
        "/login",
        data={"email": email, "password": "clemency-demo", "csrf_token": token.group(1)},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in answered {answer.status_code}")
    return time.perf_counter() - started


def user(
    base: str,
    number: int,
    case_ids: list[int],
    until: float,
    timings: dict[str, list[float]],
    statuses: Counter[str],
    lock: threading.Lock,
) -> None:
    rng = random.Random(number)
    email = f"{ROLES[number % len(ROLES)]}@{ORG}.example"
    pages = max(1, len(case_ids) // 50)
    with httpx.Client(base_url=base, follow_redirects=False, timeout=120) as client:
        try:
            took = sign_in(client, email)
            with lock:
                timings["sign in"].append(took)
                statuses["sign in 303"] += 1
        except Exception as error:
            with lock:
                statuses[f"sign in failed: {error}"] += 1
            return
        while time.monotonic() < until:
            case = rng.choice(case_ids)
            for name, path in (
                ("dashboard", "/"),
                ("case list", "/cases"),
                ("case page", f"/cases/{case}"),
                ("petitions page", f"/cases/{case}/petitions"),
                ("deadlines", f"/deadlines?page={rng.randint(1, pages)}"),
            ):
                started = time.perf_counter()
                try:
                    status = str(client.get(path).status_code)
                except httpx.HTTPError as error:
                    status = f"transport error {type(error).__name__}"
                took = time.perf_counter() - started
                with lock:
                    timings[name].append(took)
                    statuses[f"{name} {status}"] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("CLEMENCY_TEST_PG_URL", ""))
    parser.add_argument("--sqlite-file", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    stop_on_sigterm()
    with contextlib.ExitStack() as stack:  # undone in reverse: server, database, folder
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clemency-load-")))
        if args.backend == "sqlite":
            path = args.sqlite_file or scratch / "load.db"
            url = f"sqlite:///{path}"
            if not path.exists():
                seed(url, args.cases)
        else:
            if not args.pg_url:
                raise SystemExit("--pg-url (or CLEMENCY_TEST_PG_URL) is needed for PostgreSQL")
            url = stack.enter_context(own_postgres_database(args.pg_url, "clemency_bench_load"))
            seed(url, args.cases)
        return run(args, url, scratch, stack)


def run(args: argparse.Namespace, url: str, scratch: Path, stack: contextlib.ExitStack) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        case_ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM cases"))]
    engine.dispose()
    server, base = start_server(url, scratch / "data", args.workers)
    stack.callback(stop_server, server)
    timings: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=user, args=(base, n, case_ids, until, timings, statuses, lock))
        for n in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"{args.backend}: {len(case_ids):,} cases, {args.users} users, {args.seconds:.0f} s, "
        f"{args.workers} workers"
    )
    print(f"{'page':16} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in timings.items():
        print(
            f"{name:16} {len(values):8d} {statistics.median(values) * 1000:8.0f} "
            f"{percentile(values, 0.95) * 1000:8.0f} {max(values) * 1000:8.0f}"
        )
    for key, count in sorted(statuses.items()):
        print(f"  {key}: {count}")
    # A 404 is a case this role may not open (volunteers see their assigned cases only).
    errors = sum(
        count
        for key, count in statuses.items()
        if key.rsplit(" ", 1)[-1].startswith("5") or "error" in key or "failed" in key
    )
    print(f"errors (5xx, transport, failed sign-ins): {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
