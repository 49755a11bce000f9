"""Web latency at 100,000 cases: case list, search and case page under concurrent load.

Fills a database with synthetic cases by bulk insert (people, cases, a conviction and a count
each, and their search terms), starts ``--workers`` single-process ``uvicorn`` servers on
loopback ports, signs in as an attorney who sees every case, and sends bounded concurrent
requests with httpx, balanced round-robin over the servers as a reverse proxy would. Each
scenario runs at every ``--concurrency`` level (requests in flight). Prints p50/p95/max per
scenario and level, and requests per second. Target: p95 < 50 ms on SQLite and PostgreSQL.

    python benchmarks/web.py --cases 100000 --backend sqlite
    python benchmarks/web.py --cases 100000 --backend postgresql \
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from isolation import listening_socket, own_postgres_database, stop_on_sigterm, stop_server

GIVEN = [
    "Alice",
    "Andre",
    "Beatriz",
    "Calvin",
    "Carmen",
    "Darnell",
    "Delia",
    "Desmond",
    "Elena",
    "Ernesto",
    "Faye",
    "Gideon",
    "Gloria",
    "Hector",
    "Imani",
    "Ivan",
    "Jada",
    "Jerome",
    "Keisha",
    "Lamar",
    "Lorena",
    "Marcus",
    "Marisol",
    "Nadia",
    "Omar",
    "Patrice",
    "Quentin",
    "Rosa",
    "Rashad",
    "Selena",
    "Terrence",
    "Tanya",
    "Ulysses",
    "Valeria",
    "Wendell",
    "Yolanda",
]
FAMILY = [
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Haddad",
    "Kowalski",
    "Lindqvist",
    "Abernathy",
    "Delacroix",
    "Fitzgerald",
    "Oyelaran",
    "Petrov",
    "Quintero",
    "Sorensen",
]
OFFENSES = [
    ("Conspiracy to distribute cocaine", "drug"),
    ("Possession with intent to distribute methamphetamine", "drug"),
    ("Distribution of heroin", "drug"),
    ("Wire fraud", "fraud"),
    ("Bank fraud", "fraud"),
    ("Felon in possession of a firearm", "weapons"),
    ("Illegal reentry", "immigration"),
    ("Armed robbery", "violent"),
    ("Bribery of a public official", "public_trust"),
    ("Money laundering", "fraud"),
]
STAGES = ["intake", "screening", "building", "drafting", "filed", "decided", "closed"]
PASSWORD = "benchmark password 2026"


def _batches(rows: list[dict[str, object]], size: int = 5000) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def fill(url: str, cases: int, seed: int) -> dict[str, object]:
    """Schema, two organizations, one attorney per organization, and ``cases`` cases (all but
    one hundred in the attorney's organization). Returns what the load needs to know."""
    import clemency.accounts.auth_models
    import clemency.db.models
    import clemency.reviews.models
    import clemency.search.listing
    import clemency.search.models  # noqa: F401
    from clemency.accounts import service as accounts
    from clemency.cases.models import Case, Conviction, Count, Person
    from clemency.db.base import Base
    from clemency.db.session import make_engine, unit_of_work
    from clemency.search.models import CaseSearchTerm
    from clemency.search.service import terms_for

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(engine) as session:
        orgs = []
        for slug in ("bench-a", "bench-b"):
            org = accounts.create_organization(session=session, slug=slug, name=slug)
            user = accounts.create_user(
                session=session,
                email=f"attorney@{slug}.example",
                display_name=slug,
                password=PASSWORD,
            )
            accounts.add_membership(session=session, organization=org, user=user, role="attorney")
            orgs.append(org.id)
    rng = random.Random(seed)
    start = time.perf_counter()
    now = datetime.now(UTC)
    people, case_rows, convictions, counts, terms = [], [], [], [], []
    for i in range(1, cases + 1):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        register = f"{rng.randrange(10000, 99999)}-{rng.randrange(0, 999):03d}"
        offense, category = rng.choice(OFFENSES)
        org = orgs[1] if i <= 100 else orgs[0]
        reference = f"B-{i:06d}"
        people.append(
            {
                "id": i,
                "given_name": given,
                "family_name": family,
                "bop_register_number": register,
                "version": 1,
                "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randrange(0, 15000)),
            }
        )
        case_rows.append(
            {
                "id": i,
                "organization_id": org,
                "reference": reference,
                "person_id": i,
                "stage": rng.choice(STAGES),
                "jurisdiction": "us-federal",
                "is_synthetic": True,
                "version": 1,
                "created_at": now,
                "updated_at": now - timedelta(seconds=i),
            }
        )
        convictions.append(
            {
                "id": i,
                "case_id": i,
                "is_primary": True,
                "court_kind": "federal_district",
                "offense_level": "felony",
                "offense_category": category,
                "convicted_on": date(1990, 1, 1) + timedelta(days=rng.randrange(0, 10000)),
                "version": 1,
            }
        )
        counts.append(
            {
                "id": i,
                "case_id": i,
                "conviction_id": i,
                "number": 1,
                "offense_text": offense,
                "category": category,
                "version": 1,
            }
        )
        for term in terms_for(
            reference=reference,
            names=(given, family),
            register_number=register,
            offenses=(offense,),
        ):
            terms.append({"case_id": i, "term": term})
    with engine.begin() as conn:
        for table, rows in (
            (Person, people),
            (Case, case_rows),
            (Conviction, convictions),
            (Count, counts),
            (CaseSearchTerm, terms),
        ):
            for batch in _batches(rows):
                conn.execute(sa.insert(table), batch)
        if engine.dialect.name == "postgresql":
            for table in ("people", "cases", "convictions", "counts"):
                conn.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {cases + 1})")
                )
    # A bulk load leaves PostgreSQL's visibility map empty until autovacuum comes by; vacuum
    # now, as a database that has been in use would be, so index-only scans are index-only.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    seconds = time.perf_counter() - start
    engine.dispose()
    return {
        "orgs": orgs,
        "fill_seconds": seconds,
        "rows": len(people) + len(case_rows) + len(convictions) + len(counts) + len(terms),
        "families": FAMILY,
    }


