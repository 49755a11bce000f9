"""Screening of one case in the web: the stored machine determinations and reviewers' overrides.

Rules advise, people decide (product.md principle 4): an override records a reviewer's outcome
and reason *beside* the machine result, which stays on record unchanged.
"""
