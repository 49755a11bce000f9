"""Small pages written for these tests: each is a variant of the family of layouts that the
real pages do not show, so the parser is proven on the family and not on three files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clemency.errors import ParseError
from clemency.grants.parser import parse_html
from clemency.grants.sources import parse_source


def wrap(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><nav><p><strong>Menu</strong></p></nav>"
        f'<main><h1>{title}</h1><div class="field--name-body">{body}</div></main></body></html>'
    )


FIVE_COLUMNS = wrap(
    "Pardons Granted by President Jane Q. Public (2031-2035)",
    """
    <h2>May 6, 2033</h2>
    <table><tr><th>NAME</th><th>DISTRICT</th><th>SENTENCED</th><th>OFFENSE</th><th>PUBLIC DISCLOSURE</th></tr>
    <tr><td>Michael Test Person</td><td>U.S. Army</td>
        <td>Forfeiture of all pay and allowances; confinement for 20 years' (amended from 25 years' on July 2, 2009); dismissal from service (February 28, 2009)</td>
        <td>Unpremeditated murder; assault</td>
        <td><a href="/pardon/file/1/download">Download PDF Clemency Records</a></td></tr>
    <tr><td>Patricia Example</td><td>Eastern District of California</td>
        <td>33 months' imprisonment; three years' supervised release; $10,000 fine (February 18, 1994)</td>
        <td>Conducting the affairs of an enterprise through a pattern of racketeering</td>
        <td><a href="/pardon/file/2/download">Download PDF Clemency Records</a></td></tr>
    <tr><td>Zed Sample</td><td>Southern District of New York</td><td>N/A</td>
        <td>Conspiracy to violate the Sherman Act</td><td></td></tr>
    </table>
    """,
)


def test_five_column_tables_with_full_sentences_and_record_links() -> None:
    page = parse_html(FIVE_COLUMNS, source_file="five.html")
    assert page.president == "Jane Q. Public"
    assert [g.name for g in page.grants] == [
        "Michael Test Person",
        "Patricia Example",
        "Zed Sample",
    ]
    soldier, civilian, unsentenced = page.grants
    assert soldier.record_url == "/pardon/file/1/download"
    assert soldier.convictions[0].court_id == "court-martial"
    assert soldier.convictions[0].military_branch == "army"
    assert soldier.convictions[0].sentenced_on == date(2009, 2, 28)
    assert soldier.convictions[0].sentence is not None
    assert soldier.convictions[0].sentence.prison_months == 240
    assert soldier.category == "violent"
    assert civilian.convictions[0].court_id == "caed"
    assert civilian.convictions[0].sentence is not None
    assert civilian.convictions[0].sentence.fine_usd == Decimal(10000)
    assert civilian.convictions[0].sentence.supervised_release_months == 36
    assert unsentenced.convictions[0].sentenced_text == "N/A"
    assert unsentenced.convictions[0].sentence is not None
    assert unsentenced.convictions[0].sentence.unparsed == []


PARAGRAPHS = wrap(
    "Pardons Granted by President Jane Q. Public (2031-2035)",
    """
    <p><strong>March 3, 2034</strong></p>
    <p><a href="/pardon/file/9">Download PDF Clemency Warrant</a></p>
    <p><b>Jane Roe, aka J. Roe</b></p>
    <p>Offense: Wire fraud, 18 U.S.C. § 1343 (Eastern District of Virginia)</p>
    <p>Sentence: 24 months' imprisonment; $5,000 restitution (May 1, 2010)</p>
    <p>Offense: Possession of cocaine (District of Minnesota)</p>
    <p>Sentence: One year's probation (June 2, 2012)</p>
    <p><strong>John Doe, fka Johnny Doe</strong></p>
    <p><strong>Offenses:</strong> Illegal reentry, 8 U.S.C. § 1326</p>
    <p><strong>District/Date:</strong> W.D. Tex.; March 9, 2001</p>
    <p><strong>Sentence:</strong> Time served; two years' supervised release</p>
    <p>Residence: Springfield</p>
    """,
)


def test_paragraph_layout_with_labels_and_several_convictions() -> None:
    page = parse_html(PARAGRAPHS, source_file="paragraphs.html")
    assert [g.name for g in page.grants] == ["Jane Roe", "John Doe"]
    roe, doe = page.grants
    assert roe.layout == "label-paragraphs"
    assert roe.grant_date == date(2034, 3, 3)
    assert roe.warrant_url == "/pardon/file/9"
    assert [(a.kind, a.name) for a in roe.aliases] == [("aka", "J. Roe")]
    assert len(roe.convictions) == 2
    first, second = roe.convictions
    assert (first.court_id, first.sentenced_on, first.offense_text) == (
        "vaed",
        date(2010, 5, 1),
        "Wire fraud, 18 U.S.C. § 1343",
    )
    assert first.sentence is not None
    assert first.sentence.restitution_usd == Decimal(5000)
    assert (second.court_id, second.category) == ("mnd", "drug")
    assert second.sentence is not None
    assert second.sentence.probation_months == 12
    assert roe.category == "drug"
    assert doe.convictions[0].court_id == "txwd"
    assert doe.convictions[0].sentenced_on == date(2001, 3, 9)
    assert doe.category == "immigration"
    assert doe.convictions[0].sentence is not None
    assert doe.convictions[0].sentence.time_served
    # an unknown label is kept verbatim and flagged
    assert [(u.label, u.text) for u in doe.unparsed] == [("Residence", "Springfield")]
    assert "unknown_label:residence" in doe.flags


COMMUTATIONS = wrap(
    "Commutations Granted by President Jane Q. Public (2031-2035)",
    """
    <h3>Commutations granted on July 4, 2035</h3>
    <table>
      <tr><th colspan="2">Ann Example</th></tr>
      <tr><td>Offense(s):</td><td>Conspiracy to distribute methamphetamine, 21 U.S.C. §§ 841(a)(1) and 846</td></tr>
      <tr><td>Court/Date:</td><td>M.D. Tenn.; January 5, 2010</td></tr>
      <tr><td>Sentence imposed:</td><td>Life imprisonment; ten years' supervised release</td></tr>
      <tr><td>Commutation Grant:</td><td>Prison sentence commuted to expire on August 3, 2035.</td></tr>
      <tr><th colspan="2">Bo Example</th></tr>
      <tr><td>Offense:</td><td>Felon in possession of a firearm</td></tr>
      <tr><td>District:</td><td>Superior Court of the District of Columbia</td></tr>
      <tr><td>Sentence:</td><td>180 months' imprisonment</td></tr>
    </table>
    """,
)


def test_commutation_pages_with_other_label_spellings() -> None:
    page = parse_html(COMMUTATIONS, source_file="commutations.html")
    assert page.default_kind == "commutation"
    assert [g.kind for g in page.grants] == ["commutation", "commutation"]
    ann, bo = page.grants
    assert ann.grant_date == date(2035, 7, 4)
    assert ann.layout == "label-table"
    assert ann.convictions[0].court_id == "tnmd"
    assert ann.convictions[0].sentenced_on == date(2010, 1, 5)
    assert ann.convictions[0].sentence is not None
    assert ann.convictions[0].sentence.is_life
    assert ann.terms_text == "Prison sentence commuted to expire on August 3, 2035."
    assert bo.convictions[0].court_type == "dc_superior"
    assert bo.category == "weapons"
    assert bo.convictions[0].sentence is not None
    assert bo.convictions[0].sentence.prison_months == 180


RENAMED_COLUMNS = wrap(
    "Pardons Granted by President Jane Q. Public (2031-2035)",
    """
    <h4>December 1, 2032</h4>
    <table>
      <tr><td><b>Name</b></td><td><b>Court</b></td><td><b>Date of Sentence</b></td><td><b>Crime</b></td><td><b>Notes</b></td></tr>
      <tr><td rowspan="2">Carl Example</td><td>1. D. Kan.</td><td>1. 1980</td><td>1. Bank robbery, 18 U.S.C. § 2113(a)</td><td>posthumous</td></tr>
      <tr><td>2. U.S. Navy general court-martial</td><td>2. 1985</td><td>2. Desertion, Article 85, U.C.M.J.</td><td></td></tr>
      <tr><td>Dana Example</td><td>Northern District of Nowhere</td><td>1999</td><td>Something unusual</td><td></td></tr>
    </table>
    """,
)


def test_renamed_columns_rowspans_and_unknown_courts() -> None:
    page = parse_html(RENAMED_COLUMNS, source_file="renamed.html")
    assert [g.name for g in page.grants] == ["Carl Example", "Dana Example"]
    carl, dana = page.grants
    assert [(c.number, c.court_id, c.sentenced_year) for c in carl.convictions] == [
        (1, "ksd", 1980),
        (2, "court-martial", 1985),
    ]
    assert carl.convictions[1].statutes[0].cite == "U.C.M.J. art. 85"
    assert carl.category == "violent"
    assert [(u.label, u.text) for u in carl.unparsed] == [("Notes", "posthumous")]
    assert "unknown_column:notes" in carl.flags
    # an unknown court is kept verbatim and flagged; the offense falls in "other"
    assert dana.convictions[0].court_text == "Northern District of Nowhere"
    assert dana.convictions[0].court_id is None
    assert "court_not_recognized" in dana.flags
    assert (dana.category, dana.category_rule) == ("other", "no_rule_matched")


def test_a_page_without_date_headings_flags_the_missing_date() -> None:
    html = wrap(
        "Pardons Granted by President Jane Q. Public",
        "<table><tr><th>NAME</th><th>OFFENSE</th></tr><tr><td>Eve Example</td><td>Bank fraud</td></tr></table>",
    )
    page = parse_html(html, source_file="undated.html")
    assert [g.name for g in page.grants] == ["Eve Example"]
    assert page.grants[0].grant_date is None
    assert "no_grant_date" in page.grants[0].flags
    assert page.term is None


def test_a_file_that_is_not_html_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just words, no markup\n" * 3)
    with pytest.raises(ParseError, match=r"notes\.txt: this is not an HTML page"):
        parse_source(path)
    with pytest.raises(ParseError, match="cannot read"):
        parse_source(tmp_path / "missing.html")


PARAGRAPH_CELLS = wrap(
    "Pardons Granted by President Jane Q. Public (2031-2035)",
    """
    <h2>December 23, 2034</h2>
    <table><tr><th>NAME</th><th>DISTRICT</th><th>SENTENCED</th><th>OFFENSE</th><th>PUBLIC DISCLOSURE</th></tr>
    <tr><td>Two Courts</td>
      <td><p>Eastern District of Virginia</p><p>&nbsp;</p><p>&nbsp;</p><p>District of Columbia</p></td>
      <td><p>47 months' imprisonment; $50,000 fine (March 7, 2019)</p><p>&nbsp;</p>
          <p>73 months' imprisonment (concurrent); $6,164,032 restitution (March 13, 2019)</p></td>
      <td><p>Bank fraud</p><p>&nbsp;</p><p>Conspiracy to obstruct justice (witness tampering)</p></td>
      <td><a href="/file/1/download">Download PDF Clemency Records</a></td></tr>
    <tr><td>One Court Three Cases</td><td>Northern District of Georgia</td>
      <td><p>12 months' imprisonment (July 1, 1998)</p><p>27 months' imprisonment (August 26, 1999)</p>
          <p>27 months' imprisonment (May 29, 2002)</p></td>
      <td><p>Structuring</p><p>&nbsp;</p><p>Tax evasion</p><p>&nbsp;</p><p>Wire fraud</p></td>
      <td><a href="/file/2/download">Download PDF Clemency Records</a></td></tr>
    <tr><td>Typo Court</td><td>Nothern District of Ohio</td><td>Sentence under seal (Unknown)</td>
      <td>Sealed offenses of conviction</td><td></td></tr>
    <tr><td>Typo Date</td><td>E.D. Ark.</td><td>407 days' imprisonment (Janurary 20, 1987)</td>
      <td>Violation</td><td></td></tr>
    </table>
    """,
)


def test_convictions_in_separate_paragraphs_line_up_across_columns() -> None:
    page = parse_html(PARAGRAPH_CELLS, source_file="cells.html")
    two, three, typo, typo_date = page.grants
    assert [(c.court_id, c.sentenced_on, c.offense_text) for c in two.convictions] == [
        ("vaed", date(2019, 3, 7), "Bank fraud"),
        ("dcd", date(2019, 3, 13), "Conspiracy to obstruct justice (witness tampering)"),
    ]
    assert two.convictions[1].sentence is not None
    assert two.convictions[1].sentence.restitution_usd == Decimal(6164032)
    assert [(c.court_id, c.sentenced_year, c.offense_text) for c in three.convictions] == [
        ("gand", 1998, "Structuring"),
        ("gand", 1999, "Tax evasion"),
        ("gand", 2002, "Wire fraud"),
    ]
    assert "columns_not_aligned" not in three.flags
    # a misspelt court and a sealed sentence are kept verbatim and flagged
    assert typo.convictions[0].court_text == "Nothern District of Ohio"
    assert {"court_not_recognized", "sentence_not_fully_understood"} <= set(typo.flags)
    assert typo.convictions[0].sentence is not None
    assert typo.convictions[0].sentence.unparsed == ["Sentence under seal (Unknown)"]
    assert "date_not_understood" in typo_date.flags
    assert typo_date.convictions[0].sentenced_on is None
    assert typo_date.convictions[0].sentence is not None
    assert "(Janurary 20, 1987)" in typo_date.convictions[0].sentence.text


PLAIN_NAMES = wrap(
    "Commutations Granted by President Jane Q. Public (2031-2035)",
    """
    <p>The President granted the following commutations.</p>
    <h2>June 1, 2035</h2>
    <p>Mary Ann O'Example, aka Mary Example</p>
    <p>Offense: Conspiracy to distribute cocaine base (Middle District of Florida)</p>
    <p>Sentence: 360 months' imprisonment (June 5, 1998)</p>
    <p>Commutation Grant: Prison sentence commuted to expire on June 1, 2035.</p>
    <p>This note belongs to Mary.</p>
    <table>
      <tr><td>&nbsp;</td><td>Samuel Lee Example Jr.</td></tr>
      <tr><td>Offense:</td><td>Distribution of methamphetamine (District of Idaho)</td></tr>
      <tr><td>Sentence:</td><td>Life imprisonment (March 3, 2001)</td></tr>
    </table>
    """,
)


def test_names_in_plain_text_before_an_offense_line() -> None:
    page = parse_html(PLAIN_NAMES, source_file="plain.html")
    assert [g.name for g in page.grants] == ["Mary Ann O'Example", "Samuel Lee Example Jr."]
    mary, samuel = page.grants
    assert mary.kind == "commutation"
    assert mary.convictions[0].court_id == "flmd"
    assert mary.terms_text == "Prison sentence commuted to expire on June 1, 2035."
    # unlabelled text after a person stays on that person, flagged
    assert [u.text for u in mary.unparsed] == ["This note belongs to Mary."]
    assert "unlabelled_text" in mary.flags
    assert samuel.layout == "label-table"
    assert samuel.convictions[0].sentence is not None
    assert samuel.convictions[0].sentence.is_life
    # text outside any grant is kept on the page, not dropped
    assert page.unassigned_text == ["The President granted the following commutations."]


OLDER_TABLE = wrap(
    "Pardons Granted by President Jane Q. Public (1993-2001)",
    """
    <h2><a id="april171995" name="april171995"></a>April 17, 1995</h2>
    <table><tbody><tr><th scope="col">NAME</th><th scope="col">DISTRICT</th><th scope="col">SENTENCED</th><th scope="col">OFFENSE</th></tr>
    <tr><td scope="row">Antonio Sample</td><td>U. S. Army general court-martial</td><td>1945</td>
        <td>Desertion in violation of the 58<sup>th</sup> Article of War</td></tr>
    <tr><td rowspan="2" scope="row">Earl Sample</td><td>1. U. S. Air Force summary court-martial</td><td>1. 1951</td><td>1. Absent without leave</td></tr>
    <tr><td>2.D. S. D.</td><td>2. 1969</td><td>2. Assault with dangerous weapon, 18 U.S.C. § 1153</td></tr>
    <tr><td scope="row">George Sample, Jr.</td><td>D. Canal Zone</td><td>1975</td><td>Distribution of cocaine, 21 U.S.C. §&nbsp;841(a)(1)</td></tr>
    <tr><td scope="row">Harry Sample</td><td>U.S. Army summary and special courts- martial</td><td>1961</td><td>Absence without leave, Article 86, U.C.M.J.</td></tr>
    <tr><td scope="row">Ralph Sample</td><td>S. D. Cal.</td><td>1966</td><td>Embezzlement of United States mail (U.S. Code section not cited)</td></tr>
    </tbody></table>
    """,
)


def test_older_tables_articles_of_war_canal_zone_and_mixed_courts() -> None:
    page = parse_html(OLDER_TABLE, source_file="older.html")
    antonio, earl, george, harry, ralph = page.grants
    assert antonio.convictions[0].statutes[0].cite == "Articles of War art. 58"
    assert antonio.convictions[0].military_branch == "army"
    assert [(c.court_id, c.military_branch, c.sentenced_year) for c in earl.convictions] == [
        ("court-martial", "air_force", 1951),
        ("sdd", None, 1969),
    ]
    assert earl.category == "violent"
    assert (george.convictions[0].court_id, george.convictions[0].court_type) == (
        "czd",
        "territorial",
    )
    assert george.category == "drug"
    assert harry.convictions[0].court_id == "court-martial"
    assert harry.convictions[0].statutes[0].cite == "U.C.M.J. art. 86"
    assert ralph.convictions[0].statutes == []
    assert ralph.category == "fraud"
