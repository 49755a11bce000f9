"""Background jobs: one record of ours (:class:`~clemency.jobs.models.Job`), one registry of job
functions (each in the domain that owns it), and two ways to run them: procrastinate on
PostgreSQL (``clemency worker``) or a thread of the server process (the SQLite demo).
See docs/architecture.md, "Background jobs"."""
