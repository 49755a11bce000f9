"""Encryption at rest (issue 12, finding 6): health notes, victim records' text and stored files
are AES-GCM envelope ciphertext in the database and on disk, decrypted transparently, bound to
their column, refused when altered, rotated by `clemency keys rotate`, and the demo database
holds none of its victims' names, health notes or letters in plain text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from clemency.cases import service as case_service
from clemency.cases.access import Operator
from clemency.cases.models import Case, HealthNote, VictimRecord
from clemency.config import Settings
from clemency.crypto import envelope, keys
from clemency.db.session import make_engine, unit_of_work
from clemency.files import service as files
from tests.integration.web.conftest import Site, site  # noqa: F401 - the fixture

HEALTH = "CANARY-MEDICAL-7f3a stage IV carcinoma, prognosis under twelve months"
VICTIM = "CANARY-VICTIM-91c2 Jane Example"
CONTACT = "CANARY-CONTACT-44de 12 Elm Street, Springfield"
STATEMENT = "CANARY-STATEMENT-0b7e I oppose any release."
LETTER = b"CANARY-LETTER-c3d9 She mentored forty women in the GED program."
OPERATOR = Operator("cli:test")


@pytest.fixture
def keyring() -> Iterator[keys.Keyring]:
    previous = keys._current
    ring = keys.generate()
    keys.install(ring)
    yield ring
    keys.install(previous)  # type: ignore[arg-type]


def _canaries(session: Session, case_id: int, data_dir: Path) -> None:
    case_service.add_part(
        session=session,
        user=OPERATOR,
        case_id=case_id,
        kind="health_notes",
        values={"text": HEALTH, "is_critical_illness": True},
    )
    case_service.add_part(
        session=session,
        user=OPERATOR,
        case_id=case_id,
        kind="victim_records",
        values={
            "identity": "named",
            "full_name": VICTIM,
            "relation_to_offense": "direct_victim",
            "contact_details": CONTACT,
            "views_on_clemency": "opposes",
            "statement": STATEMENT,
        },
    )
    case = session.get(Case, case_id)
    assert case is not None
    files.register_file(
        session=session,
        case=case,
        data_dir=data_dir,
        content=LETTER,
        content_type="text/plain",
        filename="letter.txt",
        doc_type="support_letter",
    )


def _raw_bytes(paths: list[Path]) -> bytes:
    return b"".join(p.read_bytes() for p in paths if p.is_file())


CANARIES = (HEALTH, VICTIM, CONTACT, STATEMENT, LETTER.decode())


def test_the_demo_database_and_files_hold_no_sensitive_plain_text(tmp_path: Path) -> None:
    from clemency.cli.demo import demo

    database = tmp_path / "demo.db"
    previous = keys._current
    try:
        demo(database=database, count=40, serve=False)
        assert (tmp_path / "demo.keys").is_file()  # the demo made its own key file
        engine = make_engine(f"sqlite:///{database}")
        with unit_of_work(engine) as session:
            case_id = session.scalars(select(Case.id).order_by(Case.id)).first()
            assert case_id is not None
            _canaries(session, case_id, tmp_path / "data")
        with unit_of_work(engine) as session:  # decrypted transparently for the application
            names = set(session.scalars(select(VictimRecord.full_name)))
            notes = set(session.scalars(select(HealthNote.text)))
            seeded = {n for n in names if n and n.startswith("Synthetic victim")}
            assert seeded, "the demo seeds named victims"
            assert VICTIM in names
            assert HEALTH in notes
            statements = set(session.scalars(select(VictimRecord.statement)))
            assert "Synthetic statement (fictitious)." in statements
        engine.dispose()
    finally:
        keys.install(previous)  # type: ignore[arg-type]
    with sqlite3.connect(database) as raw:  # fold the WAL into the file before reading bytes
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = _raw_bytes([database, Path(f"{database}-wal")])
    on_disk = _raw_bytes(sorted((tmp_path / "data").rglob("*")))
    for secret in (*CANARIES, *seeded, "Synthetic contact (fictitious)", "Synthetic statement"):
        assert secret.encode() not in stored, secret
        assert secret.encode() not in on_disk, secret
    assert b"enc1:" in stored
    assert on_disk.startswith(envelope.FILE_MAGIC)
    # the part that stays plain: the person's name, for the case list and search
    assert b"Alice" in stored


def test_values_round_trip_and_tampering_fails_loudly(
    site: Site,  # noqa: F811
    keyring: keys.Keyring,
) -> None:
    with unit_of_work(site.engine) as session:
        _canaries(session, site.cases["a_other"], Path(site.settings.data_dir))
    with site.engine.connect() as connection:
        raw = connection.execute(text("SELECT id, text FROM health_notes")).one()
        victim = connection.execute(text("SELECT full_name, statement FROM victim_records")).one()
    assert raw.text.startswith(f"enc1:{keyring.active}:")
    assert HEALTH not in raw.text
    assert all(value.startswith("enc1:") for value in victim)
    with unit_of_work(site.engine) as session:
        assert session.scalars(select(HealthNote.text)).one() == HEALTH
        assert session.scalars(select(VictimRecord.statement)).one() == STATEMENT
    # one changed character of the ciphertext: the GCM tag no longer verifies
    kid, wrapped, sealed = raw.text[len("enc1:") :].split(":")
    flipped = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with site.engine.begin() as connection:
        connection.execute(
            text("UPDATE health_notes SET text = :t WHERE id = :i"),
            {"t": f"enc1:{kid}:{wrapped}:{flipped}", "i": raw.id},
        )
    with unit_of_work(site.engine) as session, pytest.raises(envelope.DecryptionFailed):
        session.scalars(select(HealthNote.text)).one()
    # a ciphertext moved to another column does not decrypt there either
    with site.engine.begin() as connection:
        connection.execute(text("UPDATE health_notes SET text = :t"), {"t": victim.statement})
    with unit_of_work(site.engine) as session, pytest.raises(envelope.DecryptionFailed):
        session.scalars(select(HealthNote.text)).one()


def test_the_search_index_holds_no_victim_or_health_words(
    site: Site,  # noqa: F811
    keyring: keys.Keyring,
) -> None:
    with unit_of_work(site.engine) as session:
        _canaries(session, site.cases["a_other"], Path(site.settings.data_dir))
    with site.engine.connect() as connection:
        terms = set(connection.scalars(text("SELECT term FROM case_search_terms")))
    assert terms
    for word in ("canary", "carcinoma", "jane", "elm", "oppose", "91c2", "7f3a"):
        assert word not in terms


def test_stored_files_are_encrypted_and_an_altered_file_is_refused(
    site: Site,  # noqa: F811
    keyring: keys.Keyring,
) -> None:
    with unit_of_work(site.engine) as session:
        case = session.get(Case, site.cases["a_other"])
        document = files.register_file(
            session=session,
            case=case,  # type: ignore[arg-type]
            data_dir=Path(site.settings.data_dir),
            content=LETTER,
            content_type="text/plain",
            filename="letter.txt",
            doc_type="support_letter",
        )
        key = document.storage_key
    path = Path(site.settings.data_dir) / "documents" / key[:2] / key
    sealed = path.read_bytes()
    assert LETTER not in sealed
    assert envelope.file_key_id(sealed) == keyring.active
    from clemency.files.storage import BlobStore

    assert BlobStore(Path(site.settings.data_dir)).get(key) == LETTER
    path.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(envelope.DecryptionFailed):
        BlobStore(Path(site.settings.data_dir)).get(key)


def test_keys_rotate_rewraps_everything_and_old_keys_can_be_retired(
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    from clemency.cli.main import app

    runner = CliRunner()
    key_file = tmp_path / "clemency.keys"
    made = runner.invoke(app, ["keys", "generate", "--out", str(key_file)])
    assert made.exit_code == 0, made.output
    assert key_file.stat().st_mode & 0o077 == 0  # owner only
    again = runner.invoke(app, ["keys", "generate", "--out", str(key_file)])
    assert again.exit_code == 1  # never overwritten
    first = keys.read(key_file)
    data_dir = Path(site.settings.data_dir)
    previous = keys._current
    try:
        keys.install(first)
        with unit_of_work(site.engine) as session:
            _canaries(session, site.cases["a_other"], data_dir)
        rotated = runner.invoke(
            app,
            [
                "keys",
                "rotate",
                "--key-file",
                str(key_file),
                "--database-url",
                site.settings.database_url,
                "--data-dir",
                str(data_dir),
                "--retire",
            ],
        )
        assert rotated.exit_code == 0, rotated.output
        second = keys.read(key_file)
        assert second.active != first.active
        assert list(second.keys) == [second.active]  # the old key is gone from the file
        assert "4 values and 1 files re-encrypted" in rotated.output
        with site.engine.connect() as connection:
            values = [
                v
                for column in ("full_name", "contact_details", "statement")
                for v in connection.scalars(text(f"SELECT {column} FROM victim_records"))
            ]
        assert all(envelope.text_key_id(v) == second.active for v in values)
        stored = next(p for p in (data_dir / "documents").rglob("*") if p.is_file())
        assert envelope.file_key_id(stored.read_bytes()) == second.active
        keys.install(second)
        with unit_of_work(site.engine) as session:
            assert session.scalars(select(HealthNote.text)).one() == HEALTH
            assert session.scalars(select(VictimRecord.full_name)).one() == VICTIM
        keys.install(first)  # the retired key alone no longer reads anything
        with unit_of_work(site.engine) as session, pytest.raises(keys.KeyError_):
            session.scalars(select(HealthNote.text)).one()
    finally:
        keys.install(previous)  # type: ignore[arg-type]


def test_the_migration_encrypts_existing_plain_text(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keyring: keys.Keyring
) -> None:
    from clemency.config import get_settings
    from clemency.db.migrate import upgrade

    if not database_url.startswith("sqlite"):
        pytest.skip("the migration is exercised on PostgreSQL by test_migrations")
    data_dir = tmp_path / "data"
    plain_file = data_dir / "documents" / "ab" / ("ab" + "0" * 30)
    plain_file.parent.mkdir(parents=True)
    plain_file.write_bytes(LETTER)
    monkeypatch.setenv("CLEMENCY_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    keys.install(None)
    # Every migration but the encrypting one (the models below need the newer columns).
    upgrade(database_url, _revision_before(database_url, "sec_files"))
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:  # written before encryption existed: plain text
        from clemency.testing.factories import make_world

        world = make_world(session)
        _canaries(session, world.cases["a_other"].id, data_dir)
    with engine.connect() as connection:
        assert connection.scalars(text("SELECT text FROM health_notes")).one() == HEALTH
    keys.install(keyring)
    try:
        upgrade(database_url)
    finally:
        get_settings.cache_clear()
    with engine.connect() as connection:
        stored = connection.scalars(text("SELECT text FROM health_notes")).one()
        victim = connection.scalars(text("SELECT full_name FROM victim_records")).one()
    assert stored.startswith("enc1:")
    assert envelope.decrypt_text(stored, "health_notes.text") == HEALTH
    assert envelope.decrypt_text(victim, "victim_records.full_name") == VICTIM
    assert envelope.decrypt_file(plain_file.read_bytes()) == LETTER
    assert LETTER not in plain_file.read_bytes()
    engine.dispose()


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    secret = "x" * 40
    with pytest.raises(ValueError, match="CLEMENCY_KEY_FILE"):
        Settings(environment="production", secret_key=secret)  # type: ignore[arg-type]
    key_file = tmp_path / "k.keys"
    keys.write(keys.generate(), key_file)
    Settings(environment="production", secret_key=secret, key_file=key_file)  # type: ignore[arg-type]
    ring = keys.generate()
    Settings(environment="production", secret_key=secret, keys=ring.to_json())  # type: ignore[arg-type]
    assert json.loads(ring.to_json())["active"] == ring.active


def test_purposes_get_different_keys() -> None:
    ring = keys.generate()
    _, data = ring.key_for("data-keys")
    kid, hmac_key = ring.key_for("audit-hmac")
    assert kid == ring.active
    assert len(hmac_key) == 32
    assert data != hmac_key
    assert ring.key_for("audit-hmac") == (kid, hmac_key)  # stable


def _revision_before(url: str, revision: str) -> str:
    from alembic.script import ScriptDirectory

    from clemency.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    down = script.get_revision(revision).down_revision
    assert isinstance(down, str)
    return down
