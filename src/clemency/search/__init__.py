"""Full-text search over cases: names, register numbers and offenses, as an index of words.

Each case has rows ``(term, case_id)``, one per distinct word of the person's names and
aliases, the register number, the case reference and the offense texts. A query matches a case
when every query word is a prefix of one of its terms, which is an indexed range scan on every
backend (no ``LIKE '%…%'`` table scan), so search stays fast at 100,000 cases.
"""
