"""Pytest plugin that collects the *.tests.yaml files beside rule files (filled in by the rules engine)."""
