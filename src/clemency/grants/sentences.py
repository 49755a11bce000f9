"""Sentence texts split into components: "Three years' probation, conditioned upon six
months' home confinement; $3,000 fine" gives probation 36 months, home confinement 6 months
and a fine of $3,000.

The text is cut into clauses at semicolons (and at commas that start a new component); each
clause is matched against the component patterns. A clause that matches none is kept in
``Sentence.unparsed`` verbatim, so a reader sees exactly what was not understood.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from clemency.grants.schemas import Sentence

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
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
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-])?(?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|an?)"
_UNIT = r"(?P<unit{n}>years?|months?|weeks?|days?|hours?)['’]?s?['’]?"
_DURATION = (
    rf"(?P<n1>{_NUM})[\s-]+{_UNIT.format(n=1)}"
    rf"(?:\s*(?:and|,)\s*(?P<n2>{_NUM})[\s-]+{_UNIT.format(n=2)})?"
)
_KINDS: tuple[tuple[str, str], ...] = (
    ("supervised_release", r"supervised\s+release"),
    ("special_parole", r"special\s+parole"),
    ("probation", r"probation"),
    ("home_confinement", r"home\s+(?:confinement|detention)|house\s+arrest"),
    (
        "community_confinement",
        r"(?:residence\s+in\s+a\s+)?(?:community\s+confinement|halfway\s+house)(?:\s+cent(?:er|re))?",
    ),
    ("community_service", r"community\s+service"),
    ("prison", r"imprisonment|incarceration|confinement|custody|prison"),
    ("parole", r"parole"),
)
_KIND = "(?P<kind>" + "|".join(f"(?:{p})" for _, p in _KINDS) + ")"
_DURATION_KIND = re.compile(rf"{_DURATION}\s+(?:of\s+)?{_KIND}", re.I)
_KIND_DURATION = re.compile(rf"{_KIND}\s+(?:for|of)\s+{_DURATION}", re.I)
_MONEY = re.compile(
    r"\$\s?(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|billion|thousand)?\s*(?:in\s+|of\s+)?"
    r"(?P<what>fine|restitution|special\s+assessment|assessment|forfeiture|costs?)?",
    re.I,
)
_LIFE = re.compile(r"\blife\b(?:\s+imprisonment|\s+in\s+prison|\s+sentence)?", re.I)
_DEATH = re.compile(r"\bdeath\b", re.I)
_TIME_SERVED = re.compile(r"time\s+served(?:\s*\((?P<days>\d+)\s+days?\))?", re.I)
_SUSPENDED = re.compile(r"\bsuspended\b", re.I)
_AMENDED = re.compile(r"\b(amended|modified|reduced)\b", re.I)
_DISCHARGE = re.compile(
    r"(?P<kind>bad[\s-]+conduct|dishonorable|other\s+than\s+honorable|undesirable)\s+discharge|dismissal(?:\s+from\s+(?:the\s+)?service)?",
    re.I,
)
_MILITARY_OTHER = re.compile(
    r"forfeiture\s+of|reduction\s+(?:in\s+rank|to\s+(?:the\s+)?(?:grade|lowest))|hard\s+labor|reprimand|restriction",
    re.I,
)
_DATE_TEXT = re.compile(
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})",
    re.I,
)
_PAREN_DATE = re.compile(rf"\(\s*(?:{_DATE_TEXT.pattern})\s*\)", re.I)


def _number(word: str) -> float:
    word = word.lower().strip().replace(",", "")
    try:
        return float(word)
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[\s-]+", word):
        total += _NUMBER_WORDS[part]
    return float(total)


def _months(number: float, unit: str) -> float:
    unit = unit.lower().rstrip("s'’")
    if unit.startswith("year"):
        return number * 12
    if unit.startswith("month"):
        return number
    if unit.startswith("week"):
        return round(number * 7 / 30.4375, 2)
    if unit.startswith("day"):
        return round(number / 30.4375, 2)
    return number  # hours: caller handles


def parse_date(text: str) -> date | None:
    match = _DATE_TEXT.search(text)
    if match is None:
        return None
    try:
        return datetime.strptime(
            f"{match.group('month')[:3]} {match.group('day')} {match.group('year')}", "%b %d %Y"
        ).date()
    except ValueError:
        return None


def split_trailing_date(text: str) -> tuple[str, date | None]:
    """ "12 years' imprisonment (February 27, 1989)" -> ("12 years' imprisonment", 1989-02-27).

    The first parenthesis that holds only a date is taken as the date of sentencing; other
    parentheses ("(as amended July 24, 1985)") stay in the text.
    """
    match = _PAREN_DATE.search(text)
    if match is None:
        return text, None
    found = parse_date(match.group(0))
    rest = (text[: match.start()] + text[match.end() :]).strip()
    rest = re.sub(r"\s{2,}", " ", rest).strip(" ;,")
    return rest, found


def _money(amount: str, scale: str | None) -> Decimal:
    value = Decimal(amount.replace(",", ""))
    factor = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}.get(
        (scale or "").lower(), 1
    )
    return value * factor


def _kind_of(matched: str) -> str:
    for kind, pattern in _KINDS:
        if re.fullmatch(pattern, matched, re.I):
            return kind
    return "prison"


def _clauses(text: str) -> list[str]:
    pieces: list[str] = []
    for part in re.split(r";", text):
        # "three years' imprisonment, three years' special parole": a comma before a new
        # duration starts a new component; "suspended" and "conditioned upon" stay attached.
        for sub in re.split(
            rf"(?<!\d),\s*(?=(?:and\s+)?(?:{_NUM})[\s-]+(?:years?|months?|days?)\b|\$)",
            part,
            flags=re.I,
        ):
            if sub.strip(" .,"):
                pieces.append(sub.strip(" .,"))
    return pieces


def parse_sentence(text: str) -> Sentence:
    """Components of the sentence ``text`` (which should not include the sentencing date)."""
    clean = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()
    sentence = Sentence(text=clean)
    if _AMENDED.search(clean):
        sentence.amended = True
    for clause in _clauses(clean):
        understood = False
        head = re.split(r"\b(?:conditioned|including|to\s+include|with)\b", clause, flags=re.I)[0]
        for match in _DURATION_KIND.finditer(clause):
            understood = True
            _apply_duration(sentence, match, conditioned=match.start() >= len(head))
        for match in _KIND_DURATION.finditer(clause):
            understood = True
            _apply_duration(sentence, match, conditioned=match.start() >= len(head))
        served = _TIME_SERVED.search(clause)
        if served:
            understood = True
            sentence.time_served = True
            if served.group("days"):
                sentence.time_served_days = int(served.group("days"))
        if _LIFE.search(clause) and re.search(r"imprison|life\s+sentence|^\s*life\b", clause, re.I):
            understood = True
            sentence.is_life = True
        if _DEATH.search(clause) and re.search(r"sentence|death\s*$|^\s*death", clause, re.I):
            understood = True
            sentence.is_death = True
        if _SUSPENDED.search(clause):
            understood = True
            sentence.suspended = True
        for money in _MONEY.finditer(clause):
            what = (money.group("what") or "").lower()
            amount = _money(money.group("amount"), money.group("scale"))
            if what == "fine" or (not what and re.search(r"\bfined?\b", clause, re.I)):
                sentence.fine_usd = (sentence.fine_usd or Decimal(0)) + amount
                understood = True
            elif what == "restitution":
                sentence.restitution_usd = (sentence.restitution_usd or Decimal(0)) + amount
                understood = True
            elif what:
                understood = True  # special assessment, forfeiture, costs: text keeps them
        if re.search(r"\b(unspecified|undetermined)\s+(restitution|fine)\b", clause, re.I):
            understood = True  # stated without an amount; the text keeps it
        discharge = _DISCHARGE.search(clause)
        if discharge:
            understood = True
            sentence.military_discharge = discharge.group(0).lower()
        if _MILITARY_OTHER.search(clause) or re.fullmatch(
            r"\(?(as\s+)?amended[^)]*\)?", clause, re.I
        ):
            understood = True
        if re.fullmatch(r"n/?a|none|not\s+sentenced|no\s+sentence(\s+imposed)?", clause, re.I):
            understood = True  # the page says there was no sentence
        if not understood:
            sentence.unparsed.append(clause)
    return sentence


def _apply_duration(sentence: Sentence, match: re.Match[str], *, conditioned: bool) -> None:
    kind = _kind_of(match.group("kind"))
    first = _number(match.group("n1"))
    unit1 = match.group("unit1")
    if unit1.lower().startswith("hour"):
        if kind == "community_service":
            sentence.community_service_hours = int(first)
        return
    months = _months(first, unit1)
    extra_days = 0
    if match.group("n2"):
        unit2 = match.group("unit2")
        second = _number(match.group("n2"))
        if unit2.lower().startswith("day"):
            extra_days = int(second)
        else:
            months += _months(second, unit2)
    if kind == "prison" and conditioned:
        # "probation, conditioned upon six months' confinement": a condition, not the term
        kind = (
            "community_confinement" if "community" in match.group(0).lower() else "home_confinement"
        )
        if "home" not in match.group(0).lower() and "community" not in match.group(0).lower():
            kind = "prison_condition"
    if kind == "prison":
        if sentence.prison_months is None:
            sentence.prison_months = months
            sentence.prison_extra_days = extra_days
    elif kind == "prison_condition":
        sentence.community_confinement_months = months
    elif kind == "probation":
        sentence.probation_months = months
    elif kind == "supervised_release":
        sentence.supervised_release_months = months
    elif kind in {"special_parole", "parole"}:
        sentence.special_parole_months = months
    elif kind == "home_confinement":
        sentence.home_confinement_months = months
    elif kind == "community_confinement":
        sentence.community_confinement_months = months
