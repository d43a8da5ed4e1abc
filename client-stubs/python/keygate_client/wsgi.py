"""WSGI middleware (Flask, any WSGI app) that lets a request reach the app only with a keygate key
holding its route's scopes."""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

from .client import KeygateClient
from .http_guard import Denied, HttpGuard

#: where the decision goes in the WSGI environ (Flask: ``request.environ["keygate.decision"]``)
ENVIRON_KEY = "keygate.decision"

_STATUS_LINES = {401: "401 Unauthorized", 403: "403 Forbidden", 429: "429 Too Many Requests",
                 503: "503 Service Unavailable"}


class KeygateWSGIMiddleware:
    """Protects a WSGI app's routes with keygate::

        app = Flask(__name__)
        app.wsgi_app = KeygateWSGIMiddleware(app.wsgi_app, routes={
            "GET /tasks": ["tasks:read"],
            "/tasks/*": ["tasks:write"],
        }, public=["GET /healthz"])

    A view reads keygate's CheckResponse from ``request.environ["keygate.decision"]``. Route
    rules and denials are those of :class:`HttpGuard`.
    """

    def __init__(self, app, routes: Mapping[str, Sequence[str]], *, public: Iterable[str] = (),
                 client: Optional[KeygateClient] = None):
        self.app = app
        self._guard = HttpGuard(routes, public=public, client=client)

    def __call__(self, environ, start_response):
        headers = [(name[5:].replace("_", "-").lower(), value)
                   for name, value in environ.items() if name.startswith("HTTP_")]
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        verdict = self._guard.decide(environ.get("REQUEST_METHOD", "GET"), path or "/", headers)
        if isinstance(verdict, Denied):
            body = verdict.body()
            start_response(_STATUS_LINES.get(verdict.status, f"{verdict.status} Denied"),
                           list(verdict.response_headers())
                           + [("content-length", str(len(body)))])
            return [body]
        environ[ENVIRON_KEY] = verdict.decision
        return self.app(environ, start_response)
