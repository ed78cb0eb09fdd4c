"""Kiosk feed: the rotation as JSON bytes with a content-derived version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from channels.kiosk.attachments import kiosk_attachments
from publisher.domain.items import rotation_item
from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation
from publisher.queue import Snapshot


def item(notice: LiveNotice, tz: ZoneInfo, public_url: str | None = None) -> dict[str, Any]:
    """One rotation entry: the core's neutral shape, which the kiosk feed adopts as it
    is, plus the live revision's files with a QR code each (channels.kiosk.attachments)."""
    return {**rotation_item(notice, tz), "attachments": kiosk_attachments(notice, public_url)}


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


class ItemCache:
    """Each notice serialised once to JSON bytes, keyed by (notice, revision, the
    instant that revision was approved): a change re-serialises one item, not all."""

    def __init__(self, to_dict: Callable[[LiveNotice], dict[str, Any]], limit: int = 100_000) -> None:
        self._to_dict = to_dict
        self._limit = limit
        self._items: dict[tuple[int, int, datetime], bytes] = {}

    def __call__(self, notice: LiveNotice) -> bytes:
        key = (notice.id, notice.revision, notice.live_since)
        found = self._items.get(key)
        if found is None:
            if len(self._items) > self._limit:
                self._items.clear()
            found = self._items[key] = json.dumps(self._to_dict(notice), ensure_ascii=False,
                                                  separators=(",", ":")).encode()
        return found


class KioskChannel:
    name = "kiosk"

    def __init__(self, tz: ZoneInfo, public_url: str | None = None) -> None:
        self.tz = tz
        self._item_json = ItemCache(lambda notice: item(notice, tz, public_url))

    def render_key(self, target: Any) -> Any:
        # A kiosk feed depends only on where the kiosk stands: every kiosk of a
        # location shares one rendering.
        return target.location

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot:
        until = _iso(valid_until, self.tz)
        # The version names the content without hashing all of it: each item is fixed
        # by (notice, revision, the instant that revision was approved). It leaves out
        # generated_at, so an unchanged feed keeps its ETag across recomputations.
        identity = ",".join(f"{n.id}.{n.revision}.{n.live_since.timestamp()}" for n in rotation.items)
        digest = hashlib.sha256(f"{identity}|{rotation.emergency}|{until}".encode()).hexdigest()[:20]
        head = json.dumps({"version": digest, "generated_at": now.astimezone(self.tz).isoformat(),
                           "valid_until": until, "emergency": rotation.emergency}, separators=(",", ":"))
        body = b"".join([head[:-1].encode(), b',"rotation":[', b",".join(map(self._item_json, rotation.items)), b"]}"])
        return Snapshot(
            body=body,
            version=digest,
            content_type="application/json; charset=utf-8",
            generated_at=now,
            valid_until=valid_until,
            data_revision=0,
        )
