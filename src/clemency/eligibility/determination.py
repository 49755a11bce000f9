"""The determination: the one result shape of every evaluation (product.md §5.2).

``model_dump(mode="json")`` / :meth:`Determination.to_json` give exactly the §5.2 JSON, plus two
additive fields per rule (``required``, ``missing_facts``) and the rule's ``url``.
:meth:`Determination.as_row` gives the six roster columns that the compiled SQL also produces.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, PrivateAttr

Outcome = Literal["eligible", "ineligible", "needs_review"]
RuleOutcome = Literal["pass", "fail", "unknown"]

ROW_COLUMNS = (
    "person_id",
    "outcome",
    "eligible_on",
    "failed_rules",
    "unknown_rules",
    "missing_facts",
)


class RulesetRef(BaseModel):
    id: str
    version: str
    sha256: str


class RuleResult(BaseModel):
    id: str
    title: str
    outcome: RuleOutcome
    explanation: str
    citation: str
    url: str | None = None
    required: bool = True
    missing_facts: list[str] = []
    #: False when ``as_of`` falls before the period the ruleset vouches for this rule
    #: (``effective.basis: knowledge``): the outcome is then ``unknown`` for that reason alone.
    vouched: bool = True


class GrantedRelief(BaseModel):
    """A grant the case record holds (a Decision), stated in every determination of the case."""

    kind: str
    decided_on: date

    def describe(self) -> str:
        return f"{self.kind} granted on {self.decided_on.isoformat()}"


class Determination(BaseModel):
    """Outcome, per-rule results with explanations and citations, missing facts, eligible_on.

    ``failed_rule_ids`` and ``unknown_rule_ids`` (and the top-level ``missing_facts``) cover the
    **required** rules only: they are what decides the outcome. Advisory rules are reported in
    ``rules`` with their own outcome and missing facts but never change the outcome.
    """

    ruleset: RulesetRef
    as_of: date
    outcome: Outcome
    eligible_on: date | None
    missing_facts: list[str]
    rules: list[RuleResult]
    #: Grants on the case record decided on or before ``as_of`` (empty for facts alone).
    granted: list[GrantedRelief] = []
    _person_id: str | None = PrivateAttr(default=None)

    @property
    def failed_rule_ids(self) -> list[str]:
        return [r.id for r in self.rules if r.required and r.outcome == "fail"]

    @property
    def unknown_rule_ids(self) -> list[str]:
        return [r.id for r in self.rules if r.required and r.outcome == "unknown"]

    @property
    def unvouched_rule_ids(self) -> list[str]:
        """Required rules that are unknown only because ``as_of`` is before what we vouch for."""
        return [r.id for r in self.rules if r.required and not r.vouched]

    @property
    def person_id(self) -> str | None:
        return self._person_id

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def as_row(self, person_id: str | None = None) -> dict[str, Any]:
        """The six columns of a screening result, identical to the compiled SQL's."""
        return {
            "person_id": person_id if person_id is not None else self._person_id,
            "outcome": self.outcome,
            "eligible_on": self.eligible_on,
            "failed_rules": ";".join(self.failed_rule_ids),
            "unknown_rules": ";".join(self.unknown_rule_ids),
            "missing_facts": ";".join(self.missing_facts),
        }

    def to_text(self) -> str:
        """A readable explanation tree: the outcome, then each rule with its reason and source."""
        marks = {"pass": "PASS", "fail": "FAIL", "unknown": "????"}
        head = {
            "eligible": "ELIGIBLE",
            "ineligible": "INELIGIBLE",
            "needs_review": "NEEDS REVIEW",
        }[self.outcome]
        lines = [
            f"{self.ruleset.id} (version {self.ruleset.version}, sha256 {self.ruleset.sha256[:12]}) "
            f"as of {self.as_of.isoformat()}",
            f"Outcome: {head}",
        ]
        for grant in self.granted:
            lines.append(f"Record: {grant.describe()}")
        if self.eligible_on is not None:
            lines.append(
                f"Eligible on: {self.eligible_on.isoformat()} (only time stands in the way)"
            )
        if self.missing_facts:
            lines.append("Missing facts: " + ", ".join(self.missing_facts))
        for group, required in (("Required rules", True), ("Advisory merit factors", False)):
            members = [r for r in self.rules if r.required is required]
            if not members:
                continue
            lines.append(f"{group}:")
            for i, result in enumerate(members):
                last = i == len(members) - 1
                branch, stem = ("└─", "   ") if last else ("├─", "│  ")
                mark = marks[result.outcome] if result.vouched else "NOT VOUCHED"
                lines.append(f"{branch} [{mark}] {result.title}  ({result.id})")
                lines.append(f"{stem}   {result.explanation}")
                source = result.citation + (f" <{result.url}>" if result.url else "")
                lines.append(f"{stem}   Source: {source}")
        lines.append("Rules advise; people decide (28 CFR 1.11).")
        return "\n".join(lines)
