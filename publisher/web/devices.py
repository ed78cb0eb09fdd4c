"""Devices: online / offline / stale, what each was given, what each shows now (its
kind's status widget, e.g. an LED sign's page); admins register a device (its token
shown once) and revoke one."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from publisher import keys
from publisher.errors import ApiError, not_found
from publisher.remote import client_address
from publisher.services.device_status import device_status, revoke_device
from publisher.web.forms import localize
from publisher.web.pages import form, render, see_other, staff_page, translator, who

routes = web.RouteTableDef()


def device_rows(app: web.Application) -> list[dict[str, Any]]:
    """Every device as GET /api/v1/devices describes it, plus its kind's label and status
    widget: `widget` names the template, `board` holds what it shows (DeviceKind.status)."""
    now = app[keys.CLOCK]()
    kinds = app[keys.CHANNELS].kinds
    rows = []
    for device, snap, row in device_status(app[keys.DEVICES], app[keys.QUEUE], now):
        kind = kinds.get(device.kind)
        row["kind_label"] = kind.label if kind is not None else device.kind
        row["board"] = kind.status(device, snap, now) if kind is not None and kind.status and snap is not None else None
        shows = kind is not None and not device.revoked and (kind.status is None or row["board"] is not None)
        row["widget"] = kind.status_template if kind is not None and shows else None
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
    t = translator(request)
    rows = device_rows(request.app)
    for row in rows:
        row["status"] = _status(row)
        row["kind_label"] = t(row["kind_label"])
    kinds = request.app[keys.CHANNELS].kinds
    default_kind = next(iter(kinds), "")
    values = extra.pop("values", {"kind": default_kind, "location": "", "id": "", "name": "", "profile": ""})
    status = extra.pop("status", 200)
    revoked = request.query.get("revoked", "")[:64]
    return await render(request, "staff/devices.html", {
        "devices": rows, "kinds": [{"name": k.name, "label": t(k.label)} for k in kinds.values()],
        "values": values, "errors": extra.pop("errors", {}), "created": None,
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
        except (ValueError, RecursionError):
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
