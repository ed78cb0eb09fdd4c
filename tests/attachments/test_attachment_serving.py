"""The download helper over real HTTP: a tiny aiohttp app around serve_blob."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from publisher.attachments.serving import serve_blob
from publisher.attachments.storage import BlobNotFound, FileStorage

DATA = os.urandom(200_000)
NAME = "關於2026年招聘的通知.pdf"


@pytest.fixture
async def served(aiohttp_client: Callable[..., Any], tmp_path: Path) -> tuple[TestClient, str]:
    storage = FileStorage(tmp_path)
    sha = storage.put(DATA).sha256

    async def download(request: web.Request) -> web.StreamResponse:
        try:
            return await serve_blob(request, storage, request.match_info["sha"], "application/pdf", NAME)
        except BlobNotFound:
            raise web.HTTPNotFound() from None

    app = web.Application()
    app.router.add_get("/files/{sha}", download)  # add_get also answers HEAD
    return await aiohttp_client(app), sha


async def test_get_sends_the_file_with_etag_type_and_disposition(served: tuple[TestClient, str]) -> None:
    client, sha = served
    resp = await client.get(f"/files/{sha}")
    assert resp.status == 200
    assert await resp.read() == DATA
    assert resp.headers["ETag"] == f'"{sha}"'
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Content-Length"] == str(len(DATA))
    assert resp.headers["Accept-Ranges"] == "bytes"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    disposition = resp.headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == NAME


async def test_if_none_match_gives_304_without_a_body(served: tuple[TestClient, str]) -> None:
    client, sha = served
    for header in (f'"{sha}"', f'"other", W/"{sha}"', "*"):
        resp = await client.get(f"/files/{sha}", headers={"If-None-Match": header})
        assert resp.status == 304, header
        assert await resp.read() == b""
        assert resp.headers["ETag"] == f'"{sha}"'
    resp = await client.get(f"/files/{sha}", headers={"If-None-Match": '"stale"'})
    assert resp.status == 200


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, len(DATA) - 1),
        ("bytes=-500", len(DATA) - 500, len(DATA) - 1),
        ("bytes=199990-500000", 199_990, len(DATA) - 1),  # end past the file is cut
        ("bytes=-999999", 0, len(DATA) - 1),
    ],
)
async def test_a_single_range_gives_206(served: tuple[TestClient, str], header: str, first: int, last: int) -> None:
    client, sha = served
    resp = await client.get(f"/files/{sha}", headers={"Range": header})
    assert resp.status == 206
    assert await resp.read() == DATA[first : last + 1]
    assert resp.headers["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert resp.headers["Content-Length"] == str(last - first + 1)


@pytest.mark.parametrize("header", ["bytes=200000-", "bytes=999999-1000000", "bytes=-0"])
async def test_an_unsatisfiable_range_gives_416(served: tuple[TestClient, str], header: str) -> None:
    client, sha = served
    resp = await client.get(f"/files/{sha}", headers={"Range": header})
    assert resp.status == 416
    assert resp.headers["Content-Range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=9-3", "garbage"])
async def test_ranges_we_do_not_serve_are_ignored_and_the_whole_file_sent(served: tuple[TestClient, str],
                                                                          header: str) -> None:
    client, sha = served
    resp = await client.get(f"/files/{sha}", headers={"Range": header})
    assert resp.status == 200
    assert await resp.read() == DATA


async def test_if_range_with_a_stale_etag_sends_the_whole_file(served: tuple[TestClient, str]) -> None:
    client, sha = served
    resp = await client.get(f"/files/{sha}", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert resp.status == 200 and len(await resp.read()) == len(DATA)
    resp = await client.get(f"/files/{sha}", headers={"Range": "bytes=0-9", "If-Range": f'"{sha}"'})
    assert resp.status == 206 and await resp.read() == DATA[:10]


async def test_head_has_the_headers_and_no_body(served: tuple[TestClient, str]) -> None:
    client, sha = served
    resp = await client.head(f"/files/{sha}")
    assert resp.status == 200
    assert resp.headers["Content-Length"] == str(len(DATA))
    assert resp.headers["ETag"] == f'"{sha}"'
    assert await resp.read() == b""
    resp = await client.head(f"/files/{sha}", headers={"Range": "bytes=0-9"})
    assert resp.status == 206 and resp.headers["Content-Length"] == "10"


async def test_a_missing_or_malformed_hash_is_the_callers_404(served: tuple[TestClient, str]) -> None:
    client, _ = served
    assert (await client.get("/files/" + "0" * 64)).status == 404
    assert (await client.get("/files/..%2F..%2Fetc%2Fpasswd")).status == 404
