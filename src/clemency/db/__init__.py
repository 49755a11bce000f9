"""Database plumbing: declarative base, engines, sessions and the unit of work."""
