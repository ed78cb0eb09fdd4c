"""Shared helpers for the LED HTTP tests (a plain module: no conftest, no fixtures)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from conftest import Staff, add_device

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
ENDPOINTS = ("feed.txt", "feed.txt?header=1", "feed.json", "now.txt", "version")


async def add_sign(client: TestClient, staff: Staff, sign_id: str, location: str = "hall-hr",
                   **profile: Any) -> str:
    """Register an LED sign through the API; returns its token."""
    return await add_device(client, staff, sign_id, "led", location, profile)


async def fetch(client: TestClient, sign_id: str, token: str | None, endpoint: str = "feed.txt",
                **headers: str) -> ClientResponse:
    url = f"/led/v1/signs/{sign_id}/{endpoint}"
    if token is not None:
        url += ("&" if "?" in url else "?") + f"token={token}"
    return await client.get(url, headers=headers)


async def body(client: TestClient, sign_id: str, token: str, endpoint: str = "feed.txt") -> bytes:
    resp = await fetch(client, sign_id, token, endpoint)
    assert resp.status == 200, await resp.text()
    return await resp.read()


async def feed(client: TestClient, sign_id: str, token: str) -> dict[str, Any]:
    resp = await fetch(client, sign_id, token, "feed.json")
    assert resp.status == 200, await resp.text()
    return await resp.json()


def crc_bitwise(data: bytes) -> int:
    """CRC-16/ARC bit by bit, independent of the code under test."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
