"""A thin client for keygate's Authorize service (and access to the KeyAdmin stub)."""

from __future__ import annotations

import os
from typing import Iterable, Optional

import grpc

from keygate.v1 import authorize_pb2, authorize_pb2_grpc, key_admin_pb2_grpc

from .errors import from_rpc_error

DEFAULT_ADDR = "127.0.0.1:7070"


class KeygateClient:
    """Talks to the keygate sidecar at ``addr``, else ``$KEYGATE_ADDR``, else 127.0.0.1:7070.

    ``authorize`` returns keygate's ``CheckResponse`` when the key may make the call and raises a
    :class:`~keygate_client.errors.KeygateError` subclass when it may not. ``admin`` is the
    generated KeyAdmin stub, for creating and managing keys.
    """

    def __init__(self, addr: Optional[str] = None, *, timeout: float = 2.0,
                 channel: Optional[grpc.Channel] = None):
        self.addr = addr or os.environ.get("KEYGATE_ADDR") or DEFAULT_ADDR
        self._owns_channel = channel is None
        self.channel = channel or grpc.insecure_channel(self.addr)
        self.timeout = timeout
        self._authorize = authorize_pb2_grpc.AuthorizeStub(self.channel)
        self.admin = key_admin_pb2_grpc.KeyAdminStub(self.channel)

    def authorize(self, key: str, scopes: Iterable[str] = ()) -> authorize_pb2.CheckResponse:
        """Asks keygate whether ``key`` may make a call needing every one of ``scopes``."""
        request = authorize_pb2.CheckRequest(key=key or "", required_scopes=list(scopes))
        try:
            return self._authorize.Check(request, timeout=self.timeout)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None  # the chained RpcError adds nothing but noise

    def close(self) -> None:
        if self._owns_channel:
            self.channel.close()

    def __enter__(self) -> "KeygateClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
