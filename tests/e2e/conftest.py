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
            return int(
                session.execute(
                    select(Case.id).where(Case.reference == ALICE_REFERENCE)
                ).scalar_one()
            )
    finally:
        engine.dispose()


SERVER_START_SECONDS = float(os.environ.get("CLEMENCY_E2E_START_SECONDS", "90"))
"""How long the server may take to answer /healthz: generous, as the machine may be busy (a
full test run beside us); a healthy start takes a second or two."""


def _server_output(tmp: Path) -> str:
    parts = []
    for name in ("server.err", "server.log"):
        path = tmp / name
        text = path.read_text(errors="replace").strip() if path.exists() else ""
        parts.append(f"--- {name} ---\n{text[-8000:] or '(empty)'}")
    return "\n".join(parts)


def _wait_until_healthy(
    process: subprocess.Popen[bytes], base: str, tmp: Path, seconds: float = SERVER_START_SECONDS
) -> None:
    """Poll ``/healthz`` until it answers 200; fail with the server's stderr when the process
    dies or ``seconds`` pass (each poll waits at most 2 s, and the polls slow down to 1 s)."""
    import httpx

    started = time.monotonic()
    pause = 0.1
    last = "no answer yet"
    while True:
        code = process.poll()
        if code is not None:
            raise RuntimeError(
                f"the e2e server exited with status {code} before answering /healthz:\n"
                + _server_output(tmp)
            )
        try:
            answer = httpx.get(base + "/healthz", timeout=2)
            if answer.status_code == 200:
                return
            last = f"/healthz answered {answer.status_code}"
        except httpx.HTTPError as error:
            last = f"{type(error).__name__}: {error}"
        waited = time.monotonic() - started
        if waited > seconds:
            raise RuntimeError(
                f"the e2e server did not answer /healthz within {seconds:.0f} s ({last}):\n"
                + _server_output(tmp)
            )
        time.sleep(pause)
        pause = min(pause * 1.5, 1.0)


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
    errors = (tmp / "server.err").open("w")
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
        stderr=errors,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, base, tmp)
        yield DemoServer(url=base, alice_case_id=alice, password=DEMO_PASSWORD, tmp=tmp)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        errors.close()


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
