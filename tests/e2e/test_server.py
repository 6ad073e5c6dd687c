"""The `pieuvre` executable as a newcomer runs it: SQLite in a data directory, nothing else."""
import os
import re
import signal
import subprocess
import time

import yaml
from openapi_spec_validator import validate

from conftest import BIN, Server, curl, login, postgres_database


def run(*args, env=None):
    environment = dict(os.environ)
    environment.pop("PIEUVRE_DATABASE_URL", None)
    environment.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=environment, timeout=120)


def test_first_start_creates_admin_with_a_random_password_printed_once(data_dir):
    server = Server(data_dir)
    try:
        printed = "".join(server.output)
        match = re.search(r"login 'admin', password '([^']+)'", printed)
        assert match, printed
        token = login(server.base, "admin", match.group(1))
        status, models = curl("GET", f"{server.base}/api/v1/models", token=token)
        assert status == 200 and len(models) == 10
        assert os.path.exists(os.path.join(data_dir, "pieuvre.sqlite")), "the embedded default is SQLite in the data directory"
    finally:
        assert server.stop() == 0, "SIGTERM stops the server gracefully"
    again = Server(data_dir)
    try:
        assert "password '" not in "".join(again.output), "the password is printed on the first start only"
    finally:
        again.stop()


def test_admin_password_from_the_environment_and_no_secret_in_logs(data_dir):
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "env-admin-pass", "PIEUVRE_LOG_LEVEL": "debug"})
    try:
        token = login(server.base, "admin", "env-admin-pass")
        status, _ = curl("POST", f"{server.base}/api/v1/resellers", token=token,
                         body={"name": "Expert Produits", "login": "expert", "password": "reseller-secret"})
        assert status == 201
        reseller = login(server.base, "expert", "reseller-secret")
        status, customer = curl("POST", f"{server.base}/api/v1/customers", token=reseller,
                                body={"companyName": "OPENIP", "siret": "48285833900021", "address": "37-39, rue de Neuilly",
                                      "postalCode": "92110", "city": "Clichy"})
        assert status == 201 and customer["reference"] == "10000"
        status, line = curl("POST", f"{server.base}/api/v1/customers/10000/lines", token=reseller,
                            body={"sda": "0970711111", "name": "Utilisateur Full Meta Test - 1",
                                  "portalPassword": "portal-secret", "sipPassword": "sip-secret-42"})
        assert status == 201, line
    finally:
        assert server.stop() == 0
    logs = "".join(server.output)
    for secret in ["env-admin-pass", "reseller-secret", "portal-secret", "sip-secret-42", reseller]:
        assert secret not in logs


