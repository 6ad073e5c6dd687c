"""/metrics in Prometheus' text format: requests by route and status, phone files by outcome
and transport, TFTP transfers, cache, journal, login failures; on its own port with
--metrics-port (and then not on the public one)."""
import re
import socket
import subprocess

from conftest import Server, curl, fetch


def scrape(url):
    result = subprocess.run(["curl", "-sS", "-D", "-", url], capture_output=True, text=True, check=True)
    head, _, body = result.stdout.partition("\n\n") if "\r\n" not in result.stdout else result.stdout.partition("\r\n\r\n")
    return head, body


def value(body, name, **labels):
    """The sample of `name` whose labels include `labels` (0 when absent)."""
    for line in body.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line[:line.rindex("}")])) if "{" in line else {}
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_what_happens(data_dir):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        tftp_port = s.getsockname()[1]
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=["--tftp-port", str(tftp_port)])
    try:
        base = server.base
        _, before = scrape(f"{base}/metrics")
        assert fetch(f"{base}/sip-ps/y000000000028.cfg", "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99")[0] == 200
        assert fetch(f"{base}/sip-ps/001565820b99.cfg", "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99")[0] == 401
        assert curl("POST", f"{base}/api/v1/sessions", body={"login": "admin", "password": "wrong"})[0] == 401
        subprocess.run(["tftp", "127.0.0.1", str(tftp_port), "-c", "get", "y000000000028.cfg", f"{data_dir}/common.cfg"], check=True, timeout=20)

        head, after = scrape(f"{base}/metrics")
        assert "text/plain; version=0.0.4" in head
        assert value(after, "pieuvre_phone_files_total", outcome="served", transport="http") == value(before, "pieuvre_phone_files_total", outcome="served", transport="http") + 1
        assert value(after, "pieuvre_phone_files_total", outcome="not found", transport="http") == value(before, "pieuvre_phone_files_total", outcome="not found", transport="http") + 1
        assert value(after, "pieuvre_phone_files_total", outcome="served", transport="tftp") >= 1
        assert value(after, "pieuvre_tftp_transfers_total", result="completed") >= 1
        assert value(after, "pieuvre_login_failures_total", door="api") == value(before, "pieuvre_login_failures_total", door="api") + 1
        assert value(after, "pieuvre_phone_cache_total", result="miss") >= 1
        assert value(after, "hb_requests", http_route="/api/v1/sessions", http_response_status_code="401") >= 1
        assert value(after, "http_server_request_duration_count", http_route="/api/v1/sessions", http_response_status_code="401") >= 1
        # Phones' files are counted by outcome and transport above, not by route (cheaper per request).
        assert 'http_route="/sip-ps/{file}"' not in after
        assert re.search(r"^pieuvre_journal_backlog \d", after, re.M)
        # No secret and no client data in labels: routes are templates, not paths.
        assert "001565820b99" not in after and "wrong" not in after
    finally:
        assert server.stop() == 0


def test_metrics_on_their_own_port(data_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Server(data_dir, args=["--metrics-port", str(port)])
    try:
        assert curl("GET", f"{server.base}/metrics")[0] == 404
        head, body = scrape(f"http://127.0.0.1:{port}/metrics")
        assert head.startswith("HTTP/1.1 200") and "pieuvre_phone_files_total" in body
        assert curl("GET", f"http://127.0.0.1:{port}/health/ready")[0] == 200
        assert curl("GET", f"http://127.0.0.1:{port}/api/v1/openapi.yaml")[0] == 404
    finally:
        assert server.stop() == 0
