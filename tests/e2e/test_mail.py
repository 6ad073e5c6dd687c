"""Notification e-mails (Paramètres > Notifications > E-mail) through a real SMTP server:
aiosmtpd (PyPI), started by the test with AUTH required, as an operator's relay would."""
import email
import email.policy
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import Server, curl, seed_customer

RELAY_PASSWORD = "relay-pw-7f3a"
# The relay is on loopback, as `--smtp-url` allows AUTH without TLS only there.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"relay" and auth_data.password == RELAY_PASSWORD.encode()
    return AuthResult(success=ok)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp(port, inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    return controller


def wait_for(condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_deposit_sends_one_mail_and_an_outage_only_delays_it(data_dir):
    port = free_port()
    inbox = Inbox()
    smtp = start_smtp(port, inbox)
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_SMTP_URL": f"smtp://relay:{RELAY_PASSWORD}@127.0.0.1:{port}"},
                    args=("--mail-from", "messagerie@metacentrex.fr"))
    try:
        base = server.base
        op, reseller = seed_customer(base)
        assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": "0970711005", "name": "Salle"})[0] == 201
        status, rule = curl("PUT", f"{base}/api/v1/lines/0970711005/notifications/email", token=reseller,
                            body={"address": "salle@openip.fr", "allVoicemail": True, "language": "fr"})
        assert status == 200, rule

        def deposit(message_id, **extra):
            status, reply = curl("POST", f"{base}/api/v1/lines/0970711005/voicemail/events", token=op,
                                 body={"event": "deposited", "messageId": message_id, "class": "voice", "from": "0140000000", **extra})
            assert status == 200, reply

        deposit("m1")
        deposit("m1")  # the platform repeats itself: still one mail
        assert wait_for(lambda: len(inbox.messages) >= 1, 15), "the mail reaches the SMTP server"
        sender, recipients, content = inbox.messages[0]
        assert sender == "messagerie@metacentrex.fr" and recipients == ["salle@openip.fr"]
        mail = email.message_from_bytes(content, policy=email.policy.default)
        assert str(mail["Subject"]) == "Nouveau message vocal pour le 0970711005 de 0140000000"
        body = mail.get_content()
        assert "De : 0140000000" in body and "Type : Message vocal" in body
        assert mail["Auto-Submitted"] == "auto-generated"
        time.sleep(2)
        assert len(inbox.messages) == 1, "a repeated report sends no second mail"
        # A fax is not asked for: no mail.
        status, _ = curl("POST", f"{base}/api/v1/lines/0970711005/voicemail/events", token=op, body={"event": "deposited", "messageId": "f1", "class": "fax"})
        assert status == 200

        # The SMTP server goes away: the event still answers, and the mail waits in the outbox.
        smtp.stop()
        started = time.time()
        deposit("m2", urgent=True)
        answered_in = time.time() - started
        time.sleep(3)
        assert len(inbox.messages) == 1
        smtp = start_smtp(port, inbox)
        assert wait_for(lambda: len(inbox.messages) >= 2, 40), "the mail arrives once the server is back"
        again = email.message_from_bytes(inbox.messages[1][2], policy=email.policy.default)
        assert str(again["Subject"]) == "Nouveau message vocal urgent pour le 0970711005 de 0140000000"
        print(f"event answered in {answered_in:.3f} s with the SMTP server down")
    finally:
        smtp.stop()
        assert server.stop() == 0
    log = "".join(server.output)
    assert "mail: not sent; will retry" in log and "mail: sent" in log
    assert RELAY_PASSWORD not in log, "the relay's password is never logged"


def test_without_smtp_the_tab_says_so_and_nothing_is_queued(data_dir):
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"})
    try:
        status, text = curl("GET", f"{server.base}/health")
        assert status == 200
        # Readiness checks the database, liveness the process.
        assert curl("GET", f"{server.base}/health/ready")[0] == 200
        assert curl("GET", f"{server.base}/health/live")[0] == 200
    finally:
        assert server.stop() == 0
    assert "mail: sending notification e-mails" not in "".join(server.output)


def test_a_bad_smtp_url_is_refused_at_start(data_dir):
    import subprocess
    from conftest import BIN
    result = subprocess.run([BIN, "serve", "--data-dir", data_dir, "--http-port", "0", "--smtp-url", "http://mail.example.fr"],
                            capture_output=True, text=True, timeout=60, env={"PIEUVRE_TFTP_PORT": "0", "PIEUVRE_SIP_PORT": "0", "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "--smtp-url must start with smtp:// or smtps://" in result.stdout + result.stderr
