"""The terms of a commutation ("Prison sentence commuted to expire on April 18, 2017,
conditioned upon enrollment in residential drug treatment, leaving intact and in effect the
10-year term of supervised release …") read into a :class:`Terms` object.

Each pattern below recognises one clause wherever it stands in the text and records what it
says; the words it covered are marked as read. What is left once every pattern has run, less
the connecting words ("and", "the", punctuation), is listed verbatim in ``Terms.unparsed``:
nothing is dropped and nothing is guessed. The original text is kept in ``Terms.text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from clemency.grants.schemas import Condition, Remission, Terms
from clemency.grants.sentences import parse_date

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DATE = rf"{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}"
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_COUNT = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)"
_HEAD = (
    r"(?P<what>prison\s+sentence|sentence\s+of\s+imprisonment|death\s+sentence)"
    r"(?:\s+(?:for\s+both\s+offenses|in\s+above\s+conviction))?"
    r"(?:\s+commuted)?"
)
_MONEY_WHAT = (
    r"(?P<what>fine|restitution(?:\s+obligation)?|forfeiture(?:\s+obligation)?|money\s+judgment"
    r"|special\s+assessment)"
)
_WHEN = r"(?:\s+(?P<when>at\s+the\s+time\s+of\s+his\s+release|when\s+his\s+sentence\s+expires))?"
_AMOUNT = r"\$\s?(?P<amount>\d[\d,]*(?:\.\d+)?)"


def _number(word: str) -> float:
    word = word.lower()
    return float(_WORD_NUMBERS[word]) if word in _WORD_NUMBERS else float(word)


def _what(raw: str | None) -> str:
    if not raw:
        return "unspecified"
    first = raw.lower().split()[0]
    return {"money": "money_judgment", "special": "special_assessment"}.get(first, first)


def _amount(raw: str | None) -> Decimal | None:
    return Decimal(raw.replace(",", "")) if raw else None


def _when(raw: str | None) -> str | None:
    if not raw:
        return None
    return "at release" if "release" in raw.lower() else "when the sentence expires"


# -------------------------------------------------------------------------- clause handlers


def _head_expiry(terms: Terms, m: re.Match[str]) -> None:
    terms.sentence_commuted = "death" if "death" in m.group("what").lower() else "prison"
    terms.outcome = "expiry_date"
    terms.expires_on = parse_date(m.group("date"))


def _head_term(terms: Terms, m: re.Match[str]) -> None:
    terms.sentence_commuted = "death" if "death" in m.group("what").lower() else "prison"
    terms.outcome = "term"
    months = _number(m.group("n"))
    terms.term_months = months * 12 if m.group("unit").lower().startswith("year") else months


def _head_time_served(terms: Terms, m: re.Match[str]) -> None:
    terms.sentence_commuted = "prison"
    terms.outcome = "time_served"


def _head_life(terms: Terms, m: re.Match[str]) -> None:
    terms.sentence_commuted = "death" if "death" in m.group("what").lower() else "prison"
    terms.outcome = "life"


def _head_immediate(terms: Terms, m: re.Match[str]) -> None:
    terms.sentence_commuted = "prison"
    terms.outcome = "immediate"


def _full_pardon(terms: Terms, m: re.Match[str]) -> None:
    terms.full_pardon = True


def _condition(kind: str) -> Callable[[Terms, re.Match[str]], None]:
    def handler(terms: Terms, m: re.Match[str]) -> None:
        text = m.group(0).strip(" ,;.")
        terms.conditions.append(Condition.model_validate({"kind": kind, "text": text}))

    return handler


def _other_condition(terms: Terms, m: re.Match[str]) -> None:
    terms.conditions.append(Condition(kind="other", text=m.group("text").strip(" ,;.")))


def _remitted(terms: Terms, m: re.Match[str]) -> None:
    groups = m.groupdict()
    portion = "amount" if groups.get("partial") else "unpaid_balance"
    terms.remitted.append(
        Remission(
            what=_what(groups.get("what")),
            amount_usd=_amount(groups.get("amount")),
            portion=portion,
            when=_when(groups.get("when")),
            text=m.group(0).strip(" ,;."),
        )
    )


def _forfeiture_commuted(terms: Terms, m: re.Match[str]) -> None:
    terms.remitted.append(
        Remission(
            what="forfeiture",
            amount_usd=_amount(m.group("amount")),
            portion="whole",
            text=m.group(0).strip(" ,;."),
        )
    )


def _sr_intact(terms: Terms, m: re.Match[str]) -> None:
    terms.supervised_release = "left_intact"
    length = m.group("len").lower()
    if length == "life":
        terms.supervised_release_life = True
    else:
        value = _number(length)
        terms.supervised_release_months = value * 12 if m.group("unit") == "year" else value


def _sr_reduced(terms: Terms, m: re.Match[str]) -> None:
    terms.supervised_release = "reduced"
    terms.supervised_release_months = _number(m.group("new")) * 12


def _sr_entire(terms: Terms, m: re.Match[str]) -> None:
    terms.supervised_release = "commuted_in_entirety"


def _components_intact(terms: Terms, m: re.Match[str]) -> None:
    terms.other_components_intact = True


def _nothing(terms: Terms, m: re.Match[str]) -> None:
    """Words that only join the clauses ("conditioned upon the following terms:")."""


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[Terms, re.Match[str]], None]], ...] = tuple(
    (re.compile(pattern, re.I), handler)
    for pattern, handler in (
        # what the sentence became
        (
            rf"{_HEAD}\s+(?:to\s+)?(?:a\s+)?(?:expire\s+)?(?:on\s+|no\s+sooner\s+than\s+)?"
            rf"(?:a\s+term\s+(?:of\s+|on\s+))?(?P<date>{_DATE})",
            _head_expiry,
        ),
        (
            rf"{_HEAD}\s+(?:to\s+)?(?:a\s+term\s+of\s+)?(?P<n>{_COUNT})\s+(?P<unit>months?|years?)"
            r"['’]?(?:\s+imprisonment)?",
            _head_term,
        ),
        (rf"{_HEAD}\s+to\s+time\s+served", _head_time_served),
        (
            rf"{_HEAD}\s+to\s+life\s+imprisonment(?:\s+without\s+the\s+possibility\s+of\s+parole)?",
            _head_life,
        ),
        (rf"{_HEAD}\s+to\s+expire\s+immediately", _head_immediate),
        (
            r"pardon\s+recipient\s+is\s+granted\s+a\s+full\s+pardon"
            r"(?:\s+for\s+the\s+above\s+charged\s+offenses)?",
            _full_pardon,
        ),
        # conditions
        (
            r"conditioned\s+(?:upon|on)\s+(?:enrollment|enrollement|enrolling)?\s*(?:in\s+)?"
            r"residential\s+drug\s+(?:abuse\s+)?treatment",
            _condition("residential_drug_treatment"),
        ),
        (r"conditioned\s+(?:upon|on)\s+the\s+following\s+terms\s*:?", _nothing),
        (
            r"\d\)\s*the\s+(?:commutation|pardon)\s+recipient\s+shall\s+waive\s+and\s+release\s+"
            r"any\s+and\s+"
            r"all\s+claims[^;]*",
            _condition("waive_claims"),
        ),
        (
            r"\d\)\s*the\s+(?:commutation|pardon)\s+recipient\s+shall\s+not\s+accept\s+or\s+"
            r"otherwise\s+"
            r"receive\s+any\s+financial\s+benefit[^;]*?about\s+his\s+situation",
            _condition("no_financial_benefit"),
        ),
        (
            rf"conditioned\s+on\s+commutation\s+recipient['’]s\s+departing\s+from\s+the\s+United\s+"
            rf"States\s+on\s+{_DATE}",
            _condition("depart_united_states"),
        ),
        (
            rf"voluntarily\s+renouncing\s+his\s+United\s+States\s+citizenship\s+within\s+\w+\s+"
            rf"weeks\s+of\s+{_DATE}",
            _condition("renounce_citizenship"),
        ),
        (
            r"thereafter\s+remaining\s+outside\s+the\s+limits\s+of\s+the\s+United\s+States,\s+its\s+"
            r"territories\s+and\s+its\s+possessions",
            _condition("remain_outside_united_states"),
        ),
        (
            r"not\s+accepting\s+or\s+receiving\s+any\s+financial\s+benefit\s+from\s+any\s+book,\s+"
            r"movie\s+or\s+other\s+publication\s+or\s+production\s+about\s+his\s+situation",
            _condition("no_financial_benefit"),
        ),
        (
            r"renouncing\s+any\s+claim\s+to\s+benefits,\s+including\s+benefits\s+under\s+the\s+Old\s+"
            r"Age,\s+Survivors,\s+and\s+Disability\s+Insurance\s+Program,\s+related\s+to\s+"
            r"employment\s+while\s+in\s+the\s+United\s+States",
            _condition("renounce_benefits"),
        ),
        (
            r"waiving\s+and\s+releasing\s+any\s+and\s+all\s+claims\s+against\s+the\s+United\s+"
            r"States\s+of\s+America[^;.]*?conviction\s+or\s+sentence",
            _condition("waive_claims"),
        ),
        (
            r"on\s+the\s+condition\s+that\s+\w+\s+shall\s+never\s+have\s+any\s+rights,\s+privileges,"
            r"\s+claims,\s+or\s+benefits\s+arising\s+under\s+the\s+parole[^.;]*",
            _condition("no_parole_rights"),
        ),
        # money remitted
        (
            rf"(?:remission\s+of\s+)?any\s+unpaid\s+balance\s+of\s+the\s+{_MONEY_WHAT}"
            r"(?:\s+remitted)?",
            _remitted,
        ),
        (
            rf"(?:the\s+)?(?:unpaid|remaining)\s+balance\s+of\s+(?:the\s+)?(?:{_AMOUNT}\s+)?"
            rf"(?:{_MONEY_WHAT}\s+)?remitted{_WHEN}",
            _remitted,
        ),
        (
            rf"obligation\s+and\s+payment\s+of\s+{_AMOUNT}\s+{_MONEY_WHAT}\s+remitted{_WHEN}",
            _remitted,
        ),
        (
            rf"(?P<partial>{_AMOUNT})\s+of\s+the\s+{_MONEY_WHAT}\s+remitted{_WHEN}",
            _remitted,
        ),
        (
            r"full\s+order\s+requiring\s+forfeiture\s+of\s+[\w\s]+?dollars\s+\(\$(?P<amount>[\d,.]+)"
            r"\)\s+also\s+commuted",
            _forfeiture_commuted,
        ),
        # supervised release
        (
            rf"leaving\s+intact\s+and\s+in\s+effect\s+the\s+(?P<len>{_COUNT}|life)[\s-]*"
            r"(?P<unit>year|month)?\s*term\s+of\s+(?:supervised\s+release|special\s+parole)",
            _sr_intact,
        ),
        (
            rf"(?:the\s+)?(?:{_COUNT}[\s-]+year\s+)?(?:term\s+of\s+)?supervised\s+release(?:\s+term)?"
            rf"\s+commuted\s+to\s+(?:a\s+term\s+of\s+)?(?P<new>{_COUNT})\s+years?['’]?\s+(?:of\s+)?"
            r"supervised\s+release",
            _sr_reduced,
        ),
        (r"term\s+of\s+supervised\s+release\s+commuted\s+in\s+its\s+entirety", _sr_entire),
        # the rest of the sentence left as it was
        (
            r"(?:leaving\s+intact\s+and\s+in\s+effect\s+)?(?:with\s+)?all\s+(?:of\s+)?its\s+"
            r"(?:terms\s+and\s+)?(?:conditions|components)",
            _nothing,
        ),
        (
            r"(?:leaving\s+intact\s+and\s+in\s+effect\s+)?(?:all\s+conditions\s+and\s+)?(?:all\s+)?"
            r"(?:other\s+)?(?:conditions?|components?)\s+of\s+(?:the\s+|his\s+)?(?:sentence|supervised\s+release\s+term|"
            r"release)",
            _components_intact,
        ),
    )
)
_JOINERS = re.compile(
    r"^(?:and|the|also|as\s+well\s+as|with|leaving\s+intact\s+and\s+in\s+effect)$", re.I
)


def parse_terms(text: str) -> Terms:
    """The terms stated in ``text`` (already repaired), with what was not understood."""
    clean = re.sub(r"\s+", " ", text).strip()
    terms = Terms(text=clean)
    covered = [False] * len(clean)
    for pattern, handler in _PATTERNS:
        for match in pattern.finditer(clean):
            if any(covered[match.start() : match.end()]):
                continue  # an earlier, more specific pattern read these words
            handler(terms, match)
            for index in range(match.start(), match.end()):
                covered[index] = True
    rest = "".join("\x00" if covered[i] else ch for i, ch in enumerate(clean))
    for piece in re.split(r"[\x00;]|,\s|\.\s*$", rest):
        words = piece.strip(" ,.;:")
        if not words or _JOINERS.match(words):
            continue
        words = re.sub(r"^(?:and|the)\s+", "", words, flags=re.I)
        if re.search(r"[A-Za-z0-9]", words):
            terms.unparsed.append(words)
    return terms


def describe(terms: Terms) -> str:
    """A short reading of the terms for lists: "to 240 months; drug treatment; fine remitted"."""
    parts: list[str] = []
    if terms.outcome == "term" and terms.term_months is not None:
        parts.append(f"to {terms.term_months:g} months")
    elif terms.outcome == "expiry_date" and terms.expires_on is not None:
        parts.append(f"to expire {terms.expires_on.isoformat()}")
    elif terms.outcome == "time_served":
        parts.append("to time served")
    elif terms.outcome == "life":
        parts.append("to life imprisonment")
    elif terms.outcome == "immediate":
        parts.append("to expire immediately")
    kinds = {c.kind for c in terms.conditions}
    if "residential_drug_treatment" in kinds:
        parts.append("residential drug treatment")
    if kinds - {"residential_drug_treatment"}:
        parts.append("other conditions")
    for remission in terms.remitted:
        parts.append(f"{remission.what.replace('_', ' ')} remitted")
    if terms.supervised_release == "reduced" and terms.supervised_release_months:
        parts.append(f"supervised release cut to {terms.supervised_release_months:g} months")
    elif terms.supervised_release == "commuted_in_entirety":
        parts.append("supervised release commuted")
    if terms.unparsed:
        parts.append("(part not understood)")
    return "; ".join(parts) or "terms not understood"
