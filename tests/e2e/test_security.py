"""Security at rest and at the door, on the real binary: file modes, secrets sealed in the
database file, a key that must match, security headers."""
import os
import stat
import subprocess

from conftest import BIN, Server, curl, fetch, login


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_fresh_data_directory_is_private_and_no_secret_is_in_the_database_file(data_dir):
    directory = os.path.join(data_dir, "fresh")
    server = Server(directory, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"})
    try:
        base = server.base
        op = login(base, "admin", "e2e-admin-pass")
        assert curl("POST", f"{base}/api/v1/resellers", token=op, body={"name": "Expert", "login": "expert", "password": "reseller-secret"})[0] == 201
        reseller = login(base, "expert", "reseller-secret")
        assert curl("POST", f"{base}/api/v1/customers", token=reseller, body={
            "companyName": "OPENIP", "siret": "48285833900021", "address": "1 rue", "postalCode": "92110", "city": "Clichy"})[0] == 201
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
