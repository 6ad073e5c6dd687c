"""Upgrades: a database made by the first released schema (release 1: commit 612efaf, its
`pieuvre demo`, then the seed's CP920 and a snom D765 fetched their device files once) is
migrated by today's binary, which then serves its phones with the credentials they hold.

The fixtures were made with release 1's own binary: `fixtures/release-1.sqlite` (its data
directory's database) and `fixtures/release-1.postgres.sql` (pg_dump of the same on
PostgreSQL; credentials differ, each issued by its own run)."""
import os
import shutil
import sqlite3
import subprocess

from conftest import BIN, Server, curl, fetch, login, postgres_database

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
CP920 = ("Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b", "805ec0021c1b.cfg", "805ec0021c1b")
D765 = ("Mozilla/4.0 (compatible; snomD765-SIP 10.1.54.13 2010.12-00004-g9ba52f5 000413900859 SXM:0 UXM:0)",
        "snomD765-000413900859.htm", "000413900859")
# The device credentials release 1 issued in each fixture (what those phones hold in the field).
CREDENTIALS = {
    "sqlite": {"805ec0021c1b": "nFAaaZR7qLiUZbBFBRVFGAh6", "000413900859": "LcUHSfuQGWh8fzQfbtBHux8N"},
    "postgres": {"805ec0021c1b": "XH4fdLJGCdEaenyRjFzcuFKw", "000413900859": "FP35HHr35S7C77nzCs37zpxX"},
}


def run(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIEUVRE_")}
    environment.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, env=environment)


def upgrade_and_serve(data_dir, database, env):
    # Before: doctor sees the old schema and says what to run.
    before = run("doctor", "--data-dir", data_dir, "--tftp-port", "0", env=env)
    assert before.returncode == 1
    assert "8 of 10 migrations not applied" in before.stdout and "run `pieuvre migrate`" in before.stdout, before.stdout

    migrated = run("migrate", "--data-dir", data_dir, env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    after = run("doctor", "--data-dir", data_dir, "--tftp-port", "0", env=env)
    assert "schema up to date (10 migrations)" in after.stdout, after.stdout

    server = Server(data_dir, env=env)
    try:
        base = server.base
        # The operator's password from release 1 still opens a session; lists have today's shape.
        operator = login(base, "admin", "fixture-admin-pass")
        status, phones = curl("GET", f"{base}/api/v1/customers/10000/phones?limit=100", token=operator)
        assert status == 200 and len(phones["items"]) == 10 and phones["next"] is None
        # The rows release 1 wrote are searched without their accents ("Aurélien", "conférence").
        status, found = curl("GET", f"{base}/api/v1/customers/10000/phones?q=aurelien", token=operator)
        assert status == 200 and [p["description"] for p in found["items"]] == ["snom D725 Aurélien"], found
        status, found = curl("GET", f"{base}/api/v1/customers/10000/lines?q=CONFERENCE", token=operator)
        assert status == 200 and [l["name"] for l in found["items"]] == ["Salle de conférence"], found
        # Phones in the field answer the digest challenge with the credentials release 1 gave them.
        for user_agent, name, username in (CP920, D765):
            password = CREDENTIALS[database][username]
            status, body = fetch(f"{base}/sip-ps/{name}", user_agent, credentials=(username, password))
            assert status == 200, body
            assert password in body, "the phone keeps its credentials across the upgrade"
            status, _ = fetch(f"{base}/sip-ps/{name}", user_agent, credentials=(username, "not-" + password))
            # Outside the window a wrong password is refused; inside it the MAC alone still serves:
            # which one the phone's own window says (the fixture's dates against today's clock).
            mac = ":".join(username[i:i + 2] for i in range(0, 12, 2)).upper()
            _, phone = curl("GET", f"{base}/api/v1/phones/{mac}", token=operator)
            assert status == (200 if phone["windowOpen"] else 401), (name, phone["windowOpen"], status)
        # A change made today reaches the phone's file (through the change feed added since).
        status, reply = curl("PUT", f"{base}/api/v1/customers/10000/settings", token=operator, body={"values": {"preferences.language": "English"}})
        assert status == 200, reply
        status, body = fetch(f"{base}/sip-ps/{CP920[1]}", CP920[0], credentials=(CP920[2], CREDENTIALS[database][CP920[2]]))
        assert status == 200 and "lang.gui = English" in body
    finally:
        assert server.stop() == 0


def test_release_1_sqlite_database_upgrades_and_serves_its_phones(data_dir):
    shutil.copy(os.path.join(FIXTURES, "release-1.sqlite"), os.path.join(data_dir, "pieuvre.sqlite"))
    upgrade_and_serve(data_dir, "sqlite", {})
    # Secrets release 1 kept in clear are sealed at rest by the first start.
    with sqlite3.connect(os.path.join(data_dir, "pieuvre.sqlite")) as db:
        stored = db.execute("SELECT device_password FROM phones WHERE mac = '805ec0021c1b'").fetchone()[0]
    assert stored != CREDENTIALS["sqlite"]["805ec0021c1b"]


if os.environ.get("PIEUVRE_TEST_DATABASE_URL"):
    # Defined only when CI (or you) points the suite at a PostgreSQL server: nothing is skipped.
    def test_release_1_postgresql_database_upgrades_and_serves_its_phones(data_dir):
        with postgres_database("pieuvre_upgrade_") as url:
            subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(FIXTURES, "release-1.postgres.sql")],
                           check=True, capture_output=True)
            upgrade_and_serve(data_dir, "postgres", {"PIEUVRE_DATABASE_URL": url})
            stored = subprocess.run(["psql", url, "-tA", "-c", "SELECT device_password FROM phones WHERE mac = '805ec0021c1b'"],
                                    check=True, capture_output=True, text=True).stdout.strip()
            assert stored and stored != CREDENTIALS["postgres"]["805ec0021c1b"]
