"""How long until another instance knows: two instances of the service in one process on
one PostgreSQL database (as tests/cluster does); N approvals on instance A, each timed
until instance B's kiosk event stream announces it, and N device revocations on A, each
timed until B refuses the device. Prints the median and the worst (goal: under 1 s).

    PUBLISHER_TEST_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1/test \\
        python bench/cluster_latency.py [--rounds 20]

The database named there is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "cluster"))

from cluster_support import next_feed_event  # noqa: E402
from conftest import Clock, Staff, _clean_postgres, add_device, make_settings, notice_body  # noqa: E402

from publisher import keys  # noqa: E402
from publisher.app import create_app  # noqa: E402


async def main(rounds: int) -> None:
    url = os.environ.get("PUBLISHER_TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("set PUBLISHER_TEST_POSTGRES_URL to a PostgreSQL database that may be emptied")
    await _clean_postgres(url)
    from datetime import datetime, timezone

    clock = Clock(datetime.now(timezone.utc))
    settings = make_settings(url, Path(tempfile.mkdtemp(prefix="publisher-latency-")))
    a = TestClient(TestServer(create_app(settings, clock=clock, run_scheduler=False)))
    b = TestClient(TestServer(create_app(settings, clock=clock, run_scheduler=False)))
    await a.start_server()
    await b.start_server()
    try:
        for client in (a, b):
            await asyncio.wait_for(client.server.app[keys.CHANGE_LISTENER].ready.wait(), 10)
        staff = Staff(a)
        for name, role in (("ed", "editor"), ("rev", "reviewer"), ("boss", "admin")):
            await staff.add(name, role)
        token = await add_device(a, staff, "k1", "kiosk")
        stream = await b.get(f"/kiosk/v1/k1/events?token={token}")
        await next_feed_event(stream, 5)
        approvals = []
        for i in range(rounds):
            resp = await a.post("/api/v1/notices", json=notice_body(title=f"Round {i}"), headers=staff["ed"])
            nid = (await resp.json())["id"]
            resp = await a.post(f"/api/v1/notices/{nid}/submit", headers=staff["ed"])
            read = (await resp.json())["pending_revision"]["revision"]
            # From before the approval is sent to A (so A's own work is counted too).
            started = time.perf_counter()
            resp = await a.post(f"/api/v1/notices/{nid}/approve", json={"revision": read}, headers=staff["rev"])
            assert resp.status == 200
            await next_feed_event(stream, 5)
            approvals.append(time.perf_counter() - started)
        stream.close()
        revocations = []
        for i in range(rounds):
            tok = await add_device(a, staff, f"r{i}", "kiosk")
            assert (await b.get(f"/kiosk/v1/r{i}/feed.json?token={tok}")).status == 200
            resp = await a.delete(f"/api/v1/devices/r{i}", headers=staff["boss"])
            assert resp.status == 200
            revoked = time.perf_counter()
            while (await b.get(f"/kiosk/v1/r{i}/feed.json?token={tok}")).status != 401:
                await asyncio.sleep(0.002)
            revocations.append(time.perf_counter() - revoked)
    finally:
        await a.close()
        await b.close()
    for label, values in (("approval on A -> event on B's stream", approvals),
                          ("revocation on A -> refused by B", revocations)):
        print(f"{label:<40} median {statistics.median(values) * 1000:6.1f} ms   "
              f"worst {max(values) * 1000:6.1f} ms   ({len(values)} rounds; goal < 1000 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    asyncio.run(main(parser.parse_args().rounds))
