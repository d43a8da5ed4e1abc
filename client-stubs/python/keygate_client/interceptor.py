"""A gRPC ServerInterceptor that lets only calls with a sufficient keygate key through."""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

import grpc

from .client import KeygateClient
from .errors import KeygateError

_BEARER = "bearer "


class _Abort(grpc.Status):
    def __init__(self, code, details, trailing_metadata):
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


def presented_key(metadata: Iterable) -> str:
    """The key in ``authorization: Bearer <key>``, else ``x-api-key``; empty if none."""
    authorization, api_key = None, None
    for key, value in metadata or ():
        if key == "authorization":
            authorization = value
        elif key == "x-api-key":
            api_key = value
    if authorization and authorization[:len(_BEARER)].lower() == _BEARER:
        token = authorization[len(_BEARER):].strip()
        if token:
            return token
    return (api_key or "").strip()


class KeygateInterceptor(grpc.ServerInterceptor):
    """Protects a gRPC server's methods with keygate::

        server = grpc.server(pool, interceptors=[KeygateInterceptor({
            "/tasks.v1.Tasks/ListTasks": ["tasks:read"],
            "/tasks.v1.Tasks/*": ["tasks:write"],   # every other method of the service
        })])

    ``scopes`` maps a full method name (or ``/package.Service/*``) to the scopes it needs.
    Methods in ``public`` pass without a key. Every other method is denied (fail closed), so a new
    method cannot slip through unprotected. A denial reaches the caller with keygate's own code,
    message and google.rpc details (ErrorInfo reason, RetryInfo).
    """

    def __init__(self, scopes: Mapping[str, Sequence[str]], *,
                 client: Optional[KeygateClient] = None, public: Iterable[str] = ()):
        self._scopes = {method: list(s) for method, s in scopes.items()}
        self._public = frozenset(public)
        self._client = client or KeygateClient()

    def _required(self, method: str) -> Optional[list]:
        if method in self._scopes:
            return self._scopes[method]
        return self._scopes.get(method.rsplit("/", 1)[0] + "/*")

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method in self._public:
            return handler  # unknown methods get UNIMPLEMENTED from gRPC itself
        required = self._required(method)
        # the check runs inside the handler, on the server's worker pool: intercept_service runs
        # on gRPC's serving thread, where a blocking call would stall every other call
        return _guarded(handler, lambda metadata: self._check(method, required, metadata))

    def _check(self, method: str, required: Optional[list], metadata) -> Optional[grpc.Status]:
        if required is None:
            return _Abort(grpc.StatusCode.PERMISSION_DENIED,
                          f"{method} is not mapped to keygate scopes", ())
        try:
            self._client.authorize(presented_key(metadata), required)
        except KeygateError as e:
            trailers = (("grpc-status-details-bin", e.status_details),) if e.status_details else ()
            return _Abort(e.code, e.message, trailers)
        return None


_KINDS = {
    (False, False): ("unary_unary", grpc.unary_unary_rpc_method_handler),
    (False, True): ("unary_stream", grpc.unary_stream_rpc_method_handler),
    (True, False): ("stream_unary", grpc.stream_unary_rpc_method_handler),
    (True, True): ("stream_stream", grpc.stream_stream_rpc_method_handler),
}


def _guarded(handler, check):
    """A handler of the same shape as ``handler`` that runs ``check`` first and aborts with the
    status it returns, if any."""
    attribute, factory = _KINDS[(handler.request_streaming, handler.response_streaming)]
    behavior = getattr(handler, attribute)

    def guarded(request_or_iterator, context):
        denial = check(context.invocation_metadata())
        if denial is not None:
            context.abort_with_status(denial)
        return behavior(request_or_iterator, context)

    return factory(guarded, request_deserializer=handler.request_deserializer,
                   response_serializer=handler.response_serializer)
