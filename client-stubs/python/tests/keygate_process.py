"""Starts the real keygate server jar on a free loopback port for the end-to-end tests."""

import os
import re
import secrets
import subprocess
import tempfile
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_JAR = os.path.join(_HERE, "..", "..", "..", "server", "target", "keygate-server.jar")
_LISTENING = re.compile(r"keygate listening on [^:\s]+:(\d+)")


class KeygateProcess:
    """``java -jar keygate-server.jar`` with the in-memory store, port 0 (the server picks a free
    one and logs it) and a random admin token."""

    def __init__(self, jar=None):
        self.jar = os.path.abspath(jar or os.environ.get("KEYGATE_SERVER_JAR") or DEFAULT_JAR)
        self.admin_token = secrets.token_urlsafe(24)
        self.addr = None
        self._proc = None
        self._log = None

    def start(self, startup_limit=60.0):
        if not os.path.isfile(self.jar):
            raise RuntimeError(f"{self.jar} missing: build it with mvn -B package -DskipTests")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEYGATE_")}
        env.update(KEYGATE_LISTEN="127.0.0.1:0", KEYGATE_ADMIN_TOKEN=self.admin_token)
        self._log = tempfile.NamedTemporaryFile(prefix="keygate-", suffix=".log", delete=False)
        self._proc = subprocess.Popen(["java", "-jar", self.jar], env=env, stdin=subprocess.DEVNULL,
                                      stdout=self._log, stderr=subprocess.STDOUT)
        # a bound on start-up so a broken server fails the run instead of hanging it
        deadline = time.monotonic() + startup_limit
        while time.monotonic() < deadline:
            with open(self._log.name, encoding="utf-8", errors="replace") as f:
                match = _LISTENING.search(f.read())
            if match:
                self.addr = f"127.0.0.1:{match.group(1)}"
                return self
            if self._proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        with open(self._log.name, encoding="utf-8", errors="replace") as f:
            raise RuntimeError("keygate did not start:\n" + f.read())

    def stop(self):
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._log:
            self._log.close()
            os.unlink(self._log.name)
            self._log = None
