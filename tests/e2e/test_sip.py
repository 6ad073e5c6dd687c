"""The message-waiting lamp through a real SIP platform: Kamailio (Debian) as registrar and
proxy on loopback, a real SIP user agent (pjsua2 from PyPI) registered as the phone of
0222969569, and the seed's lamp rule: 0970711005's voicemail lights 0222969569's lamp."""
import contextlib
import os
import shutil
import socket
import subprocess
import time

import pjsua2 as pj
import pytest

from conftest import Server, curl, login, seed_customer


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_kamailio(data_dir, notifier_port=None):
    """Kamailio on loopback; with `notifier_port`, SUBSCRIBEs for message-summary go to Pieuvre
    there (the voicemail server's role), as an operator routes them."""
    port = free_udp_port()
    run = os.path.join(data_dir, "kamailio")
    os.makedirs(run)
    config = open(os.path.join(os.path.dirname(__file__), "kamailio.cfg")).read().replace("@PORT@", str(port)).replace("@RUN@", run)
    if notifier_port:
        config = config.replace("#!KAMAILIO\n", f'#!KAMAILIO\n#!define MWI_NOTIFIER "sip:127.0.0.1:{notifier_port}"\n', 1)
    path = os.path.join(run, "kamailio.cfg")
    open(path, "w").write(config)
    binary = shutil.which("kamailio") or "/usr/sbin/kamailio"
    proc = subprocess.Popen([binary, "-DD", "-E", "-f", path, "-P", os.path.join(run, "kamailio.pid"), "-Y", run, "-m", "64", "-M", "8"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(run, "kamailio.log"), "w"))
    time.sleep(1.0)
    assert proc.poll() is None, open(os.path.join(run, "kamailio.log")).read()[-2000:]
    return port, proc


def stop_kamailio(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def kamailio(data_dir):
    port, proc = start_kamailio(data_dir)
    yield port
    stop_kamailio(proc)


class Phone(pj.Account):
    """The phone of a line: registers through Kamailio and collects message-summary bodies."""

    def __init__(self):
        super().__init__()
        self.registered = False
        self.summaries = []

    def onRegState(self, prm):
        self.registered = prm.code == 200

    def onMwiInfo(self, prm):
        message = prm.rdata.wholeMsg
        self.summaries.append(message.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in message else message)


def sip_server(data_dir, sip_port, kamailio_port):
    """Pieuvre with SIP on `sip_port`, telling phones through Kamailio."""
    return Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"},
                  args=("--sip-port", str(sip_port), "--sip-domain", "127.0.0.1", "--sip-proxy", f"127.0.0.1:{kamailio_port}"))


def register_phone(kamailio_port, mwi):
    """The phone of 0222969569, registering through Kamailio (and subscribing to its
    message summary when `mwi`)."""
    account = pj.AccountConfig()
    account.idUri = "sip:0222969569@127.0.0.1"
    account.regConfig.registrarUri = f"sip:127.0.0.1:{kamailio_port}"
    account.sipConfig.proxies.append(f"sip:127.0.0.1:{kamailio_port};lr")
    account.mwiConfig.enabled = mwi
    phone = Phone()
    phone.create(account)
    return phone


class LogTap(pj.LogWriter):
    """pjsua2 has no callback for a check-sync NOTIFY (it leaves it unanswered): its message
    log is where the phone's side of it is seen."""

    def __init__(self):
        super().__init__()
        self.check_syncs = set()
        self.events = {}

    def write(self, entry):
        text = entry.msg
        if "NOTIFY sip:" in text and "Event: check-sync" in text:
            call_id = event = None
            for line in text.splitlines():
                if line.lower().startswith("call-id:"):
                    call_id = line.split(":", 1)[1].strip()
                if line.lower().startswith("event:"):
                    event = line.split(":", 1)[1].strip()
            if call_id:
                self.check_syncs.add(call_id)
                self.events[call_id] = event


@pytest.fixture
def endpoint(request):
    ep = pj.Endpoint()
    ep.libCreate()
    config = pj.EpConfig()
    config.uaConfig.threadCnt = 0
    config.uaConfig.mainThreadOnly = True
    # A phone that subscribes takes only what comes in its dialog.
    config.uaConfig.mwiUnsolicitedEnabled = request.node.get_closest_marker("subscribed") is None
    # The writer receives what the console would (so the console level sets what it sees).
    config.logConfig.consoleLevel = 5
    config.logConfig.level = 5
    config.logConfig.msgLogging = True
    ep.tap = LogTap()
    config.logConfig.writer = ep.tap
    ep.libInit(config)
    transport = pj.TransportConfig()
    transport.port = free_udp_port()
    transport.boundAddress = transport.publicAddress = "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
    ep.libStart()
    ep.audDevManager().setNullDev()
    yield ep
    ep.libDestroy()


