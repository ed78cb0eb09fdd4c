"""The per-route wrapper and the catch-all route.

Every route's handler is wrapped once (instrument_routes, called last in create_app):
it is timed and counted by route template, its refusals become the contract's error
shape, and HTML answers get the security hooks. This is done per route instead of by a
middleware on purpose: any middleware makes aiohttp run two extra layers on every
request, and a device poll should cost little more than serving its bytes.
"""

from __future__ import annotations

import asyncio
import functools
from time import perf_counter
from typing import Any

from aiohttp import web

from publisher import keys
from publisher.domain.errors import DomainError
from publisher.errors import ApiError, from_domain
from publisher.http.refusals import error_response, refusal, server_error

Handler = Any  # an aiohttp request handler
# Called with every text/html answer before it is sent (the security headers); kept
# in the route wrapper rather than on_response_prepare, which every feed poll would pay.
ResponseHook = keys.ResponseHook


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
            response: web.StreamResponse = await handler(request)
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
                response = error_response(request, refusal(exc))
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
        if resource is request.app[keys.CATCH_ALL]:
            continue
        match_dict, methods = await resource.resolve(request)
        if match_dict is None and methods:
            allowed |= methods
    if allowed:
        err = ApiError(405, "method_not_allowed",
                       f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}")
        response = error_response(request, err)
        response.headers["Allow"] = ",".join(sorted(allowed))
        return response
    return error_response(request, ApiError(404, "not_found", f"no such page: {request.path}"))


def instrument_routes(app: web.Application) -> None:
    """Call last in create_app: adds the catch-all route and wraps every handler."""
    resource = app.router.add_resource("/{tail:.*}", name="unmatched")
    resource.add_route("*", unmatched)
    app[keys.CATCH_ALL] = resource
    registered: list[ResponseHook] = app.get(keys.HTML_HOOKS) or []
    hooks = tuple(registered)
    for route in app.router.routes():
        label = route.resource.canonical if route.resource is not None else "unmatched"
        route._handler = instrument(route.handler, label, hooks)
