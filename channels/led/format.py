"""LED snapshots: a sign's rotation fitted into pages and bytes, once per change.

Fitting is pure, so each (notice revision, sign profile) is fitted once and reused
by every sign with the same profile and by every later recomputation.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from channels.led.fitting import FitResult, Page, SignProfile, crc16_arc, feed_txt, fit_text, page_bytes
from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation
from publisher.queue import Snapshot

# now.txt rotates every board over its page dwell times from this instant, so that
# boards with the same rotation show the same page at the same moment.
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class FeedPage:
    page: Page
    notice_id: int
    index_no: str
    raw: bytes  # the page exactly as in feed.txt


@dataclass
class LedFeed:
    """Everything the five LED endpoints serve, computed once per snapshot."""

    sign_id: str
    profile: SignProfile
    pages: list[FeedPage]
    body: bytes
    crc: int
    version: str
    generated_at: datetime
    emergency: bool
    unencodable: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def dwells(self) -> list[float]:
        return [p.page.dwell_s for p in self.pages]

    @cached_property
    def json_bytes(self) -> bytes:
        return json.dumps(feed_json(self), ensure_ascii=False, separators=(",", ":")).encode()


def geometry(profile: SignProfile) -> dict[str, Any]:
    return {"width_px": profile.width_px, "height_px": profile.height_px, "font_px": profile.font_px,
            "cols": profile.cols, "rows": profile.rows}


def page_json(p: FeedPage) -> dict[str, Any]:
    return {"lines": p.page.lines, "dwell_s": p.page.dwell_s, "bytes_b64": base64.b64encode(p.raw).decode(),
            "notice_id": p.notice_id, "index_no": p.index_no}


def feed_json(feed: LedFeed) -> dict[str, Any]:
    return {
        "format": "led-feed/1",
        "sign_id": feed.sign_id,
        "version": feed.version,
        "generated_at": feed.generated_at.isoformat(),
        "geometry": geometry(feed.profile),
        "encoding": feed.profile.charset,
        "mode": feed.profile.mode,
        "emergency": feed.emergency,
        "pages": [page_json(p) for p in feed.pages],
        "unencodable": feed.unencodable,
        "warnings": feed.warnings,
    }


def unencodable_json(result: FitResult) -> list[dict[str, Any]]:
    return [{"char": u.char, "code_point": u.code_point, "count": u.count} for u in result.unencodable]


class LedChannel:
    name = "led"

    def __init__(self) -> None:
        # (notice id, revision, profile json) -> fit; bounded by clearing when large.
        self._fits: dict[tuple[int, int, str], FitResult] = {}

    def fit(self, notice: LiveNotice, profile: SignProfile, profile_key: str) -> FitResult:
        key = (notice.id, notice.revision, profile_key)
        found = self._fits.get(key)
        if found is None:
            if len(self._fits) > 200_000:
                self._fits.clear()
            found = self._fits[key] = fit_text(notice.content.led_source, profile)
        return found

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot:
        profile: SignProfile = target.settings
        profile_key = profile.model_dump_json()
        pages: list[FeedPage] = []
        unencodable: list[dict[str, Any]] = []
        warnings: list[str] = []
        for notice in rotation.items:
            result = self.fit(notice, profile, profile_key)
            pages += [FeedPage(p, notice.id, notice.index_no, page_bytes(p, profile)) for p in result.pages]
            unencodable += [{**u, "notice_id": notice.id} for u in unencodable_json(result)]
            warnings += [f"notice {notice.id}: {w}" for w in result.warnings]
        body = feed_txt([p.page for p in pages], profile)
        crc = crc16_arc(body)
        old: LedFeed | None = previous.extra if previous is not None else None
        if old is not None and old.crc == crc and old.body == body and old.emergency == rotation.emergency:
            version = old.version
        else:
            # seq only grows: one past the last, or the clock's seconds after a restart.
            seq = max(int(old.version.split("-")[0]) + 1 if old else 0, int(now.timestamp()))
            version = f"{seq}-{crc:04X}"
        feed = LedFeed(target.id, profile, pages, body, crc, version, now, rotation.emergency, unencodable, warnings)
        return Snapshot(
            body=body,
            version=version,
            content_type=f"text/plain; charset={profile.charset}",
            generated_at=now,
            valid_until=valid_until,
            data_revision=0,
            headers={
                "X-LED-Pages": str(len(pages)),
                "X-LED-Geometry": f"{profile.cols}x{profile.rows}",
                "X-LED-Encoding": profile.charset,
            },
            extra=feed,
        )
