"""A backup holds every folder of the data directory the database points at.

The screening runs (each run's roster and results) and the grant pages kept for queued imports
were left out of backups: a restored installation listed runs whose files were gone and jobs
whose pages were gone. These tests put files where the code that writes them does
(:mod:`clemency.uploads.rosters`, :mod:`clemency.grants.import_job`, the file store), back up,
restore into a new database and folder, and compare the bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from clemency.db import backup as backups
from clemency.db import migrate
from clemency.errors import BadInput
from clemency.files.storage import BlobStore
from clemency.grants import import_job
from clemency.uploads import rosters

PAGE = b"<html><body>a kept grant page</body></html>"


def _source(tmp_path: Path) -> tuple[str, Path, dict[str, bytes]]:
    """A migrated SQLite database and a data folder with one file in each stored folder (and
    the unfinished files a backup must leave out)."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(url)
    data = tmp_path / "data"
    key = BlobStore(data).put(b"%PDF-1.4 a stored exhibit\n")
    run = data / rosters.RUNS_FOLDER / "r0123456789abcdef"
    run.mkdir(parents=True)
    (run / "roster.csv").write_bytes(b"person_id,name\n1,Ann\n")
    (run / "results.csv").write_bytes(b"person_id,outcome\n1,eligible\n")
    (run / "results.csv.partial").write_bytes(b"half a file")
    staged = import_job.staged_path(data, hashlib.sha256(PAGE).hexdigest())
    staged.parent.mkdir(parents=True)
    staged.write_bytes(PAGE)
    (staged.parent / ".staging-abc").write_bytes(b"an unfinished copy")
    expected = {
        f"documents/{key[:2]}/{key}": (data / "documents" / key[:2] / key).read_bytes(),
        f"screening-runs/{run.name}/roster.csv": b"person_id,name\n1,Ann\n",
        f"screening-runs/{run.name}/results.csv": b"person_id,outcome\n1,eligible\n",
        f"grant-imports/{staged.name}": PAGE,
    }
    return url, data, expected


def _backup(url: str, data: Path, tmp_path: Path) -> Path:
    archive = tmp_path / "backup.tar"
    with archive.open("wb") as stream:
        backups.backup(database_url=url, data_dir=data, stream=stream)
    return archive


def test_backup_holds_every_stored_folder_and_restores_them(tmp_path: Path) -> None:
    url, data, expected = _source(tmp_path)
    archive = _backup(url, data, tmp_path)
    with tarfile.open(archive) as opened:
        files = {n[len("files/") :] for n in opened.getnames() if n.startswith("files/")}
    assert files == set(expected)  # and no unfinished file

    target = tmp_path / "restored-data"
    summary = backups.restore(
        archive=archive, database_url=f"sqlite:///{tmp_path / 'restored.db'}", data_dir=target
    )
    assert summary.files == 4
    restored = {
        p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()
    }
    assert restored == expected


def test_restore_refuses_a_screening_runs_folder_that_is_not_empty(tmp_path: Path) -> None:
    url, data, _ = _source(tmp_path)
    archive = _backup(url, data, tmp_path)
    target = tmp_path / "restored-data"
    (target / "screening-runs" / "old").mkdir(parents=True)
    restored_db = tmp_path / "restored.db"
    with pytest.raises(BadInput, match="screening-runs is not empty"):
        backups.restore(archive=archive, database_url=f"sqlite:///{restored_db}", data_dir=target)
    assert not restored_db.exists()
    assert not (target / "documents").exists()


def test_an_archive_of_the_documents_only_still_restores(tmp_path: Path) -> None:
    """Backups made before the other folders were included hold ``files/documents/`` only."""
    url, data, expected = _source(tmp_path)
    full = _backup(url, data, tmp_path)
    older = tmp_path / "older.tar"
    with tarfile.open(full) as source, tarfile.open(older, "w", format=tarfile.PAX_FORMAT) as out:
        raw = source.extractfile("manifest.json")
        assert raw is not None
        manifest = backups.Manifest(**json.loads(raw.read()))
        manifest.files = {
            name: entry
            for name, entry in manifest.files.items()
            if not name.startswith("files/") or name.startswith("files/documents/")
        }
        body = manifest.to_json()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        out.addfile(info, io.BytesIO(body))
        for member in source.getmembers():
            if member.name in manifest.files:
                out.addfile(member, source.extractfile(member))
    target = tmp_path / "restored-data"
    summary = backups.restore(
        archive=older, database_url=f"sqlite:///{tmp_path / 'restored.db'}", data_dir=target
    )
    assert summary.files == 1
    [(name, body)] = [(n, b) for n, b in expected.items() if n.startswith("documents/")]
    assert (target / name).read_bytes() == body
    assert not (target / "screening-runs").exists()


def test_no_output_inside_a_stored_folder(tmp_path: Path) -> None:
    from clemency.outputs import UnsafeOutput, check_output

    data = tmp_path / "data"
    for folder in ("documents", "screening-runs", "grant-imports"):
        (data / folder).mkdir(parents=True)
        with pytest.raises(UnsafeOutput, match="inside the stored files"):
            check_output(data / folder / "out.csv", data_dir=data)
