"""/staff/: the day at a glance."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from publisher import keys
from publisher.store.tables import notices
from publisher.web.devices import device_rows
from publisher.web.notices import names
from publisher.web.pages import render, staff_page, who

routes = web.RouteTableDef()


def live_now(app: web.Application) -> tuple[list[dict[str, Any]], list[Any]]:
    """What rotates on each channel right now (the feeds' own rotations), and the
    emergencies among them."""
    settings, queue = app[keys.SETTINGS], app[keys.QUEUE]
    now = app[keys.CLOCK]()
    rows: list[dict[str, Any]] = [{"channel": "portal", "location": None, "rotation": queue.rotation("portal", None, now)}]
    for loc in settings.locations:
        for channel in ("kiosk", "led"):
            rows.append({"channel": channel, "location": loc.code, "rotation": queue.rotation(channel, loc.code, now)})
    emergencies: dict[int, Any] = {}
    for row in rows:
        for n in row["rotation"].items:
            if n.content.priority == "emergency":
                emergencies.setdefault(n.id, n)
    return rows, list(emergencies.values())


@routes.get("/staff/")
@staff_page()
async def dashboard(request: web.Request) -> web.StreamResponse:
    app = request.app
    person = who(request)
    service = app[keys.NOTICES]
    async with service.db.read() as conn:
        mine = list(await conn.execute(
            select(notices).where(notices.c.created_by == person.id, notices.c.pending_revision_id.is_not(None),
                                  notices.c.status != "withdrawn")
            .order_by(notices.c.updated_at.desc(), notices.c.id.desc()).limit(20)
        ))
        my_work = await service.reader.many(conn, mine)
        waiting = await service.reader.review_queue(conn, person)
    rows, emergencies = live_now(app)
    attention = [d for d in device_rows(app) if not d["revoked"] and (d["stale"] or not d["online"])]
    queue = app[keys.QUEUE]
    broken = [{"id": i, "why": why, "notice": queue.live.get(i)} for i, why in sorted(queue.broken.items())]
    return await render(request, "staff/dashboard.html", {
        "broken": broken, "my_work": my_work, "waiting": waiting, "live_rows": rows, "emergencies": emergencies,
        "attention": attention, "locations": app[keys.SETTINGS].locations, **names(request),
    })


@routes.get("/staff")
async def staff_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/staff/")
