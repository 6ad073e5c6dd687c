"""The seed's CP920 provisioned by the real binary, fetched by curl as the phone would."""
import os
import re
import subprocess
import time

from conftest import BIN, Server, curl, fetch, login

UA = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"
SIP_PASSWORD = "sip-secret-0192349"


def register_cp920(base):
    admin = login(base, "admin", "e2e-admin-pass")
    assert curl("POST", f"{base}/api/v1/resellers", token=admin,
                body={"name": "Expert Produits", "login": "expert", "password": "reseller-secret"})[0] == 201
    reseller = login(base, "expert", "reseller-secret")
    assert curl("POST", f"{base}/api/v1/customers", token=reseller,
                body={"companyName": "OPENIP", "siret": "48285833900021", "address": "37-39, rue de Neuilly",
                      "postalCode": "92110", "city": "Clichy", "reference": "10000"})[0] == 201
    assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller,
                body={"sda": "0970192349", "name": "Salle de conférence", "sipPassword": SIP_PASSWORD})[0] == 201
    status, phone = curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller,
                         body={"mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920", "description": "Yealink CP920", "sda": "0970192349"})
    assert status == 201, phone
    return reseller


def value(text, key):
    match = re.search(rf"^{re.escape(key)} = (.*)$", text, re.M)
    return match.group(1) if match else None


