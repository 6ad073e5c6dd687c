"""`pieuvre doctor` against a good configuration (a running server over HTTPS with a private CA,
TFTP, no proxy) and a broken one (every applicable check failing for its own reason)."""
import os
import socket
import subprocess

from conftest import BIN, Server


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_certificates(directory):
    """A private CA and a server certificate for localhost signed by it (chain.pem: server, CA);
    short.pem: self-signed for another name, 10 days left."""
    p = lambda name: os.path.join(directory, name)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"),
            "-days", "3650", "-subj", "/CN=Doctor Test CA")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("leaf.key"), "-out", p("leaf.csr"), "-subj", "/CN=localhost")
    with open(p("ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-days", "365",
            "-extfile", p("ext"), "-out", p("leaf.pem"))
    with open(p("chain.pem"), "w") as f:
        f.write(open(p("leaf.pem")).read() + open(p("ca.pem")).read())
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("short.key"), "-out", p("short.pem"), "-days", "10", "-subj", "/CN=other.example")
    return p


def doctor(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIEUVRE_")}
    environment.update(env or {})
    result = subprocess.run([BIN, "doctor", *args], capture_output=True, text=True, timeout=120, env=environment)
    lines = {}
    for line in result.stdout.splitlines():
        if line[:4] in ("ok  ", "FAIL", "skip"):
            lines[line[5:17].strip()] = line
    return result, lines


def test_doctor_passes_a_good_configuration(data_dir, tmp_path):
    p = make_certificates(str(tmp_path))
    tls_port, tftp_port = free_port(), free_port(socket.SOCK_DGRAM)
    public = f"https://localhost:{tls_port}/"
    http_port = free_port()
    args = ["--tls-cert", p("chain.pem"), "--tls-key", p("leaf.key"), "--tls-port", str(tls_port), "--public-url", public, "--tftp-port", str(tftp_port),
            "--phone-ca", "chain"]
    server = Server(data_dir, args=args, http_port=http_port)
    try:
        result, lines = doctor("--data-dir", data_dir, "--http-host", "127.0.0.1", "--http-port", str(http_port), *args)
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "answers, schema up to date" in lines["database"]
    assert lines["public URL"].startswith("ok") and "health/ready answers 200" in lines["public URL"]
    assert lines["certificate"].startswith("ok") and "private CA 'Doctor Test CA'" in lines["certificate"], lines["certificate"]
    assert lines["TFTP"].startswith("ok") and "TFTP server that answers" in lines["TFTP"]
    assert lines["SIP proxy"].startswith("skip")
    assert lines["clock"].startswith("ok") and "the public URL within" in lines["clock"]
    assert lines["phone CA"].startswith("ok") and f"http://localhost:{http_port}/sip-ps/pieuvre-ca.crt serves the CA over plain HTTP" in lines["phone CA"], lines["phone CA"]
    assert "6 passed, 0 failed, 1 skipped" in result.stdout


def test_doctor_names_every_broken_part_and_how_to_fix_it(data_dir, tmp_path):
    p = make_certificates(str(tmp_path))
    # UDP ports held by something that is not a TFTP server, and a SIP proxy that is not there.
    squatter = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    squatter.bind(("127.0.0.1", 0))
    sip_port = free_port(socket.SOCK_DGRAM)
    try:
        result, lines = doctor(
            "--database-url", "postgres://nobody:secret@127.0.0.1:1/pieuvre", "--http-host", "127.0.0.1",
            "--public-url", "https://phones.invalid/", "--tls-cert", p("short.pem"), "--tls-key", p("short.key"),
            "--tftp-port", str(squatter.getsockname()[1]), "--sip-proxy", f"127.0.0.1:{sip_port}",
            "--phone-ca", p("ca.pem"), "--phone-ca-url", f"http://127.0.0.1:{free_port()}/")
    finally:
        squatter.close()
    assert result.returncode == 1
    assert "secret" not in result.stdout + result.stderr
    assert lines["database"].startswith("FAIL") and "does not answer" in lines["database"]
    assert lines["public URL"].startswith("FAIL") and "phones.invalid does not resolve" in lines["public URL"]
    assert lines["certificate"].startswith("FAIL") and "expires on" in lines["certificate"]
    assert lines["TFTP"].startswith("FAIL") and "does not answer TFTP" in lines["TFTP"]
    assert lines["SIP proxy"].startswith("FAIL") and "no SIP answer" in lines["SIP proxy"]
    assert "fix: run NTP" not in result.stdout
    assert lines["phone CA"].startswith("FAIL") and "pieuvre-ca.crt" in lines["phone CA"], lines["phone CA"]
    assert result.stdout.count("fix: ") == 6
    assert "0 skipped" in result.stdout

    # A certificate for another name, valid long enough: named as the problem.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("other.key"), "-out", p("other.pem"), "-days", "400", "-subj", "/CN=other.example")
    _, lines = doctor("--data-dir", data_dir, "--public-url", "https://localhost/", "--tls-cert", p("other.pem"), "--tls-key", p("other.key"), "--tftp-port", "0")
    assert "issued for other.example, not for localhost" in lines["certificate"]
    # The server's key does not go with the certificate.
    _, lines = doctor("--data-dir", data_dir, "--public-url", "https://localhost/", "--tls-cert", p("chain.pem"), "--tls-key", p("short.key"), "--tftp-port", "0")
    assert "is not the certificate's" in lines["certificate"]
    # No database yet in the data directory: doctor says so and creates nothing.
    assert "no database at" in lines["database"]
    assert not os.path.exists(os.path.join(data_dir, "pieuvre.sqlite"))
