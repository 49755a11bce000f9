"""Rule files and ruleset manifests: loading, validation and the in-memory model.

A ruleset is a folder holding ``ruleset.yaml`` (the manifest) and one ``<slug>.yaml`` per rule,
with the rule's tests beside it in ``<slug>.tests.yaml``. Every problem found while loading is a
:class:`~clemency.errors.RuleFileError` whose message names the file, the line and the fix.
The format is documented in docs/rules.md.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from clemency.eligibility import expr
from clemency.eligibility.facts import FACTS
from clemency.eligibility.yamlfile import LineDict, LineList, load_yaml
from clemency.errors import RuleFileError

MANIFEST = "ruleset.yaml"
TESTS_SUFFIX = ".tests.yaml"

RULE_KEYS = {
    "id",
    "title",
    "kind",
    "reference",
    "effective",
    "outside_effective",
    "parameters",
    "when",
    "wait_until",
    "show",
    "explain",
}
MANIFEST_KEYS = {
    "id",
    "title",
    "jurisdiction",
    "relief",
    "version",
    "description",
    "combine",
    "rules",
}
#: Names an explanation may always use besides facts, parameters and `show` values.
EXPLAIN_NAMES = {"as_of", "wait_until", "missing", "effective_from", "effective_until"}
EFFECTIVE_KEYS = {"from", "until", "basis"}
BASES = ("law", "knowledge")


def rule_error(path: Path, line: int, problem: str, fix: str) -> RuleFileError:
    return RuleFileError(
        f"{path} line {line}: {problem}. Fix: {fix}.", file=str(path), line=line, fix=fix
    )


@dataclass
class Parameter:
    """A named constant whose value depends on the date (``values`` keyed by effective date)."""

    name: str
    description: str
    type: expr.Type
    values: list[tuple[date, Any]]
    line: int

    def value_on(self, as_of: date, path: Path) -> Any:
        chosen = [value for start, value in self.values if start <= as_of]
        if not chosen:
            first = self.values[0][0]
            raise rule_error(
                path,
                self.line,
                f"parameter `{self.name}` has no value on {as_of.isoformat()} (its first value "
                f"starts {first.isoformat()})",
                f"add a value keyed on or before {as_of.isoformat()} under `values:`, or start "
                "the rule's `effective.from` no earlier than the first value",
            )
        return chosen[-1]


@dataclass
class Rule:
    """One rule: a required gate or an advisory merit factor, with its citation and dates."""

    id: str
    slug: str
    title: str
    required: bool
    citation: str
    url: str | None
    effective_from: date
    effective_until: date | None
    outside_effective: Literal["pass", "fail"]
    #: ``law``: ``effective_from`` is the day the cited official text took effect (before it the
    #: rule is not in force). ``knowledge``: it is only the earliest day this ruleset vouches
    #: for; before it the rule's outcome is ``unknown`` (never a silent pass or fail).
    basis: Literal["law", "knowledge"]
    parameters: dict[str, Parameter]
    when: expr.Node | None
    wait_until: expr.Node | None
    show: dict[str, expr.Node]
    explain: dict[str, str]
    path: Path
    facts: list[str] = field(default_factory=list)
    when_source: str | None = None
    wait_until_source: str | None = None

    @property
    def advisory(self) -> bool:
        return not self.required

    def in_effect(self, as_of: date) -> bool:
        return self.effective_from <= as_of and (
            self.effective_until is None or as_of <= self.effective_until
        )

    def vouched(self, as_of: date) -> bool:
        """False before ``effective.from`` when that date is only the start of our knowledge."""
        return self.basis == "law" or as_of >= self.effective_from

    def scope_on(self, as_of: date) -> Literal["in_effect", "not_in_effect", "not_vouched"]:
        """Whether the rule is read on ``as_of``, not in force (``outside_effective``
        applies), or before the period this ruleset vouches for (``unknown``)."""
        if not self.vouched(as_of):
            return "not_vouched"
        return "in_effect" if self.in_effect(as_of) else "not_in_effect"

    def params_on(self, as_of: date) -> dict[str, Any]:
        return {name: p.value_on(as_of, self.path) for name, p in self.parameters.items()}


@dataclass
class Ruleset:
    """A folder of rules evaluated together (see the package docstring for how they combine)."""

    id: str
    title: str
    jurisdiction: str
    relief: str
    version: str
    description: str
    rules: list[Rule]
    path: Path
    sha256: str

    @property
    def required_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.required]

    def facts_used(self) -> list[str]:
        """Every fact any rule reads, in ruleset order of first use."""
        seen: dict[str, None] = {}
        for rule in self.rules:
            for name in rule.facts:
                seen.setdefault(name, None)
        return list(seen)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id or rule.slug == rule_id:
                return rule
        raise KeyError(rule_id)


# ----------------------------------------------------------------------------- loading


def ruleset_sha256(folder: Path) -> str:
    """Hash of the manifest and rule files (not the tests), by relative path and content."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        if path.name.endswith(TESTS_SUFFIX):
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _mapping(data: object, path: Path, what: str) -> LineDict:
    if not isinstance(data, LineDict):
        raise rule_error(
            path, 1, f"the file must hold a {what} (keys and values)", "see docs/rules.md"
        )
    return data


