"""The HTTP side of the guards: which scopes a route needs, and keygate's answer as an HTTP
response. Shared by the ASGI and WSGI middleware, which only adapt requests and responses."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

from .client import KeygateClient
from .errors import KeyUnauthenticated, KeygateError, PermissionDenied, RateLimited
from .interceptor import presented_key

Headers = Tuple[Tuple[str, str], ...]


class RouteTable:
    """Route patterns -> what they need. A pattern is ``"METHOD /path"`` or ``"/path"`` (any
    method); a path ending in ``/*`` covers that path and everything below it. The most specific
    pattern wins: exact before prefix, longer prefix before shorter, with a method before without.
    """

    def __init__(self, patterns: Iterable[str]):
        self._rules = []
        for pattern in patterns:
            method, _, path = pattern.strip().rpartition(" ")
            if not path.startswith("/"):
                raise ValueError(f"route pattern {pattern!r}: the path must start with '/'")
            prefix = path.endswith("/*")
            base = path[:-2] if prefix else path
            self._rules.append((pattern, method.strip().upper(), base, prefix))

    def match(self, method: str, path: str) -> Sequence[str]:
        """The patterns that match, most specific first."""
        hits = []
        for pattern, rule_method, base, prefix in self._rules:
            if rule_method and rule_method != method.upper():
                continue
            if prefix:
                if path != base and not path.startswith(base.rstrip("/") + "/"):
                    continue
            elif path != base:
                continue
            hits.append(((not prefix, len(base), bool(rule_method)), pattern))
        return [pattern for _, pattern in sorted(hits, reverse=True)]


@dataclass(frozen=True)
class Allowed:
    """The request may go on. ``decision`` is keygate's CheckResponse (key id, project, granted
    scopes), or ``None`` on a public route, where no key was checked."""

    decision: Optional[object]


@dataclass(frozen=True)
class Denied:
    """The response to send instead of calling the application."""

    status: int
    reason: str
    message: str
    headers: Headers = field(default=())

    def body(self) -> bytes:
        return json.dumps({"error": {"status": self.status, "reason": self.reason,
                                     "message": self.message}}).encode("utf-8")

    def response_headers(self) -> Headers:
        return (("content-type", "application/json"),) + self.headers


class HttpGuard:
    """Decides one HTTP request: the key from ``Authorization: Bearer <key>`` (or ``X-Api-Key``)
    must hold every scope its route needs. Routes in ``public`` pass without a key; a route in
    neither table is denied (403 ``ROUTE_UNMAPPED``), so a new route cannot slip through.

    Fails closed: when keygate cannot be reached (or answers anything but allow, 401, 403 or 429)
    the answer is 503. The key is never logged or echoed; keygate's messages never contain it.
    """

    def __init__(self, routes: Mapping[str, Sequence[str]], *, public: Iterable[str] = (),
                 client: Optional[KeygateClient] = None):
        self._scopes = {pattern: list(scopes) for pattern, scopes in routes.items()}
        self._routes = RouteTable(self._scopes)
        self._public = RouteTable(public)
        self._client = client or KeygateClient()

    def decide(self, method: str, path: str, headers: Iterable[Tuple[str, str]]) -> Union[
            Allowed, Denied]:
        """``headers`` as (lower-case name, value) pairs."""
        if self._public.match(method, path):
            return Allowed(None)
        matched = self._routes.match(method, path)
        if not matched:
            return Denied(403, "ROUTE_UNMAPPED", f"{method} {path} is not mapped to keygate scopes")
        try:
            return Allowed(self._client.authorize(presented_key(headers), self._scopes[matched[0]]))
        except KeygateError as e:
            return denial(e)


def denial(error: KeygateError) -> Denied:
    """keygate's refusal as an HTTP response: 401 with a Bearer challenge, 403, 429 with
    Retry-After (whole seconds, rounded up so a client never retries early), else 503."""
    if isinstance(error, KeyUnauthenticated):
        # RFC 6750: no error code when the request carried no key at all
        challenge = 'Bearer realm="keygate"'
        if error.reason != "KEY_MISSING":
            challenge += ', error="invalid_token"'
        return Denied(401, error.reason, error.message, (("www-authenticate", challenge),))
    if isinstance(error, PermissionDenied):
        return Denied(403, error.reason, error.message)
    if isinstance(error, RateLimited):
        headers = ()
        if error.retry_after is not None:
            headers = (("retry-after", str(max(1, math.ceil(error.retry_after)))),)
        return Denied(429, error.reason, error.message, headers)
    # keygate down, its store down, a deadline, or an answer this guard does not know: fail closed
    return Denied(503, error.reason, "keygate could not decide this request", (("retry-after", "1"),))
