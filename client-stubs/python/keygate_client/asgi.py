"""ASGI middleware (Starlette, FastAPI) that lets a request reach the app only with a keygate key
holding its route's scopes."""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

import anyio.to_thread

from .client import KeygateClient
from .http_guard import Denied, HttpGuard

#: where the decision goes in the ASGI scope; Starlette shows it as ``request.state.keygate``
STATE_KEY = "keygate"


class KeygateASGIMiddleware:
    """Protects an ASGI app's HTTP routes (and websockets) with keygate::

        app = FastAPI()
        app.add_middleware(KeygateASGIMiddleware, routes={
            "GET /tasks": ["tasks:read"],
            "/tasks/*": ["tasks:write"],        # every other method and path below /tasks/
        }, public=["GET /healthz"])

    A handler reads keygate's CheckResponse (key id, project, granted scopes) from
    ``request.state.keygate``. Route rules and denials are those of :class:`HttpGuard`.
    """

    def __init__(self, app, routes: Mapping[str, Sequence[str]], *, public: Iterable[str] = (),
                 client: Optional[KeygateClient] = None):
        self.app = app
        self._guard = HttpGuard(routes, public=public, client=client)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan
            return
        method = scope.get("method", "GET")  # a websocket handshake is a GET
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1"))
                   for k, v in scope.get("headers", ())]
        # the client call blocks (at most its timeout): run it on anyio's worker threads, which
        # Starlette already bounds (40 by default) for its own sync endpoints
        verdict = await anyio.to_thread.run_sync(self._guard.decide, method, scope["path"],
                                                 headers)
        if isinstance(verdict, Denied):
            await _deny(scope, send, verdict)
            return
        scope.setdefault("state", {})[STATE_KEY] = verdict.decision
        await self.app(scope, receive, send)


async def _deny(scope, send, denied: Denied) -> None:
    if scope["type"] == "websocket":
        # closing before accept makes the server refuse the handshake with 403
        await send({"type": "websocket.close", "code": 1008})
        return
    body = denied.body()
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in denied.response_headers()]
    headers.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "http.response.start", "status": denied.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
