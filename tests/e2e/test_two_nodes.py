"""Two nodes on one PostgreSQL behind nginx running deploy/nginx-pieuvre.conf (only addresses,
ports and certificate paths replaced): registration on one node and first fetch on the other,
a change on one served by the other within a second, a portal session carried across, a
replayed digest answer refused on both, and the phone's own address seen through the proxy."""
import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from conftest import Server, curl, login, postgres_database
from test_provisioning import UA, register_cp920, value

DEVICE = "/sip-ps/805ec0021c1b.cfg"
RECIPE = os.path.join(os.path.dirname(__file__), "../../deploy/nginx-pieuvre.conf")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def https(url, cacert, source="127.0.0.2", headers=(), user_agent=UA, digest=None, cookies=None, form=None):
    """curl from another loopback address (so the proxy's address and the client's differ)."""
    cmd = ["curl", "-sS", "--interface", source, "--cacert", cacert, "-A", user_agent, "-o", "-", "-w", "\n%{http_code}", url]
    for header in headers:
        cmd += ["-H", header]
    if digest:
        cmd += ["--digest", "-u", f"{digest[0]}:{digest[1]}"]
    if cookies:
        cmd += ["-b", cookies, "-c", cookies]
    if form:
        for key, val in form.items():
            cmd += ["--data-urlencode", f"{key}={val}"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    text, _, status = result.stdout.rpartition("\n")
    return int(status), text


def exchange(url, cookie=None, form=None):
    """One request to a node's plain HTTP port: (status line and headers, body)."""
    cmd = ["curl", "-sS", "-D", "-", "-A", "Mozilla/5.0", url]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for key, val in (form or {}).items():
        cmd += ["--data-urlencode", f"{key}={val}"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    headers, _, body = text.partition("\n\n")  # text mode turned CRLF into LF
    return headers, body


def challenge(base):
    """The nonce of a node's digest challenge for the device file."""
    result = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/null", "-A", UA, base + DEVICE], capture_output=True, text=True, check=True)
    header = next(line for line in result.stdout.splitlines() if line.lower().startswith("www-authenticate:"))
    return re.search(r'nonce="([^"]+)"', header).group(1), header


def answer(nonce, user, password, nc="00000001", cnonce="0a4f113b"):
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    ha1, ha2 = md5(f"{user}:pieuvre:{password}"), md5(f"GET:{DEVICE}")
    response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    return (f'Authorization: Digest username="{user}", realm="pieuvre", nonce="{nonce}", uri="{DEVICE}", '
            f'qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}", opaque="70696575767265", algorithm=MD5')


def start_nginx(directory, node_ports, listen_port, cert, key):
    recipe = open(RECIPE).read()
    recipe = recipe.replace("10.0.0.11:8080", f"127.0.0.1:{node_ports[0]}").replace("10.0.0.12:8080", f"127.0.0.1:{node_ports[1]}")
    recipe = recipe.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen_port} ssl;").replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    recipe = "\n".join(line for line in recipe.splitlines() if "listen [::]" not in line)
    recipe = recipe.replace("/etc/ssl/pieuvre/fullchain.pem", cert).replace("/etc/ssl/pieuvre/privkey.pem", key)
    recipe = recipe.replace("provisioning.example.fr", "localhost")
    with open(os.path.join(directory, "pieuvre.conf"), "w") as f:
        f.write(recipe)
    temp = {name: os.path.join(directory, name) for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    with open(os.path.join(directory, "nginx.conf"), "w") as f:
        f.write(("user root;\n" if os.geteuid() == 0 else "") + f"""
daemon off; pid {directory}/nginx.pid; error_log {directory}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log {directory}/access.log;
  client_body_temp_path {temp['client']}; proxy_temp_path {temp['proxy']}; fastcgi_temp_path {temp['fastcgi']};
  uwsgi_temp_path {temp['uwsgi']}; scgi_temp_path {temp['scgi']};
  include {directory}/pieuvre.conf;
}}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run([nginx, "-t", "-p", directory, "-c", os.path.join(directory, "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, "-p", directory, "-c", os.path.join(directory, "nginx.conf")], stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", listen_port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("nginx did not start: " + open(os.path.join(directory, "error.log")).read())


if os.environ.get("PIEUVRE_TEST_DATABASE_URL"):
    # Defined only when CI (or you) points the suite at a PostgreSQL server: nothing is skipped.
    def test_two_nodes_behind_the_nginx_recipe():
        with postgres_database("pieuvre_nodes_") as url, tempfile.TemporaryDirectory(prefix="pieuvre-nodes-") as work:
            cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            listen = free_port()
            public = f"https://localhost:{listen}"
            # One secrets key for both nodes: each opens what the other sealed.
            env = {"PIEUVRE_DATABASE_URL": url, "PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass", "PIEUVRE_PUBLIC_URL": public + "/",
                   "PIEUVRE_TRUSTED_PROXIES": "127.0.0.1/32", "PIEUVRE_SECRETS_KEY": os.path.join(work, "secrets.key")}
            os.makedirs(os.path.join(work, "a")), os.makedirs(os.path.join(work, "b"))
            node_a = Server(os.path.join(work, "a"), env=env)
            node_b = Server(os.path.join(work, "b"), env=env)
            nginx = None
            try:
                nginx = start_nginx(work, (node_a.port, node_b.port), listen, cert, key)
                a, b = node_a.base, node_b.base

                # Registered on A, first fetch on B: B issues the phone's credentials.
                reseller = register_cp920(a)
                status, device = https(b + DEVICE, cert, source="127.0.0.1")
                assert status == 200
                user = value(device, "static.auto_provision.server.username")
                password = value(device, "static.auto_provision.server.password")
                # A serves the same credentials (one set per window, whoever issued it).
                status, on_a = https(a + DEVICE, cert, source="127.0.0.1")
                assert status == 200 and value(on_a, "static.auto_provision.server.password") == password

                # The window closes; from now on the phone authenticates.
                assert curl("PATCH", f"{a}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller, body={"authenticateUntil": "2020-01-01T00:00:00Z"})[0] == 200

                # Through nginx (TLS ends there), from the phone's own address 127.0.0.2.
                status, through = https(public + DEVICE, cert, digest=(user, password))
                assert status == 200 and "lang.gui = French" in through
                deadline = time.time() + 5
                while time.time() < deadline:
                    phone = curl("GET", f"{b}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller)[1]
                    if phone["lastSeenIP"] == "127.0.0.2":
                        break
                    time.sleep(0.2)
                assert phone["lastSeenIP"] == "127.0.0.2", phone
                # Straight to a node, a forged X-Forwarded-For from an address that is not the proxy counts for nothing.
                status, _ = https(a + DEVICE, cert, source="127.0.0.3", headers=["X-Forwarded-For: 203.0.113.66"], digest=(user, password))
                assert status == 200
                deadline = time.time() + 5
                while time.time() < deadline:
                    phone = curl("GET", f"{a}/api/v1/phones/80:5E:C0:02:1C:1B", token=reseller)[1]
                    if phone["lastSeenIP"] != "127.0.0.2":
                        break
                    time.sleep(0.2)
                assert phone["lastSeenIP"] == "127.0.0.3", phone

                # A change made on B is served by A within a second (A had the file cached).
                assert "lang.gui = French" in https(a + DEVICE, cert, source="127.0.0.1", digest=(user, password))[1]
                assert curl("PUT", f"{b}/api/v1/customers/10000/settings", token=reseller, body={"values": {"preferences.language": "English"}})[0] == 200
                changed = time.time()
                while True:
                    body = https(a + DEVICE, cert, source="127.0.0.1", digest=(user, password))[1]
                    if "lang.gui = English" in body or time.time() - changed > 3:
                        break
                    time.sleep(0.05)
                elapsed = time.time() - changed
                assert "lang.gui = English" in body and elapsed < 1.0, f"A served the change after {elapsed:.2f} s"

                # A digest answer accepted by A is refused when replayed, on A and on B (B: stale, a fresh challenge).
                nonce, _ = challenge(a)
                header = answer(nonce, user, password)
                assert https(a + DEVICE, cert, source="127.0.0.1", headers=[header])[0] == 200
                assert https(a + DEVICE, cert, source="127.0.0.1", headers=[header])[0] == 401
                result = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/null", "-A", UA, "-H", header, b + DEVICE], capture_output=True, text=True)
                assert result.stdout.startswith("HTTP/1.1 401") and "stale=true" in result.stdout, result.stdout
                # B's own challenge, answered, is accepted: the phone carries on there.
                nonce_b, _ = challenge(b)
                assert https(b + DEVICE, cert, source="127.0.0.1", headers=[answer(nonce_b, user, password)])[0] == 200

                # A portal session opened on A (its sign-in form, straight to the node) is good on B and
                # through nginx. The cookies are Secure (the public URL is https), so they are carried
                # by hand to the nodes' plain HTTP ports.
                headers, page = exchange(a + "/")
                csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
                sign_in = re.search(r"^set-cookie: ([^;]+)", headers, re.I | re.M).group(1)
                headers, _ = exchange(a + "/", cookie=sign_in, form={"csrf": csrf, "login": "expert", "password": "reseller-secret"})
                assert headers.startswith("HTTP/1.1 303"), headers
                session = next(c for c in re.findall(r"^set-cookie: ([^;]+)", headers, re.I | re.M) if c.split("=")[1])
                headers, page = exchange(b + "/extranet", cookie=session)
                assert headers.startswith("HTTP/1.1 200") and "OPENIP" in page
                status, page = https(public + "/extranet", cert, headers=[f"Cookie: {session}"], user_agent="Mozilla/5.0")
                assert status == 200 and "OPENIP" in page
                # The recipe keeps health and metrics for the operator's network: 127.0.0.2 is not in it.
                assert https(public + "/health/ready", cert, source="127.0.0.1")[0] == 200
                assert https(public + "/health/ready", cert, source="127.0.0.2")[0] == 403
            finally:
                if nginx:
                    nginx.terminate()
                    nginx.wait(timeout=10)
                assert node_b.stop() == 0
                assert node_a.stop() == 0
