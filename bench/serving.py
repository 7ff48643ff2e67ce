"""Shared by the benchmarks that start a real server (api_load, idle_clients): a server process that is
always stopped, loopback-only HTTP requests, and waiting for the server to answer."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process in its own session; stop() signals its group and any child groups it made."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self.name = name
        self.command = command
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.groups: set[int] = {self.process.pid}

    def remember_children(self) -> None:
        """`alliance serve` puts granian in its own process group: note it, to be able to kill it too."""
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError, ValueError):
                    for child in (task / "children").read_text().split():
                        pending.append(int(child))
                        with contextlib.suppress(ProcessLookupError):
                            self.groups.add(os.getpgid(int(child)))

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        self.remember_children()
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                log(f"{self.name} did not stop after SIGTERM; killing it")
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self._log.close()


def get(url: str, token: str | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("loopback only")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(server: Server, url: str, token: str | None = None, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.process.returncode}:\n{server.tail()}")
        with contextlib.suppress(OSError):
            status, _body = get(url, token, timeout=2)
            if status == 200:
                server.remember_children()
                return
        time.sleep(0.25)
    raise RuntimeError(f"{server.name} did not answer 200 on {url} within {timeout:.0f} s:\n{server.tail()}")


def leftovers(groups: set[int]) -> str:
    alive = []
    for group in groups:
        try:
            os.killpg(group, 0)
            alive.append(group)
        except (ProcessLookupError, PermissionError):
            continue
    return ", ".join(map(str, alive)) if alive else "none"
