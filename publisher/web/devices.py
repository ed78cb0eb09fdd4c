"""Devices: online / offline / stale, what each was given, each LED sign's page now;
admins register a device (its token shown once) and revoke one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aiohttp import web

from channels.led.fitting import current_page
from channels.led.format import EPOCH, LedFeed
from publisher import keys
from publisher.errors import ApiError, not_found
from publisher.remote import client_address
from publisher.services.device_status import device_status, revoke_device
from publisher.web.forms import localize
from publisher.web.pages import form, render, see_other, staff_page, translator, who

routes = web.RouteTableDef()


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


def device_rows(app: web.Application) -> list[dict[str, Any]]:
    """Every device as GET /api/v1/devices describes it, plus an LED sign's page now."""
    now = app[keys.CLOCK]()
    rows = []
    for device, snap, row in device_status(app[keys.DEVICES], app[keys.QUEUE], now):
        row["board"] = led_now(snap.extra, now) if snap is not None and device.kind == "led" else None
        row["last_seen_at"] = device.last_seen
        rows.append(row)
    return sorted(rows, key=lambda r: (r["location"], r["kind"], r["id"]))


def _status(row: dict[str, Any]) -> str:
    if row["revoked"]:
        return "revoked"
    if row["stale"]:
        return "stale"
    return "online" if row["online"] else "offline"


async def _page(request: web.Request, **extra: Any) -> web.Response:
    rows = device_rows(request.app)
    for row in rows:
        row["status"] = _status(row)
    values = extra.pop("values", {"kind": "led", "location": "", "id": "", "name": "", "profile": ""})
    status = extra.pop("status", 200)
    revoked = request.query.get("revoked", "")[:64]
    t = translator(request)
    return await render(request, "staff/devices.html", {
        "devices": rows, "values": values, "errors": extra.pop("errors", {}), "created": None,
        "request_revoked": t("已撤銷裝置 %(id)s 的權杖。", id=revoked) if revoked else None, **extra,
    }, status=status)


@routes.get("/staff/devices")
@staff_page()
async def devices_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.post("/staff/devices")
@staff_page("admin")
async def register(request: web.Request) -> web.StreamResponse:
    data = form(request)
    values = {k: data.get(k, "").strip() for k in ("id", "kind", "location", "name", "profile")}
    t = translator(request)
    spec: dict[str, Any] = {"id": values["id"], "kind": values["kind"], "location": values["location"]}
    if values["name"]:
        spec["name"] = values["name"]
    if values["profile"]:
        try:
            spec["profile"] = json.loads(values["profile"])
        except ValueError:
            return await _page(request, values=values, status=422,
                               errors={"profile": t("設定須是 JSON 物件，如 {\"encoding\": \"gbk\"}")})
    try:
        device, token = await request.app[keys.DEVICES].add(spec, request.app[keys.CLOCK](),
                                                            by=(who(request).username, client_address(request)))
    except ApiError as err:
        if err.status != 422:
            raise
        errors: dict[str, str] = {}
        for d in err.details:
            name = str(d.get("field", "")).split(".")[0]
            errors.setdefault(name if name in values else "id", localize(d, name, t))
        return await _page(request, values=values, errors=errors, status=422)
    # The token is shown on this answer only (no redirect, not stored, not cached).
    return await _page(request, created={"id": device.id, "kind": device.kind, "token": token})


@routes.get("/staff/devices/{id}/revoke")
@staff_page("admin")
async def revoke_confirm(request: web.Request) -> web.StreamResponse:
    device = request.app[keys.DEVICES].devices.get(request.match_info["id"])
    if device is None or device.revoked:
        raise not_found(f"device {request.match_info['id']!r}")
    return await render(request, "staff/device_revoke.html", {"device": device})


@routes.post("/staff/devices/{id}/revoke")
@staff_page("admin")
async def revoke(request: web.Request) -> web.StreamResponse:
    app = request.app
    device = await revoke_device(app[keys.DEVICES], app[keys.QUEUE], request.match_info["id"], app[keys.CLOCK](),
                                 (who(request).username, client_address(request)))
    see_other(f"/staff/devices?revoked={device.id}")
