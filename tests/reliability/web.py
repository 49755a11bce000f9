"""A real server for reliability tests: the app under uvicorn on an ephemeral port of
127.0.0.1 in a background thread, a seeded demo database, and signed-in HTTP clients."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

from clemency.config import Settings

SNAPSHOT_SKIPS = ("audit_events", "audit_chain", "web_sessions")
"""Tables a GET may change: the audit trail (reads of cases are audited) and the sign-in
sessions (``last_seen_at`` restarts the idle clock, at most every 30 s)."""


def seed(database_url: str, count: int) -> None:
    from clemency.cases.demo.seed import seed_demo
    from clemency.db.migrate import upgrade
    from clemency.db.session import make_engine, unit_of_work

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with unit_of_work(engine) as session:
            seed_demo(session=session, count=count)
    finally:
        engine.dispose()


@contextmanager
def serve(database_url: str, data_dir: Path) -> Iterator[str]:
    """The web app on http://127.0.0.1:<ephemeral port>; stopped on exit."""
    import uvicorn

    from clemency.web.app import create_app

    settings = Settings(environment="test", database_url=database_url, data_dir=data_dir)
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.engine.dispose()


def signed_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=120)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]*)"', page.text)
    assert token is not None, page.status_code
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.text[:300]
    return client


def snapshot(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but :data:`SNAPSHOT_SKIPS`, sorted, as plain tuples."""
    engine = sa.create_engine(database_url)
    try:
        tables = [t for t in sa.inspect(engine).get_table_names() if t not in SNAPSHOT_SKIPS]
        out = {}
        with engine.connect() as connection:
            for table in tables:
                rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
                out[table] = sorted((tuple(r) for r in rows), key=repr)
        return out
    finally:
        engine.dispose()
