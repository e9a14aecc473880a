"""Load test of ``diplokg serve``: queries per second and p50/p95 latency per saved query.

Starts the server itself on a free loopback port (or uses ``--url`` of a loopback server),
then, for each saved query whose parameters all have defaults and for each client count
(default 1, 8, 32), runs that many concurrent clients — each a thread with one keep-alive
HTTP connection — against ``/queries/NAME`` until ``--requests`` answers or ``--duration``
seconds, whichever comes first. Bounded in count and time, loopback only.

    python bench/load.py                       # start a server, all saved queries
    python bench/load.py --url http://127.0.0.1:8000 --clients 1,8 --duration 3
    python bench/load.py --query timeline --query visits
    python bench/load.py --engine rdflib --duration 2     # the rdflib engine, for comparison
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    home: Path, timeout: float, engine: str = "oxigraph", endpoint: str | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ)
    if (ROOT / "src" / "diplokg").is_dir():
        env["PYTHONPATH"] = str(ROOT / "src")
    command = [sys.executable, "-m", "diplokg", "--home", str(home), "--engine", engine]
    command += ["--endpoint", endpoint] if endpoint else []
    command += ["serve", "--port", str(port), "--timeout", str(timeout)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {process.stderr.read().decode()}")
        try:
            status, _ = get(url, "/queries?format=json")
            if status == 200:
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not answer within 60 s")


def get(url: str, path: str, accept: str = "application/json") -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def engine_of(url: str) -> str:
    """The engine the server names in its ``X-Diplokg-Engine`` header."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.getheader("X-Diplokg-Engine") or "engine unknown"
    finally:
        conn.close()


@dataclass
class Cell:
    query: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def qps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


def run_cell(url: str, name: str, clients: int, max_requests: int, duration: float) -> Cell:
    """``clients`` threads share a budget of ``max_requests`` answers and a deadline."""
    parts = urllib.parse.urlsplit(url)
    path = "/queries/" + urllib.parse.quote(name, safe="/")
    lock = threading.Lock()
    state = {"issued": 0, "errors": 0}
    latencies: list[float] = []
    barrier = threading.Barrier(clients + 1)
    deadline_box: list[float] = []

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        barrier.wait()
        deadline = deadline_box[0]
        while True:
            with lock:
                if state["issued"] >= max_requests or time.monotonic() >= deadline:
                    break
                state["issued"] += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    state["errors"] += 1
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    deadline_box.append(start + duration)
    barrier.wait()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    return Cell(name, clients, len(latencies), state["errors"], seconds, sorted(latencies))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running loopback server (default: start one)")
    parser.add_argument("--home", type=Path, default=ROOT, help="home folder to serve")
    parser.add_argument("--clients", default="1,8,32", help="client counts (default 1,8,32)")
    parser.add_argument("--requests", type=int, default=300, help="answers per cell at most")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per cell at most")
    parser.add_argument("--query", action="append", help="only these saved queries")
    parser.add_argument("--timeout", type=float, default=30.0, help="server time limit")
    parser.add_argument(
        "--engine",
        choices=["oxigraph", "rdflib"],
        default="oxigraph",
        help="engine of the server started (default oxigraph)",
    )
    parser.add_argument(
        "--endpoint", help="start the server as a proxy for this loopback SPARQL endpoint"
    )
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    if max(counts) > 64 or args.requests > 10_000 or args.duration > 60:
        parser.error("keep it bounded: at most 64 clients, 10000 requests, 60 s per cell")

    process = None
    if args.url:
        url = args.url.rstrip("/")
        if not is_loopback(urllib.parse.urlsplit(url).hostname or ""):
            parser.error("--url must be a loopback address (127.0.0.1, localhost, ::1)")
    else:
        if args.endpoint and not is_loopback(urllib.parse.urlsplit(args.endpoint).hostname or ""):
            parser.error("--endpoint must be a loopback address")
        process, url = start_server(args.home, args.timeout, args.engine, args.endpoint)
    try:
        status, body = get(url, "/queries?format=json")
        if status != 200:
            raise SystemExit(f"GET /queries: HTTP {status}")
        listing = json.loads(body)["queries"]
        names = [q["name"] for q in listing if all(not p["required"] for p in q["parameters"])]
        if args.query:
            names = [n for n in names if n in args.query]
        print(
            f"diplokg serve at {url} ({engine_of(url)}): {len(names)} saved queries, "
            f"clients {counts}, "
            f"at most {args.requests} requests or {args.duration:g} s per cell, "
            f"{os.cpu_count()} cores",
            flush=True,
        )
        header = f"{'query':<45} {'clients':>7} {'requests':>8} {'errors':>6} {'q/s':>8}"
        header += f" {'p50 ms':>8} {'p95 ms':>8}"
        print(header)
        print("-" * len(header))
        totals: dict[int, list[Cell]] = {c: [] for c in counts}
        for name in names:
            get(url, "/queries/" + urllib.parse.quote(name, safe="/"))  # warm the parse cache
            for clients in counts:
                cell = run_cell(url, name, clients, args.requests, args.duration)
                totals[clients].append(cell)
                print(
                    f"{name:<45} {clients:>7} {cell.requests:>8} {cell.errors:>6} "
                    f"{cell.qps:>8.1f} {cell.percentile(50) * 1000:>8.1f} "
                    f"{cell.percentile(95) * 1000:>8.1f}",
                    flush=True,
                )
        print("-" * len(header))
        for clients, cells in totals.items():
            requests = sum(c.requests for c in cells)
            seconds = sum(c.seconds for c in cells)
            errors = sum(c.errors for c in cells)
            print(
                f"{'all queries (requests / seconds)':<45} {clients:>7} {requests:>8} "
                f"{errors:>6} {requests / seconds if seconds else 0:>8.1f}"
            )
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
