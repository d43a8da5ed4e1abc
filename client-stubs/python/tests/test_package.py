"""The package installs as users install it: ``pip install`` of this folder into a fresh venv (no
network: Debian's grpcio/protobuf/setuptools through --system-site-packages), after which the
client and every guard import from the venv, and no top-level ``google`` package is shipped."""

import os
import shutil
import json
import subprocess
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(HERE)
PIP_LIMIT = 600  # seconds: a bound so a stuck pip fails the run instead of hanging it

PROBE = textwrap.dedent("""
    import json, sys
    import keygate_client
    from keygate.v1 import authorize_pb2_grpc
    from keygate_client import KeygateClient, KeygateUnavailable, KeygateInterceptor
    from keygate_client.asgi import KeygateASGIMiddleware
    from keygate_client.wsgi import KeygateWSGIMiddleware
    try:
        KeygateClient("127.0.0.1:1", timeout=5).authorize("kg_live_x", ["tasks:read"])
        reason = "allowed"
    except KeygateUnavailable as e:
        reason = e.reason
    print(json.dumps({"file": keygate_client.__file__, "reason": reason}))
""")


class PackageTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="keygate-pip-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def run_checked(self, *args, cwd=None):
        done = subprocess.run(args, cwd=cwd or self.work, capture_output=True, text=True,
                              timeout=PIP_LIMIT)
        self.assertEqual(0, done.returncode, f"{args}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def test_pipInstall_freshVenvImportsGuardsAndShipsNoGoogle(self):
        # pip builds in the source tree: build from a copy so the checkout stays clean
        source = os.path.join(self.work, "src")
        shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns(
            "tests", "__pycache__", "build", "*.egg-info"))
        venv = os.path.join(self.work, "venv")
        self.run_checked("/usr/bin/python3", "-m", "venv", "--system-site-packages", venv)
        python = os.path.join(venv, "bin", "python")
        self.run_checked(python, "-m", "pip", "install", "--quiet", "--no-index",
                         "--no-build-isolation", source)

        probe = json.loads(self.run_checked(python, "-c", PROBE))
        self.assertTrue(probe["file"].startswith(venv), probe["file"])  # not this checkout
        self.assertEqual("UNAVAILABLE", probe["reason"])

        files = self.run_checked(python, "-m", "pip", "show", "--files", "keygate-client")
        installed = [line.strip() for line in files.splitlines() if line.startswith("  ")]
        self.assertIn("keygate_client/descriptors/google_rpc.binpb", installed)
        self.assertIn("keygate/v1/authorize_pb2_grpc.py", installed)
        self.assertEqual([], [f for f in installed if f.startswith("google")])


if __name__ == "__main__":
    unittest.main()
