"""Every AppKey in one module, typed, so handlers never guess what app[...] holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from publisher.channel_registry import ChannelRegistry
    from publisher.metrics import Metrics
    from publisher.queue import ContentQueue
    from publisher.services.devices import DeviceRegistry
    from publisher.services.notices import NoticeService
    from publisher.settings import Settings
    from publisher.store.engine import Database

SETTINGS: web.AppKey["Settings"] = web.AppKey("settings")
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")
DB: web.AppKey["Database"] = web.AppKey("db")
QUEUE: web.AppKey["ContentQueue"] = web.AppKey("queue")
NOTICES: web.AppKey["NoticeService"] = web.AppKey("notices")
DEVICES: web.AppKey["DeviceRegistry"] = web.AppKey("devices")
METRICS: web.AppKey["Metrics"] = web.AppKey("metrics")
SCHEDULER: web.AppKey[Any] = web.AppKey("scheduler")
# The registered channels (publisher.channel_registry), and the path prefixes whose
# refusals are JSON (the staff API's and every channel's device feeds).
CHANNELS: web.AppKey["ChannelRegistry"] = web.AppKey("channels")
JSON_PREFIXES: web.AppKey[tuple[str, ...]] = web.AppKey("json_prefixes")
