"""One rotation entry in the core's neutral shape: what GET /api/v1/live lists, and
what the kiosk feed carries too (a channel may add its own shape beside it)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from publisher.domain.live import LiveNotice


def rotation_item(notice: LiveNotice, tz: ZoneInfo) -> dict[str, Any]:
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