def test_cp920_boot_common_device_then_digest_after_the_window(data_dir):
    env = {"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_SIP_DOMAIN": "sip.metacentrex.fr",
           "PIEUVRE_PUBLIC_URL": "https://portail.metacentrex.fr/", "PIEUVRE_LOG_LEVEL": "debug"}
    server = Server(data_dir, env=env)
    try:
        reseller = register_cp920(server.base)
        base = f"{server.base}/sip-ps"

        status, boot = fetch(f"{base}/y000000000000.boot", UA)
        assert status == 200
        assert 'include:config "y000000000078.cfg"' in boot and 'include:config "805ec0021c1b.cfg"' in boot
        assert fetch(f"{base}/805ec0021c1b.boot", UA)[0] == 404

        status, common = fetch(f"{base}/y000000000078.cfg", UA)
        assert status == 200 and "static.auto_provision.server.url = https://portail.metacentrex.fr/sip-ps/" in common
        assert SIP_PASSWORD not in common

        status, device = fetch(f"{base}/805ec0021c1b.cfg", UA)
        assert status == 200
        assert value(device, "account.1.password") == SIP_PASSWORD
        assert value(device, "account.1.sip_server.1.address") == "sip.metacentrex.fr"
        user = value(device, "static.auto_provision.server.username")
        password = value(device, "static.auto_provision.server.password")
        assert user == "805ec0021c1b" and len(password) >= 22

        status, phone = curl("GET", f"{server.base}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller)
        assert phone["authenticatedAt"] and phone["authenticatedIP"] == "127.0.0.1" and phone["firmware"] == "78.86.0.15"

        # The window moved into the past: MAC alone is refused, the issued credentials work.
        status, _ = curl("PATCH", f"{server.base}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller,
                         body={"authenticateUntil": "2020-01-01T00:00:00Z"})
        assert status == 200
        status, refusal = fetch(f"{base}/805ec0021c1b.cfg", UA)
        assert status == 401 and SIP_PASSWORD not in refusal and password not in refusal
        assert fetch(f"{base}/805ec0021c1b.cfg", UA, credentials=(user, "wrong-password"))[0] == 401
        status, again = fetch(f"{base}/805ec0021c1b.cfg", UA, credentials=(user, password))
        assert status == 200 and again == device

        assert fetch(f"{base}/805ec0021c1b.cfg", "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99")[0] == 403
        # An unknown MAC answers like this closed window: the same 401 and body.
        unknown = fetch(f"{base}/001565000001.cfg", UA.replace("80:5e:c0:02:1c:1b", "00:15:65:00:00:01"))
        assert unknown == (401, refusal)
        # Inside a window, a client that is not this phone (no or another User-Agent) gets the
        # challenge too, not the SIP password.
        assert curl("PATCH", f"{server.base}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller, body={"authorizeNextHour": True})[0] == 200
        status, stolen = fetch(f"{base}/805ec0021c1b.cfg", "curl/8.0")
        assert status == 401 and SIP_PASSWORD not in stolen

        status, events = curl("GET", f"{server.base}/api/v1/phones/80:5E:C0:02:1C:1B/events", token=reseller)
        events = events["items"] if status == 200 else events
        outcomes = [e["outcome"] for e in events]
        assert "window closed" in outcomes and "bad credentials" in outcomes and "MAC mismatch" in outcomes
        assert {e["transport"] for e in events} == {"http"}
    finally:
        assert server.stop() == 0
    logs = "".join(server.output)
    for secret in [SIP_PASSWORD, password, "e2e-admin-pass", "reseller-secret"]:
        assert secret not in logs, "a secret reached the logs"


def free_tcp_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_https_with_tls_1_2_or_later(data_dir):
    cert, key = os.path.join(data_dir, "cert.pem"), os.path.join(data_dir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"},
                    args=("--tls-cert", cert, "--tls-key", key, "--tls-port", "0"))
    try:
        deadline_lines = []
        while not any("tls-url=" in line for line in server.output + deadline_lines):
            line = server.proc.stdout.readline()
            if not line:
                break
            deadline_lines.append(line)
        server.output += deadline_lines
        tls_port = int(re.search(r"tls-url=https://127\.0\.0\.1:(\d+)/", "".join(server.output)).group(1))
        register_cp920(server.base)
        status, device = fetch(f"https://localhost:{tls_port}/sip-ps/805ec0021c1b.cfg", UA, cacert=cert)
        assert status == 200 and value(device, "account.1.password") == SIP_PASSWORD
        # The probe: openssl s_client offering TLS 1.1 only, at security level 0 (this machine's
        # defaults refuse TLS 1.1 on their own, which would make the test pass whatever the
        # server does). It first shows it can speak TLS 1.1 to a server that accepts it.
        probe = ["openssl", "s_client", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]
        control_port = free_tcp_port()
        control = subprocess.Popen(["openssl", "s_server", "-accept", str(control_port), "-cert", cert, "-key", key,
                                    "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-www"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            accepted = subprocess.run(probe + ["-connect", f"127.0.0.1:{control_port}"], input="", capture_output=True, text=True, timeout=10)
            assert "Protocol  : TLSv1.1" in accepted.stdout and "Cipher is (NONE)" not in accepted.stdout, accepted.stdout + accepted.stderr
        finally:
            control.kill()
        refused = subprocess.run(probe + ["-connect", f"127.0.0.1:{tls_port}"], input="", capture_output=True, text=True, timeout=10)
        assert "Cipher is (NONE)" in refused.stdout and "alert protocol version" in refused.stderr, "TLS 1.1 is refused"
        modern = subprocess.run(["openssl", "s_client", "-tls1_2", "-connect", f"127.0.0.1:{tls_port}"], input="", capture_output=True, text=True, timeout=10)
        assert "Protocol  : TLSv1.2" in modern.stdout and "Cipher is (NONE)" not in modern.stdout
    finally:
        assert server.stop() == 0


def test_a_phone_first_reached_over_http_or_tftp_gets_the_ca_then_checks_over_https(data_dir, tmp_path):
    """A private CA, the phones' first contact over plain HTTP (DHCP option 66 with an http URL)
    or TFTP: the common file names the CA's plain-HTTP URL; the device file leaves the server
    check off; the phone fetches the CA over HTTP without credentials; from then on its device
    file switches the check on, and every later check over HTTPS verifies the server with the
    CA it fetched (curl --cacert), which curl without it refuses."""
    from test_doctor import make_certificates
    from test_tftp import free_udp_port, tftp_hpa
    import socket
    p = make_certificates(str(tmp_path))
    ports = []
    for _ in range(2):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        ports.append(s)
    tls_port, http_port = (s.getsockname()[1] for s in ports)
    for s in ports:
        s.close()
    tftp_port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_PUBLIC_URL": f"https://localhost:{tls_port}/"},
                    args=("--tls-cert", p("chain.pem"), "--tls-key", p("leaf.key"), "--tls-port", str(tls_port), "--phone-ca", "chain",
                          "--tftp-port", str(tftp_port)), http_port=http_port)
    try:
        reseller = register_cp920(server.base)
        assert curl("POST", f"{server.base}/api/v1/customers/10000/phones", token=reseller,
                    body={"mac": "00:15:65:82:0B:99", "model": "yealink-t46g", "description": "T46G"})[0] == 201
        https = f"https://localhost:{tls_port}/sip-ps"
        ca_url = f"http://localhost:{http_port}/sip-ps/pieuvre-ca.crt"

        def https_fetch(name, ua, credentials, cacert):
            return fetch(f"{https}/{name}", ua, credentials=credentials, cacert=cacert)

        def switched_on(name, ua, credentials, cacert):
            # The CA fetch is noted off the request's path: the next checks see it.
            for _ in range(50):
                status, text = https_fetch(name, ua, credentials, cacert)
                assert status == 200, text
                if value(text, "static.security.trust_certificates") == "1":
                    return text
                time.sleep(0.2)
            raise AssertionError("the device file never switched the check on: " + text)

        # The CP920, first reached over plain HTTP: boot, common, device.
        plain = f"{server.base}/sip-ps"
        assert fetch(f"{plain}/y000000000000.boot", UA)[0] == 200
        status, common = fetch(f"{plain}/y000000000078.cfg", UA)
        assert status == 200 and value(common, "static.trusted_certificates.url") == ca_url
        assert value(common, "static.security.trust_certificates") is None, "the common file never switches the check on"
        status, device = fetch(f"{plain}/805ec0021c1b.cfg", UA)
        assert status == 200 and value(device, "static.security.trust_certificates") == "0"
        credentials = (value(device, "static.auto_provision.server.username"), value(device, "static.auto_provision.server.password"))
        assert value(device, "static.auto_provision.server.url") == f"https://localhost:{tls_port}/sip-ps/"

        # The CA over plain HTTP, no credentials, as the phone resolves the URL it was given.
        fetched = tmp_path / "fetched-ca.crt"
        got = subprocess.run(["curl", "-sS", "-A", UA, "-o", str(fetched), "-w", "%{http_code}", ca_url], capture_output=True, text=True, check=True)
        assert got.stdout == "200" and fetched.read_text().startswith("-----BEGIN CERTIFICATE-----") and "PRIVATE KEY" not in fetched.read_text()

        # Every later check over HTTPS, verified with the fetched CA; the device file now
        # switches the check on. Without the CA curl refuses the server.
        device = switched_on("805ec0021c1b.cfg", UA, credentials, str(fetched))
        assert value(device, "static.security.ca_cert") == "2"
        for name in ["y000000000000.boot", "y000000000078.cfg"]:
            assert https_fetch(name, UA, None, str(fetched))[0] == 200, name
        unchecked = subprocess.run(["curl", "-sS", "-A", UA, "-o", "/dev/null", f"{https}/y000000000078.cfg"], capture_output=True, text=True)
        assert unchecked.returncode == 60  # SSL certificate problem

        # The T46G, first reached over TFTP (no User-Agent): the CA is readable there too, the
        # same bytes; its HTTP fetch of the CA (its MAC in the User-Agent) switches its check on.
        t46g = "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99"
        out = lambda name: str(tmp_path / name)
        assert tftp_hpa(tftp_port, "001565820b99.cfg", out("t46g.cfg")).returncode == 0
        first = open(out("t46g.cfg")).read()
        assert value(first, "static.security.trust_certificates") == "0"
        assert tftp_hpa(tftp_port, "pieuvre-ca.crt", out("tftp-ca.crt")).returncode == 0
        assert open(out("tftp-ca.crt")).read() == fetched.read_text()
        t46g_credentials = (value(first, "static.auto_provision.server.username"), value(first, "static.auto_provision.server.password"))
        assert fetch(ca_url, t46g)[0] == 200
        switched_on("001565820b99.cfg", t46g, t46g_credentials, str(fetched))
    finally:
        assert server.stop() == 0
    # A file that holds no certificate stops the start, naming it.
    bad = subprocess.run([BIN, "serve", "--data-dir", data_dir, "--phone-ca", p("leaf.key"), "--http-port", "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--phone-ca" in bad.stderr + bad.stdout
