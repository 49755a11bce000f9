"""Case-store benchmark: import speed, and the time to open one case (access check, audited
read, all parts loaded, facts computed) with many cases in the database.

    .venv/bin/python benchmarks/store.py --cases 20000 [--pg-url ADMIN_URL]

The store is a SQLite file in a temporary folder or, with ``--pg-url``, a PostgreSQL database
of a name no other run can have, created on that server for the run and dropped when it ends
(``benchmarks/isolation.py``); nothing else on the server is touched.

Prints figures; it asserts nothing (the quality bar is p95 < 50 ms at 100,000 cases for a
case page, of which this is the store's share).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from isolation import own_database, stop_on_sigterm
from sqlalchemy import select

from clemency.accounts import service as accounts
from clemency.cases import facts as case_facts
from clemency.cases import service as case_service
from clemency.cases import transfer
from clemency.cases.access import Operator
from clemency.cases.demo.seed import demo_email, seed_accounts
from clemency.cases.demo.synthetic import synthetic_documents
from clemency.cases.models import PART_MODELS, Case
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, session_factory, unit_of_work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--opens", type=int, default=500)
    parser.add_argument(
        "--pg-url", default=None, help="PostgreSQL server to create this run's database on"
    )
    args = parser.parse_args()
    stop_on_sigterm()
    with own_database(args.pg_url, "clemency_bench_store") as url:
        run(args, url)


def run(args: argparse.Namespace, url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    slugs = ["justice-clinic", "pardon-project"]
    with unit_of_work(engine) as session:
        seed_accounts(session=session, password=None)
    started = time.perf_counter()
    batch = 1000
    for offset in range(0, args.cases, batch):
        documents = synthetic_documents(
            seed=offset, count=min(batch, args.cases - offset), organizations=slugs, volunteers={}
        )
        for number, document in enumerate(documents, start=offset + 1):
            document["reference"] = f"B-{number:07d}"
        with unit_of_work(engine) as session:
            transfer.import_cases(
                session=session, user=Operator("bench"), rows=list(enumerate(documents, 1))
            )
    imported = time.perf_counter() - started
    print(f"import: {args.cases} cases in {imported:.1f} s ({args.cases / imported:.0f} cases/s)")

    with session_factory(engine)() as session:
        attorney = accounts.get_user_by_email(
            session=session, email=demo_email("justice-clinic", "attorney")
        )
        org_id = session.scalar(select(Case.organization_id).where(Case.reference == "B-0000001"))
        ids = list(session.scalars(select(Case.id).where(Case.organization_id == org_id)))
    assert attorney is not None
    rng = random.Random(1)
    timings = []
    for _ in range(args.opens):
        case_id = rng.choice(ids)
        begin = time.perf_counter()
        with unit_of_work(engine) as session:
            user = session.get(type(attorney), attorney.id)
            assert user is not None
            case = case_service.get_for_user(session=session, user=user, case_id=case_id)
            for kind in PART_MODELS:
                getattr(case, kind)
            case_facts.facts_for_case(case)
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"open case ({engine.dialect.name}, {args.cases} cases): "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"{1000 / statistics.mean(timings):.0f} opens/s"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
