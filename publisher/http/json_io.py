"""JSON in and out: one encoder for every answer, and request bodies bounded in size
(413) and in nesting (400), malformed ones refused (400)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from publisher.errors import ApiError

MAX_BODY = 1024 * 1024


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=dumps(data).encode(), status=status, content_type="application/json", charset="utf-8", headers=headers
    )


async def json_body(request: web.Request) -> Any:
    """The request body as JSON: 413 over 1 MiB, 400 when malformed or nested too deeply."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiError(413, "body_too_large", "request body is larger than 1 MiB")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "body_too_large", "request body is larger than 1 MiB") from None
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", "request body is nested too deeply") from None
