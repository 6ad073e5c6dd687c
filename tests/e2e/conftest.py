"""Starts the real `pieuvre` binary for end-to-end tests and talks to it with curl."""
import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import uuid

import pytest

BIN = os.environ.get("PIEUVRE_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/pieuvre"))


class Server:
    def __init__(self, data_dir, env=None, args=(), http_port=0):
        self.data_dir = data_dir
        environment = dict(os.environ)
        environment.pop("PIEUVRE_DATABASE_URL", None)
        environment["PIEUVRE_TFTP_PORT"] = "0"  # tests that want TFTP pass --tftp-port
        environment["PIEUVRE_SIP_PORT"] = "0"  # tests that want SIP pass --sip-port
        environment.update(env or {})
        self.proc = subprocess.Popen(
            [BIN, "serve", "--http-host", "127.0.0.1", "--http-port", str(http_port), "--data-dir", data_dir, *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment, text=True)
        self.output = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            # The main listener (not tls-url= nor metrics-url=, which may come first).
            match = re.search(r"(?<![-\w])url=http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.port = int(match.group(1))
                return
        self.proc.kill()
        raise RuntimeError("pieuvre did not start:\n" + "".join(self.output))

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
        self.output.append(rest or "")
        if self.proc.returncode != 0:
            # A crash at shutdown: show what the server said, its backtrace included.
            text = "".join(self.output)
            crash = text.find("Program crashed")
            print(text[max(0, crash - 3000):crash + 5000] if crash >= 0 else text[-6000:])
        return self.proc.returncode


def curl(method, url, token=None, body=None, content_type="application/json"):
    """One HTTP exchange through the real curl client; returns (status, parsed JSON or text)."""
    cmd = ["curl", "-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", url]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if body is not None:
        cmd += ["-H", f"Content-Type: {content_type}", "--data-binary", "@-"]
    result = subprocess.run(cmd, input=body if isinstance(body, str) else (json.dumps(body) if body is not None else None),
                            capture_output=True, text=True, check=True)
    text, _, status = result.stdout.rpartition("\n")
    try:
        return int(status), json.loads(text)
    except ValueError:
        return int(status), text


def login(base, user, password):
    status, reply = curl("POST", f"{base}/api/v1/sessions", body={"login": user, "password": password})
    assert status == 201, reply
    return reply["token"]


def seed_customer(base):
    """The operator (password e2e-admin-pass), reseller "expert" and customer 10000 OPENIP:
    answers the operator's and the reseller's tokens."""
    op = login(base, "admin", "e2e-admin-pass")
    assert curl("POST", f"{base}/api/v1/resellers", token=op, body={"name": "Expert", "login": "expert", "password": "reseller-secret"})[0] == 201
    reseller = login(base, "expert", "reseller-secret")
    assert curl("POST", f"{base}/api/v1/customers", token=reseller, body={
        "companyName": "OPENIP", "siret": "48285833900021", "address": "1 rue", "postalCode": "92110", "city": "Clichy"})[0] == 201
    return op, reseller


@contextlib.contextmanager
def postgres_database(prefix):
    """A fresh database on the PostgreSQL server PIEUVRE_TEST_DATABASE_URL names: its URL, dropped after."""
    base_url = os.environ["PIEUVRE_TEST_DATABASE_URL"]
    name = prefix + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base_url, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        subprocess.run(["psql", base_url, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="pieuvre-e2e-") as d:
        yield d


def fetch(url, user_agent, credentials=None, cacert=None):
    """A phone's fetch through curl: its User-Agent, digest credentials when it has them."""
    cmd = ["curl", "-sS", "-A", user_agent, "-o", "-", "-w", "\n%{http_code}", url]
    if credentials:
        cmd += ["--digest", "-u", f"{credentials[0]}:{credentials[1]}"]
    if cacert:
        cmd += ["--cacert", cacert]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    text, _, status = result.stdout.rpartition("\n")
    return int(status), text


def pytest_configure(config):
    config.addinivalue_line("markers", "subscribed: the SIP phone takes message-summary only in a SUBSCRIBE dialog")
