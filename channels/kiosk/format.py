"""Kiosk feed: the rotation as JSON bytes with a content-derived version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from channels.kiosk.attachments import kiosk_attachments
from publisher.domain.items import rotation_item
from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation, shared_ends
from publisher.queue import Snapshot


def item(notice: LiveNotice, tz: ZoneInfo, public_url: str | None = None) -> dict[str, Any]:
    """One rotation entry: the core's neutral shape, which the kiosk feed adopts as it
    is, plus the live revision's files with a QR code each (channels.kiosk.attachments)."""
    return {**rotation_item(notice, tz), "attachments": kiosk_attachments(notice, public_url)}


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


# what json.dumps(..., ensure_ascii=False, separators=(",", ":")) makes, without building
# an encoder for every item (thousands on a cold start)
_ITEM_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


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
            found = self._items[key] = _ITEM_ENCODER.encode(self._to_dict(notice)).encode()
        return found


class _Pieces:
    """Each live notice's feed pieces (its identity in the version, its JSON item after
    a comma), made once per notice object: a change makes one notice's pieces, and
    joining a rotation of thousands is C-level look-ups, not a Python call per item."""

    def __init__(self, item_json: ItemCache, limit: int = 50_000) -> None:
        self._item_json = item_json
        self._limit = limit
        # id(notice) -> (identity, b"," + item bytes), and id(notice) -> the notice: holding
        # the notice keeps its id unique. Apart, so that each entry holds only a string and
        # bytes, which the garbage collector stops tracking (a cold start makes thousands).
        self._entries: dict[int, tuple[str, bytes]] = {}
        self._held: dict[int, LiveNotice] = {}

    def __call__(self, items: tuple[LiveNotice, ...]) -> list[tuple[str, bytes]]:
        entries = list(map(self._entries.get, map(id, items)))
        if not all(entries):
            if len(self._entries) > self._limit:
                self._entries.clear()
                self._held.clear()
            for at, notice in enumerate(items):
                if entries[at] is None:
                    self._held[id(notice)] = notice
                    entries[at] = self._entries[id(notice)] = (
                        f"{notice.id}.{notice.revision}.{notice.live_since.timestamp()}",
                        b"," + self._item_json(notice))
        return entries  # type: ignore[return-value]


_IDENTITY = itemgetter(0)
_ITEM = itemgetter(1)


class KioskChannel:
    name = "kiosk"

    def __init__(self, tz: ZoneInfo, public_url: str | None = None) -> None:
        self.tz = tz
        self._item_json = ItemCache(lambda notice: item(notice, tz, public_url))
        self._pieces = _Pieces(self._item_json)

    def render_key(self, target: Any) -> Any:
        # A kiosk feed depends only on where the kiosk stands: every kiosk of a
        # location shares one rendering.
        return target.location

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot:
        seen = previous.extra if previous is not None else None
        if seen is not None and seen[0] is rotation and seen[1] == valid_until:
            # The queue keeps a place's Rotation object until the rotation moves: the
            # same object and edge give the same bytes (only generated_at would differ).
            return previous  # type: ignore[return-value]
        until = _iso(valid_until, self.tz)
        items = rotation.items
        if seen is not None and len(seen) == 4:
            # the previous rendering's pieces, but for the items that moved (one notice
            # after a change): list slices, not a look-up per item
            old_items, old_identities, old_chunks = seen[0].items, seen[2], seen[3]
            kept_head, kept_tail = shared_ends(old_items, items)
            moved = self._pieces(items[kept_head : len(items) - kept_tail])
            rest = len(old_items) - kept_tail
            identities = [*old_identities[:kept_head], *map(_IDENTITY, moved), *old_identities[rest:]]
            chunks = [*old_chunks[:kept_head], *map(_ITEM, moved), *old_chunks[rest:]]
        else:
            pieces = self._pieces(items)
            identities, chunks = list(map(_IDENTITY, pieces)), list(map(_ITEM, pieces))
        # The version names the content without hashing all of it: each item is fixed
        # by (notice, revision, the instant that revision was approved). It leaves out
        # generated_at, so an unchanged feed keeps its ETag across recomputations.
        identity = ",".join(identities)
        digest = hashlib.sha256(f"{identity}|{rotation.emergency}|{until}".encode()).hexdigest()[:20]
        head = json.dumps({"version": digest, "generated_at": now.astimezone(self.tz).isoformat(),
                           "valid_until": until, "emergency": rotation.emergency}, separators=(",", ":"))
        # one join straight into the body (a feed is megabytes: no intermediate copy);
        # every item carries its leading comma, the first one's is left out
        parts = [head[:-1].encode() + b',"rotation":[', *chunks, b"]}"]
        if chunks:
            parts[1] = parts[1][1:]
        body = b"".join(parts)
        return Snapshot(
            body=body,
            version=digest,
            content_type="application/json; charset=utf-8",
            generated_at=now,
            valid_until=valid_until,
            data_revision=0,
            # what the next rendering of this location starts from
            extra=(rotation, valid_until, identities, chunks),
        )
