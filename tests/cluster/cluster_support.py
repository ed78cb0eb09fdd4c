"""Two instances of the service in one test, on one PostgreSQL database."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

PG_ENV = "PUBLISHER_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"several instances need PostgreSQL: set {PG_ENV} to run this test")
    return url


async def eventually(check: Callable[[], Awaitable[bool]], within: float, step: float = 0.02) -> float:
    """Seconds until `check()` holds; fails the test after `within` seconds."""
    start = time.monotonic()
    while True:
        if await check():
            return time.monotonic() - start
        if time.monotonic() - start > within:
            raise AssertionError(f"did not happen within {within} s")
        await asyncio.sleep(step)


async def next_feed_event(resp: Any, within: float) -> dict[str, Any]:
    """The data of the next `event: feed` on an open kiosk event stream."""
    data = None
    async with asyncio.timeout(within):
        while True:
            line = (await resp.content.readline()).decode().rstrip("\n")
            if line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and data is not None:
                return data


async def token_login(client: TestClient, name: str, password: str) -> dict[str, str]:
    resp = await client.post("/api/v1/auth/login", json={"username": name, "password": password})
    assert resp.status == 200, await resp.text()
    client.session.cookie_jar.clear()
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}
