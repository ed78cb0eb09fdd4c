"""Prometheus metrics: requests and latency by route template, never by raw path
(a raw path would make one series per notice id and device token)."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class Metrics:
    def __init__(self) -> None:
        # One registry per app, so that tests can build many apps in one process.
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "publisher_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "publisher_http_request_duration_seconds", "HTTP request latency", ["route"], registry=self.registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.live_notices = Gauge("publisher_live_notices", "Live notices", registry=self.registry)
        self.sse_clients = Gauge("publisher_sse_clients", "Connected kiosk event streams", registry=self.registry)
        self._children: dict[tuple[str, str, int], tuple[object, object]] = {}

    def observe(self, request: web.Request, status: int, seconds: float) -> None:
        info = request.match_info
        route = info.route.resource.canonical if info.route.resource is not None else "unmatched"
        method = request.method if request.method in _METHODS else "OTHER"
        key = (method, route, status)
        pair = self._children.get(key)
        if pair is None:  # label lookups are the costly part; do them once per series
            pair = self._children[key] = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(route),
            )
        pair[0].inc()  # type: ignore[attr-defined]
        pair[1].observe(seconds)  # type: ignore[attr-defined]

    def render(self) -> web.Response:
        return web.Response(body=generate_latest(self.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
