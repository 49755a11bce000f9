"""`clemency keys`: make a key file, and rotate to a new key (re-wrapping everything
encrypted, and encrypting what is still plain text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.common import fail, report
from clemency.config import get_settings
from clemency.errors import ClemencyError

keys_app = typer.Typer(
    help="Encryption keys: generate a key file, rotate keys.", no_args_is_help=True
)


@keys_app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Where to write the new key file.")],
) -> None:
    """Write a new key file (readable by its owner only); an existing file is never replaced."""
    from clemency.crypto import keys

    try:
        keys.write(keys.generate(), out)
    except ClemencyError as error:
        report(error)
    typer.echo(
        f"Wrote {out}. Set CLEMENCY_KEY_FILE={out}, and back the file up apart from the "
        "database: without it nothing encrypted can be read."
    )


@keys_app.command("rotate")
def rotate(
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help="The key file; default CLEMENCY_KEY_FILE."),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: CLEMENCY_DATABASE_URL.")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Default: CLEMENCY_DATA_DIR.")
    ] = None,
    new_key: Annotated[
        bool,
        typer.Option(
            "--new-key/--no-new-key",
            help="Add a new key and make it active first (default), or only encrypt what is "
            "not yet under the active key.",
        ),
    ] = True,
    retire: Annotated[
        bool,
        typer.Option(
            "--retire", help="Afterwards drop every key but the active one from the file."
        ),
    ] = False,
) -> None:
    """Make a new key active, then re-wrap every encrypted value and file under it (plain text
    left from before encryption is encrypted). Old keys stay in the file unless --retire."""
    from clemency.crypto import keys
    from clemency.crypto import rotate as rotation
    from clemency.db.session import make_engine

    settings = get_settings()
    path = key_file or settings.key_file
    if path is None:
        fail("name the key file: --key-file FILE or CLEMENCY_KEY_FILE (rotation rewrites it).")
    try:
        keyring = keys.read(path)
        if new_key:
            keyring = keyring.with_new_active()
            keys.write(keyring, path, overwrite=True)  # before any data uses the new key
        keys.install(keyring)
        engine = make_engine(database_url or settings.database_url)
        try:
            with engine.begin() as connection:
                result = rotation.rotate_all(connection, data_dir or settings.data_dir)
        finally:
            engine.dispose()
        if retire:
            keys.write(keyring.only_active(), path, overwrite=True)
    except ClemencyError as error:
        report(error)
    typer.echo(
        f"Active key {keyring.active}: {result.values} values and {result.files} files "
        f"re-encrypted ({result.files_skipped} files already under it)"
        + ("; older keys removed from the file." if retire else "; older keys kept in the file.")
    )


def register(app: typer.Typer) -> None:
    """Attach `keys`."""
    app.add_typer(keys_app, name="keys")