def _text(data: LineDict, key: str, path: Path, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise rule_error(path, data.line, f"missing `{key}`", f"add `{key}:`")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise rule_error(path, data.line_of(key), f"`{key}` must be a text", f'write {key}: "…"')
    return str(value)


def _date(value: object, path: Path, line: int, what: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise rule_error(
        path,
        line,
        f"bad date {value!r} for {what}",
        "write a real calendar date as YYYY-MM-DD (e.g. 2014-04-23)",
    )


def _unknown_keys(data: LineDict, allowed: set[str], path: Path) -> None:
    for key in data:
        if key not in allowed:
            raise rule_error(
                path,
                data.line_of(key),
                f"unknown key `{key}`",
                f"use only {', '.join(sorted(allowed))}",
            )


def _expression(
    source: object, data: LineDict, key: str, path: Path, params: Mapping[str, expr.Type]
) -> tuple[expr.Node, expr.Type]:
    base_line = data.value_line(key)
    if not isinstance(source, str) or not source.strip():
        raise rule_error(
            path, base_line, f"`{key}` must be an expression text", "write it in quotes"
        )
    try:
        node = expr.parse(source)
        kind = expr.check(node, params)
    except expr.ExprError as error:
        line = base_line + source.count("\n", 0, error.pos)
        raise rule_error(path, line, f"in `{key}`: {error.message}", error.fix) from None
    return node, kind


def _parameters(data: LineDict, path: Path) -> dict[str, Parameter]:
    raw = data.get("parameters") or LineDict()
    if not isinstance(raw, LineDict):
        raise rule_error(
            path,
            data.line_of("parameters"),
            "`parameters` must map names to parameters",
            "see docs/rules.md",
        )
    params: dict[str, Parameter] = {}
    for name, spec in raw.items():
        line = raw.line_of(name)
        if name in FACTS or name in EXPLAIN_NAMES:
            raise rule_error(
                path, line, f"parameter `{name}` has the name of a fact", "rename the parameter"
            )
        if not isinstance(spec, LineDict):
            raise rule_error(
                path,
                line,
                f"parameter `{name}` needs `description` and `values`",
                "see docs/rules.md",
            )
        values = spec.get("values")
        if not isinstance(values, LineDict) or not values:
            raise rule_error(
                path,
                spec.line_of("values") if "values" in spec else line,
                f"parameter `{name}` has no values",
                "add `values: {YYYY-MM-DD: value}` keyed by the date each value took effect",
            )
        dated: list[tuple[date, Any]] = []
        types: set[str] = set()
        for key, value in values.items():
            start = _date(key, path, values.line_of(key), f"a value of parameter `{name}`")
            if isinstance(value, (dict, list)) or value is None:
                raise rule_error(
                    path,
                    values.line_of(key),
                    f"parameter `{name}` value must be a number, text, date or true/false",
                    "write a single value",
                )
            dated.append((start, value))
            types.add(expr._lit_type(value))
        if len(types) != 1:
            raise rule_error(
                path,
                spec.line_of("values"),
                f"parameter `{name}` mixes value types {sorted(types)}",
                "give every value the same type",
            )
        dated.sort(key=lambda item: item[0])
        params[name] = Parameter(
            name=name,
            description=str(spec.get("description", "")),
            type=expr._lit_type(dated[0][1]),
            values=dated,
            line=spec.line_of("values"),
        )
    return params


def load_rule(path: Path, expected_id: str) -> Rule:
    """Read and check one rule file; every mistake names its line and how to fix it."""
    data = _mapping(load_yaml(path), path, "rule")
    _unknown_keys(data, RULE_KEYS, path)
    rule_id, kind, reference = _rule_header(data, path, expected_id)
    start, until, basis = _effective(data, path)
    outside = data.get("outside_effective", "pass")
    if outside not in ("pass", "fail"):
        raise rule_error(
            path,
            data.line_of("outside_effective"),
            f"unknown outside_effective {outside!r}",
            "write pass or fail",
        )
    params = _parameters(data, path)
    param_types = {name: p.type for name, p in params.items()}
    when, wait_until = _conditions(data, path, param_types)
    show: dict[str, expr.Node] = {}
    raw_show = data.get("show") or LineDict()
    if not isinstance(raw_show, LineDict):
        raise rule_error(
            path, data.line_of("show"), "`show` must map names to expressions", "see docs/rules.md"
        )
    for name, source in raw_show.items():
        show[name], _ = _expression(source, raw_show, name, path, param_types)
    texts = _explanations(data, path, allowed=set(FACTS) | set(params) | set(show) | EXPLAIN_NAMES)
    facts: dict[str, None] = {}
    for node in (when, wait_until):
        if node is not None:
            for name in expr.facts_read(node):
                facts.setdefault(name, None)
    url = reference.get("url")
    return Rule(
        id=rule_id,
        slug=path.name.removesuffix(".yaml"),
        title=_text(data, "title", path),
        required=kind == "required",
        citation=str(reference["citation"]),
        url=str(url) if url else None,
        effective_from=start,
        effective_until=until,
        outside_effective=outside,
        basis=basis,
        parameters=params,
        when=when,
        wait_until=wait_until,
        show=show,
        explain=texts,
        path=path,
        facts=list(facts),
        when_source=str(data["when"]) if when is not None else None,
        wait_until_source=str(data["wait_until"]) if wait_until is not None else None,
    )


def _rule_header(data: LineDict, path: Path, expected_id: str) -> tuple[str, str, LineDict]:
    """The rule's id (which must match its file), kind and reference (a citation is required)."""
    rule_id = _text(data, "id", path)
    if rule_id != expected_id:
        raise rule_error(
            path,
            data.line_of("id"),
            f"rule id `{rule_id}` does not match its file and ruleset",
            f"write id: {expected_id} (ids are <jurisdiction>.<relief>.<file name>)",
        )
    kind = data.get("kind", "required")
    if kind not in ("required", "advisory"):
        raise rule_error(
            path,
            data.line_of("kind"),
            f"unknown kind {kind!r}",
            "write kind: required or kind: advisory",
        )
    reference = data.get("reference")
    if not isinstance(reference, LineDict) or not reference.get("citation"):
        raise rule_error(
            path,
            data.line_of("reference") if "reference" in data else data.line,
            "missing `reference.citation`",
            'add reference: {citation: "28 CFR 1.2", url: https://…}',
        )
    return rule_id, str(kind), reference


def _effective(data: LineDict, path: Path) -> tuple[date, date | None, Literal["law", "knowledge"]]:
    """The period the rule is in force (``from``, ``until``) and what ``from`` rests on."""
    effective = data.get("effective")
    if not isinstance(effective, LineDict) or "from" not in effective:
        raise rule_error(
            path,
            data.line_of("effective") if "effective" in data else data.line,
            "missing `effective.from`",
            "add effective: {from: YYYY-MM-DD, basis: law | knowledge} (and `until:` if it "
            "was repealed)",
        )
    for key in effective:
        if key not in EFFECTIVE_KEYS:
            raise rule_error(
                path,
                effective.line_of(key),
                f"unknown key `effective.{key}`",
                "use only from, until and basis",
            )
    start = _date(effective["from"], path, effective.line_of("from"), "effective.from")
    until = None
    if effective.get("until") is not None:
        until = _date(effective["until"], path, effective.line_of("until"), "effective.until")
    basis = effective.get("basis")
    if basis not in BASES:
        raise rule_error(
            path,
            effective.line_of("basis") if "basis" in effective else data.line_of("effective"),
            "missing `effective.basis`" if basis is None else f"unknown effective.basis {basis!r}",
            "write basis: law (`from` is the day the cited official text took effect) or "
            "basis: knowledge (`from` is only the earliest date this ruleset vouches for)",
        )
    if until is not None and until < start:
        raise rule_error(
            path,
            effective.line_of("until"),
            f"effective.until {until.isoformat()} is before effective.from {start.isoformat()}",
            "write an `until` on or after `from`",
        )
    return start, until, "law" if basis == "law" else "knowledge"


def _conditions(
    data: LineDict, path: Path, param_types: Mapping[str, expr.Type]
) -> tuple[expr.Node | None, expr.Node | None]:
    """``when`` (a condition) and ``wait_until`` (a date); a rule has at least one."""
    when = wait_until = None
    if "when" in data:
        when, kind_when = _expression(data["when"], data, "when", path, param_types)
        if kind_when != "bool":
            raise rule_error(
                path,
                data.value_line("when"),
                f"`when` gives {expr._WORDS[kind_when]}, not true/false",
                "write a condition, e.g. `on_supervision == false`",
            )
    if "wait_until" in data:
        wait_until, kind_wait = _expression(
            data["wait_until"], data, "wait_until", path, param_types
        )
        if kind_wait != "date":
            raise rule_error(
                path,
                data.value_line("wait_until"),
                f"`wait_until` gives {expr._WORDS[kind_wait]}, not a date",
                "write a date expression, e.g. add_years(release_date, waiting_years)",
            )
    if when is None and wait_until is None:
        raise rule_error(
            path,
            data.line,
            "the rule has neither `when` nor `wait_until`",
            "add a condition under `when:`",
        )
    return when, wait_until


def _explanations(data: LineDict, path: Path, *, allowed: set[str]) -> dict[str, str]:
    """``explain.pass``, ``fail`` and ``unknown`` (and optionally ``not_in_effect``), each using
    only names the rule can fill in."""
    explain = data.get("explain")
    if not isinstance(explain, LineDict):
        raise rule_error(
            path, data.line, "missing `explain`", "add explain: {pass: …, fail: …, unknown: …}"
        )
    for outcome in ("pass", "fail", "unknown"):
        if not isinstance(explain.get(outcome), str):
            raise rule_error(
                path,
                explain.line,
                f"missing explanation `explain.{outcome}`",
                f'add {outcome}: "…"',
            )
    texts: dict[str, str] = {}
    for key, text in explain.items():
        if key not in ("pass", "fail", "unknown", "not_in_effect"):
            raise rule_error(
                path,
                explain.line_of(key),
                f"unknown explanation `{key}`",
                "use pass, fail, unknown or not_in_effect",
            )
        try:
            names = [item[1] for item in string.Formatter().parse(str(text)) if item[1] is not None]
        except ValueError as error:
            raise rule_error(
                path,
                explain.line_of(key),
                f"explanation `{key}`: {error}",
                "write {name} for a value and {{ for a brace",
            ) from None
        for name in names:
            if name not in allowed:
                raise rule_error(
                    path,
                    explain.line_of(key),
                    f"explanation `{key}` uses unknown name {{{name}}}",
                    "use a fact, a parameter, a `show` name, as_of, wait_until or missing",
                )
        texts[key] = str(text)
    return texts


def load_ruleset_dir(folder: Path) -> Ruleset:
    """Load and validate one ruleset folder."""
    manifest_path = folder / MANIFEST
    data = _mapping(load_yaml(manifest_path), manifest_path, "ruleset manifest")
    _unknown_keys(data, MANIFEST_KEYS, manifest_path)
    ruleset_id = _text(data, "id", manifest_path)
    jurisdiction = _text(data, "jurisdiction", manifest_path)
    relief = _text(data, "relief", manifest_path)
    if ruleset_id != f"{jurisdiction}/{relief}":
        raise rule_error(
            manifest_path,
            data.line_of("id"),
            f"ruleset id `{ruleset_id}` is not <jurisdiction>/<relief>",
            f"write id: {jurisdiction}/{relief}",
        )
    combine = data.get("combine", "required-gates")
    if combine != "required-gates":
        raise rule_error(
            manifest_path,
            data.line_of("combine"),
            f"unknown combination {combine!r}",
            "write combine: required-gates (the only one; see docs/rules.md)",
        )
    slugs = data.get("rules")
    if not isinstance(slugs, list) or not slugs:
        raise rule_error(
            manifest_path,
            data.line_of("rules") if "rules" in data else data.line,
            "`rules` must list the rule file names in order",
            "add rules: [slug, …]",
        )
    rules: list[Rule] = []
    seen: set[str] = set()
    prefix = f"{jurisdiction}.{relief}."
    for index, slug in enumerate(slugs):
        line = slugs.line_of(index) if isinstance(slugs, LineList) else data.line_of("rules")
        if not isinstance(slug, str):
            raise rule_error(
                manifest_path,
                line,
                f"rule entry {slug!r} is not a file name",
                "list rule file names without .yaml",
            )
        if slug in seen:
            raise rule_error(
                manifest_path,
                line,
                f"duplicate rule id `{prefix}{slug}`",
                f"list `{slug}` once (each rule id must be unique)",
            )
        seen.add(slug)
        rule_path = folder / f"{slug}.yaml"
        if not rule_path.is_file():
            raise rule_error(
                manifest_path,
                line,
                f"rule file {slug}.yaml does not exist",
                f"create {rule_path} or remove `{slug}` from `rules`",
            )
        rules.append(load_rule(rule_path, prefix + slug))
    for path in sorted(folder.glob("*.yaml")):
        stem = path.name.removesuffix(".yaml")
        if path.name == MANIFEST or path.name.endswith(TESTS_SUFFIX) or stem in seen:
            continue
        raise rule_error(
            path,
            1,
            f"rule file {path.name} is not listed in {MANIFEST}",
            f"add `{stem}` to `rules:` in {manifest_path}, or delete the file",
        )
    return Ruleset(
        id=ruleset_id,
        title=_text(data, "title", manifest_path),
        jurisdiction=jurisdiction,
        relief=relief,
        version=_text(data, "version", manifest_path),
        description=_text(data, "description", manifest_path, required=False),
        rules=rules,
        path=folder,
        sha256=ruleset_sha256(folder),
    )
