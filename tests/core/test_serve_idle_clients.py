"""`alliance serve` keeps answering while many clients hold connections open and send nothing.

The attack of issue 9 stalled the server for every user with eight silent sockets (granian's
backpressure counted connections, and was set to the thread count). The server runs here as a real
subprocess; the speed is measured in bench/idle_clients.py, this only checks that the login page answers.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ALLIANCE = Path(sys.executable).parent / "alliance"
ROOT = Path(__file__).resolve().parents[2]
SILENT = 50
ANSWER_WITHIN = 10  # seconds: generous, only so that a stalled server fails the test instead of hanging it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _login_status(url: str, timeout: float) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (a local URL we built)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_login_page_answers_while_fifty_silent_connections_are_open(tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/accounts/login/"
    # SQLite in its own var directory whatever the layer: this is about the server process, not the data.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    env.update(ALLIANCE_VAR_DIR=str(tmp_path / "var"), ALLIANCE_PROFILE="demo", PYTHONPATH=str(ROOT))
    subprocess.run([ALLIANCE, "migrate", "-v", "0"], env=env, cwd=tmp_path, check=True, timeout=300)
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 (closed in finally)
    # One worker: the case the attack found, where every connection lands on the same worker.
    server = subprocess.Popen([ALLIANCE, "serve", "--port", str(port), "--workers", "1", "--no-jobs"], env=env,
                              cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    silent: list[socket.socket] = []
    try:
        # Waiting for start-up is bounded only so that a broken server cannot hang the run.
        for _attempt in range(240):
            if server.poll() is not None or _login_status(url, timeout=5) == 200:
                break
            time.sleep(0.5)
        assert _login_status(url, timeout=5) == 200, (tmp_path / "serve.log").read_text(errors="replace")

        silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(SILENT)]
        time.sleep(0.5)  # let the server accept them all before asking

        assert _login_status(url, timeout=ANSWER_WITHIN) == 200
        assert _login_status(url, timeout=ANSWER_WITHIN) == 200, "a second request, on a new connection, too"
        assert server.poll() is None
    finally:
        for sock in silent:
            with contextlib.suppress(OSError):
                sock.close()
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()


@pytest.mark.parametrize(("option", "value"), [("--header-timeout", "0"), ("--header-timeout", "61"),
                                               ("--connections", "0")])
def test_serve_refuses_limits_granian_cannot_keep_before_starting_anything(option, value):
    with pytest.raises(CommandError, match=option.removeprefix("-").removeprefix("-")):
        call_command("serve", option, value)
