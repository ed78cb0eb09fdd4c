"""The LED channel's part of the staff pages: a sign's page now (device list) and the
signs a draft targets (editor preview; the page then asks POST /api/v1/led/preview for
each sign's exact pages)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from channels.led.fitting import current_page
from channels.led.format import EPOCH, LedFeed
from publisher import keys
from publisher.domain.notices import NoticeIn
from publisher.queue import Snapshot
from publisher.services.devices import Device


def led_now(feed: LedFeed | None, now: datetime) -> dict[str, Any] | None:
    """The page an LED sign shows at `now` (the same rotation as its now.txt)."""
    if feed is None:
        return None
    geometry = {"cols": feed.profile.cols, "rows": feed.profile.rows, "encoding": feed.profile.charset}
    if not feed.pages:
        return {**geometry, "lines": [], "page": 0, "pages": 0, "notice_id": None}
    index, _left = current_page(feed.dwells, now, EPOCH)
    page = feed.pages[index]
    return {**geometry, "lines": page.page.lines, "page": index + 1, "pages": len(feed.pages),
            "notice_id": page.notice_id, "dwell_s": page.page.dwell_s}


def board(_device: Device, snap: Snapshot | None, now: datetime) -> dict[str, Any] | None:
    """The device list's status widget data: the sign's page now."""
    return led_now(snap.extra, now) if snap is not None else None


def led_signs(app: web.Application) -> list[dict[str, Any]]:
    """Every sign in service, by location, with what the editor preview needs of it."""
    settings = app[keys.SETTINGS]
    signs = []
    for d in sorted(app[keys.DEVICES].devices.values(), key=lambda d: (d.location, d.id)):
        if d.kind == "led" and not d.revoked and d.settings is not None:
            signs.append({"id": d.id, "name": d.name or d.id, "location": d.location,
                          "location_name": settings.location_name(d.location),
                          "replacement": d.settings.replacement, "policy": d.settings.unencodable})
    return signs


def preview_data(app: web.Application, draft: NoticeIn) -> Mapping[str, Any]:
    """The text LED signs get and the signs this draft targets."""
    signs = [s for s in led_signs(app) if draft.targets("led", s["location"])]
    return {"led_text": draft.led_source, "signs": signs}
