"""How many examples the property tests draw: one Hypothesis profile per kind of run.

===========  ============================================  ==========================
profile      chosen when                                   examples (``EXAMPLES``)
===========  ============================================  ==========================
``quick``    ``make test-fast`` (the loop while working)    5
``dev``      nothing is set (a developer's run)            30
``ci``       ``CI`` is set (``.ci/run`` runs with CI=true)  45, the same ones each run
``nightly``  ``CLEMENCY_HYPOTHESIS_PROFILE=nightly``       1000, new ones each run
===========  ============================================  ==========================

``CLEMENCY_HYPOTHESIS_PROFILE`` names any of them explicitly. ``EXAMPLES`` is the number of
examples per ruleset and engine of the Python-versus-SQL agreement tests
(tests/property/test_sql_agreement.py); the other property tests draw a multiple of it, so one
switch deepens them all. ``ci`` keeps Hypothesis' own CI settings (derandomized, so a CI run is
repeatable and a failure is not a matter of luck; no example database; the failing example's
blob printed) and draws half as many again as ``dev``; ``nightly`` draws new random examples
each run, for a deep run before a release. ``quick`` draws a sixth of ``dev``: enough to catch a
broken engine while working (5 examples for each of 23 rulesets on each of two engines);
``make test`` and CI draw the full numbers.

The profile is loaded for the whole test process (Hypothesis has one current profile): a
``@given`` test elsewhere that does not set ``max_examples`` gets ``EXAMPLES``, so the other
Hypothesis tests set theirs.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Examples per ruleset and engine in each profile.
AGREEMENT_EXAMPLES = {"quick": 5, "dev": 30, "ci": 45, "nightly": 1000}

settings.register_profile("quick", max_examples=AGREEMENT_EXAMPLES["quick"])
settings.register_profile("dev", max_examples=AGREEMENT_EXAMPLES["dev"])
# Hypothesis registers a "ci" profile of its own (and loads it when it sees CI): keep its settings.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=AGREEMENT_EXAMPLES["ci"])
settings.register_profile(
    "nightly",
    max_examples=AGREEMENT_EXAMPLES["nightly"],
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

PROFILE = os.environ.get("CLEMENCY_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)  # an unknown name fails here, naming the profiles there are

EXAMPLES: int = settings.default.max_examples
