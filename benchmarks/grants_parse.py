"""Parse speed of the grant pages: grants per second and pages per second.

    .venv/bin/python benchmarks/grants_parse.py [--rounds N]

A benchmark, not a test: it prints figures and never fails on speed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from clemency.grants.parser import parse_html

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "doj-pardon-pages"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = [(path.name, path.read_bytes()) for path in sorted(PAGES.glob("*.html"))]
    if not pages:
        raise SystemExit(f"no pages in {PAGES}")
    grants = 0
    started = time.perf_counter()
    for _ in range(args.rounds):
        for name, data in pages:
            grants += len(parse_html(data, source_file=name).grants)
    elapsed = time.perf_counter() - started
    count = len(pages) * args.rounds
    print(f"pages parsed      {count}")
    print(f"grants parsed     {grants}")
    print(f"seconds           {elapsed:.2f}")
    print(f"pages per second  {count / elapsed:.1f}")
    print(f"grants per second {grants / elapsed:.0f}")


if __name__ == "__main__":
    main()
