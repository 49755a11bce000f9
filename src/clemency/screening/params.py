"""A ruleset with one parameter changed, for "what if" comparisons (e.g. 10 versus 8 years).

The copy is made in memory only; rule files are never touched. The changed value applies on
every date (it replaces the parameter's dated values), and the copy's ``sha256`` is derived
from the original hash and the change, so it can never pass for the published ruleset.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import date
from typing import TYPE_CHECKING

from clemency.errors import BadInput

if TYPE_CHECKING:
    from clemency.eligibility import Ruleset


def parse_assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise BadInput(f"--compare-param {text!r}: write NAME=VALUE, e.g. years_served=8")
    return name.strip(), value.strip()


def _typed(kind: str, name: str, value: str) -> object:
    try:
        if kind == "int":
            return int(value)
        if kind == "date":
            return date.fromisoformat(value)
        if kind == "bool":
            return {"true": True, "false": False}[value.lower()]
    except (ValueError, KeyError):
        raise BadInput(f"parameter {name} is of type {kind}; {value!r} is not one") from None
    return value


def with_parameter(ruleset: Ruleset, assignment: str) -> tuple[Ruleset, str]:
    """``(copy of ruleset with NAME set to VALUE, label)``; NAME may be ``rule.param``."""
    name, raw = parse_assignment(assignment)
    rule_part, _, param = name.rpartition(".")
    changed = copy.deepcopy(ruleset)
    touched = []
    for rule in changed.rules:
        if rule_part and rule_part not in {rule.id, rule.slug}:
            continue
        parameter = rule.parameters.get(param)
        if parameter is None:
            continue
        value = _typed(str(parameter.type), name, raw)
        parameter.values = [(date.min, value)]
        touched.append(rule.id)
    if not touched:
        known = sorted({p for rule in ruleset.rules for p in rule.parameters})
        raise BadInput(
            f"ruleset {ruleset.id} has no parameter {name!r}; its parameters are "
            + (", ".join(known) or "(none)")
        )
    digest = hashlib.sha256(f"{ruleset.sha256}\0{param}={raw}".encode()).hexdigest()
    changed.sha256 = digest
    changed.version = f"{ruleset.version}+{param}={raw}"
    return changed, f"{ruleset.id} with {name}={raw}"
