"""Sweeps: a test repeated over many cases of the same kind, of which the loop runs a few.

``make test-fast`` (the loop while working) leaves out the tests marked ``slow``; ``make test``
and CI run every one. A sweep (every form, every kill point of an upgrade, every broken file)
marks all its cases ``slow`` but the ones named ``loop``, so the loop still runs the code under
test once or twice, and ``make test`` runs the whole sweep. docs/performance.md, "The test
suite", names the sweeps sampled this way; CONTRIBUTING.md says when to use it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import pytest


def sampled(values: Iterable[Any], *, loop: Collection[Any], ids: Any = None) -> list[Any]:
    """``values`` as parameters, each marked ``slow`` unless it is in ``loop``.

    A value is a single argument or a tuple of them (as ``pytest.mark.parametrize`` takes
    them); ``loop`` names values the same way. ``ids`` is a function of the value, as for
    ``parametrize``. Naming a value that is not in ``values`` is an error, so a renamed case
    cannot quietly take the loop's sample with it.
    """
    values = list(values)
    unknown = [v for v in loop if v not in values]
    assert not unknown, f"the loop names cases the sweep does not have: {unknown}"
    params = []
    for value in values:
        marks = () if value in loop else (pytest.mark.slow,)
        args = value if isinstance(value, tuple) else (value,)
        params.append(pytest.param(*args, marks=marks, id=ids(value) if ids else None))
    return params
