"""Names with aliases: "Kristan Diane Akins, fka Kristan Diane Bullock and Kristan D. Wheeler"."""

from __future__ import annotations

import re
from typing import Literal

from clemency.grants.schemas import Alias

_MARKER = re.compile(
    r",?\s*\b(a/?k/?a|f/?k/?a|n/?k/?a|also\s+known\s+as|formerly\s+known\s+as|now\s+known\s+as)\b\.?:?,?\s*",
    re.I,
)
_KINDS: dict[str, Literal["aka", "fka", "nka"]] = {"a": "aka", "f": "fka", "n": "nka"}
_SUFFIX = re.compile(r"^(jr|sr|ii|iii|iv|v|esq)\.?$", re.I)


def _kind(marker: str) -> Literal["aka", "fka", "nka"]:
    marker = marker.lower()
    if marker.startswith("also"):
        return "aka"
    if marker.startswith("formerly"):
        return "fka"
    if marker.startswith("now"):
        return "nka"
    return _KINDS[marker[0]]


def _split_names(text: str) -> list[str]:
    names: list[str] = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", text):
        part = part.strip(" ,;")
        if not part:
            continue
        if names and _SUFFIX.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def parse_name(text: str) -> tuple[str, list[Alias]]:
    """The person's name and their aliases, each with its kind (aka, fka, nka)."""
    clean = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip(" ,;")
    parts = _MARKER.split(clean)
    name = parts[0].strip(" ,;")
    aliases: list[Alias] = []
    for index in range(1, len(parts) - 1, 2):
        kind = _kind(parts[index])
        for alias in _split_names(parts[index + 1]):
            aliases.append(Alias(kind=kind, name=alias))
    return name, aliases
