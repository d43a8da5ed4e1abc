"""End to end: the ASGI middleware in a FastAPI app served by uvicorn and the WSGI middleware in a
Flask app served by werkzeug, each on a loopback port, deciding with the real keygate server."""

import itertools
import json
import os
import socket
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from flask import Flask, request as flask_request  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from google.protobuf import duration_pb2  # noqa: E402
from keygate.v1 import key_admin_pb2, key_pb2  # noqa: E402
from keygate_client import KeygateClient, RouteTable  # noqa: E402
from keygate_client.asgi import KeygateASGIMiddleware  # noqa: E402
from keygate_client.wsgi import KeygateWSGIMiddleware  # noqa: E402
from keygate_process import KeygateProcess  # noqa: E402

SERVER = None
ROUTES = {"GET /tasks": ["tasks:read"], "DELETE /tasks/*": ["tasks:delete"]}
PUBLIC = ["GET /healthz"]
PROJECTS = itertools.count()  # one project per key: keygate bounds active keys per project
START_LIMIT = 30.0  # seconds for a test web server to come up; a bound, not a speed assertion


def setUpModule():
    global SERVER
    SERVER = KeygateProcess().start()


def tearDownModule():
    SERVER.stop()


def fastapi_app(client):
    app = FastAPI()

    @app.get("/tasks")
    def tasks(request: Request):
        decision = request.state.keygate
        return {"key_id": decision.key_id, "project": decision.project}

    @app.delete("/tasks/{task}")
    def delete(task: str):
        return {"deleted": task}

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/unmapped")
    def unmapped():
        return {"reached": True}

    app.add_middleware(KeygateASGIMiddleware, routes=ROUTES, public=PUBLIC, client=client)
    return app


def flask_app(client):
    app = Flask("keygate-test")

    @app.get("/tasks")
    def tasks():
        decision = flask_request.environ["keygate.decision"]
        return {"key_id": decision.key_id, "project": decision.project}

    @app.delete("/tasks/<task>")
    def delete(task):
        return {"deleted": task}

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/unmapped")
    def unmapped():
        return {"reached": True}

    app.wsgi_app = KeygateWSGIMiddleware(app.wsgi_app, routes=ROUTES, public=PUBLIC, client=client)
    return app


class UvicornThread:
    def __init__(self, app):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                                     access_log=False))
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self):
        self._thread.start()
        deadline = time.monotonic() + START_LIMIT
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def stop(self):
        self._server.should_exit = True
        self._thread.join(START_LIMIT)
        self._sock.close()


class WerkzeugThread:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(START_LIMIT)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body
        self.json = json.loads(body) if body else None


