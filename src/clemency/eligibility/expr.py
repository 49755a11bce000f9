"""The condition language of rule files: parsed once into a typed AST, then evaluated or compiled.

Grammar (lowest precedence first)::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum
                       | ["not"] "in" "[" literal ("," literal)* "]"]
    sum        := product (("+" | "-") product)*
    product    := unary ("*" unary)*
    unary      := "-" unary | primary
    primary    := INT | 'text' | "text" | true | false | NAME | NAME "(" args ")" | "(" expr ")"

Names are facts (docs/facts.md), the rule's parameters, or ``as_of``. The only calls are the
documented functions in :data:`FUNCTIONS`; there is no attribute access, indexing or any other
way to reach Python. Types are ``bool``, ``int``, ``date`` and ``string`` (enums are strings
whose literals are checked against the members).

Evaluation is three-valued (Kleene): ``None`` is unknown; ``and``/``or`` decide when one side
settles the result (``false and unknown`` is ``false``), everything else is unknown if any input
is. ``if(c, a, b)`` is unknown when ``c`` is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from clemency.eligibility import dates
from clemency.eligibility.facts import FACTS, nearest_fact
from clemency.errors import FactsError

Type = Literal["bool", "int", "date", "string"]


class ExprError(Exception):
    """A problem in one expression; ``pos`` is the character offset, ``fix`` how to repair it."""

    def __init__(self, message: str, pos: int, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.fix = fix


# ----------------------------------------------------------------------------- AST


@dataclass(eq=False)
class Node:
    pos: int
    type: Type = field(default="bool", init=False)

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(eq=False)
class Lit(Node):
    value: bool | int | str | date = 0


@dataclass(eq=False)
class Name(Node):
    name: str = ""
    kind: Literal["fact", "param", "as_of"] = "fact"


@dataclass(eq=False)
class Not(Node):
    operand: Node = field(default_factory=lambda: Lit(0))

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(eq=False)
class Neg(Node):
    operand: Node = field(default_factory=lambda: Lit(0))

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(eq=False)
class Binary(Node):
    """Arithmetic (``+ - *``), comparison (``== != < <= > >=``) or boolean (``and or``)."""

    op: str = "+"
    left: Node = field(default_factory=lambda: Lit(0))
    right: Node = field(default_factory=lambda: Lit(0))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(eq=False)
class In(Node):
    operand: Node = field(default_factory=lambda: Lit(0))
    values: tuple[Lit, ...] = ()
    negated: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.operand, *self.values)


@dataclass(eq=False)
class Call(Node):
    fn: str = ""
    args: tuple[Node, ...] = ()

    def children(self) -> tuple[Node, ...]:
        return self.args


ARITHMETIC = {"+", "-", "*"}
COMPARISON = {"==", "!=", "<", "<=", ">", ">="}
BOOLEAN = {"and", "or"}

#: Documented functions: name → (argument types, result type, what it does).
FUNCTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "date": (("string",), "date", "a date literal: date('2014-04-23')"),
    "add_years": (("date", "int"), "date", "date plus whole years (month-end clamped)"),
    "add_months": (("date", "int"), "date", "date plus whole months (month-end clamped)"),
    "add_days": (("date", "int"), "date", "date plus days"),
    "years_between": (("date", "date"), "int", "completed years from the first date to the second"),
    "days_between": (("date", "date"), "int", "days from the first date to the second"),
    "months_between": (
        ("date", "date"),
        "int",
        "completed months from the first date to the second",
    ),
    "age_on": (("date", "date"), "int", "age in completed years on a day, from a birth date"),
    "later": (("date", "date"), "date", "the later of two dates; unknown if either is"),
    "if": (("bool", "T", "T"), "T", "if(condition, then, else); unknown when the condition is"),
}

# ----------------------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<int>\d+)
  | (?P<str>'[^'\n]*'|"[^"\n]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass
class _Tok:
    kind: str  # int, str, name, op, kw, end
    text: str
    pos: int


def _tokenize(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            if char == ".":
                raise ExprError(
                    "attribute access (`.`) is not allowed",
                    pos,
                    "use a fact name or one of the documented functions (docs/rules.md)",
                )
            if char == "=":
                raise ExprError("`=` is not an operator", pos, "write `==` to compare")
            raise ExprError(
                f"unexpected character {char!r}", pos, "see the expression grammar in docs/rules.md"
            )
        kind = match.lastgroup or "space"
        text = match.group()
        if kind == "name" and text in _KEYWORDS:
            kind = "kw"
        if kind != "space":
            tokens.append(_Tok(kind, text, pos))
        pos = match.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


# ----------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def accept(self, kind: str, text: str | None = None) -> _Tok | None:
        tok = self.tok
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    def expect(self, kind: str, text: str, what: str) -> _Tok:
        tok = self.accept(kind, text)
        if tok is None:
            found = self.tok.text or "the end"
            raise ExprError(f"expected {what}, found {found!r}", self.tok.pos, f"add {what}")
        return tok

    def parse(self) -> Node:
        node = self.parse_or()
        if self.tok.kind != "end":
            raise ExprError(
                f"unexpected {self.tok.text!r}",
                self.tok.pos,
                "join conditions with `and`/`or`, or check the parentheses",
            )
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while (tok := self.accept("kw", "or")) is not None:
            node = Binary(tok.pos, op="or", left=node, right=self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while (tok := self.accept("kw", "and")) is not None:
            node = Binary(tok.pos, op="and", left=node, right=self.parse_not())
        return node

    def parse_not(self) -> Node:
        tok = self.accept("kw", "not")
        if tok is not None:
            return Not(tok.pos, operand=self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_sum()
        tok = self.tok
        if tok.kind == "op" and tok.text in COMPARISON:
            self.i += 1
            return Binary(tok.pos, op=tok.text, left=left, right=self.parse_sum())
        negated = False
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            self.i += 1
            negated = True
        if self.accept("kw", "in") is not None:
            return In(tok.pos, operand=left, values=self.parse_list(), negated=negated)
        return left

    def parse_list(self) -> tuple[Lit, ...]:
        self.expect("op", "[", "`[` to start the list")
        values: list[Lit] = []
        while True:
            node = self.parse_primary()
            if not isinstance(node, Lit):
                raise ExprError(
                    "a list may only hold literal values", node.pos, "write texts or numbers"
                )
            values.append(node)
            if self.accept("op", ",") is None:
                break
        self.expect("op", "]", "`]` to close the list")
        return tuple(values)

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            tok = self.tok
            self.i += 1
            node = Binary(tok.pos, op=tok.text, left=node, right=self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while (tok := self.accept("op", "*")) is not None:
            node = Binary(tok.pos, op="*", left=node, right=self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        tok = self.accept("op", "-")
        if tok is not None:
            return Neg(tok.pos, operand=self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        tok = self.tok
        self.i += 1
        if tok.kind == "int":
            return Lit(tok.pos, value=int(tok.text))
        if tok.kind == "str":
            return Lit(tok.pos, value=tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Lit(tok.pos, value=tok.text == "true")
        if tok.kind == "op" and tok.text == "(":
            node = self.parse_or()
            self.expect("op", ")", "`)`")
            return node
        if tok.kind == "name":
            if self.accept("op", "(") is not None:
                args: list[Node] = []
                if self.accept("op", ")") is None:
                    while True:
                        args.append(self.parse_or())
                        if self.accept("op", ",") is None:
                            break
                    self.expect("op", ")", "`)` to close the call")
                return Call(tok.pos, fn=tok.text, args=tuple(args))
            return Name(tok.pos, name=tok.text)
        found = tok.text or "the end"
        raise ExprError(f"expected a value, found {found!r}", tok.pos, "complete the expression")


def parse(source: str) -> Node:
    """Parse an expression (types are filled in by :func:`check`)."""
    return _Parser(source).parse()


# ----------------------------------------------------------------------------- type checking


_WORDS: dict[str, str] = {
    "bool": "a true/false value",
    "int": "a number",
    "date": "a date",
    "string": "a text",
}


def _lit_type(value: object) -> Type:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, date):
        return "date"
    return "string"


def check(node: Node, params: Mapping[str, Type]) -> Type:
    """Resolve names and fill in types; raise ExprError on unknown names or type mismatches."""
    node.type = _check(node, params)
    return node.type


def _enum_values(node: Node) -> tuple[str, ...] | None:
    if isinstance(node, Name) and node.kind == "fact":
        return FACTS[node.name].values
    return None


def _check_enum_literal(enum_node: Node, lit: Node) -> None:
    values = _enum_values(enum_node)
    if values is not None and isinstance(lit, Lit) and lit.value not in values:
        assert isinstance(enum_node, Name)
        raise ExprError(
            f"{lit.value!r} is not a value of `{enum_node.name}`",
            lit.pos,
            f"use one of {', '.join(values)}",
        )


def _check(node: Node, params: Mapping[str, Type]) -> Type:
    if isinstance(node, Lit):
        return _lit_type(node.value)
    if isinstance(node, Name):
        if node.name == "as_of":
            node.kind = "as_of"
            return "date"
        if node.name in params:
            node.kind = "param"
            return params[node.name]
        spec = FACTS.get(node.name)
        if spec is None:
            guess = nearest_fact(node.name)
            hint = f"did you mean `{guess}`? " if guess else ""
            raise ExprError(
                f"unknown fact `{node.name}`",
                node.pos,
                f"{hint}Facts are listed in docs/facts.md; parameters must be declared under `parameters:`",
            )
        node.kind = "fact"
        return {"string": "string", "enum": "string", "bool": "bool", "int": "int", "date": "date"}[
            spec.type
        ]  # type: ignore[return-value]
    if isinstance(node, Not):
        _want(node.operand, "bool", params, "`not` needs a true/false value")
        return "bool"
    if isinstance(node, Neg):
        _want(node.operand, "int", params, "`-` needs a number")
        return "int"
    if isinstance(node, In):
        kind = check(node.operand, params)
        for value in node.values:
            if _lit_type(value.value) != kind:
                raise ExprError(
                    f"list value {value.value!r} is not {_WORDS[kind]} like the left side",
                    value.pos,
                    "make every list value the same type as the left side",
                )
            value.type = kind
            _check_enum_literal(node.operand, value)
        return "bool"
    if isinstance(node, Binary):
        if node.op in BOOLEAN:
            _want(node.left, "bool", params, f"`{node.op}` joins true/false conditions")
            _want(node.right, "bool", params, f"`{node.op}` joins true/false conditions")
            return "bool"
        left = check(node.left, params)
        right = check(node.right, params)
        if node.op in ARITHMETIC:
            if left != "int" or right != "int":
                raise ExprError(
                    f"`{node.op}` works on numbers, not on {_WORDS[left]} and {_WORDS[right]}",
                    node.pos,
                    "use add_years/add_months/add_days for dates",
                )
            return "int"
        if left != right:
            raise ExprError(
                f"cannot compare {_WORDS[left]} with {_WORDS[right]}",
                node.pos,
                "compare values of the same type (dates with dates, numbers with numbers)",
            )
        if node.op not in ("==", "!=") and left not in ("int", "date"):
            raise ExprError(
                f"`{node.op}` orders numbers and dates, not {left}s", node.pos, "use == or !="
            )
        _check_enum_literal(node.left, node.right)
        _check_enum_literal(node.right, node.left)
        return "bool"
    assert isinstance(node, Call)
    return _check_call(node, params)


def _check_call(node: Call, params: Mapping[str, Type]) -> Type:
    spec = FUNCTIONS.get(node.fn)
    if spec is None:
        raise ExprError(
            f"unknown function `{node.fn}`",
            node.pos,
            f"use one of {', '.join(FUNCTIONS)} (docs/rules.md)",
        )
    arg_types, result, _ = spec
    if len(node.args) != len(arg_types):
        raise ExprError(
            f"`{node.fn}` takes {len(arg_types)} arguments, got {len(node.args)}",
            node.pos,
            f"write {spec[2]}",
        )
    if node.fn == "date":
        arg = node.args[0]
        if not isinstance(arg, Lit) or not isinstance(arg.value, str):
            raise ExprError("date() takes a quoted text", node.pos, "write date('2014-04-23')")
        try:
            date.fromisoformat(arg.value)
        except ValueError:
            raise ExprError(
                f"bad date {arg.value!r}", arg.pos, "write a real ISO date YYYY-MM-DD"
            ) from None
        arg.type = "string"
        return "date"
    if node.fn == "if":
        _want(node.args[0], "bool", params, "the first argument of if() is a condition")
        then = check(node.args[1], params)
        other = check(node.args[2], params)
        if then != other:
            raise ExprError(
                f"if() gives {_WORDS[then]} or {_WORDS[other]}",
                node.pos,
                "make both branches the same type",
            )
        return then
    for arg, want in zip(node.args, arg_types, strict=True):
        _want(arg, want, params, f"`{node.fn}` takes {', '.join(arg_types)}")
    return result  # type: ignore[return-value]


def _want(node: Node, want: str, params: Mapping[str, Type], fix: str) -> None:
    got = check(node, params)
    if got != want:
        raise ExprError(f"expected {_WORDS.get(want, want)}, found {_WORDS[got]}", node.pos, fix)


def facts_read(node: Node) -> list[str]:
    """Facts the expression reads, in order of first appearance."""
    seen: dict[str, None] = {}
    for sub in node.walk():
        if isinstance(sub, Name) and sub.kind == "fact":
            seen.setdefault(sub.name, None)
    return list(seen)


def fact_paths(
    node: Node, path: tuple[tuple[Node, bool], ...] = ()
) -> dict[str, list[tuple[tuple[Node, bool], ...]]]:
    """Where each fact is read: for every occurrence, the ``if()`` conditions on the way to it.

    A path is a tuple of (condition, branch) pairs: the occurrence is *reached* when each
    condition is known and equals its branch (``True`` for the then-branch). Occurrences outside
    any ``if()`` have the empty path and are always reached. The SQL compiler turns the same
    paths into ``COALESCE(cond, FALSE)`` / ``COALESCE(NOT cond, FALSE)`` conjunctions.
    """
    found: dict[str, list[tuple[tuple[Node, bool], ...]]] = {}

    def visit(sub: Node, here: tuple[tuple[Node, bool], ...]) -> None:
        if isinstance(sub, Name) and sub.kind == "fact":
            found.setdefault(sub.name, []).append(here)
        elif isinstance(sub, Call) and sub.fn == "if":
            visit(sub.args[0], here)
            visit(sub.args[1], (*here, (sub.args[0], True)))
            visit(sub.args[2], (*here, (sub.args[0], False)))
        else:
            for child in sub.children():
                visit(child, here)

    visit(node, path)
    return found


# ----------------------------------------------------------------------------- evaluation

Value = bool | int | str | date | None


def evaluate(node: Node, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date) -> Value:
    """Three-valued evaluation: ``None`` is unknown."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Name):
        if node.kind == "as_of":
            return as_of
        if node.kind == "param":
            value: Value = params[node.name]
            return value
        found: Value = facts.get(node.name)
        return found
    if isinstance(node, Not):
        operand = evaluate(node.operand, facts, params, as_of)
        return None if operand is None else not operand
    if isinstance(node, Neg):
        operand = evaluate(node.operand, facts, params, as_of)
        return None if operand is None else -_int(operand)
    if isinstance(node, In):
        operand = evaluate(node.operand, facts, params, as_of)
        if operand is None:
            return None
        return (operand in [v.value for v in node.values]) != node.negated
    if isinstance(node, Binary):
        return _binary(node, facts, params, as_of)
    assert isinstance(node, Call)
    return _call(node, facts, params, as_of)


