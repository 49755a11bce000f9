"""Screening queues: people eligible now or soon who have no petition, and what staff decided
about each (dismissed with a coded reason, or snoozed until a date)."""
