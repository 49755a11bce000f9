"""End to end in a real browser: staff ask for a letter, the supporter opens the private link
without an account and uploads a PDF, staff accept it, and it is in the downloaded packet.

Runs the real server (uvicorn) on a temporary SQLite database and drives Debian's chromium
with Playwright (never a downloaded browser). Marked ``e2e``: run with ``--e2e``.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
LETTER = "Ms. Johnson has been a model inmate under my supervision at FCI Aliceville."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, object]]:
    import clemency.documents.models
    import clemency.petitions.models  # noqa: F401
    from clemency.accounts.passwords import hash_password
    from clemency.db.session import unit_of_work
    from clemency.testing.factories import make_organization, make_user
    from tests.integration.petitions.builders import make_alice
    from tests.integration.web.conftest import create_schema

    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    engine = create_schema(url)
    with unit_of_work(engine) as session:
        org = make_organization(session, "e2e-clinic")
        staff = make_user(session, org, "attorney", email="staff@e2e.test")
        staff.password_hash = hash_password(PASSWORD)
        case_id = make_alice(session, staff, org).id
    engine.dispose()
    port = _free_port()
    env = dict(
        os.environ,
        CLEMENCY_DATABASE_URL=url,
        CLEMENCY_DATA_DIR=str(tmp_path / "data"),
        CLEMENCY_ENVIRONMENT="test",
    )
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 - read back on failure
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "uvicorn"),
            "--factory",
            "clemency.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if proc.poll() is not None:
                break
            try:
                if httpx.get(base + "/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start")
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail("server died:\n" + log.read())
        yield {"base": base, "case_id": case_id, "tmp": tmp_path}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_letter_requested_uploaded_accepted_and_in_the_packet(
    server: dict[str, object], browser: Any
) -> None:
    """Uses the session's one browser (tests/e2e/conftest.py): Playwright's sync API allows
    one running instance per process."""
    from pypdf import PdfReader

    from tests.unit.petitions.samples import pdf_letter

    base, case_id, tmp = server["base"], server["case_id"], server["tmp"]
    assert isinstance(tmp, Path)
    letter_pdf = tmp / "warden-letter.pdf"
    letter_pdf.write_bytes(
        pdf_letter("To the President:\n" + LETTER + "\nArcala Washington-Adduci, Warden")
    )

    contexts = []
    try:
        contexts.append(browser.new_context(accept_downloads=True))
        staff = contexts[-1].new_page()
        staff.goto(f"{base}/login")
        staff.get_by_label("E-mail").fill("staff@e2e.test")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.wait_for_load_state()
        assert "Sign out" in staff.content(), staff.content()[-2000:]

        staff.goto(f"{base}/cases/{case_id}/petitions")
        staff.get_by_label("Supporter's name").fill("Arcala Washington-Adduci")
        staff.get_by_label("Relationship to Alice Marie Johnson").fill("Warden")
        staff.get_by_label("Relative?").select_option("no")
        staff.get_by_role("button", name="Create private link").click()
        link = staff.get_by_label("Link").input_value()
        assert "/letters/" in link

        # The supporter: a separate browser context, no account, no cookies.
        contexts.append(browser.new_context())
        supporter = contexts[-1].new_page()
        supporter.goto(link)
        supporter.get_by_role(
            "heading", name="Letter of support for Alice Marie Johnson"
        ).wait_for()
        assert "What a good letter says" in supporter.content()
        supporter.get_by_label("Upload your signed letter").set_input_files(str(letter_pdf))
        supporter.get_by_role("button", name="Send my letter").click()
        supporter.get_by_role("heading", name="Thank you, Arcala Washington-Adduci").wait_for()
        supporter.goto(link)  # single use
        supporter.get_by_role("heading", name="This link cannot be used").wait_for()

        staff.goto(f"{base}/cases/{case_id}/petitions")
        staff.get_by_role("button", name="Accept letter from Arcala Washington-Adduci").click()
        staff.wait_for_url(f"**/cases/{case_id}/petitions?saved=1#letters")
        assert staff.locator("#letters").get_by_text("accepted").count() == 1
        staff.screenshot(path=str(tmp / "petitions-page.png"), full_page=True)

        staff.get_by_label("Form", exact=True).select_option("us-federal/commutation")
        staff.get_by_label("Format").select_option("pdf")
        # The packet is a background job (the server's thread, SQLite): its page polls until
        # the download link appears (issue #15).
        staff.get_by_role("button", name="Generate packet").click()
        staff.get_by_role("heading", name="Packet ready").wait_for(timeout=60_000)
        with staff.expect_download() as info:
            staff.locator("#packet-download").click()
        packet = tmp / "packet.pdf"
        info.value.save_as(str(packet))
    finally:
        for context in contexts:
            context.close()

    # The private link is a credential: the server's access log shows it redacted.
    log = (tmp / "server.log").read_text()
    assert "/letters/…" in log
    assert link.rsplit("/", 1)[-1] not in log

    text = " ".join(
        " ".join(
            (p.extract_text() or "") for p in PdfReader(io.BytesIO(packet.read_bytes())).pages
        ).split()
    )
    assert "Letter of support from Arcala Washington-Adduci, Warden" in text
    assert LETTER in text
    assert "Alice Marie Johnson" in text
    assert "14873-076" in text
