"""Pytest plugin (registered under ``pytest11``) that collects the ``*.tests.yaml`` beside rule files.

Pytest imports this module while it loads its plugins, before pytest-cov starts measuring, so it
imports nothing of ours at module level: the collector and the engine behind it
(`clemency.testing.rule_items`) are imported by the hook, when collection begins, so that their
module-level lines are measured like any other. Coverage omits this module for that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    from clemency.testing import rule_items  # at collection time: see the module docstring

    return rule_items.collect_file(parent, file_path)
