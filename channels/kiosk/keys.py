"""The kiosk channel's own AppKeys (the core's are in publisher/keys.py, and the core
never reads these)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from channels.kiosk.catalog import KioskCatalog
    from channels.kiosk.fanout import Fanout
    from channels.kiosk.language import Converted
    from channels.kiosk.page import Assets

# The page's static files with their versioned URLs, and the service worker's body.
ASSETS: web.AppKey[Assets] = web.AppKey("kiosk_assets")
SW_BODY: web.AppKey[bytes] = web.AppKey("kiosk_sw", bytes)
# Open event streams, ended on shutdown so that a restart does not wait for them.
STREAMS: web.AppKey[set[asyncio.Task[object]]] = web.AppKey("kiosk_streams", set)
# device id -> event streams it has open (devices.max_streams caps it).
OPEN_STREAMS: web.AppKey[dict[str, int]] = web.AppKey("kiosk_open_streams", dict)
CATALOG: web.AppKey[KioskCatalog] = web.AppKey("kiosk_catalog")
FANOUT: web.AppKey[Fanout] = web.AppKey("kiosk_fanout")
# feeds and catalogs converted to Simplified Chinese (channels/kiosk/language.py)
CONVERTED: web.AppKey[Converted] = web.AppKey("kiosk_converted")
