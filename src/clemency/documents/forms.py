"""Petition form definitions (sections, fields, letter requirements) loaded from YAML."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clemency.errors import BadInput, NotFound, RuleFileError

FORMS_DIR = Path(__file__).parent / "forms"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    key: str
    label: str
    required: bool = False
    long: bool = False
    pattern: str | None = None
    hint: str = ""


class SectionSpec(_Strict):
    id: str
    title: str
    repeat: str | None = None
    fields: tuple[FieldSpec, ...]


class LetterRequirement(_Strict):
    min_total: int = 0
    min_non_relative: int = 0
    citation: str = ""


class FormSpec(_Strict):
    id: str
    title: str
    form_version: str
    jurisdiction: str
    kind: str
    addressee: tuple[str, ...]
    relief_phrase: str
    sections: tuple[SectionSpec, ...]
    letters: LetterRequirement = Field(default_factory=LetterRequirement)
    required_documents: tuple[str, ...] = ()
    recommended_documents: tuple[str, ...] = ()
    before_filing: tuple[str, ...] = ()


def available() -> list[str]:
    """Form ids such as ``us-federal/commutation``."""
    return sorted(f"{p.parent.name}/{p.stem}" for p in FORMS_DIR.glob("*/*.yaml"))


def form_id_for(jurisdiction: str, kind: str) -> str | None:
    """The packet form for a petition of ``kind`` in ``jurisdiction``, if one exists."""
    candidate = f"{jurisdiction}/{kind}"
    return candidate if candidate in available() else None


def for_jurisdiction(jurisdiction: str) -> list[str]:
    """The form ids of one jurisdiction (``us-federal`` → ``us-federal/commutation``, …): the
    only forms offered for a case of that jurisdiction."""
    return [form_id for form_id in available() if form_id.split("/")[0] == jurisdiction]


def check_for_case(form_id: str, jurisdiction: str) -> None:
    """Refuse a form that does not exist or is another jurisdiction's, naming the right ones."""
    own = for_jurisdiction(jurisdiction)
    if form_id in own:
        return
    offered = ", ".join(own) if own else "none (no form is shipped for it yet)"
    if form_id in available():
        raise BadInput(
            f"The form {form_id} is for {form_id.split('/')[0]}, and this case is in "
            f"{jurisdiction}: a packet is filed under the case's own jurisdiction. Forms for "
            f"{jurisdiction}: {offered}.",
            field="form",
            form=form_id,
        )
    raise BadInput(
        f"There is no form {form_id!r}. Forms for {jurisdiction}: {offered}.",
        field="form",
        form=form_id,
    )


@cache
def load(form_id: str) -> tuple[FormSpec, str]:
    """The form spec and the sha256 of its file; unknown ids list the known ones."""
    path = FORMS_DIR / f"{form_id}.yaml"
    if "/" not in form_id or ".." in form_id or not path.is_file():
        raise NotFound(
            f"unknown form {form_id!r}; available: {', '.join(available())}", form=form_id
        )
    text = path.read_text(encoding="utf-8")
    try:
        spec = FormSpec.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as error:
        raise RuleFileError(f"{path.name}: not valid YAML: {error}", path=str(path)) from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RuleFileError(f"{path.name}: {where}: {first['msg']}", path=str(path)) from error
    return spec, hashlib.sha256(text.encode()).hexdigest()
