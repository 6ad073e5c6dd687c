"""Firmware: an upload (streamed, hashed), a version pinned on a department, the device file of
a phone on another version naming the file (and not that of a phone already on it), the file
over HTTP whole and by ranges and over TFTP, all matching the SHA-256; bad uploads refused."""
import hashlib
import os
import subprocess
import time

from conftest import Server, curl, fetch, login
from test_provisioning import UA, register_cp920, value
from test_tftp import atftp, free_udp_port, read

T46G = "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99"


def upload(base, token, path, **query):
    url = f"{base}/api/v1/firmware?" + "&".join(f"{k}={v}" for k, v in query.items())
    result = subprocess.run(["curl", "-sS", "-X", "POST", "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/octet-stream",
                             "--data-binary", f"@{path}", "-o", "-", "-w", "\n%{http_code}", url], capture_output=True, text=True, check=True)
    text, _, status = result.stdout.rpartition("\n")
    return int(status), text


def test_firmware_upload_pin_and_downloads(data_dir, tmp_path):
    port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_PUBLIC_URL": "https://portail.metacentrex.fr/"},
                    args=("--tftp-port", str(port)))
    try:
        base = server.base
        reseller = register_cp920(base)
        operator = login(base, "admin", "e2e-admin-pass")
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller,
                    body={"mac": "00:15:65:82:0B:99", "model": "yealink-t46g", "description": "T46G", "sda": "0970192349"})[0] == 201
        rom = tmp_path / "T46-28.86.0.15.rom"
        rom.write_bytes(os.urandom(3 * 1024 * 1024 + 123))
        digest = hashlib.sha256(rom.read_bytes()).hexdigest()

        # Refused before a byte is kept: another role, a bad family, a bad name, an empty body.
        assert upload(base, reseller, rom, family="yealink-t46g", version="28.86.0.15", filename=rom.name)[0] == 403
        status, text = upload(base, operator, rom, family="yealink-t99", version="28.86.0.15", filename=rom.name)
        assert status == 422 and "family" in text
        assert upload(base, operator, rom, family="yealink-t46g", version="28.86.0.15", filename="../x.rom")[0] == 422
        empty = tmp_path / "empty.rom"
        empty.write_bytes(b"")
        assert upload(base, operator, empty, family="yealink-t46g", version="1", filename="empty.rom")[0] == 422

        status, text = upload(base, operator, rom, family="yealink-t46g", version="28.86.0.15", filename=rom.name)
        assert status == 201, text
        import json
        created = json.loads(text)
        assert created["sha256"] == digest and created["size"] == rom.stat().st_size and created["family"] == "yealink-t46g"
        assert upload(base, operator, rom, family="yealink-t46g", version="28.86.0.16", filename=rom.name)[0] == 409
        status, listing = curl("GET", f"{base}/api/v1/firmware", token=operator)
        assert status == 200 and [f["filename"] for f in listing["items"]] == [rom.name]
        assert not [f for f in os.listdir(os.path.join(data_dir, "firmware")) if f.startswith(".upload")]

        # Pinned on the phone's department: a phone on 28.83 is told the file, one on 28.86 is not.
        assert curl("POST", f"{base}/api/v1/customers/10000/departments", token=reseller, body={"name": "Clichy"})[0] == 201
        status, reply = curl("PATCH", f"{base}/api/v1/phones/00:15:65:82:0B:99", token=reseller, body={"department": "Clichy"})
        assert status == 200, reply
        status, reply = curl("PUT", f"{base}/api/v1/customers/10000/departments/Clichy/settings", token=reseller, body={"values": {"firmware.version": "28.86.0.15"}})
        assert status == 200, reply
        status, device = fetch(f"{base}/sip-ps/001565820b99.cfg", T46G)
        assert status == 200 and value(device, "static.firmware.url") == f"https://portail.metacentrex.fr/sip-ps/firmware/{rom.name}"
        status, device = fetch(f"{base}/sip-ps/001565820b99.cfg", T46G.replace("28.83.0.120", "28.86.0.15"))
        assert status == 200 and value(device, "static.firmware.url") is None
        # The phone list finds the phones not yet on a version (the T46G last said 28.86.0.15).
        query = f"{base}/api/v1/customers/10000/phones?model=yealink-t46g&firmwareNot="
        deadline = time.time() + 5
        while time.time() < deadline and curl("GET", query + "28.86.0.15", token=reseller)[1]["items"]:
            time.sleep(0.2)
        assert curl("GET", query + "28.86.0.15", token=reseller)[1]["items"] == []
        assert [p["mac"] for p in curl("GET", query + "28.90.0.1", token=reseller)[1]["items"]] == ["00:15:65:82:0B:99"]
        # The CP920 is another family: nothing uploaded for it, no URL.
        assert value(fetch(f"{base}/sip-ps/805ec0021c1b.cfg", UA)[1], "static.firmware.url") is None

        # HTTP: whole, then in two ranges, then a suffix; all match.
        whole = tmp_path / "whole.rom"
        subprocess.run(["curl", "-sS", "-o", str(whole), f"{base}/sip-ps/firmware/{rom.name}"], check=True)
        assert hashlib.sha256(whole.read_bytes()).hexdigest() == digest
        parts = b""
        for span in ("0-1048575", "1048576-"):
            result = subprocess.run(["curl", "-sS", "-D", "-", "-r", span, "-o", str(tmp_path / "part"), f"{base}/sip-ps/firmware/{rom.name}"],
                                    capture_output=True, text=True, check=True)
            assert result.stdout.startswith("HTTP/1.1 206") and "content-range: bytes " in result.stdout.lower()
            parts += (tmp_path / "part").read_bytes()
        assert hashlib.sha256(parts).hexdigest() == digest
        tail = subprocess.run(["curl", "-sS", "-H", "Range: bytes=-100", f"{base}/sip-ps/firmware/{rom.name}"], capture_output=True, check=True).stdout
        assert tail == rom.read_bytes()[-100:]
        bad = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Range: bytes=99999999-", f"{base}/sip-ps/firmware/{rom.name}"],
                             capture_output=True, text=True).stdout
        assert bad == "416"
        assert fetch(f"{base}/sip-ps/firmware/nothing.rom", T46G)[0] == 404

        # TFTP, large blocks.
        got = atftp(port, f"firmware/{rom.name}", str(tmp_path / "tftp.rom"), "blksize 1428")
        assert got.returncode == 0, got.stdout + got.stderr
        assert hashlib.sha256(read(tmp_path / "tftp.rom")).hexdigest() == digest

        # Deleted: gone from the list, the disk and the device file.
        assert curl("DELETE", f"{base}/api/v1/firmware/{created['id']}", token=operator)[0] == 204
        assert not os.path.exists(os.path.join(data_dir, "firmware", rom.name))
        assert value(fetch(f"{base}/sip-ps/001565820b99.cfg", T46G)[1], "static.firmware.url") is None
    finally:
        assert server.stop() == 0


