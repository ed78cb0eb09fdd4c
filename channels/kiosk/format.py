"""Kiosk feed: the rotation as JSON bytes with a content-derived version."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation
from publisher.queue import Snapshot


def item(notice: LiveNotice, tz: ZoneInfo) -> dict[str, Any]:
    """One rotation entry; /api/v1/live uses the same shape."""
    c = notice.content
    return {
        "notice_id": notice.id,
        "index_no": notice.index_no,
        "title": c.title,
        "summary": c.summary,
        "body_html": notice.body_html,
        "category": c.category,
        "priority": c.priority,
        "dwell_s": c.schedule.dwell_s,
        "start": notice.start.astimezone(tz).isoformat(),
        "end": notice.end.astimezone(tz).isoformat() if notice.end else None,
    }


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


class KioskChannel:
    name = "kiosk"

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot:
        items = [item(n, self.tz) for n in rotation.items]
        until = _iso(valid_until, self.tz)
        # The version covers everything but generated_at, so an unchanged feed
        # keeps its ETag across recomputations and restarts.
        digest = hashlib.sha256(
            json.dumps([items, rotation.emergency, until], ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:20]
        body = {
            "version": digest,
            "generated_at": now.astimezone(self.tz).isoformat(),
            "valid_until": until,
            "emergency": rotation.emergency,
            "rotation": items,
        }
        return Snapshot(
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
            version=digest,
            content_type="application/json; charset=utf-8",
            generated_at=now,
            valid_until=valid_until,
            data_revision=0,
        )