def start_server(url: str, folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    sock = listening_socket()
    port = sock.getsockname()[1]
    env = {
        **os.environ,
        "CLEMENCY_DATABASE_URL": url,
        "CLEMENCY_DATA_DIR": str(folder / "data"),
        "CLEMENCY_ENVIRONMENT": "development",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "clemency.web.app:create_app",
            "--fd",
            str(sock.fileno()),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        pass_fds=(sock.fileno(),),
    )
    sock.close()  # the server holds its own copy
    base = f"http://127.0.0.1:{port}"
    # A server loads WeasyPrint before it serves (the packet warm-up): on a busy shared
    # machine that alone can take tens of seconds.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    code = process.poll()
    stop_server(process)
    raise SystemExit(
        "the server did not start within 240 s"
        if code is None
        else f"the server exited with status {code} before serving"
    )


def sign_in(client: httpx.Client, email: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.text


async def load(
    bases: list[str], cookies: httpx.Cookies, paths: list[str], concurrency: int
) -> tuple[list[float], float]:
    """Send ``paths`` with at most ``concurrency`` in flight; per-request latency in ms.

    In-flight slot ``i`` talks to server ``i % len(bases)`` over its own keep-alive
    connection: a round-robin balancer in front of single-process servers, as a reverse
    proxy would be. (One port shared by several worker processes gives the few long-lived
    connections of a benchmark to whichever process accepts first, often the same one.)"""
    latencies: list[float] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            path = queue.get_nowait()
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")

    clients = [
        httpx.AsyncClient(
            base_url=bases[slot % len(bases)],
            cookies=cookies,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=30,
        )
        for slot in range(concurrency)
    ]
    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        wall = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    return latencies, wall


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(backend: str, args: argparse.Namespace) -> list[tuple[str, ...]]:
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clemency-web-")))
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'bench.db'}"
        else:
            url = stack.enter_context(own_postgres_database(args.pg_url, "clemency_web_bench"))
        return measure(backend, url, folder, args)


def measure(
    backend: str, url: str, folder: Path, args: argparse.Namespace
) -> list[tuple[str, ...]]:
    info = fill(url, args.cases, args.seed)
    print(
        f"[{backend}] filled {args.cases:,} cases ({info['rows']:,} rows) in "
        f"{info['fill_seconds']:.1f} s = {int(info['rows']) / float(info['fill_seconds']):,.0f} rows/s"
    )
    servers: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for _ in range(args.workers):
            servers.append(start_server(url, folder, 1))
        bases = [base for _process, base in servers]
        with httpx.Client(base_url=bases[0], follow_redirects=False, timeout=30) as client:
            sign_in(client, "attorney@bench-a.example")
            cookies = client.cookies
        rng = random.Random(args.seed + 1)
        families: list[str] = info["families"]  # type: ignore[assignment]
        n = args.requests
        visible_ids = range(101, args.cases + 1)
        scenarios = {
            "case list, page 1": ["/cases"] * n,
            "case list, page 40 (offset 1,950)": ["/cases?page=40"] * n,
            "case list, stage filter + sort by name": [
                f"/cases?stage={rng.choice(STAGES)}&sort=name&order=asc" for _ in range(n)
            ],
            "search: family name": [f"/cases?q={rng.choice(families)}" for _ in range(n)],
            "search: name + offense words": [
                f"/cases?q={rng.choice(GIVEN)}+{rng.choice(['cocaine', 'fraud', 'firearm'])}"
                for _ in range(n)
            ],
            "search: register number prefix": [
                f"/cases/_rows?q={rng.randrange(10000, 99999)}" for _ in range(n)
            ],
            "case page": [f"/cases/{rng.choice(visible_ids)}" for _ in range(n)],
            "API: case list": ["/api/v1/cases?sort=name"] * n,
        }
        rows = []
        for name, paths in scenarios.items():
            asyncio.run(load(bases, cookies, paths[: max(10, n // 10)], args.workers))  # warm
            for concurrency in args.concurrency:
                cpu_before = sum(cpu_seconds(process.pid) for process, _base in servers)
                latencies, wall = asyncio.run(load(bases, cookies, paths, concurrency))
                cpu = sum(cpu_seconds(process.pid) for process, _base in servers) - cpu_before
                row = (
                    backend,
                    name,
                    str(concurrency),
                    f"{statistics.median(latencies):.1f}",
                    f"{percentile(latencies, 0.95):.1f}",
                    f"{max(latencies):.1f}",
                    f"{len(latencies) / wall:.0f}",
                    f"{cpu * 1000 / len(latencies):.1f}",
                    f"{os.getloadavg()[0]:.1f}",
                )
                rows.append(row)
                print(" | ".join(row), flush=True)
        return rows
    finally:
        for process, _base in servers:
            process.terminate()
        for process, _base in servers:
            stop_server(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "CLEMENCY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario")
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 2, 4, 8],
        help="requests in flight, one run per value (comma-separated)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="server processes (one uvicorn worker each, requests balanced round-robin)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    stop_on_sigterm()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"{args.cases:,} cases, {args.requests} requests per scenario, "
        f"{'/'.join(map(str, args.concurrency))} in flight, {args.workers} workers, {os.cpu_count()} cores"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        "backend | scenario | in flight | p50 ms | p95 ms | max ms | req/s "
        "| server CPU ms/request | load average"
    )
    table = [row for backend in backends for row in run(backend, args)]
    print(
        "\n| backend | scenario | in flight | p50 ms | p95 ms | max ms | req/s "
        "| CPU ms/req | load |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in table:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
