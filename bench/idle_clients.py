"""Benchmark (worker): the production server with hundreds of idle or slow clients.

The attack of issue 9 found that a handful of TCP connections that send nothing stalled the server for
every user. This starts the real server (`alliance serve --workers 2 --no-jobs`, production profile,
SQLite), then measures the login page (p50/p95 latency and throughput, a few concurrent clients making
one request per connection, as browsers behind different addresses would) in three phases:

  baseline        nobody else connected
  silent          N connections that connect and never send a byte
  slow headers    N connections that send a request line, then one header byte a second (slowloris)
  slow bodies     N connections that send a POST's headers, then one body byte a second

Request bodies are read by the server's worker threads (WSGI), so slow bodies hold a thread each: the
server relies on the TLS-terminating proxy in front to buffer request bodies (nginx does by default; see
docs/operations.md). The phase is measured all the same, so the limit stays visible.

While a phase runs, the crowd is kept at N: a connection the server closes is opened again, as an
attacker would. Everything is bounded: at most 1,000 crowd connections, loopback only, a per-request
timeout, and a time limit per phase; a request that times out counts as failed at the timeout. Nothing
asserts on time: the ratios against the baseline are printed for a person to judge.

Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import select
import socket
import threading
import time
from pathlib import Path

from common import BIN, Result, Table, fmt_ms, fmt_rate, fmt_ratio, log, ratio, summarise_ns
from serving import Server, free_port, get, leftovers, wait_ready

MAX_CROWD = 1_000
LOGIN = "/accounts/login/"


class Crowd:
    """N loopback connections that hold the server's attention without ever completing a request."""

    OPENINGS = {"silent": b"",
                "headers": f"GET {LOGIN} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode(),
                "body": (f"POST {LOGIN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-"
                         "urlencoded\r\nContent-Length: 100000\r\n\r\nemail=").encode()}

    def __init__(self, port: int, count: int, *, kind: str) -> None:
        if count > MAX_CROWD:
            raise ValueError(f"at most {MAX_CROWD} crowd connections")
        self.port = port
        self.count = count
        self.opening = self.OPENINGS[kind]
        self.sockets: list[socket.socket] = []
        self.reopened = 0
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, daemon=True)

    def _open(self) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            self.refused += 1
            return None
        sock.setblocking(False)
        if self.opening:
            sock.send(self.opening)
        return sock

    def __enter__(self) -> Crowd:
        for _ in range(self.count):
            sock = self._open()
            if sock is not None:
                self.sockets.append(sock)
        self._thread.start()
        return self

    def _keep(self) -> None:
        while not self._stop.wait(1.0):
            # poll, not select: the crowd's descriptors may be numbered above select's limit of 1,024.
            poller = select.poll()
            by_fd = {sock.fileno(): sock for sock in self.sockets}
            for fd in by_fd:
                poller.register(fd, select.POLLIN)
            readable = [by_fd[fd] for fd, _event in poller.poll(0)]
            closed = set()
            for sock in readable:
                try:
                    if not sock.recv(65536):  # the server closed it (a timeout did its job)
                        closed.add(sock)
                except OSError:
                    closed.add(sock)
            if self.opening:
                for sock in self.sockets:
                    if sock not in closed:
                        try:
                            sock.send(b"X")  # one more byte of headers or a body that never end
                        except OSError:
                            closed.add(sock)
            for sock in closed:
                sock.close()
            self.sockets = [s for s in self.sockets if s not in closed]
            while len(self.sockets) < self.count and not self._stop.is_set():
                sock = self._open()
                if sock is None:
                    break
                self.sockets.append(sock)
                self.reopened += 1

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


