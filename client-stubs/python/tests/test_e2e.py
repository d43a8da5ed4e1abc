"""End to end: the real keygate server, keys created through KeyAdmin, decisions through the
helper client and through KeygateInterceptor protecting a small demo gRPC service."""

import os
import sys
import unittest
from concurrent import futures

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from google.protobuf import duration_pb2  # noqa: E402
from keygate.v1 import key_admin_pb2, key_pb2  # noqa: E402

from keygate_client import rpc_details  # noqa: E402
from keygate_client import (KeygateClient, KeygateError, KeygateInterceptor,  # noqa: E402
                            KeygateUnavailable, KeyUnauthenticated, PermissionDenied, RateLimited)
from keygate_process import KeygateProcess  # noqa: E402

SERVER = None


def setUpModule():
    global SERVER
    SERVER = KeygateProcess().start()


def tearDownModule():
    SERVER.stop()


def admin_metadata():
    return (("authorization", "Bearer " + SERVER.admin_token),)


def create_key(client, scopes, project="py-e2e", rate_limit=None):
    request = key_admin_pb2.CreateKeyRequest(project=project, name="python e2e", scopes=scopes)
    if rate_limit:
        request.rate_limit.CopyFrom(key_pb2.RateLimit(
            requests=rate_limit, period=duration_pb2.Duration(seconds=3600)))
    return client.admin.CreateKey(request, metadata=admin_metadata())


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.client = KeygateClient(SERVER.addr)
        self.addCleanup(self.client.close)

    def test_authorize_allowedKeyReturnsDecision(self):
        created = create_key(self.client, ["tasks:read", "tasks:write"])
        decision = self.client.authorize(created.secret, ["tasks:read"])
        self.assertEqual(created.key.id, decision.key_id)
        self.assertEqual("py-e2e", decision.project)
        self.assertEqual(["tasks:read", "tasks:write"], list(decision.granted_scopes))

    def test_authorize_readsAddressFromEnvironment(self):
        os.environ["KEYGATE_ADDR"] = SERVER.addr
        self.addCleanup(os.environ.pop, "KEYGATE_ADDR")
        with KeygateClient() as client:
            self.assertEqual(SERVER.addr, client.addr)
            created = create_key(client, ["tasks:read"])
            self.assertEqual(created.key.id, client.authorize(created.secret).key_id)

    def test_authorize_missingKeyIsUnauthenticated(self):
        with self.assertRaises(KeyUnauthenticated) as caught:
            self.client.authorize("", ["tasks:read"])
        self.assertEqual(("KEY_MISSING", grpc.StatusCode.UNAUTHENTICATED, 401),
                         (caught.exception.reason, caught.exception.code,
                          caught.exception.http_status))

    def test_authorize_malformedKeyIsUnauthenticated(self):
        with self.assertRaises(KeyUnauthenticated) as caught:
            self.client.authorize("kg_live_not-a-key", ["tasks:read"])
        self.assertEqual("KEY_MALFORMED", caught.exception.reason)

    def test_authorize_tamperedKeyIsMalformedAndNotEchoed(self):
        created = create_key(self.client, ["tasks:read"])
        body, checksum = created.secret.rsplit("_", 1)
        wrong = body[:-1] + ("A" if body[-1] != "A" else "B") + "_" + checksum
        with self.assertRaises(KeyUnauthenticated) as caught:
            self.client.authorize(wrong, ["tasks:read"])
        self.assertEqual("KEY_MALFORMED", caught.exception.reason)  # the checksum catches it
        self.assertNotIn(wrong, str(caught.exception))

    def test_authorize_revokedKeyIsUnauthenticated(self):
        created = create_key(self.client, ["tasks:read"])
        self.client.admin.RevokeKey(key_admin_pb2.RevokeKeyRequest(id=created.key.id, reason="e2e"),
                                    metadata=admin_metadata())
        with self.assertRaises(KeyUnauthenticated) as caught:
            self.client.authorize(created.secret, ["tasks:read"])
        self.assertEqual("KEY_REVOKED", caught.exception.reason)

    def test_authorize_missingScopeIsPermissionDenied(self):
        created = create_key(self.client, ["tasks:read"])
        with self.assertRaises(PermissionDenied) as caught:
            self.client.authorize(created.secret, ["tasks:delete"])
        e = caught.exception
        self.assertEqual(("SCOPE_MISSING", grpc.StatusCode.PERMISSION_DENIED, 403),
                         (e.reason, e.code, e.http_status))
        self.assertEqual("tasks:delete", e.metadata["missing_scopes"])

    def test_authorize_overLimitIsRateLimitedWithRetryAfterAndQuota(self):
        created = create_key(self.client, ["tasks:read"], rate_limit=1)
        remaining = self.client.authorize(created.secret, ["tasks:read"]).rate_limit.remaining
        self.assertEqual(0, remaining)
        with self.assertRaises(RateLimited) as caught:
            self.client.authorize(created.secret, ["tasks:read"])
        e = caught.exception
        self.assertEqual(("RATE_LIMITED", grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
                         (e.reason, e.code, e.http_status))
        self.assertGreater(e.retry_after, 0)
        self.assertLessEqual(e.retry_after, 3600)
        self.assertEqual([("key:" + created.key.id, e.message)], e.quota_violations)

    def test_admin_badTokenDecodesAdminCredentialInvalid(self):
        from keygate_client import from_rpc_error
        with self.assertRaises(grpc.RpcError) as caught:
            self.client.admin.GetKey(key_admin_pb2.GetKeyRequest(id="x"),
                                     metadata=(("authorization", "Bearer wrong-token-wrong-token"),))
        e = from_rpc_error(caught.exception)
        self.assertIsInstance(e, KeyUnauthenticated)
        self.assertEqual("ADMIN_CREDENTIAL_INVALID", e.reason)

    def test_authorize_sidecarDownIsUnavailable(self):
        with KeygateClient("127.0.0.1:1", timeout=5) as client:
            with self.assertRaises(KeygateUnavailable) as caught:
                client.authorize("kg_live_whatever", ["tasks:read"])
        self.assertEqual("UNAVAILABLE", caught.exception.reason)
        self.assertEqual(503, caught.exception.http_status)


def _echo(request, context):
    return b"tasks:" + request


class InterceptorTest(unittest.TestCase):
    """A demo service with raw-bytes methods, protected by one interceptor."""

    @classmethod
    def setUpClass(cls):
        cls.client = KeygateClient(SERVER.addr)
        handlers = {name: grpc.unary_unary_rpc_method_handler(_echo)
                    for name in ("List", "Delete", "Unmapped")}
        cls.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=4),
            interceptors=[KeygateInterceptor(
                {"/demo.Tasks/List": ["tasks:read"], "/demo.Tasks/Delete": ["tasks:delete"]},
                client=cls.client, public=["/demo.Tasks/Health"])])
        handlers["Health"] = grpc.unary_unary_rpc_method_handler(_echo)
        cls.server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler("demo.Tasks", handlers),))
        port = cls.server.add_insecure_port("127.0.0.1:0")
        cls.server.start()
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{port}")

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.stop(None)
        cls.client.close()

    def call(self, method, key=None, header="authorization"):
        metadata = ()
        if key is not None:
            metadata = ((header, "Bearer " + key if header == "authorization" else key),)
        return self.channel.unary_unary("/demo.Tasks/" + method)(b"ping", metadata=metadata,
                                                                timeout=10)

    def assertDenied(self, code, reason, method, key=None):
        with self.assertRaises(grpc.RpcError) as caught:
            self.call(method, key)
        self.assertEqual(code, caught.exception.code())
        raw = dict(caught.exception.trailing_metadata()).get("grpc-status-details-bin")
        self.assertIsNotNone(raw, "the caller gets keygate's google.rpc details")
        status = rpc_details.Status.FromString(raw)
        self.assertTrue(rpc_details.is_type(status.details[0], rpc_details.ErrorInfo))
        info = rpc_details.unpack(status.details[0], rpc_details.ErrorInfo)
        self.assertEqual(("keygate", reason), (info.domain, info.reason))
        return status

    def test_intercept_allowedKeyReachesService(self):
        created = create_key(self.client, ["tasks:read"])
        self.assertEqual(b"tasks:ping", self.call("List", created.secret))

    def test_intercept_xApiKeyHeaderIsAccepted(self):
        created = create_key(self.client, ["tasks:read"])
        self.assertEqual(b"tasks:ping", self.call("List", created.secret, header="x-api-key"))

    def test_intercept_noKeyIsUnauthenticated(self):
        self.assertDenied(grpc.StatusCode.UNAUTHENTICATED, "KEY_MISSING", "List")

    def test_intercept_malformedKeyIsUnauthenticated(self):
        self.assertDenied(grpc.StatusCode.UNAUTHENTICATED, "KEY_MALFORMED", "List", "kg_live_nope")

    def test_intercept_missingScopeIsPermissionDenied(self):
        created = create_key(self.client, ["tasks:read"])
        self.assertDenied(grpc.StatusCode.PERMISSION_DENIED, "SCOPE_MISSING", "Delete",
                          created.secret)

    def test_intercept_rateLimitedIsResourceExhaustedWithRetryInfo(self):
        created = create_key(self.client, ["tasks:read"], rate_limit=1)
        self.call("List", created.secret)
        status = self.assertDenied(grpc.StatusCode.RESOURCE_EXHAUSTED, "RATE_LIMITED", "List",
                                   created.secret)
        retries = [rpc_details.unpack(d, rpc_details.RetryInfo) for d in status.details
                   if rpc_details.is_type(d, rpc_details.RetryInfo)]
        self.assertEqual(1, len(retries))
        retry = retries[0]
        self.assertGreater(retry.retry_delay.seconds + retry.retry_delay.nanos, 0)

    def test_intercept_unmappedMethodIsDenied(self):
        created = create_key(self.client, ["admin:*"])
        with self.assertRaises(grpc.RpcError) as caught:
            self.call("Unmapped", created.secret)
        self.assertEqual(grpc.StatusCode.PERMISSION_DENIED, caught.exception.code())

    def test_intercept_publicMethodNeedsNoKey(self):
        self.assertEqual(b"tasks:ping", self.call("Health"))


if __name__ == "__main__":
    unittest.main()
