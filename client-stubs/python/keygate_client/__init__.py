"""keygate client for Python: authorize API keys and protect gRPC servers with one interceptor.

The generated stubs live beside this package (``keygate.v1``, ``google.rpc``), produced by
``client-stubs/generate.sh`` from keygate's ``proto/``.
"""

from .client import DEFAULT_ADDR, KeygateClient
from .errors import (KeygateError, KeygateUnavailable, KeyUnauthenticated, PermissionDenied,
                     RateLimited, from_rpc_error)
from .interceptor import KeygateInterceptor, presented_key

__all__ = [
    "DEFAULT_ADDR", "KeygateClient", "KeygateError", "KeygateUnavailable", "KeyUnauthenticated",
    "PermissionDenied", "RateLimited", "from_rpc_error", "KeygateInterceptor", "presented_key",
]
