"""Retry a read once when the database connection was lost under it.

The error handler answers a lost or busy database with ``503 database_unavailable`` and marks
the request (``scope["state"]["database_lost"]``). For a GET or HEAD, which change nothing,
this middleware holds back that answer and runs the request once more on a fresh connection
(``pool_pre_ping`` has replaced the dead one); a second failure is answered as it is. Other
methods are never retried: the 503 tells the person to check and try again.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOST = "database_lost"


class RetryReadsOnLostConnection:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        # What the request looked like before any route touched it (the framework keeps
        # per-request dictionaries in the scope and fills them in place).
        pristine = {k: dict(v) if isinstance(v, dict) else v for k, v in scope.items()}
        held: list[Message] = []
        passing = [False]

        async def hold(message: Message) -> None:
            # Only a 503 is held back (it may be replaced by the retry); any other answer
            # streams through as it comes.
            if passing[0]:
                await send(message)
                return
            if message["type"] == "http.response.start" and message.get("status") != 503:
                passing[0] = True
                await send(message)
                return
            held.append(message)

        await self.app(scope, receive, hold)
        state = scope.get("state", {})
        if not state.pop(LOST, False):
            for message in held:
                await send(message)
            return

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        # A fresh start: nothing the first attempt loaded (the signed-in user, bound to its
        # closed session) is reused; the request id is kept.
        retry = {k: dict(v) if isinstance(v, dict) else v for k, v in pristine.items()}
        retry["state"] = {**retry.get("state", {}), "request_id": state.get("request_id")}
        await self.app(retry, no_body, send)
