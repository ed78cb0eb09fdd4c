"""Answering a download: strong ETag, conditional requests, one byte range, HEAD.

The blob is immutable (its name is its hash), so the sha256 is a strong ETag and a
client holding it gets 304. A single byte range (RFC 9110 section 14) lets a phone resume a
large PDF; several ranges in one request are answered with the whole file (allowed by
the RFC, and multipart/byteranges is not worth its weight here). The body is streamed in
chunks, so a 20 MiB file never sits in memory.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import Executor
from typing import BinaryIO

from aiohttp import web

from publisher.attachments.names import content_disposition
from publisher.attachments.storage import CHUNK, BlobStorage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# public: the file is the same for everyone; a changed file has a different hash and URL
CACHE_CONTROL = "public, max-age=86400"


class _Unsatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, or None for the whole file. Raises _Unsatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges or another unit: ignore the header, send 200
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise _Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # syntactically invalid: RFC says ignore
    if start >= size:
        raise _Unsatisfiable
    return start, end


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # weak comparison for If-None-Match (RFC 9110 section 13.1.2)
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags


async def serve_blob(
    request: web.Request,
    storage: BlobStorage,
    sha256: str,
    content_type: str,
    filename: str,
    inline: bool = False,
    executor: Executor | None = None,
    cache_control: str = CACHE_CONTROL,
) -> web.StreamResponse:
    """The response for GET or HEAD of one stored file. Raises BlobNotFound (the caller's
    404) before anything is sent. `executor` (default: the loop's) reads the disk."""
    etag = f'"{sha256}"'
    size = storage.size(sha256)
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "Content-Disposition": content_disposition(filename, inline=inline),
        "X-Content-Type-Options": "nosniff",
    }
    if _etag_matches(request.headers.get("If-None-Match"), etag):
        return web.Response(status=304, headers=headers)
    span: tuple[int, int] | None
    try:
        span = parse_range(request.headers.get("Range"), size)
    except _Unsatisfiable:
        headers["Content-Range"] = f"bytes */{size}"
        return web.Response(status=416, headers=headers)
    # If-Range with a different validator: the client's partial copy is stale, send all
    if_range = request.headers.get("If-Range")
    if span is not None and if_range is not None and if_range.strip() != etag:
        span = None
    start, end = span if span is not None else (0, size - 1)
    length = end - start + 1 if size else 0
    response = web.StreamResponse(status=206 if span is not None else 200, headers=headers)
    response.content_type = content_type
    response.content_length = length
    if span is not None:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    if request.method == "HEAD" or length == 0:
        await response.prepare(request)
        await response.write_eof()
        return response
    # opened before the headers go out, so a vanished blob is still the caller's 404
    blob = storage.open(sha256)
    await response.prepare(request)
    await _send(response, blob, start, length, executor)
    await response.write_eof()
    return response


async def _send(
    response: web.StreamResponse, blob: BinaryIO, start: int, length: int, executor: Executor | None
) -> None:
    loop = asyncio.get_running_loop()
    try:
        blob.seek(start)
        left = length
        while left > 0:
            # a disk read can block; one chunk at a time in a bounded executor
            chunk = await loop.run_in_executor(executor, blob.read, min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            await response.write(chunk)
    finally:
        blob.close()
