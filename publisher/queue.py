"""The content queue: the live set in memory, and per-(channel, device) snapshots.

Serve bytes, not queries: a snapshot is rendered once into bytes with a strong ETag
and served until the live set changes (data revision) or the instant passes its
`valid_until` (the next schedule boundary of the notices aimed at that device).
The read path checks both on every request, so a late or missed scheduler job can
never leave stale content: the scheduler only makes pushes happen on time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation, rotation, targeted
from publisher.domain.schedule import next_boundary
from publisher.settings import Settings


@dataclass(frozen=True, slots=True)
class Snapshot:
    body: bytes
    version: str
    content_type: str
    generated_at: datetime
    valid_until: datetime | None
    data_revision: int
    headers: Mapping[str, str] = field(default_factory=dict)
    # Channel-specific facts kept beside the bytes (e.g. LED page dwell times).
    extra: Any = None

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class Target(Protocol):
    """What a channel needs to know about where its output goes."""

    id: str
    location: str | None


class Channel(Protocol):
    name: str

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot: ...


ChangeListener = Callable[[], None]


class ContentQueue:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tz = settings.tz
        self.live: dict[int, LiveNotice] = {}
        self.data_revision = 0
        self.channels: dict[str, Channel] = {}
        self._snapshots: dict[tuple[str, str], Snapshot] = {}
        # notice id -> (revision, boundary): valid while the instant is before it.
        self._boundaries: dict[int, tuple[int, datetime | None, datetime]] = {}
        self.listeners: list[ChangeListener] = []

    # -- the live set --------------------------------------------------------
    def replace_all(self, notices: Iterable[LiveNotice]) -> None:
        self.live = {n.id: n for n in notices}
        self._moved()

    def put(self, notice_id: int, notice: LiveNotice | None) -> None:
        """One notice went live, changed, or left (None)."""
        if notice is None:
            self.live.pop(notice_id, None)
        else:
            self.live[notice_id] = notice
        self._boundaries.pop(notice_id, None)
        self._moved()

    def _moved(self) -> None:
        self.data_revision += 1
        for listener in list(self.listeners):
            listener()

    def touch(self) -> None:
        """Tell listeners to look again (a schedule boundary passed)."""
        for listener in list(self.listeners):
            listener()

    # -- reading ---------------------------------------------------------------
    def rotation(self, channel: str, location: str | None, now: datetime) -> Rotation:
        return rotation(self.live.values(), channel, location, now, self.tz)

    def valid_until(self, channel: str, location: str | None, now: datetime) -> datetime | None:
        edges = [self.boundary(n, now) for n in targeted(self.live.values(), channel, location)]
        found = [e for e in edges if e is not None]
        return min(found) if found else None

    def boundary(self, notice: LiveNotice, now: datetime) -> datetime | None:
        # A notice's next boundary does not depend on the device, so it is computed
        # once and shared by every snapshot until the instant passes it.
        cached = self._boundaries.get(notice.id)
        if cached is not None:
            revision, edge, since = cached
            if revision == notice.revision and since <= now and (edge is None or now < edge):
                return edge
        edge = next_boundary(notice.content.schedule, now, self.tz, notice.first_live_at)
        self._boundaries[notice.id] = (notice.revision, edge, now)
        return edge

    def snapshot(self, channel_name: str, target: Target, now: datetime) -> Snapshot:
        key = (channel_name, target.id)
        snap = self._snapshots.get(key)
        if snap is not None and snap.data_revision == self.data_revision and (
            snap.valid_until is None or now < snap.valid_until
        ):
            return snap
        return self.recompute(channel_name, target, now, snap)

    def recompute(self, channel_name: str, target: Target, now: datetime, previous: Snapshot | None = None) -> Snapshot:
        channel = self.channels[channel_name]
        rot = self.rotation(channel_name, target.location, now)
        valid_until = self.valid_until(channel_name, target.location, now)
        snap = channel.render(rot, target, now, valid_until, previous)
        if previous is not None and previous.version == snap.version:
            # Same content: keep the old bytes (and generated_at) so ETags stay put.
            snap = replace(previous, data_revision=self.data_revision, valid_until=valid_until)
        else:
            snap = replace(snap, data_revision=self.data_revision)
        self._snapshots[(channel_name, target.id)] = snap
        return snap

    def cached(self, channel_name: str, target_id: str) -> Snapshot | None:
        return self._snapshots.get((channel_name, target_id))

    def forget(self, target_id: str) -> None:
        for key in [k for k in self._snapshots if k[1] == target_id]:
            del self._snapshots[key]
