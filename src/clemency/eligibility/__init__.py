"""The rules engine: rule files as data, evaluated per person and compiled to SQL.

It is pure: it imports neither the database nor the web framework (import-linter enforces it).

**How rules combine** (the only combination, ``combine: required-gates``): each rule gives
``pass``, ``fail`` or ``unknown`` (three-valued logic; a missing fact gives ``unknown`` unless the
condition is already decided without it). Then

- any **required** rule ``fail`` → ``ineligible``;
- otherwise any required rule ``unknown`` → ``needs_review``;
- otherwise ``eligible``.

Advisory rules (merit factors) are evaluated and explained but never change the outcome
(28 CFR 1.11: the rules advise, people decide). ``missing_facts`` lists the missing facts read
by the required rules that came out ``unknown`` (only those on the row's path through ``if()``
branches). ``eligible_on`` is set when the outcome is
``ineligible`` and every failing required rule is a waiting period that fails only because its
date is still ahead; it is the latest of those dates (parameters as of ``as_of``). Other rules
that are ``unknown`` do not block it: on that date the outcome would be ``needs_review`` until
they are settled.

Rules outside their effective period give their ``outside_effective`` outcome (default
``pass``: a requirement not yet, or no longer, in force does not apply), except before an
``effective.from`` whose ``basis`` is ``knowledge`` (only the earliest date the ruleset vouches
for): there the rule is ``unknown`` with ``vouched=False``, never a silent pass.
"""

from typing import TYPE_CHECKING, Any

from clemency.eligibility.determination import Determination, RuleResult
from clemency.eligibility.engine import evaluate, screen_row
from clemency.eligibility.facts import FACTS, FactSpec, validate_facts
from clemency.eligibility.model import Rule, Ruleset
from clemency.eligibility.registry import list_rulesets, load_folder, load_ruleset

if TYPE_CHECKING:
    from clemency.eligibility.sql import compile_ruleset


def __getattr__(name: str) -> Any:
    """``compile_ruleset`` is loaded on first use: it brings sqlglot, which costs a third of a
    second to import and is needed only by bulk screening and ``clemency rules sql``."""
    if name == "compile_ruleset":
        from clemency.eligibility.sql import compile_ruleset

        return compile_ruleset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FACTS",
    "Determination",
    "FactSpec",
    "Rule",
    "RuleResult",
    "Ruleset",
    "compile_ruleset",
    "evaluate",
    "list_rulesets",
    "load_folder",
    "load_ruleset",
    "screen_row",
    "validate_facts",
]