def test_demo_loads_the_seed_and_prints_logins(data_dir):
    env = {"PIEUVRE_DATA_DIR": data_dir, "PIEUVRE_ADMIN_PASSWORD": "demo-admin-pass"}
    demo = run("demo", env=env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    match = re.search(r"reseller\s+expert\s+(\S+)", demo.stdout)
    admin_line = re.search(r"administrator\s+0970711111\s+(\S+)", demo.stdout)
    assert match and admin_line, demo.stdout
    second = run("demo", env=env)
    assert second.returncode == 0 and "already loaded" in second.stdout

    server = Server(data_dir)
    try:
        reseller = login(server.base, "expert", match.group(1))
        status, sheet = curl("GET", f"{server.base}/api/v1/customers/10000", token=reseller)
        assert status == 200
        assert (sheet["companyName"], sheet["siret"], sheet["city"], sheet["reseller"]) == ("OPENIP", "48285833900021", "Clichy", "Expert Produits")
        status, phones = curl("GET", f"{server.base}/api/v1/customers/10000/phones", token=reseller)
        assert phones["next"] is None, "11 phones fit in one page"
        phones = phones["items"]
        by_mac = {p["mac"]: p for p in phones}
        assert by_mac["80:5E:C0:02:1C:1B"]["model"] == "yealink-cp920"
        assert by_mac["80:5E:C0:02:1C:1B"]["sda"] == "0970192349"
        assert by_mac["00:15:65:7A:1D:B8"]["department"] == "St_Avertin"
        assert len(phones) == 11
        assert by_mac["80:5E:C0:3A:96:05"]["sda"] == "0970711005"  # the seed's CP960 (§3.1.1)
        admin = login(server.base, "0970711111", admin_line.group(1))
        status, lines = curl("GET", f"{server.base}/api/v1/customers/10000/lines", token=admin)
        assert status == 200
        first = next(l for l in lines["items"] if l["sda"] == "0970711111")
        assert first["name"] == "Utilisateur Full Meta Test - 1" and first["administrator"] is True
        status, reply = curl("POST", f"{server.base}/api/v1/customers/10000/phones", token=reseller,
                             body={"mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920", "sda": "0970192349"})
        assert status == 409 and reply == {"error": "An attempt has been made to create a duplicate object.", "code": "duplicate", "field": "mac", "value": "80:5E:C0:02:1C:1B", "customer": "10000"}
    finally:
        server.stop()


def test_openapi_document_is_valid_openapi_3_1(data_dir):
    server = Server(data_dir)
    try:
        status, text = curl("GET", f"{server.base}/api/v1/openapi.yaml")
        assert status == 200
        document = yaml.safe_load(text)
        validate(document)
        assert document["openapi"] == "3.1.0"
    finally:
        server.stop()


def test_migrate_and_bad_configuration(data_dir):
    migrated = run("migrate", "--data-dir", data_dir)
    assert migrated.returncode == 0 and "migrations applied" in migrated.stdout
    bad = run("migrate", env={"PIEUVRE_DATABASE_URL": "mysql://nope"})
    assert bad.returncode != 0
    assert "database-url 'mysql://nope' is neither" in bad.stdout + bad.stderr
    port = run("serve", "--data-dir", data_dir, "--http-port", "70000")
    assert port.returncode != 0 and "--http-port must be between 0 and 65535" in port.stdout + port.stderr


if os.environ.get("PIEUVRE_TEST_DATABASE_URL"):
    # Defined only when CI (or you) points the suite at a PostgreSQL server: nothing is skipped.
    def test_serve_and_demo_on_postgresql(data_dir):
        with postgres_database("pieuvre_e2e_") as url:
            demo = run("demo", env={"PIEUVRE_DATABASE_URL": url, "PIEUVRE_DATA_DIR": data_dir})
            assert demo.returncode == 0, demo.stdout + demo.stderr
            password = re.search(r"reseller\s+expert\s+(\S+)", demo.stdout).group(1)
            server = Server(data_dir, env={"PIEUVRE_DATABASE_URL": url})
            try:
                reseller = login(server.base, "expert", password)
                status, phones = curl("GET", f"{server.base}/api/v1/customers/10000/phones", token=reseller)
                assert status == 200 and len(phones["items"]) == 11
                assert not os.path.exists(os.path.join(data_dir, "pieuvre.sqlite")), "PostgreSQL was used, not the SQLite default"
            finally:
                assert server.stop() == 0


def test_json_logs_are_one_object_a_line_without_secrets(data_dir):
    """--log-format json: every line a log shipper reads is a JSON object with time, level and
    message; a sign-in and a phone's first fetch leave no password in it."""
    import json as jsonlib
    environment = dict(os.environ, PIEUVRE_TFTP_PORT="0", PIEUVRE_SIP_PORT="0", PIEUVRE_ADMIN_PASSWORD="json-log-admin-pass")
    proc = subprocess.Popen([BIN, "serve", "--log-format", "json", "--http-host", "127.0.0.1", "--http-port", "0", "--data-dir", data_dir],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment, text=True)
    lines = []
    base = None
    deadline = time.time() + 60
    while time.time() < deadline and base is None:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        entry = jsonlib.loads(line)
        if entry.get("message") == "pieuvre listening" and "url" in entry:
            base = entry["url"].rstrip("/")
    assert base, "".join(lines)
    try:
        op = login(base, "admin", "json-log-admin-pass")
        reseller_password = "json-log-reseller-1"
        assert curl("POST", f"{base}/api/v1/resellers", token=op, body={"name": "R", "login": "rjson", "password": reseller_password})[0] == 201
        reseller = login(base, "rjson", reseller_password)
        assert curl("POST", f"{base}/api/v1/customers", token=reseller, body={"companyName": "OPENIP", "siret": "48285833900021", "address": "1 rue", "postalCode": "92110", "city": "Clichy", "reference": "10000"})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920"})[0] == 201
        device = subprocess.run(["curl", "-sS", "-A", "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b", f"{base}/sip-ps/805ec0021c1b.cfg"], capture_output=True, text=True).stdout
        device_password = re.search(r"static.auto_provision.server.password = (\S+)", device).group(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    lines += rest.splitlines(keepends=True)
    assert proc.returncode == 0
    entries = [jsonlib.loads(line) for line in lines if line.strip()]
    assert all({"time", "level", "message"} <= set(e) for e in entries)
    assert any(e["message"] == "pieuvre listening" for e in entries)
    text = "".join(lines)
    for secret in ["json-log-admin-pass", reseller_password, device_password]:
        assert secret not in text


def test_backup_while_writing_and_restore(data_dir):
    """`pieuvre backup` while the server takes writes: the copy passes SQLite's integrity check
    and holds every write acknowledged before it started; `pieuvre restore` puts it in a new
    data directory whose server serves it."""
    import sqlite3
    import threading
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "backup-admin-pass"})
    base = server.base
    op = login(base, "admin", "backup-admin-pass")
    assert curl("POST", f"{base}/api/v1/resellers", token=op, body={"name": "R", "login": "rbackup", "password": "backup-reseller-1"})[0] == 201
    reseller = login(base, "rbackup", "backup-reseller-1")
    assert curl("POST", f"{base}/api/v1/customers", token=reseller, body={"companyName": "OPENIP", "siret": "48285833900021", "address": "1 rue", "postalCode": "92110", "city": "Clichy", "reference": "10000"})[0] == 201
    acknowledged = []
    stop = threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            sda = f"09707{n:05d}"
            if curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": sda, "name": f"Ligne {n}"})[0] == 201:
                acknowledged.append(sda)
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(1.5)
        before = list(acknowledged)
        backup = os.path.join(data_dir, "..", os.path.basename(data_dir) + "-backup.sqlite")
        result = subprocess.run([BIN, "backup", "--data-dir", data_dir, backup], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        # Secrets and password hashes inside: its owner's only (#26).
        assert os.stat(backup).st_mode & 0o777 == 0o600
        time.sleep(0.5)
    finally:
        stop.set()
        writer.join()
        assert server.stop() == 0
    assert len(before) > 5
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        saved = {row[0] for row in db.execute("SELECT sda FROM lines")}
    assert set(before) <= saved, "every write acknowledged before the backup is in it"

    restored = data_dir + "-restored"
    # The secrets key goes with the backup, apart from it.
    os.makedirs(restored)
    subprocess.run(["cp", os.path.join(data_dir, "secrets.key"), restored], check=True)
    result = subprocess.run([BIN, "restore", "--data-dir", restored, backup], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    again = Server(restored, env={"PIEUVRE_ADMIN_PASSWORD": "backup-admin-pass"})
    try:
        reseller = login(again.base, "rbackup", "backup-reseller-1")
        status, lines = curl("GET", f"{again.base}/api/v1/customers/10000/lines?limit=1000", token=reseller)
        assert status == 200 and set(before) <= {l["sda"] for l in lines["items"]}
    finally:
        assert again.stop() == 0
    # A backup of a newer schema is refused, naming it.
    with sqlite3.connect(backup) as db:
        db.execute("INSERT INTO _fluent_migrations (id, name, batch, created_at, updated_at) VALUES ('00000000-0000-0000-0000-000000000099', 'pieuvre.v99.future', 99, 0, 0)")
    result = subprocess.run([BIN, "restore", "--data-dir", restored, backup], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "newer schema (pieuvre.v99.future)" in result.stdout + result.stderr
    import shutil
    shutil.rmtree(restored, ignore_errors=True)
    os.remove(backup)
