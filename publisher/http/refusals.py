"""The contract's error shape, as JSON under the JSON prefixes (the API and each
channel's device feeds) and as a small page everywhere else; 5xx answers are logged with
a request id and show nothing of the exception."""

from __future__ import annotations

import secrets
from html import escape

import structlog
from aiohttp import web

from publisher import keys
from publisher.errors import ApiError
from publisher.http.json_io import json_response

log = structlog.get_logger("publisher.http")

# Paths whose errors are JSON in the contract's shape; everything else is a page.
# Each channel adds its device feeds' prefixes (app[keys.JSON_PREFIXES]).
JSON_PREFIXES: tuple[str, ...] = ("/api/",)


def error_response(request: web.Request, err: ApiError) -> web.Response:
    if request.path.startswith(request.app.get(keys.JSON_PREFIXES, JSON_PREFIXES)):
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return json_response(err.body(), status=err.status, headers=headers)
    home = "/staff/" if request.path.startswith("/staff/") else "/"
    text = (
        '<!doctype html><html lang="zh-Hant"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{err.status}</title><main><h1>{err.status}</h1><p lang=\"en\">{escape(err.message)}</p>"
        f'<p><a href="{home}">返回首頁</a></p></main></html>'
    )
    return web.Response(text=text, status=err.status, content_type="text/html")


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type"}


def refusal(exc: web.HTTPException) -> ApiError:
    code = _HTTP_CODES.get(exc.status, "http_error")
    return ApiError(exc.status, code, exc.reason if exc.status != 413 else "request body is larger than 1 MiB")


def server_error(request: web.Request, exc: BaseException, status: int = 500) -> web.Response:
    """Any 5xx, however raised: logged with its traceback under a fresh request id. The
    answer names the id; it shows nothing of an exception, only the message of a
    deliberate refusal (an ApiError such as 503 `busy`)."""
    request_id = secrets.token_hex(8)
    log.error("server error", request_id=request_id, status=status, path=request.path, method=request.method,
              exc_info=exc)
    if isinstance(exc, ApiError):
        err = ApiError(status, exc.code, f"{exc.message} (logged as {request_id})",
                       [*exc.details, {"request_id": request_id}])
    else:
        err = ApiError(status, "internal_error" if status == 500 else "unavailable",
                       f"internal error; it has been logged as {request_id}", [{"request_id": request_id}])
    response = error_response(request, err)
    response.headers["X-Request-Id"] = request_id
    return response