SNOM = "Mozilla/4.0 (compatible; snomD765-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413900859 SXM:0 UXM:0)"


def test_snom_is_pointed_at_firmware_settings_naming_its_file(data_dir, tmp_path):
    """snom reads `firmware_status`, a `<firmware-settings>` document naming the file (ref §4.3)."""
    public = "https://portail.metacentrex.fr"
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_PUBLIC_URL": public + "/"})
    try:
        base = server.base
        reseller = register_cp920(base)
        operator = login(base, "admin", "e2e-admin-pass")
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller,
                    body={"mac": "00:04:13:90:08:59", "model": "snom-d765", "description": "D765", "sda": "0970192349"})[0] == 201
        image = tmp_path / "snomD765-10.1.54.13-SIP-r.bin"
        image.write_bytes(os.urandom(512 * 1024 + 7))
        digest = hashlib.sha256(image.read_bytes()).hexdigest()
        assert upload(base, operator, image, family="snom-d765", version="10.1.54.13", filename=image.name)[0] == 201
        # Pinned on the phone itself, the narrowest layer.
        status, reply = curl("PUT", f"{base}/api/v1/phones/00:04:13:90:08:59/settings", token=reseller, body={"values": {"firmware.version": "10.1.54.13"}})
        assert status == 200, reply

        status, device = fetch(f"{base}/sip-ps/snomD765-000413900859.htm", SNOM)
        assert status == 200, device
        assert f'<firmware_status perm="R">{public}/sip-ps/firmware-{image.name}.xml</firmware_status>' in device
        assert device.index("<firmware_status") < device.index("</phone-settings>"), "inside the phone settings"
        status, document = fetch(f"{base}/sip-ps/firmware-{image.name}.xml", SNOM)
        assert status == 200 and f"<firmware perm=\"R\">{public}/sip-ps/firmware/{image.name}</firmware>" in document, document
        whole = tmp_path / "whole.bin"
        subprocess.run(["curl", "-sS", "-A", SNOM, "-o", str(whole), f"{base}/sip-ps/firmware/{image.name}"], check=True)
        assert hashlib.sha256(whole.read_bytes()).hexdigest() == digest

        # On its version: not told again. A firmware never uploaded: no settings document.
        status, device = fetch(f"{base}/sip-ps/snomD765-000413900859.htm", SNOM.replace("10.1.33.33", "10.1.54.13"))
        assert status == 200 and "firmware_status" not in device
        assert fetch(f"{base}/sip-ps/firmware-nothing.bin.xml", SNOM)[0] == 404
    finally:
        assert server.stop() == 0


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_tftp_firmware_is_read_from_disk_in_bounded_memory(data_dir, tmp_path):
    """32 transfers of a 64 MB image, each proven (ACK 0) and then never acknowledged again: the
    server holds a window per transfer, not the image (it used to read the whole file for every
    transfer: 32 of them took it from 123 MiB to 2.2 GiB). A real client then gets the image."""
    import socket
    import struct
    port = free_udp_port()
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"}, args=("--tftp-port", str(port), "--tftp-max-per-source", "64"))
    clients = []
    try:
        operator = login(server.base, "admin", "e2e-admin-pass")
        rom = tmp_path / "T46-28.86.0.99.rom"
        with open(rom, "wb") as f:
            for _ in range(64):
                f.write(os.urandom(1024 * 1024))
        status, text = upload(server.base, operator, rom, family="yealink-t46g", version="28.86.0.99", filename=rom.name)
        assert status == 201, text
        time.sleep(1)
        before = rss_kib(server.proc.pid)

        request = b"\x00\x01" + f"firmware/{rom.name}".encode() + b"\x00octet\x00blksize\x0065464\x00windowsize\x0064\x00"
        for _ in range(32):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(10)
            s.bind(("127.0.0.1", 0))
            s.sendto(request, ("127.0.0.1", port))
            oack, transfer_port = s.recvfrom(65536)
            assert oack[:2] == b"\x00\x06", oack  # OACK
            assert b"windowsize\x004\x00" in oack, "the window is held to 256 KiB"
            s.sendto(struct.pack("!HH", 4, 0), transfer_port)  # ACK 0: proven
            first, _ = s.recvfrom(65536)
            assert first[:4] == b"\x00\x03\x00\x01"  # DATA block 1
            clients.append(s)
        time.sleep(1)
        grown = rss_kib(server.proc.pid) - before
        assert grown < 64 * 1024, f"32 transfers of a 64 MB image grew the server by {grown} KiB"

        got = atftp(port, f"firmware/{rom.name}", str(tmp_path / "tftp.rom"), "blksize 65464")
        assert got.returncode == 0, got.stdout + got.stderr
        assert hashlib.sha256(read(tmp_path / "tftp.rom")).hexdigest() == hashlib.sha256(rom.read_bytes()).hexdigest()
        # netascii would need the whole image translated first: refused.
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(10)
        s.sendto(b"\x00\x01" + f"firmware/{rom.name}".encode() + b"\x00netascii\x00", ("127.0.0.1", port))
        error, _ = s.recvfrom(65536)
        assert error[:4] == b"\x00\x05\x00\x04" and b"octet" in error
        s.close()
    finally:
        for s in clients:
            s.close()
        assert server.stop() == 0
