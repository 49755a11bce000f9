"""A real server and a real browser: the demo database (Alice Marie Johnson and synthetic
cases in two organizations) served by uvicorn on a free loopback port, driven by Debian's
Chromium through Playwright. Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class DemoServer:
    url: str
    alice_case_id: int
    password: str
    tmp: Path

    def email(self, organization: str, role: str) -> str:
        from clemency.cases.demo.seed import demo_email

        return demo_email(organization, role)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _build_demo_database(url: str) -> int:
    from sqlalchemy import select

    from clemency.cases.demo.alice import ALICE_REFERENCE
    from clemency.cases.demo.seed import seed_demo
    from clemency.cases.models import Case
    from clemency.db import migrate
    from clemency.db.session import make_engine, unit_of_work

    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            seed_demo(session=session, count=60)
        with unit_of_work(engine) as session:
            return int(session.scalar(select(Case.id).where(Case.reference == ALICE_REFERENCE)))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    from clemency.cases.demo.seed import DEMO_PASSWORD

    tmp = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{tmp / 'demo.db'}"
    alice = _build_demo_database(url)
    port = _free_port()
    env = {
        **os.environ,
        "CLEMENCY_DATABASE_URL": url,
        "CLEMENCY_DATA_DIR": str(tmp / "data"),
        "CLEMENCY_ENVIRONMENT": "development",
    }
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "clemency.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError("the server died:\n" + (tmp / "server.log").read_text())
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + (tmp / "server.log").read_text())
            time.sleep(0.2)
        yield DemoServer(url=base, alice_case_id=alice, password=DEMO_PASSWORD, tmp=tmp)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        from tests.conftest import missing

        missing(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def shot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def shot_of(locator: object, name: str) -> Path:
    """A screenshot of one element (a section of a long page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    locator.screenshot(path=str(path))  # type: ignore[attr-defined]
    return path


def sign_in(page: object, server: DemoServer, organization: str, role: str) -> None:
    page.goto(server.url + "/login")  # type: ignore[attr-defined]
    page.get_by_label("E-mail").fill(server.email(organization, role))  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(server.password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url(server.url + "/")  # type: ignore[attr-defined]
