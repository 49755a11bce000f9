"""Finding rulesets: the ones shipped in :mod:`clemency.rulesets` and any extra folders.

A ruleset is any folder holding a ``ruleset.yaml``; its id comes from the manifest. Loaded
rulesets are cached by folder and content hash, so editing a file is picked up on the next load.
A folder's files are hashed again only when their names, sizes, modification times or inodes
change: pages that list the rulesets on every request (the case page, the case list) stat the
files instead of reading and hashing all of them (5.5 ms a request for the 23 shipped folders).

Inside :func:`snapshot` the folders are looked for and each folder's files checked once, and
every later lookup in the block gets the same answer. A web request runs in one
(:class:`clemency.web.observability.RequestContext`): a page that looks the rulesets up several
times (the case page's eligibility strip, then its deadlines) sees one version of them and pays
the file-system calls once (1.7 ms for the shipped rulesets). An edit is seen by the next request.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from clemency.eligibility.model import MANIFEST, Ruleset, load_ruleset_dir, ruleset_sha256
from clemency.errors import UnknownRuleset

_CACHE: dict[tuple[Path, str], Ruleset] = {}
_Signature = tuple[tuple[str, int, int, int], ...]
#: folder -> (the stat signature of its YAML files, their content hash then)
_HASHES: dict[Path, tuple[_Signature, str]] = {}
#: Inside :func:`snapshot`: the folders found per set of extra paths, and each folder's content
#: hash, as first looked up in the block. None outside.
_SNAPSHOT: ContextVar[dict[Any, Any] | None] = ContextVar("clemency_rulesets", default=None)


@contextmanager
def snapshot() -> Iterator[None]:
    """Look at the rule files once inside the block (see the module's docstring)."""
    token = _SNAPSHOT.set({})
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


@cache
def builtin_root() -> Path:
    import clemency.rulesets

    return Path(clemency.rulesets.__file__).resolve().parent


def _folders(extra_paths: Sequence[Path]) -> list[Path]:
    """Every folder holding a manifest, each root first, then its subfolders in path order.

    The paths are resolved: a walk from a resolved root does not enter symbolic links to
    folders (as ``Path.glob("**")`` does not), so what it finds needs no ``resolve()`` (one
    ``lstat`` per part of the path, for each of the 23 folders, on every lookup).
    """
    seen = _SNAPSHOT.get()
    key = ("folders", *map(str, extra_paths))
    if seen is not None and key in seen:
        return list(seen[key])
    folders: list[Path] = []
    for root in (builtin_root(), *(Path(extra).resolve() for extra in extra_paths)):
        if (root / MANIFEST).is_file():
            folders.append(root)
        found = [
            Path(where)
            for where, _subfolders, names in os.walk(root)
            if MANIFEST in names and where != str(root)
        ]
        folders.extend(sorted(found))
    if seen is not None:
        seen[key] = tuple(folders)
    return folders


def load_folder(folder: Path) -> Ruleset:
    """Load one ruleset folder (cached while its files are unchanged)."""
    return _load_resolved(folder.resolve())


def _load_resolved(folder: Path) -> Ruleset:
    key = (folder, _content_hash(folder))
    if key not in _CACHE:
        _CACHE[key] = load_ruleset_dir(folder)
    return _CACHE[key]


def _content_hash(folder: Path) -> str:
    """``ruleset_sha256(folder)``, computed again only when a YAML file of the folder was added,
    removed, replaced or written since the last time (its stat signature changed)."""
    seen = _SNAPSHOT.get()
    if seen is not None and folder in seen:
        return str(seen[folder])
    signature = _signature(folder)
    known = _HASHES.get(folder)
    if known is not None and known[0] == signature:
        digest = known[1]
    else:
        digest = ruleset_sha256(folder)
        if _signature(folder) == signature:  # not written while it was read
            _HASHES[folder] = (signature, digest)
    if seen is not None:
        seen[folder] = digest
    return digest


def _signature(folder: Path) -> _Signature:
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.name.endswith(".yaml"):
                stat = entry.stat()
                entries.append((entry.name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(sorted(entries))


def list_rulesets(extra_paths: Sequence[Path] = ()) -> list[Ruleset]:
    """Every ruleset found, shipped ones first, sorted by id within each root."""
    found: dict[str, Ruleset] = {}
    for folder in _folders(extra_paths):
        ruleset = _load_resolved(folder)
        found.setdefault(ruleset.id, ruleset)
    return sorted(found.values(), key=lambda r: r.id)


def load_ruleset(ruleset_id: str, extra_paths: Sequence[Path] = ()) -> Ruleset:
    """The ruleset with this id; UnknownRuleset lists the known ids."""
    folders = _folders(extra_paths)
    # folders laid out as <jurisdiction>/<relief> are tried first, so only one is read
    likely = [f for f in folders if "/".join(f.parts[-2:]) == ruleset_id]
    for folder in likely + [f for f in folders if f not in likely]:
        ruleset = _load_resolved(folder)
        if ruleset.id == ruleset_id:
            return ruleset
    known = ", ".join(r.id for r in list_rulesets(extra_paths))
    raise UnknownRuleset(
        f"unknown ruleset `{ruleset_id}`; known rulesets: {known}.", ruleset=ruleset_id
    )
