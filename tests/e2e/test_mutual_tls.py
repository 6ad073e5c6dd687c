"""Mutual TLS (`--tls-client-ca`): the HTTPS listener asks a phone for its factory certificate;
one that is presented must chain to the vendors' device CAs and, when it names a MAC, that
phone's files are the only device files it may fetch. Real openssl certificates, real curl."""
import socket
import subprocess

from conftest import Server, curl
from test_provisioning import register_cp920, value

T46G = "Yealink SIP-T46G 28.86.0.15 00:15:65:82:0b:99"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def phone_fetch(url, cacert, cert=None, key=None):
    cmd = ["curl", "-sS", "-A", T46G, "--cacert", cacert, "-o", "-", "-w", "\n%{http_code}", url]
    if cert:
        cmd += ["--cert", cert, "--key", key]
    result = subprocess.run(cmd, capture_output=True, text=True)
    text, _, status = result.stdout.rpartition("\n")
    return int(status or 0), text, result.returncode


def test_a_factory_certificate_binds_the_phone_to_its_mac(data_dir, tmp_path):
    p = lambda name: str(tmp_path / name)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", p("server.key"), "-out", p("server.pem"), "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost")
    for ca in ("vendor", "rogue"):
        openssl("req", "-x509", *ec, "-keyout", p(f"{ca}.key"), "-out", p(f"{ca}.pem"), "-days", "30", "-subj", f"/O=Yealink/CN={ca} Equipment Issuing CA")

    def device(name, subject, ca="vendor"):
        openssl("req", *ec, "-keyout", p(f"{name}.key"), "-out", p(f"{name}.csr"), "-subj", subject)
        openssl("x509", "-req", "-in", p(f"{name}.csr"), "-CA", p(f"{ca}.pem"), "-CAkey", p(f"{ca}.key"), "-CAcreateserial", "-days", "30", "-out", p(f"{name}.pem"))

    device("own", "/O=Yealink/CN=001565820B99")
    device("other", "/O=Yealink/CN=00:15:65:AA:BB:CC")
    device("generic", "/O=Yealink/CN=Yealink generic device")
    device("forged", "/O=Yealink/CN=001565820B99", ca="rogue")

    tls_port = free_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"},
                    args=("--tls-cert", p("server.pem"), "--tls-key", p("server.key"), "--tls-port", str(tls_port), "--tls-client-ca", p("vendor.pem")))
    try:
        reseller = register_cp920(server.base)
        assert curl("POST", f"{server.base}/api/v1/customers/10000/phones", token=reseller,
                    body={"mac": "00:15:65:82:0B:99", "model": "yealink-t46g", "description": "T46G", "sda": "0970192349"})[0] == 201
        device_url = f"https://localhost:{tls_port}/sip-ps/001565820b99.cfg"
        common_url = f"https://localhost:{tls_port}/sip-ps/y000000000028.cfg"

        # Its own certificate: its file (inside the window).
        status, text, _ = phone_fetch(device_url, p("server.pem"), p("own.pem"), p("own.key"))
        assert status == 200 and value(text, "account.1.user_name") == "0970192349", text
        # Another phone's certificate: refused, whatever the User-Agent says; the common file is
        # anyone's.
        status, text, _ = phone_fetch(device_url, p("server.pem"), p("other.pem"), p("other.key"))
        assert status == 403 and "client certificate belongs to another phone" in text, text
        assert "account.1.password" not in text
        assert phone_fetch(common_url, p("server.pem"), p("other.pem"), p("other.key"))[0] == 200
        # No certificate, or the generic one (it names no MAC, proves nothing): as without mTLS.
        assert phone_fetch(device_url, p("server.pem"))[0] == 200
        assert phone_fetch(device_url, p("server.pem"), p("generic.pem"), p("generic.key"))[0] == 200
        # A certificate from a CA that is not the vendors': the handshake fails, nothing is served.
        status, text, code = phone_fetch(device_url, p("server.pem"), p("forged.pem"), p("forged.key"))
        assert status != 200 and code != 0 and "account.1" not in text
        # The refusal is in the phone's log as a MAC mismatch.
        status, events = curl("GET", f"{server.base}/api/v1/phones/00:15:65:82:0B:99/events", token=reseller)
        assert status == 200 and [e for e in events["items"] if e["outcome"] == "MAC mismatch" and e["transport"] == "https"], events
    finally:
        assert server.stop() == 0
    assert not any("BEGIN" in line for line in server.output), "no key material in the log"
