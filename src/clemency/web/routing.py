"""The route table of the application, however each route was included."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute


def route_table(app: FastAPI) -> list[tuple[str, frozenset[str], APIRoute]]:
    """Every HTTP route of ``app`` as ``(path, methods, route)``, however it was included
    (the authorization tests enumerate this, so a new route cannot be forgotten)."""
    from fastapi.routing import iter_route_contexts

    table: list[tuple[str, frozenset[str], APIRoute]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            table.append((context.path, frozenset(route.methods or ()), route))
    return table
