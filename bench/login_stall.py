"""Sign-ins and the event loop: does a burst of logins (argon2id at production cost)
stall other requests?

Builds the app in-process on a throw-away SQLite database with the production password
hasher, adds N staff accounts, then fires N logins at once (each from its own address
through a trusted proxy, so that the throttle lets them all through to the password
check) while polling /healthz every 10 ms. Prints the /healthz latency when idle and
during the burst (p50, p99, max), the burst's duration and their ratio.

    python bench/login_stall.py [--logins 40]

Before issue 10 argon2 ran on the event loop: /healthz waited behind every hash.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from publisher.app import create_app
from publisher.services import users
from publisher.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a bench passphrase"


def stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  "
            f"max {ordered[-1] * 1000:7.1f} ms  (n={len(ordered)})")


async def poll(client: TestClient, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        resp = await client.get("/healthz")
        await resp.read()
        out.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)


async def main(logins: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(ROOT / "config" / "default.toml", data_dir=tmp,
                                 database={"url": f"sqlite+aiosqlite:///{tmp}/bench.db"},
                                 server={"trusted_proxies": ["127.0.0.1"]})
        app = create_app(settings, run_scheduler=False)
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            from publisher import keys

            for i in range(logins):
                spec = users.parse_user({"username": f"staff{i}", "password": PASSWORD, "roles": ["editor"]}, settings)
                await users.add_user(app[keys.DB], spec, app[keys.CLOCK]())
            idle: list[float] = []
            stop = asyncio.Event()
            poller = asyncio.create_task(poll(client, stop, idle))
            await asyncio.sleep(1.0)
            stop.set()
            await poller

            busy: list[float] = []
            stop = asyncio.Event()
            poller = asyncio.create_task(poll(client, stop, busy))
            started = time.perf_counter()
            answers = await asyncio.gather(*(
                client.post("/api/v1/auth/login", json={"username": f"staff{i}", "password": PASSWORD},
                            headers={"X-Forwarded-For": f"198.51.100.{i % 250}"})
                for i in range(logins)))
            burst = time.perf_counter() - started
            stop.set()
            await poller
            ok = sum(1 for a in answers if a.status == 200)
            print(f"{logins} parallel logins: {ok} ok, burst took {burst:.2f} s")
            print(f"/healthz idle:         {stats(idle)}")
            print(f"/healthz during burst: {stats(busy)}")
            print(f"ratio of max latency during the burst to the burst's length: {max(busy) / burst:.2f} "
                  "(near 1.0 would mean /healthz waited for the whole burst)")
        finally:
            await client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=40)
    asyncio.run(main(parser.parse_args().logins))
