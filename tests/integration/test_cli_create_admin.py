"""`clemency accounts create-admin`: the first administrator, with the password policy every
other way of setting a password applies, the password read from a pipe, and refused once an
administrator exists."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from clemency.accounts.models import Membership, User
from clemency.accounts.passwords import verify_password
from clemency.cli.main import app
from clemency.db import migrate
from clemency.db.session import make_engine, unit_of_work

runner = CliRunner()
GOOD = "lantern orchard copper violin"


def _create(url: str, stdin: str, email: str = "ada@example.org") -> tuple[int, str]:
    result = runner.invoke(
        app,
        [
            *("accounts", "create-admin", "--org", "clinic", "--email", email),
            *("--name", "Ada Admin", "--database-url", url),
        ],
        input=stdin,
    )
    return result.exit_code, result.output


def _admins(url: str) -> list[tuple[str, str | None]]:
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            rows = session.execute(
                select(User.email, User.password_hash)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.role == "admin")
            ).all()
            return [(email, password_hash) for email, password_hash in rows]
    finally:
        engine.dispose()


def test_the_first_administrator_from_a_pipe_then_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    migrate.upgrade(url)
    code, output = _create(url, GOOD + "\n")
    assert code == 0, output
    assert "ada@example.org: administrator of clinic" in output
    assert "Warning" not in output  # no GetPassWarning on a pipe
    [(email, password_hash)] = _admins(url)
    assert email == "ada@example.org"
    assert password_hash is not None
    assert verify_password(password_hash, GOOD)

    code, output = _create(url, GOOD + "\n", email="bob@example.org")
    assert code == 1
    assert (
        output.strip()
        == "error: an administrator already exists; invite people from the Admin page"
    )
    assert len(_admins(url)) == 1


def test_a_weak_or_missing_password_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    migrate.upgrade(url)
    for stdin, words in [
        ("short\n", "at least 12 characters"),
        ("password1234\n", "common or breached"),
        ("ada@example.org\n", "e-mail"),
        ("", "no password on standard input"),
    ]:
        code, output = _create(url, stdin)
        assert code == 1, (stdin, output)
        assert words in output, (stdin, output)
        assert len(output.strip().splitlines()) == 1, output
        assert _admins(url) == []
