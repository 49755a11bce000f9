"""The SQL compiler: the same rule ASTs as the Python evaluator, as one streaming SELECT.

``compile_ruleset(ruleset, as_of, dialect, source)`` returns one query over ``source`` (a table
name or a parenthesised subquery with an alias) that yields, per row::

    person_id, outcome, eligible_on, failed_rules, unknown_rules, missing_facts

exactly as :meth:`Determination.as_row` does. The query is nested projections (no joins,
no window functions, no aggregates), so every engine can stream it:

1. the innermost computes each required rule's condition (``c*``), waiting date (``w*``) and
   whether each fact it reads is missing (``m*``);
2. the middle turns them into a status ``s*`` (1 pass, 0 fail, 2 unknown) and a "fails only
   because of time" flag (``t*``); unknowns are compiled explicitly with
   ``CASE WHEN v THEN 1 WHEN NOT v THEN 0 ELSE 2 END``, so a NULL never slides into false;
3. the outer combines them into the six result columns;
4. when the ruleset has waiting periods, a fourth projection keeps ``eligible_on`` only if no
   required rule fails, or is before the period the ruleset vouches for, on that very day (the
   rules compiled again with the row's candidate day as ``as_of`` and their parameters and
   effective dates as CASEs on it), as :func:`clemency.eligibility.engine.holds_on` does.

Parameters, ``as_of`` and effective dates are resolved at compile time, so the query holds only
literals and the roster's columns. Date functions follow the month-end clamping convention of
:mod:`clemency.eligibility.dates` on every dialect (SQLite has its own formula because its
``date(x, '+1 year')`` rolls 29 February over to 1 March).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlglot
from sqlglot import exp

from clemency.eligibility import expr
from clemency.eligibility.model import Rule, Ruleset
from clemency.errors import BadInput

DIALECTS = ("duckdb", "postgres", "sqlite", "spark")

_ADD_MONTHS = {
    "duckdb": "CAST(__d__ + TO_MONTHS(CAST(__n__ AS INTEGER)) AS DATE)",
    "postgres": "CAST(__d__ + CAST(__n__ AS INTEGER) * INTERVAL '1 month' AS DATE)",
    "spark": "ADD_MONTHS(__d__, __n__)",
    # first day of the target month, then the original day clamped to that month's last day
    "sqlite": (
        "CASE WHEN __d__ IS NULL OR __n__ IS NULL THEN NULL ELSE DATE("
        "DATE(__d__, 'start of month', CAST(__n__ AS TEXT) || ' months'), "
        "CAST(MIN(CAST(STRFTIME('%d', __d__) AS INTEGER), CAST(STRFTIME('%d', "
        "DATE(__d__, 'start of month', CAST(__n__ AS TEXT) || ' months'), '+1 month', '-1 day') "
        "AS INTEGER)) - 1 AS TEXT) || ' days') END"
    ),
}
_ADD_DAYS = {
    "duckdb": "CAST(__d__ + CAST(__n__ AS INTEGER) AS DATE)",
    "postgres": "(__d__ + CAST(__n__ AS INTEGER))",
    "spark": "DATE_ADD(__d__, __n__)",
    "sqlite": "DATE(__d__, CAST(__n__ AS TEXT) || ' days')",
}
_DAYS_BETWEEN = {
    "duckdb": "CAST(__b__ - __a__ AS INTEGER)",
    "postgres": "(__b__ - __a__)",
    "spark": "DATEDIFF(__b__, __a__)",
    "sqlite": "CAST(JULIANDAY(__b__) - JULIANDAY(__a__) AS INTEGER)",
}
_PART = {
    "duckdb": "CAST(EXTRACT({part} FROM __d__) AS INTEGER)",
    "postgres": "CAST(EXTRACT({part} FROM __d__) AS INTEGER)",
    "spark": "{part}(__d__)",
    "sqlite": "CAST(STRFTIME('{fmt}', __d__) AS INTEGER)",
}


class _Compiler:
    def __init__(self, dialect: str, as_of: date) -> None:
        if dialect not in DIALECTS:
            raise BadInput(
                f"unknown SQL dialect `{dialect}`; use one of {', '.join(DIALECTS)}.",
                dialect=dialect,
            )
        self.dialect = dialect
        self.as_of = as_of
        #: When set, ``as_of`` in rule expressions is this SQL date (a row's candidate day)
        self.day: exp.Expr | None = None

    # --- literals and templates

    def date_lit(self, value: date) -> exp.Expr:
        text = exp.Literal.string(value.isoformat())
        return text if self.dialect == "sqlite" else exp.cast(text, "DATE")

    def literal(self, value: object) -> exp.Expr:
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, int):
            return (
                exp.Literal.number(value)
                if value >= 0
                else exp.Neg(this=exp.Literal.number(-value))
            )
        if isinstance(value, date):
            return self.date_lit(value)
        return exp.Literal.string(str(value))

    def template(self, text: str, **parts: exp.Expr) -> exp.Expr:
        tree = sqlglot.parse_one(text, read=self.dialect)

        def substitute(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and node.name.startswith("__") and not node.table:
                return exp.Paren(this=parts[node.name.strip("_")].copy())
            return node

        return tree.transform(substitute)

    def add_months(self, d: exp.Expr, n: exp.Expr) -> exp.Expr:
        return self.template(_ADD_MONTHS[self.dialect], d=d, n=n)

    def part(self, name: str, d: exp.Expr) -> exp.Expr:
        fmt = {"YEAR": "%Y", "MONTH": "%m"}[name]
        return self.template(_PART[self.dialect].format(part=name, fmt=fmt), d=d)

    def between(self, a: exp.Expr, b: exp.Expr, unit: str) -> exp.Expr:
        """Completed months/years from a to b: k, minus one if a + k units overshoots b."""
        years = exp.Sub(this=self.part("YEAR", b), expression=self.part("YEAR", a))
        if unit == "months":
            k: exp.Expr = exp.Add(
                this=exp.Mul(this=exp.Paren(this=years), expression=exp.Literal.number(12)),
                expression=exp.Sub(this=self.part("MONTH", b), expression=self.part("MONTH", a)),
            )
            months: exp.Expr = exp.Paren(this=k)
        else:
            k = years
            months = exp.Mul(this=exp.Paren(this=k), expression=exp.Literal.number(12))
        overshoot = exp.Case(
            ifs=[
                exp.If(
                    this=exp.GT(this=self.add_months(a, months), expression=b),
                    true=exp.Literal.number(1),
                )
            ],
            default=exp.Literal.number(0),
        )
        return exp.Paren(this=exp.Sub(this=exp.Paren(this=k), expression=overshoot))

    def reached(
        self, paths: list[tuple[tuple[expr.Node, bool], ...]], params: dict[str, Any]
    ) -> exp.Expr | None:
        """SQL for "some occurrence of this fact is on the row's path"; None means always."""
        if any(not path for path in paths):
            return None
        alternatives: list[exp.Expr] = []
        for path in paths:
            steps: list[exp.Expr] = []
            for condition, branch in path:
                value = self.node(condition, params)
                if not branch:
                    value = exp.Not(this=exp.Paren(this=value))
                steps.append(exp.Coalesce(this=exp.Paren(this=value), expressions=[exp.false()]))
            conjunction = steps[0]
            for step in steps[1:]:
                conjunction = exp.And(this=conjunction, expression=step)
            alternatives.append(exp.Paren(this=conjunction))
        return _any(alternatives)

    # --- expressions

    def node(self, node: expr.Node, params: dict[str, Any]) -> exp.Expr:
        if isinstance(node, expr.Lit):
            return self.literal(node.value)
        if isinstance(node, expr.Name):
            if node.kind == "as_of":
                return self.day.copy() if self.day is not None else self.date_lit(self.as_of)
            if node.kind == "param":
                value = params[node.name]
                return value.copy() if isinstance(value, exp.Expr) else self.literal(value)
            return exp.column(node.name, quoted=True)
        if isinstance(node, expr.Not):
            return exp.Not(this=exp.Paren(this=self.node(node.operand, params)))
        if isinstance(node, expr.Neg):
            return exp.Neg(this=exp.Paren(this=self.node(node.operand, params)))
        if isinstance(node, expr.In):
            test = exp.In(
                this=self.node(node.operand, params),
                expressions=[self.literal(v.value) for v in node.values],
            )
            return exp.Not(this=exp.Paren(this=test)) if node.negated else exp.Paren(this=test)
        if isinstance(node, expr.Binary):
            return self.binary(node, params)
        assert isinstance(node, expr.Call)
        return self.call(node, params)

    def binary(self, node: expr.Binary, params: dict[str, Any]) -> exp.Expr:
        classes: dict[str, Callable[..., exp.Expr]] = {
            "and": exp.And,
            "or": exp.Or,
            "+": exp.Add,
            "-": exp.Sub,
            "*": exp.Mul,
            "==": exp.EQ,
            "!=": exp.NEQ,
            "<": exp.LT,
            "<=": exp.LTE,
            ">": exp.GT,
            ">=": exp.GTE,
        }
        left = self.node(node.left, params)
        right = self.node(node.right, params)
        return exp.Paren(this=classes[node.op](this=left, expression=right))

    def call(self, node: expr.Call, params: dict[str, Any]) -> exp.Expr:
        if node.fn == "date":
            arg = node.args[0]
            assert isinstance(arg, expr.Lit)
            assert isinstance(arg.value, str)
            return self.date_lit(date.fromisoformat(arg.value))
        args = [self.node(arg, params) for arg in node.args]
        if node.fn == "if":
            condition = args[0]
            return exp.Case(
                ifs=[
                    exp.If(this=condition, true=args[1]),
                    exp.If(this=exp.Not(this=exp.Paren(this=condition.copy())), true=args[2]),
                ]
            )
        if node.fn == "add_months":
            return self.add_months(args[0], args[1])
        if node.fn == "add_years":
            years = exp.Mul(this=exp.Paren(this=args[1]), expression=exp.Literal.number(12))
            return self.add_months(args[0], years)
        if node.fn == "add_days":
            return self.template(_ADD_DAYS[self.dialect], d=args[0], n=args[1])
        if node.fn == "days_between":
            return self.template(_DAYS_BETWEEN[self.dialect], a=args[0], b=args[1])
        if node.fn == "later":
            # NULL when either is NULL (as in Python), written with CASE for every dialect
            first, second = args
            return exp.Case(
                ifs=[
                    exp.If(this=exp.GTE(this=first, expression=second), true=first.copy()),
                    exp.If(
                        this=exp.LT(this=first.copy(), expression=second.copy()), true=second.copy()
                    ),
                ]
            )
        if node.fn == "months_between":
            return self.between(args[0], args[1], "months")
        assert node.fn in ("years_between", "age_on")
        return self.between(args[0], args[1], "years")

    # --- a rule's status on a day known only per row (the check of eligible_on)

    def param_on(self, values: list[tuple[date, Any]], day: exp.Expr) -> exp.Expr:
        """The parameter's value on ``day``: the latest value keyed on or before it."""
        return exp.Case(
            ifs=[
                exp.If(
                    this=exp.GTE(this=day.copy(), expression=self.date_lit(start)),
                    true=self.literal(value),
                )
                for start, value in reversed(values)
            ]
        )

    def status_on(self, rule: Rule, day: exp.Expr) -> exp.Expr:
        """The rule's status (FAIL, PASS, UNKNOWN or UNVOUCHED) on ``day``, as
        :func:`clemency.eligibility.engine.judge_rule` gives it for that day."""
        params: dict[str, Any] = {
            name: self.param_on(p.values, day) for name, p in rule.parameters.items()
        }
        saved, self.day = self.day, day
        try:
            value: exp.Expr = exp.true()
            if rule.when is not None:
                value = self.node(rule.when, params)
            if rule.wait_until is not None:
                waited = exp.LTE(this=self.node(rule.wait_until, params), expression=day.copy())
                value = exp.Paren(this=exp.And(this=exp.Paren(this=value), expression=waited))
        finally:
            self.day = saved
        outside = exp.Literal.number(PASS if rule.outside_effective == "pass" else FAIL)
        before = UNVOUCHED if rule.basis == "knowledge" else None
        ifs = [
            exp.If(
                this=exp.LT(this=day.copy(), expression=self.date_lit(rule.effective_from)),
                true=exp.Literal.number(before) if before is not None else outside.copy(),
            )
        ]
        if rule.effective_until is not None:
            ifs.append(
                exp.If(
                    this=exp.GT(this=day.copy(), expression=self.date_lit(rule.effective_until)),
                    true=outside.copy(),
                )
            )
        return exp.Case(ifs=ifs, default=_status(value))


