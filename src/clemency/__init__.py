"""Clemency: case records, rules as code, bulk screening and petitions for executive clemency."""

__version__ = "0.1.0"

__all__ = ["__version__"]
