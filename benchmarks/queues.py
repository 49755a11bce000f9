"""Screening-queue benchmark: the cost of one queue page (and of the report) with many stored
determinations, for an attorney who sees the whole organization.

    .venv/bin/python benchmarks/queues.py --cases 5000 [--pg-url ADMIN_URL]

The store is a SQLite file in a temporary folder or, with ``--pg-url``, a PostgreSQL database
of a name no other run can have, created on that server for the run and dropped when it ends
(``benchmarks/isolation.py``); nothing else on the server is touched.

Prints figures; asserts nothing. The page reads stored determinations only (one counted,
indexed query and one page of rows), so its time should stay flat as the store grows.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from isolation import own_database, stop_on_sigterm
from sqlalchemy import insert, select

from clemency.accounts import service as accounts
from clemency.cases import transfer
from clemency.cases.access import Operator
from clemency.cases.demo.seed import demo_email, seed_accounts
from clemency.cases.demo.synthetic import synthetic_documents
from clemency.cases.models import Case
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, session_factory, unit_of_work
from clemency.queues import service as queues
from clemency.reviews.models import CaseScreening

TODAY = date(2027, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument(
        "--pg-url", default=None, help="PostgreSQL server to create this run's database on"
    )
    args = parser.parse_args()
    stop_on_sigterm()
    with own_database(args.pg_url, "clemency_bench_queues") as url:
        run(args, url)


def run(args: argparse.Namespace, url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        seed_accounts(session=session, password=None)
    for offset in range(0, args.cases, 1000):
        documents = synthetic_documents(
            seed=offset,
            count=min(1000, args.cases - offset),
            organizations=["justice-clinic", "pardon-project"],
            volunteers={},
        )
        for number, document in enumerate(documents, start=offset + 1):
            document["reference"] = f"Q-{number:07d}"
        with unit_of_work(engine) as session:
            transfer.import_cases(
                session=session, user=Operator("bench"), rows=list(enumerate(documents, 1))
            )
    rng = random.Random(7)
    with unit_of_work(engine) as session:
        ids = list(session.scalars(select(Case.id)))
        rows = []
        for case_id in ids:
            for ruleset in ("us-federal/commutation", "us-federal/pardon"):
                outcome = rng.choice(("eligible", "ineligible", "ineligible", "needs_review"))
                waits = outcome == "ineligible" and rng.random() < 0.5
                rows.append(
                    {
                        "case_id": case_id,
                        "ruleset_id": ruleset,
                        "outcome": outcome,
                        "as_of": TODAY,
                        "eligible_on": TODAY + timedelta(days=rng.randint(1, 2000))
                        if waits
                        else None,
                        "determination_json": "{}",
                    }
                )
        session.execute(insert(CaseScreening), rows)
    print(f"store: {len(ids)} cases, {len(rows)} stored determinations ({url.split(':')[0]})")
    with session_factory(engine)() as session:
        attorney = accounts.get_user_by_email(
            session=session, email=demo_email("justice-clinic", "attorney")
        )
    assert attorney is not None
    for label, page in (("first page", 1), ("page 10", 10)):
        timings = []
        total = 0
        for _ in range(args.pages):
            begin = time.perf_counter()
            with unit_of_work(engine) as session:
                user = session.get(type(attorney), attorney.id)
                assert user is not None
                result = queues.queue(
                    session=session, user=user, today=TODAY, within_days=90, page=page
                )
                total = result.total
            timings.append((time.perf_counter() - begin) * 1000)
        timings.sort()
        print(
            f"queue {label}: {total} people in the queue; median "
            f"{statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms"
        )
    begin = time.perf_counter()
    with unit_of_work(engine) as session:
        user = session.get(type(attorney), attorney.id)
        assert user is not None
        queues.report(session=session, user=user, today=TODAY)
    print(f"report: {(time.perf_counter() - begin) * 1000:.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
