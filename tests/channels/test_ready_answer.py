"""A feed poll answered from bytes made once per snapshot (channels.ready) must put on the
wire exactly what aiohttp's own web.Response would, and must step aside wherever it
could not: HTTP/1.0, a connection the client closes, an app with a prepare hook, a
header that cannot be written as it is."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any
from unittest.mock import Mock

import pytest
from aiohttp import HttpVersion10, web
from aiohttp.http_writer import StreamWriter
from aiohttp.test_utils import make_mocked_request

from channels import ready
from channels.serve import SnapshotAnswer
from publisher.queue import Snapshot

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SNAP = Snapshot(body='{"rotation":["社保"]}'.encode(), version="abc123", content_type="application/json; charset=utf-8",
                generated_at=NOW, valid_until=None, data_revision=1, headers={"X-LED-Pages": "3"})
EMPTY = Snapshot(body=b"", version="e0", content_type="text/plain; charset=US-ASCII", generated_at=NOW,
                 valid_until=None, data_revision=1)


def feed_app(answer: SnapshotAnswer, hook: bool = False) -> web.Application:
    """/ours answers through SnapshotAnswer, /theirs with aiohttp's own web.Response
    carrying the same headers and bytes."""
    snaps = {"full": SNAP, "empty": EMPTY}

    async def ours(request: web.Request) -> web.StreamResponse:
        return answer(request, snaps[request.match_info["which"]], NOW)

    async def theirs(request: web.Request) -> web.StreamResponse:
        snap = snaps[request.match_info["which"]]
        headers = {"ETag": snap.etag, "Cache-Control": "no-cache", **snap.headers}
        if request.headers.get("If-None-Match") == snap.etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=snap.body, headers={**headers, "Content-Type": snap.content_type})

    app = web.Application()
    app.router.add_get("/ours/{which}", ours)
    app.router.add_get("/theirs/{which}", theirs)
    if hook:
        async def mark(_request: web.Request, response: web.StreamResponse) -> None:
            response.headers["X-Hooked"] = "1"
        app.on_response_prepare.append(mark)
    return app


async def exchange(port: int, raw: bytes, answers: int = 1, bodies: bool = True) -> list[bytes]:
    """Send raw request bytes on one connection; read `answers` whole answers (their
    heads only when not `bodies`: the answer to HEAD)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        out = []
        for _ in range(answers):
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            length = re.search(rb"\r\nContent-Length: (\d+)\r\n", head)
            body = await reader.readexactly(int(length.group(1))) if length and bodies else b""
            out.append(head + body)
        return out
    finally:
        writer.close()


def without_date(answer: bytes) -> bytes:
    found = re.search(rb"\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n", answer)
    assert found, answer
    return answer[:found.start()] + b"\r\n" + answer[found.end():]


def get(path: str, extra: str = "", version: str = "1.1") -> bytes:
    return f"GET {path} HTTP/{version}\r\nHost: x\r\n{extra}\r\n".encode()


@pytest.fixture
async def server(aiohttp_server: Any) -> Any:
    return await aiohttp_server(feed_app(SnapshotAnswer()))


@pytest.mark.parametrize("which,extra", [
    ("full", ""), ("full", 'If-None-Match: "abc123"\r\n'), ("full", 'If-None-Match: "other"\r\n'),
    ("empty", ""), ("empty", 'If-None-Match: "e0"\r\n'),
])
async def test_the_bytes_are_aiohttps_own(server: Any, which: str, extra: str) -> None:
    [ours] = await exchange(server.port, get(f"/ours/{which}", extra))
    [theirs] = await exchange(server.port, get(f"/theirs/{which}", extra))
    assert without_date(ours) == without_date(theirs)
    current = SNAP if which == "full" else EMPTY
    fresh = f"If-None-Match: {current.etag}" in extra
    assert ours.startswith(b"HTTP/1.1 304 Not Modified\r\n" if fresh else b"HTTP/1.1 200 OK\r\n")


def test_it_is_the_ready_answer_only_where_it_writes_aiohttps_bytes() -> None:
    """Byte-equal answers cannot tell which path answered: this holds the fast one used."""
    app = feed_app(SnapshotAnswer())
    answer = SnapshotAnswer()

    def request(method: str = "GET", on: web.Application = app, **how: Any) -> web.Request:
        return make_mocked_request(method, "/ours/full", app=on, writer=StreamWriter(Mock(), Mock()), **how)

    assert isinstance(answer(request(), SNAP, NOW), ready.ReadyAnswer)
    for refused in (request("HEAD"), request(closing=True), request(version=HttpVersion10),
                    request(on=feed_app(SnapshotAnswer(), hook=True)),
                    make_mocked_request("GET", "/ours/full", app=app)):  # a writer not aiohttp's own
        assert type(answer(refused, SNAP, NOW)) is web.Response


async def test_pipelined_polls_come_back_whole_and_in_order(server: Any) -> None:
    raw = get("/ours/full") + get("/ours/full", 'If-None-Match: "abc123"\r\n') + get("/ours/empty")
    first, second, third = await exchange(server.port, raw, answers=3)
    assert first.startswith(b"HTTP/1.1 200 OK\r\n") and first.endswith(SNAP.body)
    assert second.startswith(b"HTTP/1.1 304 Not Modified\r\n") and b"Content-Length" not in second
    assert third.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\nContent-Length: 0\r\n" in third


@pytest.mark.parametrize("raw", [
    get("/{}/full", version="1.0"),
    get("/{}/full", "Connection: keep-alive\r\n", version="1.0"),
    get("/{}/full", "Connection: close\r\n"),
])
async def test_where_it_steps_aside_aiohttp_answers(server: Any, raw: bytes) -> None:
    """HTTP/1.0 and a closing connection need Connection headers aiohttp writes itself."""
    [ours] = await exchange(server.port, raw.replace(b"{}", b"ours"))
    [theirs] = await exchange(server.port, raw.replace(b"{}", b"theirs"))
    assert without_date(ours) == without_date(theirs)
    if b"Connection: close" in raw:
        assert b"\r\nConnection: close\r\n" in ours
    if b"HTTP/1.0\r\nHost: x\r\nConnection: keep-alive" in raw:
        assert b"\r\nConnection: keep-alive\r\n" in ours


async def test_an_app_with_a_prepare_hook_gets_its_hook_run(aiohttp_server: Any) -> None:
    server = await aiohttp_server(feed_app(SnapshotAnswer(), hook=True))
    [ours] = await exchange(server.port, get("/ours/full"))
    assert b"\r\nX-Hooked: 1\r\n" in ours


def test_a_header_with_a_line_break_is_left_to_aiohttp() -> None:
    assert ready.head(200, {"X-LED-Pages": "3\r\nSet-Cookie: x=1"}) is None
    assert ready.head(200, {"ETag": '"a"'}) == b'HTTP/1.1 200 OK\r\nETag: "a"\r\n'


async def test_head_requests_are_not_ready_answers(server: Any) -> None:
    """HEAD carries no body; the route's own handling answers it (here aiohttp's)."""
    [ours] = await exchange(server.port, b"HEAD /ours/full HTTP/1.1\r\nHost: x\r\n\r\n", bodies=False)
    [theirs] = await exchange(server.port, b"HEAD /theirs/full HTTP/1.1\r\nHost: x\r\n\r\n", bodies=False)
    assert without_date(ours) == without_date(theirs)
