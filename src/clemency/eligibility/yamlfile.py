"""YAML loading that remembers the line of every key, so rule-file errors can name it.

PyYAML's safe loader turns ISO dates into ``date`` objects; we keep that. Mappings come back
as :class:`LineDict`, a ``dict`` whose ``line_of(key)`` gives the 1-based line of the key, and
``value_line(key)`` the line where the value's text starts (the next line for ``|`` blocks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from clemency.errors import RuleFileError


class LineDict(dict[str, Any]):
    """A mapping from a YAML file that knows where each of its keys was written."""

    line: int = 0
    key_lines: dict[str, int]
    value_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def value_line(self, key: str) -> int:
        return self.value_lines.get(key, self.line_of(key))


class LineList(list[Any]):
    """A sequence from a YAML file that knows the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.value_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain name", key_node.start_mark
            )
        key_text = str(key)
        if key_text in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"key `{key_text}` is written twice", key_node.start_mark
            )
        result[key_text] = loader.construct_object(value_node, deep=True)
        result.key_lines[key_text] = key_node.start_mark.line + 1
        block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
        result.value_lines[key_text] = value_node.start_mark.line + 1 + (1 if block else 0)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Dates like 2019-02-30 look like dates to YAML but are not: report them with their line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"bad date {node.value!r} ({error}); write a real calendar date",
            node.start_mark,
        ) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; bad YAML raises RuleFileError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RuleFileError(
            f"{path}: cannot be read ({error.strerror}).", file=str(path)
        ) from error
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = error.problem or error.context or "invalid YAML"
        if problem.startswith("bad date"):
            fix = "write a real calendar date as YYYY-MM-DD (e.g. 2019-02-28)"
            problem = problem.split(";")[0]
        else:
            problem = f"bad YAML: {problem}"
            fix = "check the indentation and quoting on that line (quote texts that contain `: ` or start with `{`)"
        raise RuleFileError(
            f"{path} line {line}: {problem}. Fix: {fix}.", file=str(path), line=line, fix=fix
        ) from error
    except yaml.YAMLError as error:
        raise RuleFileError(
            f"{path} line 1: bad YAML: {error}. Fix: check the file is valid YAML.",
            file=str(path),
            line=1,
        ) from error
