"""The google.rpc messages keygate puts in a failed call's status (Status, ErrorInfo, RetryInfo,
QuotaFailure, BadRequest), as classes of a private descriptor pool.

Why private: generated ``google/rpc/*_pb2`` modules would register ``google.rpc.Status`` in
protobuf's default pool and ship a top-level ``google`` package, both of which collide with
googleapis-common-protos when an application also uses it. The descriptor set comes from
``client-stubs/generate.sh`` (``descriptors/google_rpc.binpb``).
"""

from __future__ import annotations

import os

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_DESCRIPTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "descriptors",
                            "google_rpc.binpb")


def _load_pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    with open(_DESCRIPTORS, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    for file in files.file:  # protoc writes them in dependency order
        pool.Add(file)
    return pool


_POOL = _load_pool()


def _message_class(full_name: str):
    descriptor = _POOL.FindMessageTypeByName(full_name)
    # protobuf >= 4.22 has GetMessageClass; 4.21 (Debian 12) only MessageFactory.GetPrototype
    get_message_class = getattr(message_factory, "GetMessageClass", None)
    if get_message_class is not None:
        return get_message_class(descriptor)
    return message_factory.MessageFactory(_POOL).GetPrototype(descriptor)


Status = _message_class("google.rpc.Status")
ErrorInfo = _message_class("google.rpc.ErrorInfo")
RetryInfo = _message_class("google.rpc.RetryInfo")
QuotaFailure = _message_class("google.rpc.QuotaFailure")
BadRequest = _message_class("google.rpc.BadRequest")


def unpack(any_detail, message_class):
    """The detail as ``message_class`` if the ``google.protobuf.Any`` holds that type, else an
    empty instance. Matches on the type URL so it works whatever
    pool built the Any."""
    message = message_class()
    if any_detail.type_url.rsplit("/", 1)[-1] == message_class.DESCRIPTOR.full_name:
        message.ParseFromString(any_detail.value)
    return message


def is_type(any_detail, message_class) -> bool:
    return any_detail.type_url.rsplit("/", 1)[-1] == message_class.DESCRIPTOR.full_name
