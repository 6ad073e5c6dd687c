"""`serve` on a port already taken (issue #28): every start exits 1 promptly with one message
naming the port, never a trap, never a hang, and leaves nothing behind (no database created)."""
import os
import socket
import subprocess
import tempfile

import pytest

from conftest import BIN


def _held():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


@pytest.mark.parametrize("which", ["http", "metrics"])
def test_a_taken_port_stops_serve_cleanly_every_time(which):
    held = _held()
    port = held.getsockname()[1]
    args = ["--http-port", str(port)] if which == "http" else ["--http-port", "0", "--metrics-port", str(port)]
    flag = "--http-port" if which == "http" else "--metrics-port"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIEUVRE_")}
    try:
        for attempt in range(20):
            data = tempfile.mkdtemp()
            result = subprocess.run([BIN, "serve", "--http-host", "127.0.0.1", "--data-dir", data, "--tftp-port", "0", "--sip-port", "0", *args],
                                    capture_output=True, text=True, timeout=60, env=environment)  # a hang fails here
            output = result.stdout + result.stderr
            assert result.returncode == 1, f"attempt {attempt}: exit {result.returncode}\n{output[-3000:]}"
            assert f"cannot listen on 127.0.0.1:{port} ({flag}): Address already in use" in result.stderr, output
            assert "Fatal error" not in output and "crashed" not in output
            # Nothing was opened: the data directory holds no database.
            assert not os.path.exists(os.path.join(data, "pieuvre.sqlite"))
    finally:
        held.close()
