"""/staff/: the day at a glance."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from publisher import keys
from publisher.web.devices import device_rows
from publisher.web.notices import names
from publisher.web.pages import render, staff_page, who

routes = web.RouteTableDef()


def live_now(app: web.Application) -> tuple[list[dict[str, Any]], list[Any]]:
    """What rotates on each channel right now (the feeds' own rotations), and the
    emergencies among them: one row for each channel without devices (it shows the
    same everywhere), and one per location for each channel that serves devices."""
    settings, queue, channels = app[keys.SETTINGS], app[keys.QUEUE], app[keys.CHANNELS]
    now = app[keys.CLOCK]()
    rows: list[dict[str, Any]] = [
        {"channel": spec.name, "location": None, "rotation": queue.rotation(spec.name, None, now)}
        for spec in channels if not spec.located
    ]
    for loc in settings.locations:
        for spec in channels.located:
            rows.append({"channel": spec.name, "location": loc.code,
                         "rotation": queue.rotation(spec.name, loc.code, now)})
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
    my_work, waiting = await app[keys.NOTICES].desk(person)
    rows, emergencies = live_now(app)
    attention = [d for d in device_rows(app) if not d["revoked"] and (d["stale"] or not d["online"])]
    queue = app[keys.QUEUE]
    broken = [{"id": i, "why": why, "notice": queue.live.get(i)} for i, why in sorted(queue.broken.items())]
    return await render(request, "staff/dashboard.html", {
        "broken": broken, "my_work": my_work, "waiting": waiting, "live_rows": rows, "emergencies": emergencies,
        "attention": attention, "locations": app[keys.SETTINGS].locations,
        "everywhere": [r for r in rows if r["location"] is None],
        "located": [spec.name for spec in app[keys.CHANNELS].located], **names(request),
        "requests_due": await app[keys.REQUESTS].due(app[keys.CLOCK]()),
        "proactive_due": await app[keys.PROACTIVE_DUE].due(app[keys.CLOCK]()),
    })


@routes.get("/staff")
async def staff_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/staff/")
