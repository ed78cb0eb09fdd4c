"""What an instance does with the changes other instances announce."""

from __future__ import annotations

import structlog
from aiohttp import web

from publisher import keys

log = structlog.get_logger("publisher.cluster.apply")
_MAX_ID = 200


def parse_payloads(payloads: list[str]) -> tuple[set[int], set[str], set[int]]:
    """(notice ids, device ids, user ids) named by "<kind>:<id>" payloads; anything
    else is logged and skipped (a newer instance may announce kinds this one ignores)."""
    notices: set[int] = set()
    devices: set[str] = set()
    users: set[int] = set()
    for payload in payloads:
        kind, _, ident = payload.partition(":")
        if not ident or len(ident) > _MAX_ID:
            log.warning("unreadable change notification skipped", payload=payload[:80])
            continue
        if kind == "device":
            devices.add(ident)
        elif kind in ("notice", "user") and ident.isdigit():
            (notices if kind == "notice" else users).add(int(ident))
        else:
            log.warning("unknown change notification skipped", payload=payload[:80])
    return notices, devices, users


async def apply_changes(app: web.Application, payloads: list[str]) -> None:
    """Live set first (kiosks' streams are woken by the queue), then devices: a revoked
    device's cached token is forgotten, its snapshots dropped and its streams woken so
    that they end. Users: sessions and API tokens are checked against the database on
    every request (publisher.services.users.principal_for_token), so nothing is cached
    per user that could outlive a change; the payload is accepted and counted only."""
    notices, devices, users = parse_payloads(payloads)
    if notices:
        await app[keys.LIVE_SYNC].remote_changed(sorted(notices))
    if devices:
        registry, queue = app[keys.DEVICES], app[keys.QUEUE]
        for device_id in sorted(devices):
            await registry.refresh(device_id)
            queue.forget(device_id)
        queue.touch()
    if users:
        log.debug("user changes announced", users=len(users))


async def resync(app: web.Application) -> None:
    """After (re)connecting: catch up with whatever was announced while not listening."""
    await app[keys.LIVE_SYNC].reconcile()
    await app[keys.DEVICES].load()
    app[keys.QUEUE].touch()
