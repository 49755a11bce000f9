"""Statutes cited in an offense text: "18 U.S.C. §§ 371 and 1341" gives two citations.

Handled forms: ``<title> U.S.C. § <section>`` with lists joined by commas, "and" and "&"
(a bare subsection such as "(h)" continues the previous section), ``U.S.C. App.`` and
``App. U.S.C.``, ``Article(s) 89, 92 … U.C.M.J.``, the Articles of War, and the D.C. Code.
"""

from __future__ import annotations

import re

from clemency.grants.schemas import Statute

_USC = re.compile(
    r"(?P<title>\d+)\s*(?P<app1>App(?:endix|\.)?\s*)?U\.?\s*S\.?\s*C(?:\.|\b)\s*"
    r"(?P<app2>App(?:endix|\.)?\s*)?(?:§§?|[Ss]ec(?:tions?|s?\.))?\s*"
)
_UCMJ = re.compile(
    r"Articles?\s+(?P<list>\d+[a-z]?(?:\s*(?:,|and|&)\s*(?:and\s+)?\d+[a-z]?)*)\s*,?\s*(?:of\s+the\s+)?U\.?\s*C\.?\s*M\.?\s*J\.?",
    re.I,
)
_ARTICLES_OF_WAR = re.compile(r"(?P<num>\d+)(?:st|nd|rd|th)?\s+Article\s+of\s+War", re.I)
_DC_CODE = re.compile(
    r"(?P<title>\d+)\s+D\.?\s*C\.?\s+Code\s+§§?\s*(?P<section>\d[\w()\-.]*)", re.I
)
_DC_CODE_NEW = re.compile(r"D\.?\s*C\.?\s+Code\s+§§?\s*(?P<section>\d+-\d[\w()\-.]*)", re.I)
_SECTION = re.compile(r"^(?P<base>\d+[A-Za-z]*(?:-\d+[A-Za-z]*)?)(?P<sub>(?:\([\w]+\))*)$")
_LIST_TOKEN = re.compile(
    r"\s*(?:(?P<section>\d+[A-Za-z]*(?:-\d+[A-Za-z]*)?(?:\([\w]+\))*)"
    r"|(?P<sub>(?:\([\w]+\))+)|(?P<sep>,|\band\b|&|\bor\b))"
)


def _clean(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u2009", " ")


def _sections(raw: str) -> list[str]:
    """ "371 and 1341" -> [371, 1341]; "1956(a)(2)(A), (a)(2)(B)(1), & (h)" -> three."""
    out: list[str] = []
    base: str | None = None
    position = 0
    expect_item = True
    while True:
        match = _LIST_TOKEN.match(raw, position)
        if match is None:
            break
        position = match.end()
        if match.group("sep"):
            expect_item = True
            continue
        if not expect_item:
            break
        expect_item = False
        if match.group("section"):
            section = match.group("section")
            base_match = _SECTION.match(section)
            base = base_match.group("base") if base_match else section
            out.append(section)
        elif base is not None:
            out.append(base + match.group("sub"))
    return out


def _article(code: str, number: str) -> Statute:
    return Statute(
        code=code, title=None, section=number, base_section=number, cite=f"{code} art. {number}"
    )


def _dc_code(title: str | None, section: str) -> Statute:
    section = section.rstrip(".")
    cite = f"{title} D.C. Code § {section}" if title else f"D.C. Code § {section}"
    return Statute(
        code="D.C. Code",
        title=title,
        section=section,
        base_section=section.split("(")[0],
        cite=cite,
    )


def extract_statutes(text: str | None) -> list[Statute]:
    """Every statute the text cites, in order, without duplicates."""
    if not text:
        return []
    text = _clean(text)
    found: list[Statute] = []
    seen: set[str] = set()

    def add(statute: Statute) -> None:
        if statute.cite not in seen:
            seen.add(statute.cite)
            found.append(statute)

    anchors = list(_USC.finditer(text))
    for index, match in enumerate(anchors):
        appendix = bool(match.group("app1") or match.group("app2"))
        code = "U.S.C. App." if appendix else "U.S.C."
        stop = anchors[index + 1].start() if index + 1 < len(anchors) else len(text)
        for section in _sections(text[match.end() : stop].split(";")[0]):
            base = _SECTION.match(section)
            add(
                Statute(
                    code=code,
                    title=match.group("title"),
                    section=section,
                    base_section=base.group("base") if base else section,
                    cite=f"{match.group('title')} {code} § {section}",
                )
            )
    for match in _UCMJ.finditer(text):
        for number in re.findall(r"\d+[a-z]?", match.group("list")):
            add(_article("U.C.M.J.", number))
    for match in _ARTICLES_OF_WAR.finditer(text):
        add(_article("Articles of War", match.group("num")))
    for match in _DC_CODE.finditer(text):
        add(_dc_code(match.group("title"), match.group("section")))
    if not any(s.code == "D.C. Code" for s in found):
        for match in _DC_CODE_NEW.finditer(text):
            add(_dc_code(None, match.group("section")))
    return found


_CITATION_TAIL = re.compile(
    r"[,;]?\s*(?:\d+\s*(?:App(?:endix|\.)?\s*)?U\.?\s*S\.?\s*C|Articles?\s+\d|\d+\s+D\.?\s*C\.?\s+Code).*$",
    re.I | re.S,
)


def offense_without_citations(text: str) -> str:
    """The offense described in words, with the first citation and all after it removed."""
    stripped = _CITATION_TAIL.sub("", _clean(text)).strip(" ,;")
    return stripped or text.strip()
