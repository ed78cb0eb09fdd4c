"""HTTP plumbing shared by every route: JSON in and out, errors in the contract's
shape, metrics and HTML security hooks (applied per route, see `instrument`)."""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
from html import escape
from collections.abc import Callable
from datetime import datetime
from time import perf_counter
from typing import Any

import structlog
from aiohttp import web
from pydantic import AwareDatetime, TypeAdapter, ValidationError

from publisher import keys
from publisher.domain.errors import DomainError
from publisher.errors import ApiError, from_domain

log = structlog.get_logger("publisher.http")
Handler = Any  # an aiohttp request handler

MAX_BODY = 1024 * 1024
# Paths whose errors are JSON in the contract's shape; everything else is a page.
# Each channel adds its device feeds' prefixes (app[keys.JSON_PREFIXES]).
JSON_PREFIXES: tuple[str, ...] = ("/api/",)
_aware = TypeAdapter(AwareDatetime)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=dumps(data).encode(), status=status, content_type="application/json", charset="utf-8", headers=headers
    )


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


def _refusal(exc: web.HTTPException) -> ApiError:
    code = _HTTP_CODES.get(exc.status, "http_error")
    return ApiError(exc.status, code, exc.reason if exc.status != 413 else "request body is larger than 1 MiB")


def server_error(request: web.Request, exc: BaseException, status: int = 500) -> web.Response:
    """Any 5xx, however raised: logged with its traceback under a fresh request id; the
    answer names the id and nothing of the exception."""
    request_id = secrets.token_hex(8)
    log.error("server error", request_id=request_id, status=status, path=request.path, method=request.method,
              exc_info=exc)
    err = ApiError(status, "internal_error" if status == 500 else "unavailable",
                   f"internal error; it has been logged as {request_id}", [{"request_id": request_id}])
    response = error_response(request, err)
    response.headers["X-Request-Id"] = request_id
    return response


# Called with every text/html answer before it is sent (the security headers); kept
# in the route wrapper rather than on_response_prepare, which every feed poll would pay.
ResponseHook = Callable[[web.Request, web.StreamResponse], None]
HTML_HOOKS: web.AppKey[list[ResponseHook]] = web.AppKey("html_hooks", list)


def instrument(handler: Handler, route: str, html_hooks: tuple[ResponseHook, ...] = ()) -> Handler:
    """Wrap one route's handler: time and count it by route template, and turn any
    refusal into the contract's error shape.

    This is done per route instead of by a middleware on purpose: any middleware makes
    aiohttp run two extra layers on every request (it adds one of its own), and a
    device poll should cost little more than serving its bytes.
    """
    if getattr(handler, "__instrumented__", False):
        return handler

    @functools.wraps(handler)
    async def instrumented(request: web.Request) -> web.StreamResponse:
        started = perf_counter()
        try:
            response = await handler(request)
        except ApiError as err:
            response = server_error(request, err, err.status) if err.status >= 500 else error_response(request, err)
        except DomainError as err:  # a rule's refusal: mapped in publisher.errors
            response = error_response(request, from_domain(err))
        except web.HTTPException as exc:
            if exc.status < 400:  # redirects and 304s raised as exceptions pass through
                request.app[keys.METRICS].observe(request.method, route, exc.status, perf_counter() - started)
                raise
            if exc.status >= 500:  # e.g. a missing template: its text must not reach the public
                response = server_error(request, exc, exc.status)
            else:
                response = error_response(request, _refusal(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            response = server_error(request, exc)
        if html_hooks and response.headers.get("Content-Type", "").startswith("text/html"):
            for hook in html_hooks:
                hook(request, response)
        request.app[keys.METRICS].observe(request.method, route, response.status, perf_counter() - started)
        return response

    instrumented.__instrumented__ = True  # type: ignore[attr-defined]
    return instrumented


async def unmatched(request: web.Request) -> web.StreamResponse:
    """The last route: a path no route takes is 404, a method no route takes is 405,
    both in the contract's shape (aiohttp's own answers would be plain text)."""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource is request.app[CATCH_ALL]:
            continue
        match_dict, methods = await resource.resolve(request)
        if match_dict is None and methods:
            allowed |= methods
    if allowed:
        err = ApiError(405, "method_not_allowed", f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}")
        response = error_response(request, err)
        response.headers["Allow"] = ",".join(sorted(allowed))
        return response
    return error_response(request, ApiError(404, "not_found", f"no such page: {request.path}"))


CATCH_ALL: web.AppKey[web.AbstractResource] = web.AppKey("catch_all", web.AbstractResource)


def instrument_routes(app: web.Application) -> None:
    """Call last in create_app: adds the catch-all route and wraps every handler."""
    resource = app.router.add_resource("/{tail:.*}", name="unmatched")
    resource.add_route("*", unmatched)
    app[CATCH_ALL] = resource
    hooks = tuple(app.get(HTML_HOOKS, ()))
    for route in app.router.routes():
        label = route.resource.canonical if route.resource is not None else "unmatched"
        route._handler = instrument(route.handler, label, hooks)  # type: ignore[attr-defined]


async def json_body(request: web.Request) -> Any:
    """The request body as JSON: 413 over 1 MiB, 400 when malformed."""
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


def parse_instant(value: str, field: str, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
    """An ISO 8601 instant with an offset (within [lo, hi] when given); anything else is
    a 422 naming the field."""
    try:
        instant = _aware.validate_python(value)
    except ValidationError as exc:
        msg = exc.errors()[0]["msg"]
        raise ApiError(422, "validation_failed", f"invalid {field}: {msg}",
                       [{"field": field, "message": msg, "type": exc.errors()[0]["type"]}]) from None
    if (lo is not None and instant < lo) or (hi is not None and instant > hi):
        msg = f"must lie between {lo.isoformat() if lo else '-'} and {hi.isoformat() if hi else '-'}"
        raise ApiError(422, "validation_failed", f"invalid {field}: {msg}",
                       [{"field": field, "message": msg, "type": "datetime_range"}])
    return instant


def path_id(request: web.Request, what: str, name: str = "id") -> int:
    """A numeric id from the path: ASCII digits only (str.isdigit also takes '³',
    which int() refuses), at most 12 of them; anything else is 404."""
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ApiError(404, "not_found", f"{what} {raw!r} not found")
    return int(raw)


def int_param(request: web.Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise ApiError(422, "validation_failed", f"invalid {name}: must be a whole number from {lo} to {hi}",
                       [{"field": name, "message": f"must be a whole number from {lo} to {hi}", "type": "int_range"}])
    return value
