"""keygate client for Python: authorize API keys; protect gRPC servers with one interceptor and
HTTP apps with ASGI (``keygate_client.asgi``) or WSGI (``keygate_client.wsgi``) middleware.

The generated stubs live beside this package (``keygate.v1``, and the google.rpc descriptors in
``descriptors/``), produced by ``client-stubs/generate.sh`` from keygate's ``proto/``.
"""

from .client import DEFAULT_ADDR, KeygateClient
from .errors import (KeygateError, KeygateUnavailable, KeyUnauthenticated, PermissionDenied,
                     RateLimited, from_rpc_error)
from .http_guard import Allowed, Denied, HttpGuard, RouteTable
from .interceptor import KeygateInterceptor, presented_key

__all__ = [
    "DEFAULT_ADDR", "KeygateClient", "KeygateError", "KeygateUnavailable", "KeyUnauthenticated",
    "PermissionDenied", "RateLimited", "from_rpc_error", "KeygateInterceptor", "presented_key",
    "Allowed", "Denied", "HttpGuard", "RouteTable",
]
