"""Operating Clemency: readiness checks, Prometheus metrics, structured logs and e-mail.

Nothing here imports the web layer; the ASGI middleware and the ``/readyz`` and ``/metrics``
routes that use it live in :mod:`clemency.web.observability`.
"""