#: Rule statuses inside the query are small integers (cheaper to compare than texts).
FAIL, PASS, UNKNOWN = 0, 1, 2
#: Only in the check of eligible_on: the day is before the period the ruleset vouches for.
UNVOUCHED = 3


def _status(value: exp.Expr) -> exp.Expr:
    return exp.Case(
        ifs=[
            exp.If(this=value, true=exp.Literal.number(PASS)),
            exp.If(this=exp.Not(this=exp.Paren(this=value.copy())), true=exp.Literal.number(FAIL)),
        ],
        default=exp.Literal.number(UNKNOWN),
    )


def _any(conditions: list[exp.Expr]) -> exp.Expr:
    if not conditions:
        return exp.false()
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.Or(this=result, expression=condition)
    return exp.Paren(this=result)


def _is(column: str, status: int) -> exp.Expr:
    return exp.EQ(this=exp.column(column), expression=exp.Literal.number(status))


def _joined(pieces: list[tuple[exp.Expr, str]], dialect: str) -> exp.Expr:
    """``'a;b'`` from (condition, name) pairs, in the given order; ``''`` when none holds.

    CONCAT_WS skips NULLs on DuckDB, PostgreSQL and Spark and builds the text in one step;
    SQLite before 3.44 has no CONCAT_WS, so there ';name' pieces are joined and the first ';'
    cut off.
    """
    if not pieces:
        return exp.Literal.string("")
    if dialect != "sqlite":
        names = [
            exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.string(name))])
            for condition, name in pieces
        ]
        return exp.Anonymous(this="CONCAT_WS", expressions=[exp.Literal.string(";"), *names])
    parts = [
        exp.Case(
            ifs=[exp.If(this=condition, true=exp.Literal.string(";" + name))],
            default=exp.Literal.string(""),
        )
        for condition, name in pieces
    ]
    text: exp.Expr = parts[0]
    for part in parts[1:]:
        text = exp.DPipe(this=text, expression=part, safe=True)
    return exp.Substring(this=text, start=exp.Literal.number(2))