def wait(ep, condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        ep.libHandleEvents(50)
        if condition():
            return True
    return False


def test_voicemail_lights_and_puts_out_the_lamp_through_kamailio(data_dir, kamailio, endpoint):
    sip_port = free_udp_port()
    server = sip_server(data_dir, sip_port, kamailio)
    phone = register_phone(kamailio, mwi=True)
    try:
        assert wait(endpoint, lambda: phone.registered, 10), "the phone registers with Kamailio"
        base = server.base
        op, reseller = seed_customer(base)
        for sda in ["0970711005", "0222969569"]:
            assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": sda, "name": sda})[0] == 201

        def event(body):
            status, reply = curl("POST", f"{base}/api/v1/lines/0970711005/voicemail/events", token=op, body=body)
            assert status == 200, reply

        def next_summary():
            count = len(phone.summaries)
            assert wait(endpoint, lambda: len(phone.summaries) > count, 15), "a message-summary NOTIFY reaches the phone"
            return phone.summaries[-1]

        # The seed's rule, all voicemails and faxes: setting it tells the lamp (out, nothing waits).
        status, _ = curl("PUT", f"{base}/api/v1/lines/0970711005/notifications/lamp", token=reseller, body=[{"number": "0222969569", "faxes": True, "allVoicemail": True}])
        assert status == 200
        assert "Messages-Waiting: no" in next_summary()
        event({"event": "deposited", "messageId": "m1", "class": "voice"})
        summary = next_summary()
        assert "Messages-Waiting: yes" in summary and "Message-Account: sip:0222969569@127.0.0.1" in summary and "Voice-Message: 1/0 (0/0)" in summary
        event({"event": "read", "messageId": "m1"})
        assert "Messages-Waiting: no" in next_summary()

        # Only "Toutes les fax": a fax lights it.
        assert curl("PUT", f"{base}/api/v1/lines/0970711005/notifications/lamp", token=reseller, body=[{"number": "0222969569", "faxes": True}])[0] == 200
        next_summary()
        event({"event": "deposited", "messageId": "f1", "class": "fax"})
        summary = next_summary()
        assert "Messages-Waiting: yes" in summary and "Fax-Message: 1/0" in summary
        event({"event": "deleted", "messageId": "f1"})
        assert "Messages-Waiting: no" in next_summary()

        # Only "Message vocal urgent": an ordinary message does not light it.
        assert curl("PUT", f"{base}/api/v1/lines/0970711005/notifications/lamp", token=reseller, body=[{"number": "0222969569", "urgent": True}])[0] == 200
        next_summary()
        event({"event": "deposited", "messageId": "v1", "class": "voice", "urgent": False})
        assert "Messages-Waiting: no" in next_summary()
        event({"event": "deposited", "messageId": "v2", "class": "voice", "urgent": True})
        assert "Messages-Waiting: yes" in next_summary()
    finally:
        phone.shutdown()
        assert server.stop() == 0


@contextlib.contextmanager
def phone_on_line(data_dir, kamailio, endpoint):
    """A server sending SIP through Kamailio, a pjsua2 phone registered as the line 0222969569
    (customer 10000, department Nantes) with a T46G on that line, and the registration's own
    check-sync come and gone: yields (base, operator token, reseller token, the phone's log tap)."""
    server = sip_server(data_dir, free_udp_port(), kamailio)
    phone = register_phone(kamailio, mwi=False)
    try:
        assert wait(endpoint, lambda: phone.registered, 10)
        base = server.base
        op, reseller = seed_customer(base)
        assert curl("POST", f"{base}/api/v1/customers/10000/departments", token=reseller, body={"name": "Nantes"})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": "0222969569", "name": "Accueil", "department": "Nantes"})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "00:15:65:82:0B:99", "model": "yealink-t46g", "sda": "0222969569"})[0] == 201
        wait(endpoint, lambda: False, 2.5)  # the registration's own check-sync (the phone was just assigned) comes and goes
        yield base, op, reseller, endpoint.tap
    finally:
        phone.shutdown()
        assert server.stop() == 0


def test_a_settings_change_sends_one_check_sync_per_burst(data_dir, kamailio, endpoint):
    with phone_on_line(data_dir, kamailio, endpoint) as (base, op, reseller, tap):
        before = len(tap.check_syncs)

        # One change on the phone's department: one check-sync to its line.
        status, _ = curl("PUT", f"{base}/api/v1/customers/10000/departments/Nantes/settings", token=reseller, body={"values": {"preferences.language": "English"}})
        assert status == 200
        assert wait(endpoint, lambda: len(tap.check_syncs) > before, 8), "a check-sync NOTIFY reaches the phone"
        wait(endpoint, lambda: False, 2.5)
        assert len(tap.check_syncs) == before + 1
        # A burst of five changes: one.
        for language in ["French", "German", "Italian", "Spanish", "English"]:
            curl("PUT", f"{base}/api/v1/customers/10000/departments/Nantes/settings", token=reseller, body={"values": {"preferences.language": language}})
        assert wait(endpoint, lambda: len(tap.check_syncs) > before + 1, 8)
        wait(endpoint, lambda: False, 3)
        assert len(tap.check_syncs) == before + 2, tap.check_syncs


def test_resync_and_reboot_on_demand_reach_the_phone(data_dir, kamailio, endpoint):
    """"Resynchroniser" and "Redémarrer" (issue #21): one NOTIFY each, at once, with the reboot
    flag the person asked for, through Kamailio to the registered phone; audited."""
    with phone_on_line(data_dir, kamailio, endpoint) as (base, op, reseller, tap):
        before = set(tap.check_syncs)
        status, body = curl("POST", f"{base}/api/v1/phones/00:15:65:82:0B:99/check-sync", token=reseller)
        assert status == 202 and body == {"sent": "check-sync", "number": "0222969569"}
        assert wait(endpoint, lambda: len(tap.check_syncs - before) == 1, 8), "the check-sync reaches the phone"
        assert [tap.events[c] for c in tap.check_syncs - before] == ["check-sync;reboot=false"]
        seen = set(tap.check_syncs)
        status, body = curl("POST", f"{base}/api/v1/phones/00:15:65:82:0B:99/reboot", token=reseller)
        assert status == 202 and body["sent"] == "reboot"
        assert wait(endpoint, lambda: len(tap.check_syncs - seen) == 1, 8), "the reboot reaches the phone"
        assert [tap.events[c] for c in tap.check_syncs - seen] == ["check-sync;reboot=true"]
        status, audit = curl("GET", f"{base}/api/v1/audit?limit=10", token=op)
        actions = [e["action"] for e in audit["items"]]
        assert "phone.check-sync" in actions and "phone.reboot" in actions


def pnp_subscribe(port, mac, source):
    return (f"SUBSCRIBE sip:{mac}@224.0.1.75 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{source};branch=z9hG4bK-pnp-{mac}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:{mac}@224.0.1.75>;tag=t-{mac}\r\n"
            f"To: <sip:{mac}@224.0.1.75>\r\n"
            f"Call-ID: pnp-{mac}@127.0.0.1\r\n"
            "CSeq: 1 SUBSCRIBE\r\n"
            f"Contact: <sip:{mac}@127.0.0.1:{source}>\r\n"
            'Event: ua-profile;profile-type="device";vendor="Yealink";model="T46G";version="28.83.0.120"\r\n'
            "Expires: 0\r\nContent-Length: 0\r\n\r\n").encode()


def test_plug_and_play_answers_registered_macs_only(data_dir):
    sip_port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_PUBLIC_URL": "https://portail.example.fr/"},
                    args=("--sip-port", str(sip_port), "--sip-pnp", "--sip-pnp-address", "127.0.0.1"))
    try:
        base = server.base
        op, reseller = seed_customer(base)
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "00:15:65:82:0B:99", "model": "yealink-t46g"})[0] == 201
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(2)
        source = sock.getsockname()[1]
        # A registered MAC: 200, then a NOTIFY carrying the provisioning URL (answered 200).
        sock.sendto(pnp_subscribe(sip_port, "001565820b99", source), ("127.0.0.1", sip_port))
        ok, _ = sock.recvfrom(65535)
        assert ok.startswith(b"SIP/2.0 200 ") and b"Call-ID: pnp-001565820b99@127.0.0.1" in ok
        notify, sender = sock.recvfrom(65535)
        assert notify.startswith(b"NOTIFY sip:001565820b99@127.0.0.1:") and b"Event: ua-profile" in notify
        assert notify.endswith(b"\r\n\r\nhttps://portail.example.fr/sip-ps/"), notify
        head = notify.split(b"\r\n\r\n")[0].decode()
        answer = "SIP/2.0 200 OK\r\n" + "".join(l + "\r\n" for l in head.split("\r\n")[1:] if l.split(":")[0] in ("Via", "From", "To", "Call-ID", "CSeq")) + "Content-Length: 0\r\n\r\n"
        sock.sendto(answer.encode(), sender)
        # An unknown MAC: nothing at all.
        sock.sendto(pnp_subscribe(sip_port, "001565ffffff", source), ("127.0.0.1", sip_port))
        with pytest.raises(socket.timeout):
            sock.recvfrom(65535)
        # Garbage is dropped, and the SIP side still answers afterwards.
        sock.sendto(b"\x00\xffnot sip at all\r\n\r\n", ("127.0.0.1", sip_port))
        sock.sendto(pnp_subscribe(sip_port, "001565820b99", source).replace(b"pnp-001565820b99", b"pnp-again"), ("127.0.0.1", sip_port))
        again, _ = sock.recvfrom(65535)
        assert again.startswith(b"SIP/2.0 200 ")
        sock.close()
    finally:
        assert server.stop() == 0


