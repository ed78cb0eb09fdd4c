"""Prometheus metrics: requests and latency by route template, never by raw path
(a raw path would make one series per notice id and device token).

The hot path only bumps plain counters in a dict (a feed poll must stay close to the
cost of serving bytes); they become Prometheus families when /metrics is scraped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from aiohttp import web
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class _Series:
    __slots__ = ("count", "buckets", "total")

    def __init__(self) -> None:
        self.count = 0
        self.buckets = [0] * (len(BUCKETS) + 1)  # the last one is +Inf
        self.total = 0.0


class _RequestCollector(Collector):
    def __init__(self) -> None:
        # (method, route, status) -> series
        self.series: dict[tuple[str, str, int], _Series] = {}

    def collect(self) -> Iterator[CounterMetricFamily | HistogramMetricFamily]:
        requests = CounterMetricFamily("publisher_http_requests", "HTTP requests", labels=["method", "route", "status"])
        latency = HistogramMetricFamily("publisher_http_request_duration_seconds", "HTTP request latency",
                                        labels=["route"])
        by_route: dict[str, _Series] = {}
        for (method, route, status), s in sorted(self.series.items()):
            requests.add_metric([method, route, str(status)], s.count)
            agg = by_route.setdefault(route, _Series())
            agg.count += s.count
            agg.total += s.total
            agg.buckets = [a + b for a, b in zip(agg.buckets, s.buckets, strict=True)]
        for route, s in by_route.items():
            cumulative, running = [], 0
            for bound, n in zip((*map(str, BUCKETS), "+Inf"), s.buckets, strict=True):
                running += n
                cumulative.append((bound, running))
            latency.add_metric([route], cumulative, s.total)
        yield requests
        yield latency


class Metrics:
    def __init__(self) -> None:
        # One registry per app, so that tests can build many apps in one process.
        self.registry = CollectorRegistry()
        self._requests = _RequestCollector()
        self.registry.register(self._requests)
        self.live_notices = Gauge("publisher_live_notices", "Live notices", registry=self.registry)
        self.sse_clients = Gauge("publisher_sse_clients", "Connected kiosk event streams", registry=self.registry)
        self.broken_notices = Gauge("publisher_broken_notices",
                                    "Live notices left out because they cannot be loaded or evaluated",
                                    registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """One request: `route` is the route's template (never the raw path)."""
        if method not in _METHODS:
            method = "OTHER"
        key = (method, route, status)
        series = self._requests.series.get(key)
        if series is None:
            series = self._requests.series[key] = _Series()
        series.count += 1
        series.total += seconds
        series.buckets[bisect_left(BUCKETS, seconds)] += 1

    def render(self) -> web.Response:
        return web.Response(body=generate_latest(self.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


def series(metrics: Metrics, method: str, route: str, status: int) -> _Series:
    """The counters of one (method, route, status), for a hot path that bumps them itself
    (as `Metrics.observe` would: count, total, bucket)."""
    key = (method if method in _METHODS else "OTHER", route, status)
    found = metrics._requests.series.get(key)
    if found is None:
        found = metrics._requests.series[key] = _Series()
    return found