def http(port, method, path, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


class GuardContract:
    """The behaviour every HTTP guard shares; subclasses start the framework's server."""

    serve = None  # (app factory, server thread class)

    @classmethod
    def setUpClass(cls):
        cls.client = KeygateClient(SERVER.addr)
        cls.down_client = KeygateClient("127.0.0.1:1", timeout=5)  # nothing listens on port 1
        factory, server = cls.serve
        cls.server = server(factory(cls.client)).start()
        cls.down_server = server(factory(cls.down_client)).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.down_server.stop()
        cls.client.close()
        cls.down_client.close()

    def create_key(self, scopes, rate_limit=None):
        self.project = f"py-http-{next(PROJECTS)}"
        request = key_admin_pb2.CreateKeyRequest(project=self.project, name="http guard",
                                                 scopes=scopes)
        if rate_limit:
            request.rate_limit.CopyFrom(key_pb2.RateLimit(
                requests=rate_limit, period=duration_pb2.Duration(seconds=3600)))
        return self.client.admin.CreateKey(
            request, metadata=(("authorization", "Bearer " + SERVER.admin_token),))

    def call(self, method, path, key=None, header="Authorization", server=None):
        headers = {}
        if key is not None:
            headers[header] = "Bearer " + key if header == "Authorization" else key
        return http((server or self.server).port, method, path, headers)

    def test_guard_allowedKeyReachesRouteWithIdentity(self):
        created = self.create_key(["tasks:read"])
        r = self.call("GET", "/tasks", created.secret)
        self.assertEqual((200, {"key_id": created.key.id, "project": self.project}),
                         (r.status, r.json))

    def test_guard_xApiKeyHeaderIsAccepted(self):
        created = self.create_key(["tasks:delete"])
        r = self.call("DELETE", "/tasks/7", created.secret, header="X-Api-Key")
        self.assertEqual((200, {"deleted": "7"}), (r.status, r.json))

    def test_guard_noKeyIs401WithBearerChallenge(self):
        r = self.call("GET", "/tasks")
        self.assertEqual((401, "KEY_MISSING"), (r.status, r.json["error"]["reason"]))
        self.assertEqual('Bearer realm="keygate"', r.headers["WWW-Authenticate"])

    def test_guard_malformedKeyIs401WithInvalidTokenChallenge(self):
        r = self.call("GET", "/tasks", "kg_live_not-a-key")
        self.assertEqual((401, "KEY_MALFORMED"), (r.status, r.json["error"]["reason"]))
        self.assertEqual('Bearer realm="keygate", error="invalid_token"',
                         r.headers["WWW-Authenticate"])
        self.assertNotIn(b"kg_live_not-a-key", r.raw)

    def test_guard_missingScopeIs403(self):
        created = self.create_key(["tasks:read"])
        r = self.call("DELETE", "/tasks/7", created.secret)
        self.assertEqual((403, "SCOPE_MISSING"), (r.status, r.json["error"]["reason"]))
        self.assertNotIn(created.secret.encode(), r.raw)

    def test_guard_rateLimitedIs429WithRetryAfter(self):
        created = self.create_key(["tasks:read"], rate_limit=1)
        self.assertEqual(200, self.call("GET", "/tasks", created.secret).status)
        r = self.call("GET", "/tasks", created.secret)
        self.assertEqual((429, "RATE_LIMITED"), (r.status, r.json["error"]["reason"]))
        self.assertTrue(1 <= int(r.headers["Retry-After"]) <= 3600, r.headers["Retry-After"])

    def test_guard_keygateDownIs503FailClosed(self):
        created = self.create_key(["tasks:read"])
        r = self.call("GET", "/tasks", created.secret, server=self.down_server)
        self.assertEqual((503, "UNAVAILABLE"), (r.status, r.json["error"]["reason"]))
        self.assertNotIn("key_id", r.json)

    def test_guard_unmappedRouteIs403(self):
        created = self.create_key(["tasks:read", "tasks:delete"])
        r = self.call("GET", "/unmapped", created.secret)
        self.assertEqual((403, "ROUTE_UNMAPPED"), (r.status, r.json["error"]["reason"]))

    def test_guard_publicRouteNeedsNoKey(self):
        r = self.call("GET", "/healthz", server=self.down_server)
        self.assertEqual((200, {"ok": True}), (r.status, r.json))


class AsgiFastApiTest(GuardContract, unittest.TestCase):
    serve = (fastapi_app, UvicornThread)


class WsgiFlaskTest(GuardContract, unittest.TestCase):
    serve = (flask_app, WerkzeugThread)


class RouteTableTest(unittest.TestCase):
    def test_match_mostSpecificFirst(self):
        table = RouteTable(["/tasks/*", "GET /tasks/*", "GET /tasks/7", "/tasks/7"])
        self.assertEqual(["GET /tasks/7", "/tasks/7", "GET /tasks/*", "/tasks/*"],
                         table.match("GET", "/tasks/7"))

    def test_match_prefixNeedsPathBoundary(self):
        table = RouteTable(["/tasks/*"])
        self.assertEqual(["/tasks/*"], table.match("POST", "/tasks"))
        self.assertEqual([], table.match("GET", "/tasksx"))

    def test_init_pathWithoutSlashIsRejected(self):
        with self.assertRaises(ValueError):
            RouteTable(["GET tasks"])


if __name__ == "__main__":
    unittest.main()