@pytest.mark.subscribed
def test_a_subscribed_phone_gets_its_lamp_in_the_dialog(data_dir, endpoint):
    """Phones configured to subscribe: Kamailio routes their SUBSCRIBE message-summary to
    Pieuvre, which answers 200 and keeps them told in that dialog. Every SIP message is in the
    provisioning log of the phone it concerns; a SUBSCRIBE that does not come through the
    operator's proxy is refused."""
    sip_port = free_udp_port()
    kamailio_port, kamailio_proc = start_kamailio(data_dir, notifier_port=sip_port)
    server = sip_server(data_dir, sip_port, kamailio_port)
    phone = None
    try:
        base = server.base
        op, reseller = seed_customer(base)
        for sda in ["0970711005", "0222969569"]:
            assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": sda, "name": sda})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "00:15:65:82:0B:99", "model": "yealink-t46g", "sda": "0222969569"})[0] == 201
        assert curl("PUT", f"{base}/api/v1/lines/0970711005/notifications/lamp", token=reseller, body=[{"number": "0222969569", "allVoicemail": True}])[0] == 200

        phone = register_phone(kamailio_port, mwi=True)
        assert wait(endpoint, lambda: phone.registered, 10)
        # The subscription's first NOTIFY: nothing waits.
        assert wait(endpoint, lambda: len(phone.summaries) >= 1, 15), "the SUBSCRIBE is answered with a NOTIFY in its dialog"
        assert "Messages-Waiting: no" in phone.summaries[-1]
        status, _ = curl("POST", f"{base}/api/v1/lines/0970711005/voicemail/events", token=op, body={"event": "deposited", "messageId": "m1", "class": "voice"})
        assert status == 200
        count = len(phone.summaries)
        assert wait(endpoint, lambda: len(phone.summaries) > count, 15)
        assert "Messages-Waiting: yes" in phone.summaries[-1] and "Voice-Message: 1/0 (0/0)" in phone.summaries[-1]

        # Straight to Pieuvre, not through the proxy: refused (anyone could read any mailbox).
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.2", 0))
        sock.settimeout(3)
        source = sock.getsockname()[1]
        forged = ("SUBSCRIBE sip:0222969569@127.0.0.1 SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP 127.0.0.2:{source};branch=z9hG4bK-forged\r\n"
                  "From: <sip:0222969569@127.0.0.1>;tag=x\r\nTo: <sip:0222969569@127.0.0.1>\r\n"
                  "Call-ID: forged@127.0.0.2\r\nCSeq: 1 SUBSCRIBE\r\n"
                  f"Contact: <sip:spy@127.0.0.2:{source}>\r\nEvent: message-summary\r\nContent-Length: 0\r\n\r\n")
        sock.sendto(forged.encode(), ("127.0.0.1", sip_port))
        answer, _ = sock.recvfrom(65535)
        assert answer.startswith(b"SIP/2.0 403 "), answer
        with pytest.raises(socket.timeout):
            sock.recvfrom(65535)  # and no NOTIFY follows
        sock.close()

        # The phone's provisioning log has the SIP side of it.
        time.sleep(1)
        status, events = curl("GET", f"{base}/api/v1/phones/001565820B99/events", token=reseller)
        assert status == 200, events
        items = events["items"]
        sip = [e for e in items if e.get("transport") == "sip"]
        files = [e["file"] for e in sip]
        assert "SUBSCRIBE message-summary → 200" in files, files
        assert any(f.startswith("NOTIFY message-summary (yes) → 200") for f in files), files
        assert all(e["outcome"] in ("delivered", "refused", "no answer") for e in sip)
    finally:
        if phone:
            phone.shutdown()
        assert server.stop() == 0
        stop_kamailio(kamailio_proc)
    assert "message-waiting NOTIFY in dialog" in "".join(server.output)
