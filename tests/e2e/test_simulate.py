"""`pieuvre simulate` against the real server: 100 phones of all ten models over HTTP and over
TFTP with no failure; then, windows closed, phones answering the digest challenge with the
credentials they learned, and a phone nobody registered counted as a failure by reason."""
import json
import os
import socket
import stat
import subprocess

from conftest import BIN, Server, curl, seed_customer

MODELS = {  # model: first MAC of its block (the vendors' own prefixes)
    "yealink-cp920": "80:5E:C0:10:00:00", "yealink-cp960": "80:5E:C0:20:00:00", "yealink-cp860": "00:15:65:30:00:00",
    "yealink-t41p": "00:15:65:40:00:00", "yealink-t42g": "00:15:65:50:00:00", "yealink-t46g": "00:15:65:60:00:00",
    "yealink-t48g": "00:15:65:70:00:00", "yealink-w52p": "00:15:65:80:00:00", "snom-d725": "00:04:13:10:00:00", "snom-d765": "00:04:13:20:00:00",
}


def mac(first, offset):
    value = int(first.replace(":", ""), 16) + offset
    text = f"{value:012X}"
    return ":".join(text[i:i + 2] for i in range(0, 12, 2))


def simulate(*args):
    result = subprocess.run([BIN, "simulate", "--json", *args], capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr
    return result.returncode, json.loads(lines[-1])


def test_a_storm_of_100_phones_over_http_and_tftp_then_digest(data_dir, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        tftp_port = s.getsockname()[1]
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=["--tftp-port", str(tftp_port)])
    try:
        base = server.base
        _, reseller = seed_customer(base)
        rows = ["mac,model,sda,description"]
        for model, first in MODELS.items():
            status, reply = curl("POST", f"{base}/api/v1/customers/10000/phones/import", token=reseller,
                                 body={"block": {"firstMac": first, "count": 10, "model": model}})
            assert status == 201, reply
            rows += [f"{mac(first, i)},{model},," for i in range(10)]
        csv = tmp_path / "fleet.csv"
        csv.write_text("\n".join(rows) + "\n")
        credentials = str(tmp_path / "credentials.json")

        code, report = simulate("--url", f"{base}/sip-ps/", "--csv", str(csv), "--concurrency", "32", "--credentials", credentials)
        assert code == 0 and report["phones"] == 100 and report["succeeded"] == 100 and report["failed"] == {}, report
        assert report["files"]["boot"]["count"] == 80 and report["files"]["common"]["count"] == 100 and report["files"]["device"]["count"] == 100
        learned = json.load(open(credentials))
        assert len(learned) == 100 and stat.S_IMODE(os.stat(credentials).st_mode) == 0o600

        code, report = simulate("--url", f"{base}/sip-ps/", "--csv", str(csv), "--protocol", "tftp", "--tftp-port", str(tftp_port))
        assert code == 0 and report["succeeded"] == 100 and report["failed"] == {}, report
        assert report["files"]["device"]["count"] == 100

        # Windows closed for a Yealink and a snom; a phone never registered joins them.
        closed = [mac(MODELS["yealink-t46g"], 3), mac(MODELS["snom-d765"], 7)]
        for phone in closed:
            assert curl("PATCH", f"{base}/api/v1/phones/{phone}", token=reseller, body={"authenticateUntil": "2020-01-01T00:00:00Z"})[0] == 200
        late = tmp_path / "late.csv"
        late.write_text("mac,model,sda,description\n" + f"{closed[0]},yealink-t46g,,\n{closed[1]},snom-d765,,\n00:15:65:99:99:99,yealink-t46g,,\n")
        code, report = simulate("--url", f"{base}/sip-ps/", "--csv", str(late), "--credentials", credentials)
        assert code == 1 and report["succeeded"] == 2, report
        assert report["failed"] == {"device: 401 without credentials (window closed)": 1}, report
        # The two challenged device files count both legs: challenge and answer.
        assert report["files"]["device"]["count"] == 5

        # Without the credentials the closed windows refuse them too.
        code, report = simulate("--url", f"{base}/sip-ps/", "--csv", str(late))
        assert code == 1 and report["failed"] == {"device: 401 without credentials (window closed)": 3}, report
    finally:
        assert server.stop() == 0


def test_simulate_refuses_bad_input_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("mac,model\nnot-a-mac,yealink-t46g\n")
    result = subprocess.run([BIN, "simulate", "--url", "http://127.0.0.1:9/sip-ps/", "--csv", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "line 2" in result.stderr
    result = subprocess.run([BIN, "simulate", "--url", "ftp://x/", "--csv", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "--url must be an http:// or https:// URL" in result.stderr
    # Nothing listens: every phone fails, by one reason.
    good = tmp_path / "one.csv"
    good.write_text("mac,model\n00:15:65:82:0B:99,yealink-t46g\n")
    result = subprocess.run([BIN, "simulate", "--json", "--url", "http://127.0.0.1:9/sip-ps/", "--csv", str(good)], capture_output=True, text=True)
    assert result.returncode == 1 and json.loads(result.stdout)["failed"] == {"connection: refused": 1}, result.stdout
