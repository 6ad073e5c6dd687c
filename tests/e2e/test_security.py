"""Security at rest and at the door, on the real binary: file modes, secrets sealed in the
database file, a key that must match, security headers."""
import os
import stat
import subprocess

from conftest import BIN, Server, curl, fetch, login, seed_customer


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_fresh_data_directory_is_private_and_no_secret_is_in_the_database_file(data_dir):
    directory = os.path.join(data_dir, "fresh")
    server = Server(directory, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"})
    try:
        base = server.base
        op, reseller = seed_customer(base)
        assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={
            "sda": "0970192349", "name": "Salle", "sipPassword": "Sip-Secret-In-Clear-42"})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={
            "mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920", "sda": "0970192349"})[0] == 201
        status, device = fetch(f"{base}/sip-ps/805ec0021c1b.cfg", "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b")
        assert status == 200 and "account.1.password = Sip-Secret-In-Clear-42" in device
        device_password = next(l.split(" = ", 1)[1] for l in device.splitlines() if l.startswith("static.auto_provision.server.password"))
        # Every answer carries the security headers.
        result = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/null", base + "/"], capture_output=True, text=True, check=True)
        headers = result.stdout.lower()
        assert "content-security-policy: default-src 'none'; script-src 'self'" in headers
        assert "x-frame-options: deny" in headers and "x-content-type-options: nosniff" in headers and "referrer-policy: same-origin" in headers
    finally:
        assert server.stop() == 0
    assert mode(directory) == 0o700
    assert mode(os.path.join(directory, "pieuvre.sqlite")) == 0o600
    assert mode(os.path.join(directory, "secrets.key")) == 0o600
    raw = b""
    for name in ["pieuvre.sqlite", "pieuvre.sqlite-wal"]:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            raw += open(path, "rb").read()
    assert b"Sip-Secret-In-Clear-42" not in raw, "the SIP password is sealed in the database file"
    assert device_password.encode() not in raw, "the device password is sealed too"
    assert b"enc1:" in raw

    # The database does not open with another key: the start fails and says why.
    other_key = os.path.join(data_dir, "other.key")
    environment = dict(os.environ)
    environment.pop("PIEUVRE_DATABASE_URL", None)
    result = subprocess.run([BIN, "migrate", "--data-dir", directory, "--secrets-key", other_key], capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode != 0 and "secrets key" in (result.stdout + result.stderr)


def test_a_mac_scan_blocks_its_source_only_and_is_alerted(data_dir):
    from test_tftp import free_udp_port, tftp_hpa
    port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=("--tftp-port", str(port)))
    try:
        base = server.base
        op, reseller = seed_customer(base)
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920"})[0] == 201
        ua = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"
        # 100 random MACs from 127.0.0.1, in one curl: all answer like closed windows, then 429.
        urls = [f"{base}/sip-ps/805ec0{n:06x}.cfg" for n in range(0x100000, 0x100000 + 100)]
        args = [a for url in urls for a in ("-o", "/dev/null", url)]
        result = subprocess.run(["curl", "-s", "-w", "%{http_code}\n", *args], capture_output=True, text=True, check=True)
        codes = result.stdout.split()
        assert codes[0] == "401" and codes[-1] == "429", codes
        assert set(codes) == {"401", "429"}
        # That address is refused even for a known phone, over HTTP and TFTP...
        assert fetch(f"{base}/sip-ps/805ec0021c1b.cfg", ua)[0] == 429
        refused = tftp_hpa(port, "805ec0021c1b.cfg", os.path.join(data_dir, "blocked.cfg"))
        assert "try again later" in refused.stdout + refused.stderr
        # ...while another address is served.
        other = subprocess.run(["curl", "-s", "--interface", "127.0.0.2", "-A", ua, "-o", "/dev/null", "-w", "%{http_code}", f"{base}/sip-ps/805ec0021c1b.cfg"],
                               capture_output=True, text=True, check=True)
        assert other.stdout == "200"
        # The alert is listed for the operator.
        status, alerts = curl("GET", f"{base}/api/v1/alerts", token=op)
        alerts = alerts["items"] if status == 200 else alerts
        assert status == 200 and any(a["kind"] == "mac-scan" and a["sourceIP"] == "127.0.0.1" for a in alerts), alerts
        # The log folds the scan into a row per source and minute.
        status, events = curl("GET", f"{base}/api/v1/phones/80:5E:C0:10:00:63/events", token=op)
        events = events["items"] if status == 200 else events
        assert status == 200 and events and events[0]["outcome"] == "throttled" and events[0]["count"] > 1, events
        status, events = curl("GET", f"{base}/api/v1/phones/80:5E:C0:10:00:63/events", token=reseller)
        assert status == 404, "requests for unregistered MACs are the operator's"
    finally:
        assert server.stop() == 0


def test_kill_9_during_an_import_and_under_phone_traffic_leaves_all_or_nothing(data_dir):
    import signal
    import sqlite3
    import threading
    import time
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"})
    base = server.base
    op, reseller = seed_customer(base)
    assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920"})[0] == 201
    csv = "mac,model\n" + "".join(f"00:15:65:{n >> 16 & 255:02X}:{n >> 8 & 255:02X}:{n & 255:02X},yealink-t46g\n" for n in range(1, 8001))
    stop = threading.Event()

    def phone_traffic():
        while not stop.is_set():
            subprocess.run(["curl", "-s", "-o", "/dev/null", "-A", "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b", f"{base}/sip-ps/805ec0021c1b.cfg"], capture_output=True)

    traffic = threading.Thread(target=phone_traffic)
    traffic.start()
    importer = subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-X", "POST", "-H", f"Authorization: Bearer {reseller}", "-H", "Content-Type: text/csv",
                                 "--data-binary", "@-", f"{base}/api/v1/customers/10000/phones/import"], stdin=subprocess.PIPE, text=True)
    importer.stdin.write(csv)
    importer.stdin.close()
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    stop.set()
    traffic.join()
    importer.wait()

    database = sqlite3.connect(os.path.join(data_dir, "pieuvre.sqlite"))
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = database.execute("SELECT COUNT(*) FROM phones").fetchone()[0]
    database.close()
    assert count in (1, 8001), f"an import is all or nothing, found {count - 1} of 8000"
    again = Server(data_dir)
    try:
        status, _ = fetch(f"{again.base}/sip-ps/805ec0021c1b.cfg", "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b")
        assert status == 200, "the server comes back and serves its phones"
    finally:
        assert again.stop() == 0
