"""The content queue: the live set in memory, and per-(channel, device) snapshots.

Serve bytes, not queries: a snapshot is rendered once into bytes with a strong ETag
and served until the live set changes (data revision) or the instant passes its
`valid_until` (the next schedule boundary of the notices aimed at that device).
The read path checks both on every request, so a late or missed scheduler job can
never leave stale content: the scheduler only makes pushes happen on time.

Three caches keep a change cheap when there are thousands of notices and devices:
- per notice: whether it shows and until when (valid until its next boundary);
- per (channel, location): the rotation, shared by every device in that place;
- per render key: the rendered bytes, shared by devices whose output is identical
  (every kiosk of a location); a channel without `render_key` renders per device.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import structlog

from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation, ordered, targeted
from publisher.domain.schedule import is_showing, next_boundary
from publisher.settings import Settings

log = structlog.get_logger("publisher.queue")


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

    def fresh(self, data_revision: int, now: datetime) -> bool:
        return (self.data_revision == data_revision and self.generated_at <= now
                and (self.valid_until is None or now < self.valid_until))


class Target(Protocol):
    """What a channel needs to know about where its output goes."""

    @property
    def id(self) -> str: ...

    @property
    def location(self) -> str | None: ...


class Channel(Protocol):
    name: str

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot: ...


@dataclass(frozen=True, slots=True)
class _Showing:
    revision: int
    since: datetime
    showing: bool
    until: datetime | None


@dataclass(frozen=True, slots=True)
class _Rotation:
    data_revision: int
    since: datetime
    valid_until: datetime | None
    rotation: Rotation


ChangeListener = Callable[[], None]


class ContentQueue:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tz = settings.tz
        self.live: dict[int, LiveNotice] = {}
        self.data_revision = 0
        self.channels: dict[str, Channel] = {}
        self.listeners: set[ChangeListener] = set()
        self._showing: dict[int, _Showing] = {}
        self._targeted: dict[tuple[str, str | None], tuple[int, list[LiveNotice]]] = {}
        self._rotations: dict[tuple[str, str | None], _Rotation] = {}
        self._renders: dict[tuple[str, Any], Snapshot] = {}
        self._snapshots: dict[tuple[str, str], Snapshot] = {}
        # Live notices that cannot be loaded or evaluated: id -> why. Each is left out of
        # every rotation (and logged once); the others go on. Shown to staff and counted.
        self.broken: dict[int, str] = {}
        self._unloadable: dict[int, str] = {}

    # -- the live set --------------------------------------------------------
    def replace_all(self, notices: Iterable[LiveNotice], unloadable: Mapping[int, str] | None = None) -> None:
        self.live = {n.id: n for n in notices}
        self._unloadable = dict(unloadable or {})
        self.broken = dict(self._unloadable)
        self._showing.clear()
        self._moved()

    def put(self, notice_id: int, notice: LiveNotice | None, unloadable: str | None = None) -> None:
        """One notice went live, changed, or left (None; ``unloadable`` says why when
        it is live but could not be loaded)."""
        if notice is None:
            self.live.pop(notice_id, None)
        else:
            self.live[notice_id] = notice
        self.broken.pop(notice_id, None)
        self._unloadable.pop(notice_id, None)
        if unloadable:
            self.broken[notice_id] = self._unloadable[notice_id] = unloadable
        self._showing.pop(notice_id, None)
        self._moved()

    def _moved(self) -> None:
        self.data_revision += 1
        self.touch()

    def touch(self) -> None:
        """Tell listeners to look again (the live set moved or a boundary passed)."""
        for listener in list(self.listeners):
            listener()

    # -- per notice ------------------------------------------------------------
    def _state(self, notice: LiveNotice, now: datetime) -> _Showing:
        cached = self._showing.get(notice.id)
        if (cached is not None and cached.revision == notice.revision and cached.since <= now
                and (cached.until is None or now < cached.until)):
            return cached
        showing, until = self.showing_at(notice, now)
        state = _Showing(revision=notice.revision, since=now, showing=showing, until=until)
        self._showing[notice.id] = state
        return state

    def _failed(self, notice: LiveNotice, exc: Exception) -> None:
        if notice.id not in self.broken:  # logged once, not on every poll
            log.error("live notice cannot be evaluated; left out", notice_id=notice.id, revision=notice.revision,
                      exc_info=exc)
        self.broken[notice.id] = f"cannot be evaluated: {type(exc).__name__}"

    def showing_at(self, notice: LiveNotice, at: datetime) -> tuple[bool, datetime | None]:
        """(shows, next boundary) at any instant, uncached; a notice that fails is hidden."""
        try:
            schedule = notice.content.schedule
            return (is_showing(schedule, at, self.tz, notice.first_live_at),
                    next_boundary(schedule, at, self.tz, notice.first_live_at))
        except Exception as exc:  # one notice must never take a channel down
            self._failed(notice, exc)
            return False, None

    def boundary(self, notice: LiveNotice, now: datetime) -> datetime | None:
        return self._state(notice, now).until

    # -- per (channel, location) -----------------------------------------------
    def _aimed(self, channel: str, location: str | None) -> list[LiveNotice]:
        key = (channel, location)
        cached = self._targeted.get(key)
        if cached is None or cached[0] != self.data_revision:
            cached = self._targeted[key] = (self.data_revision, targeted(self.live.values(), channel, location))
        return cached[1]

    def _rotation(self, channel: str, location: str | None, now: datetime) -> _Rotation:
        key = (channel, location)
        cached = self._rotations.get(key)
        if (cached is not None and cached.data_revision == self.data_revision and cached.since <= now
                and (cached.valid_until is None or now < cached.valid_until)):
            return cached
        showing: list[LiveNotice] = []
        valid_until: datetime | None = None
        for notice in self._aimed(channel, location):
            state = self._state(notice, now)
            if state.showing:
                showing.append(notice)
            if state.until is not None and (valid_until is None or state.until < valid_until):
                valid_until = state.until
        entry = _Rotation(self.data_revision, now, valid_until, ordered(showing))
        self._rotations[key] = entry
        return entry

    def rotation(self, channel: str, location: str | None, now: datetime) -> Rotation:
        return self._rotation(channel, location, now).rotation

    def valid_until(self, channel: str, location: str | None, now: datetime) -> datetime | None:
        return self._rotation(channel, location, now).valid_until

    def preview(self, channel: str, location: str | None, at: datetime) -> tuple[Rotation, datetime | None]:
        """The rotation at any instant (past or future), computed afresh, cached nowhere."""
        states = [(n, *self.showing_at(n, at)) for n in self._aimed(channel, location)]
        found = [e for _, _, e in states if e is not None]
        return ordered(n for n, shows, _ in states if shows), min(found) if found else None

    # -- per device ------------------------------------------------------------
    def snapshot(self, channel_name: str, target: Target, now: datetime) -> Snapshot:
        key = (channel_name, target.id)
        snap = self._snapshots.get(key)
        if snap is not None and snap.fresh(self.data_revision, now):
            return snap
        channel = self.channels[channel_name]
        render_key = getattr(channel, "render_key", None)
        rkey = (channel_name, render_key(target) if render_key else ("device", target.id))
        shared = self._renders.get(rkey)
        if shared is None or not shared.fresh(self.data_revision, now):
            entry = self._rotation(channel_name, target.location, now)
            new = channel.render(entry.rotation, target, now, entry.valid_until, shared)
            if shared is not None and shared.version == new.version:
                # Same content: keep the old bytes (and generated_at) so ETags stay put.
                new = replace(shared, data_revision=self.data_revision, valid_until=entry.valid_until)
            else:
                new = replace(new, data_revision=self.data_revision)
            self._renders[rkey] = shared = new
        self._snapshots[key] = shared
        return shared

    def cached(self, channel_name: str, target_id: str) -> Snapshot | None:
        return self._snapshots.get((channel_name, target_id))

    def forget(self, target_id: str) -> None:
        for key in [k for k in self._snapshots if k[1] == target_id]:
            del self._snapshots[key]
        for key in [k for k in self._renders if k[1] == ("device", target_id)]:
            del self._renders[key]
