"""Device-feed answers written as bytes made once per snapshot.

Every poll of one snapshot gets the same answer but for its Date line. aiohttp's
`web.Response` builds a header multidict for each answer, adds Content-Length, Date,
Server and Connection to it, and serialises it; for a feed poll that was the largest part
of what the service spent beyond a bare handler (docs/performance.md, "The direct feed
row"). A `ReadyAnswer` writes the status line and headers made once per snapshot, the
Date line (made once a second), and the body, in one write.

It is used only where aiohttp's own answer would be the very same bytes: an HTTP/1.1
GET on a keep-alive connection, an application with no on_response_prepare hook, and
aiohttp's own StreamWriter (probed at import). Anything else, or a header that cannot be
written as it is (a line break in it), gets an ordinary `web.Response`.
tests/channels/test_ready_answer.py holds the bytes equal to aiohttp's own answer.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from email.utils import formatdate
from http import HTTPStatus

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http import SERVER_SOFTWARE, HttpVersion11
from aiohttp.http_writer import StreamWriter

# aiohttp's writer method that sends bytes and counts them (output_size, buffer_size);
# present in every aiohttp this project supports, probed so that a future one without it
# falls back to web.Response instead of failing.
WRITES = callable(getattr(StreamWriter, "_write", None))

_SERVER_LINE = f"Server: {SERVER_SOFTWARE}\r\n\r\n".encode()
_date: list[object] = [0, b""]  # [second, b"Date: ...\r\n"], made once a second


def _date_line() -> bytes:
    second = int(time.time())
    if second != _date[0]:
        _date[:] = [second, f"Date: {formatdate(second, usegmt=True)}\r\n".encode()]
    line = _date[1]
    assert isinstance(line, bytes)
    return line


def head(status: int, headers: Mapping[str, str]) -> bytes | None:
    """The status line and headers (without Date and Server, which every answer adds in
    that order after them), or None when a header holds a line break (aiohttp refuses
    those; the ordinary path answers, and refuses, as usual)."""
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"]
    for name, value in headers.items():
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
            return None
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines).encode("utf-8")


def takes(request: web.Request) -> bool:
    """Whether a ReadyAnswer gives this request the bytes aiohttp would."""
    return (WRITES and request.method == "GET" and request.version == HttpVersion11 and request.keep_alive
            and not request.app.on_response_prepare and type(request._payload_writer) is StreamWriter)


class ReadyAnswer(web.StreamResponse):
    """An answer whose status line and headers are bytes made before (see `head`)."""

    def __init__(self, status: int, head_bytes: bytes, body: bytes) -> None:
        super().__init__(status=status)
        self._head_bytes = head_bytes
        self._ready_body = body

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        if self._eof_sent:
            return None
        if self._payload_writer is not None:
            return self._payload_writer
        self._req = request
        self._keep_alive = True
        writer = request._payload_writer
        assert isinstance(writer, StreamWriter)  # takes() admits only aiohttp's own server
        self._payload_writer = writer
        writer._write(b"".join((self._head_bytes, _date_line(), _SERVER_LINE, self._ready_body)))
        return writer

    async def write_eof(self, data: bytes = b"") -> None:
        if self._eof_sent:
            return
        writer = self._payload_writer
        assert writer is not None, "Response has not been started"
        await writer.drain()  # the transport's flow control, as aiohttp's own write_eof
        self._eof_sent = True
        self._req = None
        self._body_length = len(self._ready_body)
        self._payload_writer = None
