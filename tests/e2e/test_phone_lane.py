"""The phone-file lane (`/sip-ps/<file>` answered on the connection, before the router) on the
real binary, over a raw socket: pipelined requests are answered in the order they came whichever
side answers them, a phone's `Connection: close` closes, and the lane's answers carry the same
headers as the router's."""
import socket

from conftest import Server, curl, fetch, seed_customer

UA = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"


def read_responses(sock, count, timeout=10):
    """`count` HTTP/1.1 responses (Content-Length framed) as (status, headers, body), in order."""
    sock.settimeout(timeout)
    data = b""
    responses = []
    while len(responses) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {len(responses)} responses"
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(data) < length:
            chunk = sock.recv(65536)
            assert chunk, "connection closed inside a body"
            data += chunk
        responses.append((status, headers, data[:length].decode()))
        data = data[length:]
    return responses, data


def get(path, user_agent=None, close=False):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
    if user_agent:
        lines.append(f"User-Agent: {user_agent}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_pipelined_requests_are_answered_in_order_by_the_lane_and_the_router(data_dir):
    # 51 unknown MACs from one address below: the scan guard (50 by default) would answer the
    # phone's last fetch 429 whenever the server has counted them all. Its own tests are elsewhere.
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=("--scan-threshold", "1000"))
    try:
        base = server.base
        _, reseller = seed_customer(base)
        assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": "0970192349", "name": "Salle"})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={
            "mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920", "sda": "0970192349"})[0] == 201
        status, device = fetch(f"{base}/sip-ps/805ec0021c1b.cfg", UA)
        assert status == 200 and "account.1.user_name = " in device

        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            # The router's (a database ping), the lane's from memory, the lane's after the
            # database (a MAC never seen), the router's again, the common file: one write.
            sock.sendall(get("/health/ready") + get("/sip-ps/805ec0021c1b.cfg", UA) + get("/sip-ps/001565fedcba.cfg")
                         + get("/health/live") + get("/sip-ps/y000000000078.cfg", UA))
            responses, rest = read_responses(sock, 5)
            assert [r[0] for r in responses] == [200, 200, 401, 200, 200], [(r[0], r[2][:60]) for r in responses]
            assert responses[0][2] == "ok\n" and responses[3][2] == "ok\n"
            # The device file is this phone's (its own credentials inside the window).
            assert responses[1][2] == device
            assert responses[2][1]["www-authenticate"].startswith("Digest realm=\"pieuvre\"")
            assert "static.auto_provision.server.url = " in responses[4][2] and "account.1.user_name" not in responses[4][2]
            assert rest == b""
            # The lane's answers carry what the router's do.
            for status, headers, _ in responses[1:3]:
                assert headers["content-security-policy"].startswith("default-src 'none'")
                assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
                assert headers["cache-control"] == "no-store" and headers["server"] == "pieuvre" and "date" in headers

        # A phone that asks to close gets `Connection: close` and the connection ends.
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(get("/sip-ps/805ec0021c1b.cfg", UA, close=True))
            [(status, headers, body)], rest = read_responses(sock, 1)
            assert status == 200 and headers["connection"] == "close" and body == device
            sock.settimeout(5)
            assert rest == b"" and sock.recv(1) == b""

        # Phones that hang up while their answer waits for the database (MACs never seen):
        # the late answers are dropped, the server goes on.
        for n in range(50):
            with socket.create_connection(("127.0.0.1", server.port)) as sock:
                sock.sendall(get(f"/sip-ps/0015650000{n:02x}.cfg") + get("/health/ready"))
        status, again = fetch(f"{base}/sip-ps/805ec0021c1b.cfg", UA)
        assert status == 200 and again == device

        # Nothing but a GET of one name under /sip-ps/ is the lane's: the router answers the rest.
        assert curl("GET", f"{base}/sip-ps")[0] == 404
        assert curl("GET", f"{base}/sip-ps/a/b")[0] == 404
        assert curl("POST", f"{base}/sip-ps/805ec0021c1b.cfg", body={})[0] in (404, 405)
    finally:
        assert server.stop() == 0
    # Every lane request is in the journal, as router requests were.
    log = "".join(server.output)
    assert "a phone file could not be answered" not in log
