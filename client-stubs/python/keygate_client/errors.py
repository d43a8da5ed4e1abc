"""Typed keygate errors, decoded from the google.rpc details of a gRPC status."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence, Tuple

import grpc

from . import rpc_details

DOMAIN = "keygate"
_DETAILS_KEY = "grpc-status-details-bin"

# gRPC code -> the HTTP status keygate documents for it (docs/api.md, "Status and reason table").
_HTTP = {
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.UNAVAILABLE: 503,
}


class KeygateError(Exception):
    """A keygate call failed. ``reason`` is keygate's stable ErrorInfo reason (``KEY_UNKNOWN``,
    ``SCOPE_MISSING``, ``RATE_LIMITED``, ...), or the gRPC code's name when the failure did not come
    from keygate itself (the sidecar is down, a deadline passed)."""

    def __init__(
        self,
        code: grpc.StatusCode,
        reason: str,
        message: str,
        metadata: Mapping[str, str] = (),
        retry_after: Optional[float] = None,
        quota_violations: Sequence[Tuple[str, str]] = (),
        field_violations: Sequence[Tuple[str, str]] = (),
        status_details: Optional[bytes] = None,
    ):
        super().__init__(f"{code.name} {reason}: {message}")
        self.code = code
        self.reason = reason
        self.message = message
        self.metadata = dict(metadata)
        #: seconds to wait before retrying (RetryInfo), None if keygate gave none
        self.retry_after = retry_after
        #: (subject, description) pairs from QuotaFailure
        self.quota_violations = list(quota_violations)
        #: (field, description) pairs from BadRequest
        self.field_violations = list(field_violations)
        # the encoded google.rpc.Status, so an interceptor can pass the details on unchanged
        self.status_details = status_details

    @property
    def http_status(self) -> int:
        """The HTTP status keygate's table gives this failure (500 for codes outside the table)."""
        return _HTTP.get(self.code, 500)


class KeyUnauthenticated(KeygateError):
    """401: no key, or a malformed, unknown, expired, revoked or wrong-environment key."""


class PermissionDenied(KeygateError):
    """403: the key lacks a required scope (``metadata["missing_scopes"]``)."""


class RateLimited(KeygateError):
    """429: the key's rate limit is used up; ``retry_after`` says for how long."""


class KeygateUnavailable(KeygateError):
    """503: keygate (or its key store) cannot be reached. Fail closed."""


_TYPES = {
    grpc.StatusCode.UNAUTHENTICATED: KeyUnauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: RateLimited,
    grpc.StatusCode.UNAVAILABLE: KeygateUnavailable,
}


def from_rpc_error(error: grpc.RpcError) -> KeygateError:
    """Turns a failed call's status into the matching :class:`KeygateError` subclass."""
    code = error.code()
    message = error.details() or ""
    raw = None
    for key, value in error.trailing_metadata() or ():
        if key == _DETAILS_KEY:
            raw = value
    reason, metadata, retry_after, quota, fields = code.name, {}, None, [], []
    if raw is not None:
        for detail in rpc_details.Status.FromString(raw).details:
            if rpc_details.is_type(detail, rpc_details.ErrorInfo):
                info = rpc_details.unpack(detail, rpc_details.ErrorInfo)
                if info.domain == DOMAIN:
                    reason, metadata = info.reason, dict(info.metadata)
            elif rpc_details.is_type(detail, rpc_details.RetryInfo):
                delay = rpc_details.unpack(detail, rpc_details.RetryInfo).retry_delay
                retry_after = delay.seconds + delay.nanos / 1e9
            elif rpc_details.is_type(detail, rpc_details.QuotaFailure):
                quota = [(v.subject, v.description)
                         for v in rpc_details.unpack(detail, rpc_details.QuotaFailure).violations]
            elif rpc_details.is_type(detail, rpc_details.BadRequest):
                fields = [(v.field, v.description) for v in
                          rpc_details.unpack(detail, rpc_details.BadRequest).field_violations]
    return _TYPES.get(code, KeygateError)(
        code, reason, message, metadata, retry_after, quota, fields, raw)
