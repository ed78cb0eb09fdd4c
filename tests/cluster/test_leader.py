"""One instance runs the once-only jobs: the holder of a PostgreSQL advisory lock.
When it goes, another takes over (in-process here with a short retry; a killed
`publisher serve` process in the slow test). On SQLite the one instance leads."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from typing import Any

import pytest
from cluster_support import eventually, postgres_url
from conftest import _clean_postgres, make_settings
from serve_support import Server, clean_env, fetch

from publisher import keys
from publisher.app import create_app
from publisher.cluster import leader as leader_module
from publisher.cluster import leader_job


def _app_with_job(settings: Any, clock: Any, ran: list[str], name: str) -> Any:
    app = create_app(settings, clock=clock)

    async def once_only(_app: Any) -> None:
        ran.append(name)

    leader_job(app, "count", once_only, trigger="interval", seconds=0.05)
    return app


def test_a_job_is_registered_once() -> None:
    from conftest import DEFAULT_CONFIG

    from publisher.settings import load_settings

    app = create_app(load_settings(DEFAULT_CONFIG))

    async def job(_app: Any) -> None:
        return None

    leader_job(app, "purge", job, trigger="cron", hour=3)
    with pytest.raises(ValueError, match="'purge' is registered twice"):
        leader_job(app, "purge", job)


async def test_on_sqlite_the_one_instance_leads(aiohttp_client: Any, tmp_path: Any, clock: Any) -> None:
    ran: list[str] = []
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", tmp_path)
    client = await aiohttp_client(_app_with_job(settings, clock, ran, "solo"))

    async def ran_once() -> bool:
        return bool(ran)

    await eventually(ran_once, within=5)
    health = await (await client.get("/healthz")).json()
    assert health["leader"] is True and "listening" not in health


@pytest.mark.postgres
async def test_one_leader_and_another_takes_over(aiohttp_client: Any, tmp_path: Any, clock: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    url = postgres_url()
    await asyncio.get_running_loop().run_in_executor(None, lambda: asyncio.run(_clean_postgres(url)))
    monkeypatch.setattr(leader_module, "RETRY_S", 0.2)
    settings = make_settings(url, tmp_path)
    ran: list[str] = []
    a = await aiohttp_client(_app_with_job(settings, clock, ran, "a"))
    b = await aiohttp_client(_app_with_job(settings, clock, ran, "b"))
    apps = {"a": a, "b": b}

    async def one_leader() -> bool:
        return sum(c.server.app[keys.LEADERSHIP].is_leader for c in apps.values()) == 1

    await eventually(one_leader, within=5)
    leader = next(n for n, c in apps.items() if c.server.app[keys.LEADERSHIP].is_leader)
    other = "b" if leader == "a" else "a"
    await asyncio.sleep(0.5)
    assert set(ran) == {leader}  # the job ran, on the leader only
    assert (await (await apps[other].get("/healthz")).json())["leader"] is False
    await apps[leader].close()  # the leader goes away
    ran.clear()

    async def took_over() -> bool:
        return apps[other].server.app[keys.LEADERSHIP].is_leader and other in ran

    assert await eventually(took_over, within=5) < 5
    assert (await (await apps[other].get("/healthz")).json())["leader"] is True


@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_leader_process_is_replaced_within_30_seconds(tmp_path: Any) -> None:
    url = postgres_url()
    asyncio.run(_clean_postgres(url))
    env = clean_env(tmp_path)
    env["PUBLISHER_DATABASE__URL"] = url
    servers = [Server(env).start()]
    try:
        servers.append(Server(env).start())

        def leaders() -> list[bool]:
            return [json.loads(fetch(s.base + "/healthz")[2])["leader"] for s in servers]

        deadline = time.monotonic() + 20
        while leaders().count(True) != 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert leaders().count(True) == 1
        leader = leaders().index(True)
        survivor = servers[1 - leader]
        victim = servers[leader]
        assert victim.proc is not None
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(10)
        victim.proc = None
        killed_at = time.monotonic()
        while time.monotonic() - killed_at < 30:
            if json.loads(fetch(survivor.base + "/healthz")[2])["leader"]:
                break
            time.sleep(0.2)
        took = time.monotonic() - killed_at
        assert took < 30, "no new leader within 30 s"
        print(f"new leader after {took:.1f} s")
    finally:
        for server in servers:
            server.stop()


async def test_the_leader_prunes_expired_tokens(client: Any, clock: Any) -> None:
    from datetime import timedelta

    from conftest import Staff

    from publisher.cluster.housekeeping import prune_expired_tokens

    app = client.server.app
    assert [j.job_id for j in app[keys.LEADER_JOBS]] == ["prune-expired-tokens"]
    staff = Staff(client)
    headers = await staff.add("boss", "admin")
    assert await prune_expired_tokens(app) == 0
    assert (await client.get("/api/v1/users", headers=headers)).status == 200
    clock.advance(days=8)  # past security.token_ttl_hours (7 days)
    assert await prune_expired_tokens(app) == 1
    clock.advance(**{"seconds": -timedelta(days=8).total_seconds()})
    assert (await client.get("/api/v1/users", headers=headers)).status == 401  # the row is gone
