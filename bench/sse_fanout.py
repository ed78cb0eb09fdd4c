"""Kiosk push fan-out: how long an approval takes to reach N connected kiosks by SSE.

Starts `publisher serve --demo` on a throw-away database, opens N Server-Sent Events
streams on loopback (spread over the four demo kiosks kiosk-hall-*), waits until every
stream has its first `event: feed`, then approves a notice (channels kiosk, every
location) through the staff API and times, for every stream, the interval from the
moment the approve request is sent to the arrival of the event that carries the new
feed version. Prints p50, p99 and max (the last kiosk) per round, the approve round
trip, and the server's resident memory (VmRSS) before the streams, with them open, and
after the rounds.

The streams are plain asyncio protocols (no task and no line reader per stream), so
that the client side costs little next to the server it measures; the events are
recognised in the raw bytes (HTTP/1.1 chunked framing never splits an event, because
the server writes each event in one chunk).

    python bench/sse_fanout.py [--clients 1000 5000] [--rounds 3]

Loopback only; every wait is bounded, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIOSKS = ["kiosk-hall-hr", "kiosk-hall-si", "kiosk-hall-market", "kiosk-hall-pro"]
PASSWORD = "publisher-demo"
EVENT = re.compile(rb"event: feed\n(?:id: [^\n]*\n)?data: (\{[^\n]*\})\n\n")
CONNECT_BATCH = 100  # the server's listen backlog is 128


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def api(base: str, path: str, body: object | None = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers, method="POST" if data is not None else "GET")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the service exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise SystemExit(f"not up: {url}")


class Stream(asyncio.Protocol):
    """One kiosk's event stream: remembers the latest version and when it arrived."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.buffer = b""
        self.version: str | None = None
        self.at = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.buffer += data
        end = 0
        for match in EVENT.finditer(self.buffer):
            self.version = json.loads(match.group(1))["version"]
            self.at = now
            end = match.end()
        if end:
            self.buffer = self.buffer[end:]
        elif len(self.buffer) > 65536:
            self.buffer = self.buffer[-4096:]


class Fleet:
    """N open streams."""

    def __init__(self) -> None:
        self.streams: list[Stream] = []

    async def connect(self, port: int, count: int) -> None:
        loop = asyncio.get_running_loop()
        for start in range(0, count, CONNECT_BATCH):
            batch = []
            for i in range(start, min(start + CONNECT_BATCH, count)):
                kiosk = KIOSKS[i % len(KIOSKS)]
                request = (f"GET /kiosk/v1/{kiosk}/events?token=demo-{kiosk} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n").encode()
                batch.append(loop.create_connection(functools.partial(Stream, request), "127.0.0.1", port))
            for _, stream in await asyncio.gather(*batch):
                self.streams.append(stream)

    async def wait_first(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(s.version is not None for s in self.streams):
                return
            await asyncio.sleep(0.05)
        got = sum(s.version is not None for s in self.streams)
        raise SystemExit(f"only {got} of {len(self.streams)} streams got their first event in {timeout} s")

    def close(self) -> None:
        for s in self.streams:
            if s.transport is not None:
                s.transport.close()
        self.streams.clear()


async def round_trip(base: str, fleet: Fleet, editor: str, reviewer: str, n: int, timeout: float) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    before = {s.version for s in fleet.streams}
    body = {"title": f"壓力測試公告 {n}", "category": "news", "channels": ["kiosk"], "locations": [],
            "body": "SSE fan-out benchmark"}
    created = await loop.run_in_executor(None, lambda: api(base, "/api/v1/notices", body, editor))
    await loop.run_in_executor(None, lambda: api(base, f"/api/v1/notices/{created['id']}/submit", {}, editor))
    for s in fleet.streams:
        s.at = 0.0
    sent = time.monotonic()
    await loop.run_in_executor(None, lambda: api(base, f"/api/v1/notices/{created['id']}/approve", {}, reviewer))
    answered = time.monotonic()
    deadline = sent + timeout
    while time.monotonic() < deadline:
        if all(s.version not in before for s in fleet.streams):
            break
        await asyncio.sleep(0.005)
    late = [s for s in fleet.streams if s.version in before]
    if late:
        raise SystemExit(f"{len(late)} of {len(fleet.streams)} streams had no new version {timeout} s after approval")
    waits = sorted((s.at - sent) * 1000 for s in fleet.streams)
    return {
        "approve_ms": (answered - sent) * 1000,
        "p50_ms": statistics.median(waits),
        "p99_ms": waits[min(len(waits) - 1, int(len(waits) * 0.99))],
        "max_ms": waits[-1],
        "first_ms": waits[0],
    }


async def measure(base: str, port: int, pid: int, count: int, rounds: int, editor: str, reviewer: str) -> None:
    fleet = Fleet()
    idle = rss_mib(pid)
    started = time.monotonic()
    await fleet.connect(port, count)
    await fleet.wait_first(timeout=60)
    print(f"\n{count} streams connected and holding their first event in {time.monotonic() - started:.1f} s; "
          f"server RSS {idle:.0f} MiB before, {rss_mib(pid):.0f} MiB with them open")
    print(f"{'round':<7}{'approve rt':>12}{'first':>9}{'p50':>9}{'p99':>9}{'max':>9}   (ms from the approve request)")
    try:
        for r in range(1, rounds + 1):
            result = await round_trip(base, fleet, editor, reviewer, count * 100 + r, timeout=30)
            print(f"{r:<7}{result['approve_ms']:>12.1f}{result['first_ms']:>9.1f}{result['p50_ms']:>9.1f}"
                  f"{result['p99_ms']:>9.1f}{result['max_ms']:>9.1f}")
            await asyncio.sleep(0.5)
        print(f"server RSS after the rounds: {rss_mib(pid):.0f} MiB")
    finally:
        fleet.close()
        await asyncio.sleep(1.0)  # let the server notice the closed streams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max(args.clients) + 512
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))  # inherited by the server
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < need:
        raise SystemExit(f"file-descriptor limit {soft} is below the {need} this run needs (hard limit {hard})")

    tmp = Path(tempfile.mkdtemp(prefix="publisher-sse-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(PUBLISHER_DEVICES__MAX_STREAMS="10000", PUBLISHER_DEVICES__MAX_STREAMS_TOTAL="100000",
               PUBLISHER_DATABASE__URL=f"sqlite+aiosqlite:///{tmp / 'bench.db'}", PUBLISHER_DATA_DIR=str(tmp),
               PUBLISHER_LOG_FORMAT="json")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--demo", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(base + "/healthz", proc)
        editor = api(base, "/api/v1/auth/login", {"username": "editor", "password": PASSWORD})["token"]
        reviewer = api(base, "/api/v1/auth/login", {"username": "reviewer", "password": PASSWORD})["token"]
        print(f"publisher serve --demo on 127.0.0.1:{port}, pid {proc.pid}; streams spread over {', '.join(KIOSKS)}")
        for count in args.clients:
            asyncio.run(measure(base, port, proc.pid, count, args.rounds, editor, reviewer))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
