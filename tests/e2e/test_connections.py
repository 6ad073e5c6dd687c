"""Connections that owe the server a request are closed, and connections are capped in all and
per address (issue #26, item 1): idle, slow-header and slow-body connections no longer pile up
until phones get no answer. Small timeouts and caps are set for the test; the defaults (README)
are far above what a phone meets."""
import socket
import time

from conftest import Server, fetch

OPTIONS = ("--http-header-timeout", "2", "--http-body-timeout", "2", "--http-idle-timeout", "3",
           "--http-max-connections-per-address", "6", "--http-max-connections", "9")


def connect(port, source="127.0.0.1"):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(20)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s, limit=20):
    """True when the server closes the connection within `limit` seconds (EOF or reset)."""
    s.settimeout(limit)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_connections_owing_a_request_are_closed(data_dir):
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=OPTIONS)
    try:
        # Nothing sent at all.
        silent = connect(server.port)
        assert closed_by_server(silent)

        # A header a byte a second: each byte within the timeout, the header never done in time.
        slow = connect(server.port)
        slow.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n")
        started = time.time()
        dripped_all = True
        for byte in b"X-Slow: " + b"a" * 30:
            try:
                slow.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                dripped_all = False
                break
            time.sleep(0.5)
            if time.time() - started > 12:
                break
        assert not dripped_all or closed_by_server(slow), "the header's deadline counts from the start, not per byte"
        slow.close()

        # A body that stops half-way, on the router's path.
        body = connect(server.port)
        body.sendall(b"POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"login\":")
        assert closed_by_server(body)

        # Keep-alive after a phone's file (the lane's path): answered, then closed when idle.
        idle = connect(server.port)
        idle.sendall(b"GET /sip-ps/y000000000028.cfg HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += idle.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200")
        assert closed_by_server(idle)

        # The server answers as before.
        assert fetch(f"{server.base}/health/live", "curl")[0] == 200
    finally:
        assert server.stop() == 0


def test_connections_are_capped_per_address_and_in_all(data_dir):
    # Held connections send nothing: a header timeout longer than the test.
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"},
                    args=("--http-header-timeout", "120", "--http-max-connections-per-address", "6", "--http-max-connections", "9"))
    held = []
    try:
        # One address holds its six; its seventh is closed at once, another address is served.
        held += [connect(server.port) for _ in range(6)]
        time.sleep(0.5)
        seventh = connect(server.port)
        seventh.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert closed_by_server(seventh, limit=10)
        other = connect(server.port, source="127.0.0.2")
        other.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert other.recv(4096).startswith(b"HTTP/1.1 200")
        held.append(other)

        # Nine in all: a third address is refused too.
        held += [connect(server.port, source="127.0.0.2") for _ in range(2)]
        time.sleep(0.5)
        third = connect(server.port, source="127.0.0.3")
        third.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert closed_by_server(third, limit=10)

        # Places come back when connections close.
        for s in held:
            s.close()
        held = []
        deadline = time.time() + 10
        while True:
            try:
                if fetch(f"{server.base}/health/live", "curl")[0] == 200:
                    break
            except Exception:
                pass
            assert time.time() < deadline, "the caps did not give places back"
            time.sleep(0.2)
    finally:
        for s in held:
            s.close()
        assert server.stop() == 0