def reached_facts(
    node: Node, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date
) -> set[str]:
    """Facts read on a path that this row actually takes (see :func:`fact_paths`)."""
    reached: set[str] = set()
    for name, paths in fact_paths(node).items():
        for path in paths:
            if all(evaluate(cond, facts, params, as_of) is branch for cond, branch in path):
                reached.add(name)
                break
    return reached


def _int(value: Value) -> int:
    assert isinstance(value, int)
    return value


def _binary(
    node: Binary, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date
) -> Value:
    left = evaluate(node.left, facts, params, as_of)
    if node.op == "and":
        if left is False:
            return False
        right = evaluate(node.right, facts, params, as_of)
        if right is False:
            return False
        return None if left is None or right is None else True
    if node.op == "or":
        if left is True:
            return True
        right = evaluate(node.right, facts, params, as_of)
        if right is True:
            return True
        return None if left is None or right is None else False
    right = evaluate(node.right, facts, params, as_of)
    if left is None or right is None:
        return None
    ops: dict[str, Callable[[Any, Any], Value]] = {
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    return ops[node.op](left, right)


_DATE_FUNCTIONS: dict[str, Callable[[Any, Any], Value]] = {
    "add_years": dates.add_years,
    "add_months": dates.add_months,
    "add_days": dates.add_days,
    "years_between": dates.years_between,
    "days_between": dates.days_between,
    "months_between": dates.months_between,
    "age_on": dates.age_on,
    "later": max,
}


def _call(node: Call, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: date) -> Value:
    if node.fn == "date":
        arg = node.args[0]
        assert isinstance(arg, Lit)
        assert isinstance(arg.value, str)
        return date.fromisoformat(arg.value)
    if node.fn == "if":
        condition = evaluate(node.args[0], facts, params, as_of)
        if condition is None:
            return None
        return evaluate(node.args[1 if condition else 2], facts, params, as_of)
    args = [evaluate(arg, facts, params, as_of) for arg in node.args]
    if any(arg is None for arg in args):
        return None
    try:
        return _DATE_FUNCTIONS[node.fn](args[0], args[1])
    except (OverflowError, ValueError):
        names = ", ".join(expr_text for expr_text in facts_read(node)) or "the dates"
        raise FactsError(
            f"{node.fn}({', '.join(str(a) for a in args)}) falls outside the calendar "
            f"(years 1–9999); check {names}.",
            fact=names,
        ) from None
