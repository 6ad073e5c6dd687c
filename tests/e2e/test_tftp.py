"""TFTP for DHCP option 66: the real tftp-hpa and atftp clients against `pieuvre serve`."""
import os
import socket
import subprocess

from conftest import Server, curl, fetch
from test_provisioning import UA, register_cp920


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tftp_hpa(port, name, dest, mode="binary"):
    return subprocess.run(["tftp", "127.0.0.1", str(port), "-m", mode, "-c", "get", name, dest], capture_output=True, text=True, timeout=30)


def atftp(port, name, dest, *options):
    cmd = ["atftp"]
    for option in options:
        cmd += ["--option", option]
    return subprocess.run(cmd + ["-g", "-r", name, "-l", dest, "127.0.0.1", str(port)], capture_output=True, text=True, timeout=30)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_tftp_serves_the_http_bytes_inside_the_window_and_refuses_after(data_dir):
    port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_PUBLIC_URL": "https://portail.metacentrex.fr/"},
                    args=("--tftp-port", str(port)))
    try:
        reseller = register_cp920(server.base)
        out = lambda name: os.path.join(data_dir, name)

        assert tftp_hpa(port, "y000000000078.cfg", out("common-hpa")).returncode == 0
        assert tftp_hpa(port, "805ec0021c1b.cfg", out("device-hpa")).returncode == 0
        assert tftp_hpa(port, "805ec0021c1b.cfg", out("device-ascii"), mode="ascii").returncode == 0
        assert atftp(port, "805ec0021c1b.cfg", out("device-atftp")).returncode == 0
        big = atftp(port, "805ec0021c1b.cfg", out("device-blksize"), "blksize 1428", "tsize 0")
        assert big.returncode == 0, big.stdout + big.stderr

        # TFTP carries no User-Agent, so no firmware version: each `static.` line comes with
        # its V80 form too (docs/phones.md); otherwise the bytes are HTTP's.
        def both_forms(text):
            return "".join(line + "\n" + (line[len("static."):] + "\n" if line.startswith("static.") else "") for line in text.split("\n")[:-1]).encode()
        status, common = fetch(f"{server.base}/sip-ps/y000000000078.cfg", UA)
        assert read(out("common-hpa")) == both_forms(common)
        status, device = fetch(f"{server.base}/sip-ps/805ec0021c1b.cfg", UA)
        assert status == 200
        for name in ["device-hpa", "device-ascii", "device-atftp", "device-blksize"]:
            assert read(out(name)) == both_forms(device), name
        assert b"\nauto_provision.server.password = " in read(out("device-hpa"))
        # The file sent over TFTP points the phone at HTTPS for every later check.
        assert b"static.auto_provision.server.url = https://portail.metacentrex.fr/sip-ps/" in read(out("device-hpa"))

        # An unknown MAC answers like a closed window (no oracle for MAC guessers).
        missing = tftp_hpa(port, "001565000001.cfg", out("missing"))
        assert "Error code 2" in missing.stdout + missing.stderr
        traversal = tftp_hpa(port, "../../etc/passwd", out("passwd"))
        assert "Error code 2" in traversal.stdout + traversal.stderr
        assert not os.path.exists(out("passwd")) or os.path.getsize(out("passwd")) == 0

        # The window moved into the past: TFTP carries no credentials, so no device file.
        assert curl("PATCH", f"{server.base}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller,
                    body={"authenticateUntil": "2020-01-01T00:00:00Z"})[0] == 200
        closed = tftp_hpa(port, "805ec0021c1b.cfg", out("closed"))
        assert "Error code 2" in closed.stdout + closed.stderr, closed.stdout + closed.stderr
        closed_atftp = atftp(port, "805ec0021c1b.cfg", out("closed-atftp"))
        assert closed_atftp.returncode != 0
        status, events = curl("GET", f"{server.base}/api/v1/phones/80:5E:C0:02:1C:1B/events", token=reseller)
        events = events["items"] if status == 200 else events
        tftp_events = [e for e in events if e["transport"] == "tftp"]
        assert all(e["userAgent"] is None for e in tftp_events)
        # Both refusals, newest first; identical requests waiting together are one row with a count.
        assert tftp_events[0]["outcome"] == "window closed"
        assert sum(e["count"] for e in tftp_events if e["outcome"] == "window closed") == 2
        assert any(e["outcome"] == "served" for e in tftp_events)
    finally:
        assert server.stop() == 0


def test_write_requests_are_refused(data_dir):
    port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=("--tftp-port", str(port)))
    try:
        local = os.path.join(data_dir, "upload.cfg")
        with open(local, "w") as f:
            f.write("account.1.password = stolen\n")
        put = subprocess.run(["tftp", "127.0.0.1", str(port), "-c", "put", local, "805ec0021c1b.cfg"], capture_output=True, text=True, timeout=30)
        assert "Error code 2" in put.stdout + put.stderr
    finally:
        assert server.stop() == 0


def test_an_unacknowledged_request_gets_little_back(data_dir):
    """A spoofed request (nobody acknowledges): the server sends the OACK or first block at most
    three times, never a window, so it cannot be used as an amplifier."""
    import socket
    import time
    port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=("--tftp-port", str(port)))
    try:
        received = []
        for options in [b"", b"blksize\x0065464\x00windowsize\x0064\x00tsize\x000\x00"]:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.settimeout(0.5)
            request = b"\x00\x01y000000000078.cfg\x00octet\x00" + options
            sock.sendto(request, ("127.0.0.1", port))
            total, packets, deadline = 0, 0, time.time() + 8
            while time.time() < deadline:
                try:
                    data, _ = sock.recvfrom(70000)
                except socket.timeout:
                    continue
                total += len(data)
                packets += 1
            sock.close()
            received.append((len(request), packets, total))
        for request_size, packets, total in received:
            assert packets <= 4, received  # 3 sends and, at most, the final "timed out" error
            assert total <= 4 * 600, received
    finally:
        assert server.stop() == 0
