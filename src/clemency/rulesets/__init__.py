"""Rulesets shipped with Clemency: <jurisdiction>/<relief>/ folders of YAML rule files."""
