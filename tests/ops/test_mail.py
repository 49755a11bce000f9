"""E-mail through a real SMTP server (aiosmtpd, started here) and the file backend."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.ops import mail
from clemency.ops.models import SentEmail
from clemency.testing import factories
from tests.integration.petitions.builders import make_alice
from tests.integration.web.conftest import _HASH, create_schema, csrf_of, sign_in

SUPPORTER = "warden.supporter@example.org"

# The tests' own SMTP server (aiosmtpd on the loopback) requires AUTH without TLS on purpose,
# so no certificate is needed; aiosmtpd warns about that set-up when it starts. Only that.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning:aiosmtpd.smtp"
)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


class _Auth:
    def __init__(self) -> None:
        self.logins: list[str] = []

    def __call__(
        self, _server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any
    ) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"clemency",
            b"smtp-secret",
        )
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Inbox, _Auth]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox, auth = _Inbox(), _Auth()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=auth,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield port, inbox, auth
    finally:
        controller.stop()


def _smtp_settings(database_url: str, tmp_path: Path, port: int) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        mail_backend="smtp",
        mail_from="clinic@example.org",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_user="clemency",
        smtp_password="smtp-secret",  # type: ignore[arg-type]
        public_url="https://clemency.example.org",
    )


@pytest.fixture
def web(database_url: str, tmp_path: Path, smtp_server: tuple[int, _Inbox, _Auth]) -> Iterator[Any]:
    from clemency.web.app import create_app

    engine = create_schema(database_url)
    with unit_of_work(engine) as session:
        world = factories.make_world(session)
        for user in world.users.values():
            user.password_hash = _HASH
        alice = make_alice(session, world.users[("a", "admin")], world.orgs["a"])
        case_id, staff_email = alice.id, world.users[("a", "attorney")].email
    app = create_app(_smtp_settings(database_url, tmp_path, smtp_server[0]))
    with TestClient(app):
        pass
    yield app, engine, case_id, staff_email
    app.state.engine.dispose()
    engine.dispose()


def test_a_letter_request_e_mails_the_private_link(
    web: Any, smtp_server: tuple[int, _Inbox, _Auth]
) -> None:
    app, engine, case_id, staff_email = web
    _port, inbox, auth = smtp_server
    staff = TestClient(app, follow_redirects=False)
    sign_in(staff, staff_email)
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    made = staff.post(
        f"/cases/{case_id}/letters",
        data={
            "csrf_token": token,
            "author_name": "Arcala Washington-Adduci",
            "relationship": "Warden",
            "contact": f"  {SUPPORTER} ",
        },
    )
    assert made.status_code == 200, made.text[-800:]
    shown = re.search(r"/letters/([A-Za-z0-9_-]{20,})", made.text)
    assert shown is not None
    assert f"The link was e-mailed to {SUPPORTER}." in made.text

    assert auth.logins == ["clemency"]
    assert inbox.envelopes == [("clinic@example.org", [SUPPORTER])]
    message = inbox.messages[0]
    assert message["Subject"] == "A request for a letter of support"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    link = f"https://clemency.example.org/letters/{shown.group(1)}"
    assert link in plain.get_content()
    assert f'href="{link}"' in html.get_content()
    for body in (plain.get_content(), html.get_content()):
        # No case data: not the person's name, not the supporter's, not the organization.
        for private in ("Alice", "Johnson", "Arcala", "Warden"):
            assert private not in body
    # The link that arrived opens the supporter's page.
    opened = TestClient(app, follow_redirects=False).get(f"/letters/{shown.group(1)}")
    assert opened.status_code == 200

    with unit_of_work(engine) as session:
        rows = session.scalars(select(SentEmail)).all()
        assert [(r.kind, r.recipient, r.status, r.case_id) for r in rows] == [
            ("letter_link", SUPPORTER, "sent", case_id)
        ]


def test_a_contact_that_is_not_an_address_sends_nothing(
    web: Any, smtp_server: tuple[int, _Inbox, _Auth]
) -> None:
    app, engine, case_id, staff_email = web
    staff = TestClient(app, follow_redirects=False)
    sign_in(staff, staff_email)
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    made = staff.post(
        f"/cases/{case_id}/letters",
        data={"csrf_token": token, "author_name": "Pat", "contact": "(555) 010-0199"},
    )
    assert made.status_code == 200
    assert "e-mailed" not in made.text
    assert smtp_server[1].messages == []
    with unit_of_work(engine) as session:
        assert session.scalars(select(SentEmail)).all() == []


def test_an_unreachable_server_is_recorded_as_failed(database_url: str, tmp_path: Path) -> None:
    engine = create_schema(database_url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = int(probe.getsockname()[1])
    settings = _smtp_settings(database_url, tmp_path, closed_port)
    with unit_of_work(engine) as session:
        record = mail.send_letter_link(
            session=session,
            settings=settings,
            contact=SUPPORTER,
            link="https://x.example/letters/abc",
            expires_at=datetime(2027, 1, 5, tzinfo=UTC),
            case_id=None,
        )
        assert record is not None
        assert record.status == "failed"
        assert record.error is not None
        assert "ConnectionRefused" in record.error
    engine.dispose()


def test_the_file_backend_writes_a_readable_message(database_url: str, tmp_path: Path) -> None:
    engine = create_schema(database_url)
    settings = Settings(
        environment="test",
        database_url=database_url,
        mail_backend="file",
        mail_dir=tmp_path / "mail",
    )
    with unit_of_work(engine) as session:
        record = mail.send_letter_link(
            session=session,
            settings=settings,
            contact=SUPPORTER,
            link="https://x.example/letters/abc",
            expires_at=datetime(2027, 1, 5, tzinfo=UTC),
            case_id=None,
        )
        assert record is not None
        assert record.status == "written"
    engine.dispose()
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["To"] == SUPPORTER
    body = parsed.get_body(("plain",))
    assert body is not None
    assert "https://x.example/letters/abc" in body.get_content()
    assert "January 5, 2027" in body.get_content()


@pytest.fixture
def starttls_server(tmp_path: Path) -> Iterator[tuple[int, _Inbox, Path]]:
    import ssl

    from aiosmtpd.controller import Controller

    from tests.ops.certs import self_signed

    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = _Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_Auth(),
        auth_required=True,
    )
    controller.start()
    try:
        yield port, inbox, cert
    finally:
        controller.stop()


def test_starttls_with_a_private_ca_and_a_login(
    database_url: str, tmp_path: Path, starttls_server: tuple[int, _Inbox, Path]
) -> None:
    port, inbox, cert = starttls_server
    engine = create_schema(database_url)
    base = _smtp_settings(database_url, tmp_path, port)
    trusted = base.model_copy(
        update={"smtp_host": "localhost", "smtp_security": "starttls", "smtp_ca_file": cert}
    )
    untrusted = trusted.model_copy(update={"smtp_ca_file": None})
    with unit_of_work(engine) as session:
        outgoing = mail.letter_link(
            to=SUPPORTER, link="https://x.example/letters/t", expires_at=datetime(2027, 1, 5)
        )
        refused = mail.send(session=session, settings=untrusted, outgoing=outgoing)
        sent = mail.send(session=session, settings=trusted, outgoing=outgoing)
    engine.dispose()
    assert refused.status == "failed"  # the server's certificate is not from a trusted CA
    assert refused.error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in refused.error
    assert sent.status == "sent"
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["To"] == SUPPORTER