def _greatest(values: list[exp.Expr]) -> exp.Expr:
    """Largest non-NULL value, written with CASE so every dialect treats NULL the same."""
    result = values[0]
    for value in values[1:]:
        result = exp.Case(
            ifs=[
                exp.If(this=exp.Is(this=result.copy(), expression=exp.Null()), true=value.copy()),
                exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=result.copy()),
                exp.If(
                    this=exp.GTE(this=result.copy(), expression=value.copy()), true=result.copy()
                ),
            ],
            default=value.copy(),
        )
    return result


def compile_ruleset(
    ruleset: Ruleset,
    as_of: date,
    dialect: str,
    source: str = "roster",
    passthrough: tuple[str, ...] = (),
) -> str:
    """One SELECT over ``source`` giving the six determination columns per row.

    Columns named in ``passthrough`` (not facts) are carried unchanged after the six, as
    screening carries each row's ``invalid_reason``.
    """
    compiler = _Compiler(dialect, as_of)
    as_of_lit = compiler.date_lit(as_of)
    rules: list[Rule] = ruleset.required_rules
    # person_id is text on both sides, whatever type the roster gave it (Python coerces it too)
    person = exp.cast(exp.column("person_id", quoted=True), "VARCHAR")
    carried_through = [exp.column(name, quoted=True) for name in passthrough]
    inner: list[exp.Expr] = [exp.alias_(person, "person_id", copy=False), *carried_through]
    middle: list[exp.Expr] = [exp.column("person_id"), *[c.copy() for c in carried_through]]
    # the facts the check of eligible_on reads again on each row's candidate day
    carried = sorted({name for rule in rules for name in rule.facts} - {"person_id"})
    if any(rule.wait_until is not None for rule in rules):
        for name in carried:
            inner.append(exp.column(name, quoted=True))
            middle.append(exp.column(name, quoted=True))
    else:
        carried = []
    facts_of: dict[str, list[int]] = {}
    reached_of: dict[tuple[int, str], exp.Expr | None] = {}
    waits: list[int] = []
    nontime_fail: list[exp.Expr] = []
    for i, rule in enumerate(rules):
        scope = rule.scope_on(as_of)
        if scope == "not_vouched":
            # before the period the ruleset vouches for: unknown, reading no fact (as in Python)
            middle.append(exp.Literal.number(UNKNOWN).as_(f"s{i}"))
            continue
        if scope == "not_in_effect":
            constant = PASS if rule.outside_effective == "pass" else FAIL
            middle.append(exp.Literal.number(constant).as_(f"s{i}"))
            if constant == FAIL:
                nontime_fail.append(_is(f"s{i}", FAIL))
            continue
        params = rule.params_on(as_of)
        for name in rule.facts:
            facts_of.setdefault(name, []).append(i)
        paths: dict[str, list[tuple[tuple[expr.Node, bool], ...]]] = {}
        for node in (rule.when, rule.wait_until):
            if node is not None:
                for name, found in expr.fact_paths(node).items():
                    paths.setdefault(name, []).extend(found)
        for name, found in paths.items():
            reached_of[(i, name)] = compiler.reached(found, params)
        condition: exp.Expr = exp.true()
        if rule.when is not None:
            condition = compiler.node(rule.when, params)
        inner.append(exp.alias_(condition, f"c{i}", copy=False))
        value: exp.Expr = exp.column(f"c{i}")
        if rule.wait_until is not None:
            inner.append(exp.alias_(compiler.node(rule.wait_until, params), f"w{i}", copy=False))
            reached = exp.LTE(this=exp.column(f"w{i}"), expression=as_of_lit.copy())
            value = exp.Paren(this=exp.And(this=exp.column(f"c{i}"), expression=reached))
            time_only = exp.Coalesce(
                this=exp.Paren(
                    this=exp.And(
                        this=exp.column(f"c{i}"),
                        expression=exp.GT(this=exp.column(f"w{i}"), expression=as_of_lit.copy()),
                    )
                ),
                expressions=[exp.false()],
            )
            middle.append(exp.column(f"w{i}"))
            middle.append(exp.alias_(time_only, f"t{i}", copy=False))
            waits.append(i)
            nontime_fail.append(
                exp.Paren(
                    this=exp.And(
                        this=_is(f"s{i}", FAIL),
                        expression=exp.Not(this=exp.column(f"t{i}")),
                    )
                )
            )
        else:
            nontime_fail.append(_is(f"s{i}", FAIL))
        middle.append(exp.alias_(_status(value), f"s{i}", copy=False))
    fact_names = sorted(facts_of)
    for j, name in enumerate(fact_names):
        is_null = exp.Is(this=exp.column(name, quoted=True), expression=exp.Null())
        for i in facts_of[name]:
            on_path = reached_of[(i, name)]
            absent: exp.Expr = (
                is_null if on_path is None else exp.And(this=is_null, expression=on_path)
            )
            inner.append(exp.alias_(absent, f"m{i}_{j}", copy=False))
            middle.append(exp.column(f"m{i}_{j}"))

    any_fail = _any([_is(f"s{i}", FAIL) for i in range(len(rules))])
    any_unknown = _any([_is(f"s{i}", UNKNOWN) for i in range(len(rules))])
    outcome = exp.Case(
        ifs=[
            exp.If(this=any_fail, true=exp.Literal.string("ineligible")),
            exp.If(this=any_unknown, true=exp.Literal.string("needs_review")),
        ],
        default=exp.Literal.string("eligible"),
    )
    null_date: exp.Expr = exp.Null() if dialect == "sqlite" else exp.cast(exp.Null(), "DATE")
    if waits:
        candidates: list[exp.Expr] = [
            exp.Case(ifs=[exp.If(this=exp.column(f"t{i}"), true=exp.column(f"w{i}"))])
            for i in waits
        ]
        eligible_on: exp.Expr = exp.Case(
            ifs=[
                exp.If(
                    this=exp.And(
                        this=any_fail.copy(),
                        expression=exp.Not(this=_any(nontime_fail)),
                    ),
                    true=_greatest(candidates),
                )
            ],
            default=null_date,
        )
    else:
        eligible_on = null_date
    missing_pieces: list[tuple[exp.Expr, str]] = [
        (
            _any(
                [
                    exp.Paren(
                        this=exp.And(this=exp.column(f"m{i}_{j}"), expression=_is(f"s{i}", UNKNOWN))
                    )
                    for i in facts_of[name]
                ]
            ),
            name,
        )
        for j, name in enumerate(fact_names)
    ]
    if waits:
        # eligible_on only on a day the ruleset would say eligible: no required rule fails or
        # is unvouched on the candidate day (engine.holds_on); a fourth projection checks it
        day = exp.column("e")
        blocked = _any(
            [
                exp.In(
                    this=compiler.status_on(rule, day),
                    expressions=[exp.Literal.number(FAIL), exp.Literal.number(UNVOUCHED)],
                )
                for rule in rules
            ]
        )
        final_eligible_on: exp.Expr = exp.Case(
            ifs=[exp.If(this=exp.Not(this=blocked), true=exp.column("e"))], default=null_date
        )
        eligible_on = exp.alias_(eligible_on, "e", copy=False)
    outer = [
        exp.column("person_id"),
        exp.alias_(outcome, "outcome", copy=False),
        eligible_on if waits else exp.alias_(eligible_on, "eligible_on", copy=False),
        exp.alias_(
            _joined([(_is(f"s{i}", FAIL), r.id) for i, r in enumerate(rules)], dialect),
            "failed_rules",
            copy=False,
        ),
        exp.alias_(
            _joined([(_is(f"s{i}", UNKNOWN), r.id) for i, r in enumerate(rules)], dialect),
            "unknown_rules",
            copy=False,
        ),
        exp.alias_(_joined(missing_pieces, dialect), "missing_facts", copy=False),
        *[c.copy() for c in carried_through],
        *[exp.column(name, quoted=True) for name in (carried if waits else [])],
    ]
    # copy=False: each part is built for this query alone (sqlglot copies by default, which was
    # a third of the time of compiling)
    inner_select = exp.select(*inner, copy=False).from_(source, dialect=dialect, copy=False)
    middle_select = exp.select(*middle, copy=False).from_(
        inner_select.subquery("facts", copy=False), copy=False
    )
    query = exp.select(*outer, copy=False).from_(
        middle_select.subquery("rules", copy=False), copy=False
    )
    if waits:
        query = exp.select(
            exp.column("person_id"),
            exp.column("outcome"),
            exp.alias_(final_eligible_on, "eligible_on", copy=False),
            exp.column("failed_rules"),
            exp.column("unknown_rules"),
            exp.column("missing_facts"),
            *[c.copy() for c in carried_through],
            copy=False,
        ).from_(query.subquery("candidate", copy=False), copy=False)
    return query.sql(dialect=dialect, pretty=True)
