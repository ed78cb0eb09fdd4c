"""The kiosk's catalog: what a citizen can browse and search at one location.

The rotation shows what is scheduled right now; the catalog is the public record of
the location, as the portal's catalog is of the site: every live kiosk notice aimed
at the location (or at every location) from its start on, after its end too (the
page marks those as expired from their `end`, by its own clock, so the bytes do not
change when a notice ends). Withdrawal removes a notice at once.

Served like a feed: one snapshot per location, rendered into bytes with a
content-derived version (strong ETag), kept until the live set moves (data revision)
or the next start of a notice aimed here (`valid_until`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from channels.kiosk.format import ItemCache, item
from publisher.domain.live import LiveNotice
from publisher.domain.rotation import targeted
from publisher.domain.schedule import has_started
from publisher.queue import ContentQueue, Snapshot
from publisher.settings import Settings


def catalog_item(notice: LiveNotice, settings: Settings) -> dict[str, Any]:
    """A rotation item plus what the public record shows about a notice."""
    meta = notice.content.meta
    return {
        **item(notice, settings.tz, settings.server.public_url),
        "published": notice.first_live_at.astimezone(settings.tz).isoformat(),
        "updated": notice.live_since.astimezone(settings.tz).isoformat(),
        "doc_number": meta.doc_number,
        "issuing_org": meta.issuing_org,
        "issued_on": meta.issued_on.isoformat() if meta.issued_on else None,
        "keywords": meta.keywords,
    }


def record(live: list[LiveNotice], location: str, now: datetime) -> tuple[list[LiveNotice], datetime | None]:
    """The location's kiosk notices that have started, newest first, and the next
    start of one that has not (when the record changes by itself)."""
    started: list[LiveNotice] = []
    next_start: datetime | None = None
    for n in targeted(live, "kiosk", location):
        if has_started(n.content.schedule, now, n.first_live_at):
            started.append(n)
        elif next_start is None or n.start < next_start:
            next_start = n.start
    started.sort(key=lambda n: (n.first_live_at, n.id), reverse=True)
    return started, next_start


class KioskCatalog:
    """catalog.json per location, as a snapshot; `snapshot.extra` holds the notices
    (search runs over them, so a query never scans the whole live set)."""

    def __init__(self, queue: ContentQueue, settings: Settings) -> None:
        self.queue = queue
        self.settings = settings
        self._snapshots: dict[str, Snapshot] = {}
        self._item_json = ItemCache(lambda notice: catalog_item(notice, settings))

    def snapshot(self, location: str, now: datetime) -> Snapshot:
        revision = self.queue.data_revision
        cached = self._snapshots.get(location)
        if cached is not None and cached.fresh(revision, now):
            return cached
        notices, valid_until = record(list(self.queue.live.values()), location, now)
        tz = self.settings.tz
        identity = ",".join(f"{n.id}.{n.revision}.{n.live_since.timestamp()}" for n in notices)
        until = valid_until.astimezone(tz).isoformat() if valid_until else None
        version = hashlib.sha256(f"{location}|{identity}|{until}".encode()).hexdigest()[:20]
        if cached is not None and cached.version == version:
            # Same content: keep the bytes and generated_at, so the ETag stays put.
            snap = replace(cached, data_revision=revision, valid_until=valid_until, extra=notices)
        else:
            snap = self._render(location, notices, now, valid_until, version, revision)
        self._snapshots[location] = snap
        return snap

    def _render(self, location: str, notices: list[LiveNotice], now: datetime, valid_until: datetime | None,
                version: str, revision: int) -> Snapshot:
        tz, settings = self.settings.tz, self.settings
        counts: dict[str, int] = {}
        for n in notices:
            counts[n.content.category] = counts.get(n.content.category, 0) + 1
        categories = [{"code": c.code, "name": c.name, "count": counts.get(c.code, 0)} for c in settings.catalog]
        # A notice whose category left the configuration still shows, under its code.
        categories += [{"code": code, "name": code, "count": k} for code, k in counts.items()
                       if code not in settings.catalog_codes]
        head = json.dumps({
            "version": version,
            "generated_at": now.astimezone(tz).isoformat(),
            "valid_until": valid_until.astimezone(tz).isoformat() if valid_until else None,
            "location": {"code": location, "name": settings.location_name(location)},
            "categories": categories,
        }, ensure_ascii=False, separators=(",", ":"))
        body = b"".join([head[:-1].encode(), b',"notices":[', b",".join(map(self._item_json, notices)), b"]}"])
        return Snapshot(body=body, version=version, content_type="application/json; charset=utf-8",
                        generated_at=now, valid_until=valid_until, data_revision=revision, extra=notices)
