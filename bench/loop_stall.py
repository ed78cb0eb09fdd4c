"""Event-loop stalls under the worst cases of issue 9, measured from outside.

Starts `publisher serve --demo` (subprocess, loopback, a throw-away SQLite database),
publishes one dense notice (FREQ=HOURLY every five minutes, PT1M, every location), then
for each case polls a kiosk feed and /healthz every 10 ms while driving the case, and
prints the longest round trip of each per case: the feed poll's (served from memory:
the event loop's stall) against the 50 ms goal, and /healthz's (which also waits for a
database read).

Cases: the staff schedule week view (dense rule), /api/v1/live with a far `at`, a
flood of 40 parallel logins (argon2; off the loop once passwords.py hashes in an
executor), a flood of deeply nested JSON bodies.

    python bench/loop_stall.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 50.0
PASSWORD = "publisher-demo"
DENSE = {"rrule": "FREQ=HOURLY;BYMINUTE=" + ",".join(str(m) for m in range(0, 60, 5)), "duration": "PT1M"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def poll(session: aiohttp.ClientSession, url: str, stop: asyncio.Event) -> float:
    """The longest round trip of `url`, polled every 10 ms until `stop`."""
    worst = 0.0
    while not stop.is_set():
        started = time.perf_counter()
        async with session.get(url) as resp:
            await resp.read()
        worst = max(worst, time.perf_counter() - started)
        await asyncio.sleep(0.01)
    return worst * 1000


async def login(session: aiohttp.ClientSession, base: str, user: str, password: str = PASSWORD) -> dict[str, str]:
    async with session.post(base + "/api/v1/auth/login", json={"username": user, "password": password}) as resp:
        body = await resp.json()
    return {"Authorization": "Bearer " + body["token"]} if "token" in body else {}


# A kiosk's feed poll: served from memory, so its round trip is the event loop's stall
# alone; /healthz also reads the database (SELECT 1), so it adds any wait for it.
FEED = "/kiosk/v1/kiosk-hall-hr/feed.json?token=demo-kiosk-hall-hr"


async def case(session: aiohttp.ClientSession, base: str, load) -> tuple[float, float]:
    stop = asyncio.Event()
    pollers = [asyncio.create_task(poll(session, base + path, stop)) for path in ("/healthz", FEED)]
    await asyncio.sleep(0.05)
    try:
        await load()
    finally:
        stop.set()
    health, feed = await asyncio.gather(*pollers)
    return health, feed


async def main(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="loop-stall-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(PUBLISHER_DATABASE__URL=f"sqlite+aiosqlite:///{tmp / 'p.db'}", PUBLISHER_DATA_DIR=str(tmp / "var"),
               PUBLISHER_LOG_FORMAT="json")
    proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--demo", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            for _ in range(600):
                try:
                    async with session.get(base + "/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            editor, reviewer = await login(session, base, "editor"), await login(session, base, "reviewer")
            body = {"title": "每五分鐘", "category": "news", "channels": ["kiosk", "led"],
                    "schedule": {"recurrence": DENSE}}
            async with session.post(base + "/api/v1/notices", json=body, headers=editor) as resp:
                nid = (await resp.json())["id"]
            await session.post(f"{base}/api/v1/notices/{nid}/submit", headers=editor)
            async with session.get(f"{base}/api/v1/notices/{nid}", headers=editor) as resp:
                rev = (await resp.json())["pending_revision"]["revision"]
            async with session.post(f"{base}/api/v1/notices/{nid}/approve", json={"revision": rev},
                                    headers=reviewer) as resp:
                assert resp.status == 200, await resp.text()  # the dense notice must be live

            # A signed-in staff browser for the week view.
            # unsafe=True: aiohttp's cookie jar drops cookies from an IP address (127.0.0.1) otherwise.
            page = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120),
                                         cookie_jar=aiohttp.CookieJar(unsafe=True))
            async with page.get(base + "/staff/login") as resp:
                html = await resp.text()
            token = html.split('name="csrf_token" value="')[1].split('"')[0]
            await page.post(base + "/staff/login", data={"csrf_token": token, "username": "editor",
                                                         "password": PASSWORD, "next": "/staff/"})

            async def week_view() -> None:
                for week in ("2026-12-07", "2027-03-08", "2199-06-01"):
                    async with page.get(base + "/staff/schedule", params={"week": week, "location": "hall-hr"},
                                        allow_redirects=False) as r:
                        body = await r.text()
                        assert r.status == 200 and "每五分鐘" in body, (r.status, body[:300])  # the week was drawn

            async def far_live() -> None:
                for at in ("2199-12-01T09:00:00+08:00", "1900-01-02T00:00:00+08:00", "2150-06-01T00:00:00Z"):
                    async with session.get(base + "/api/v1/live", params={"channel": "kiosk", "device": "kiosk-hall-hr",
                                                                        "at": at}, headers=editor) as r:
                        await r.read()

            async def login_flood() -> None:
                async def one(i: int) -> None:
                    await login(session, base, "editor", f"wrong password {i}")
                await asyncio.gather(*(one(i) for i in range(40)))

            async def deep_json() -> None:
                deep = "[" * 100_000 + "]" * 100_000

                async def one() -> None:
                    async with session.post(base + "/api/v1/notices", data=deep, headers={
                            **editor, "Content-Type": "application/json"}) as r:
                        await r.read()
                await asyncio.gather(*(one() for _ in range(20)))

            cases = {"week view (dense rule)": week_view, "/api/v1/live far at": far_live,
                     "login flood (40)": login_flood, "deep JSON flood (20)": deep_json}
            health: dict[str, float] = {}
            results: dict[str, float] = {}
            for name, load in cases.items():
                runs = [await case(session, base, load) for _ in range(rounds)]
                health[name] = max(h for h, _ in runs)
                results[name] = max(f for _, f in runs)
            await page.close()
        print(f"{'case':28} {'longest feed poll (ms)':>23} {'vs 50 ms goal':>14} {'longest /healthz (ms)':>22}")
        for name, ms in results.items():
            print(f"{name:28} {ms:23.1f} {ms / GOAL_MS:13.2f}x {health[name]:22.1f}")
        overall = max(results.values())
        verdict = "OK" if overall < GOAL_MS else "over goal"
        print(f"{'overall':28} {overall:23.1f} {overall / GOAL_MS:13.2f}x  {verdict}")
        print(json.dumps({"goal_ms": GOAL_MS, "longest_feed_ms": {k: round(v, 1) for k, v in results.items()},
                          "longest_healthz_ms": {k: round(v, 1) for k, v in health.items()}}))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