def load(url: str, *, requests: int, clients: int, timeout: float, limit: float) -> dict:
    """`clients` threads share `requests` GETs, each on a new connection; stops at `limit` seconds."""
    latencies: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + limit
    remaining = [requests]

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            t0 = time.perf_counter_ns()
            try:
                status, _body = get(url, timeout=timeout)
                problem = "" if status == 200 else f"HTTP {status}"
            except OSError as exc:
                problem = type(exc).__name__
            took = time.perf_counter_ns() - t0
            with lock:
                latencies.append(took)
                if problem:
                    failures.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    stats = summarise_ns(latencies)
    return {**stats, "sent": len(latencies), "failed": len(failures), "ok": len(latencies) - len(failures),
            "rps": (len(latencies) - len(failures)) / elapsed, "elapsed": elapsed,
            "kinds": sorted(set(failures))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--crowd", type=int, default=500, help=f"idle or slow connections (at most {MAX_CROWD})")
    parser.add_argument("--requests", type=int, default=400, help="login-page requests per phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent measuring clients")
    parser.add_argument("--timeout", type=float, default=5.0, help="per request, seconds")
    parser.add_argument("--limit", type=float, default=30.0, help="per phase, seconds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    crowd = min(args.crowd, MAX_CROWD)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < crowd + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, crowd + 200), hard))
    var_dir = Path(os.environ["ALLIANCE_VAR_DIR"])
    env = {**os.environ, "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(50), "ALLIANCE_ALLOWED_HOSTS": "127.0.0.1",
           "ALLIANCE_SSL_REDIRECT": "0"}
    port = free_port()
    url = f"http://127.0.0.1:{port}{LOGIN}"
    how = f"alliance serve --workers {args.workers} --no-jobs"
    log(f"starting {how} on port {port}")
    server = Server("alliance", [str(BIN / "alliance"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", str(args.workers), "--no-jobs"], env, var_dir, var_dir / "idle.log")
    phases: dict[str, dict] = {}
    crowds: dict[str, Crowd] = {}
    measure = {"requests": args.requests, "clients": args.clients, "timeout": args.timeout, "limit": args.limit}
    try:
        wait_ready(server, url)
        load(url, requests=20, clients=2, timeout=args.timeout, limit=args.limit)  # warm-up
        phases["baseline"] = load(url, **measure)
        for name, kind in (("silent", "silent"), ("slow headers", "headers"), ("slow bodies", "body")):
            with Crowd(port, crowd, kind=kind) as crowds[name]:
                time.sleep(0.5)  # let the server accept them before measuring
                phases[name] = load(url, **measure)
            log(f"{name}: {phases[name]['ok']}/{phases[name]['sent']} ok, p95 {phases[name]['p95']:.1f} ms")
        # The crowd is gone: the server must serve again at once, whatever the phases did to it.
        phases["after"] = load(url, **measure)
        alive = server.process.poll() is None
    finally:
        server.stop()
    log(f"server stopped; processes left in their groups: {leftovers(server.groups)}")

    base = phases["baseline"]
    rows = []
    for name, r in phases.items():
        c = crowds.get(name)
        rows.append([name, "-" if c is None else f"{c.count} (+{c.reopened} reopened, {c.refused} refused)",
                     f"{r['ok']}/{r['sent']}", fmt_ms(r["p50"]), fmt_ms(r["p95"]), fmt_rate(r["rps"]),
                     fmt_ratio(ratio(r["p95"], base["p95"])), fmt_ratio(ratio(r["rps"], base["rps"]))])
    result = Result(name="idle", title=f"Idle and slow clients ({how}, production profile, SQLite)")
    result.tables.append(Table(
        caption=(f"GET {LOGIN}: {args.clients} clients, a new connection per request, {args.timeout:.0f} s timeout, "
                 f"at most {args.requests} requests or {args.limit:.0f} s per phase; latency in ms (a failed "
                 "request counts at the time it took); ratios vs the baseline"),
        headers=["phase", "crowd connections", "ok/sent", "p50", "p95", "req/s", "p95 ratio", "req/s ratio"],
        rows=rows))
    stalled = [name for name, r in phases.items() if r["failed"] and name != "slow bodies"]
    for name in stalled:
        result.notes.append(f"{name}: {phases[name]['failed']} of {phases[name]['sent']} requests failed "
                            f"({', '.join(phases[name]['kinds'])}).")
    if not alive:
        result.notes.append(f"the server exited during the run:\n{server.tail()}")
    silent, slow, bodies = phases["silent"], phases["slow headers"], phases["slow bodies"]
    result.summary.append(
        f"Idle clients ({how}): login page p95 {base['p95']:.1f} ms / {base['rps']:,.0f} req/s alone; with {crowd} "
        f"silent connections p95 {silent['p95']:.1f} ms ({fmt_ratio(ratio(silent['p95'], base['p95']))}), "
        f"{silent['rps']:,.0f} req/s ({fmt_ratio(ratio(silent['rps'], base['rps']))}), "
        f"{silent['failed']} of {silent['sent']} failed; with {crowd} slow-header connections p95 {slow['p95']:.1f} ms "
        f"({fmt_ratio(ratio(slow['p95'], base['p95']))}), {slow['failed']} of {slow['sent']} failed"
        + (f". STALLED in: {', '.join(stalled)}" if stalled else "")
        + f". Slow bodies straight to the server (the buffering proxy in front is required): {bodies['failed']} of "
          f"{bodies['sent']} failed, p95 {bodies['p95']:.1f} ms.")
    result.figures = {"server": how, "crowd": crowd, "phases": phases,
                      "reopened": {name: c.reopened for name, c in crowds.items()}}
    result.write(args.result)


if __name__ == "__main__":
    main()
