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

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from heapq import heapify, heappop, heappush
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, Protocol

import structlog

from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation, ordered, targeted
from publisher.domain.schedule import evaluate
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
    # The instant its valid_until was computed for, when later than generated_at (a
    # recomputation that kept the old bytes): a clock set back before it must recompute.
    checked_at: datetime | None = None

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def fresh(self, data_revision: int, now: datetime) -> bool:
        return (self.data_revision == data_revision and (self.checked_at or self.generated_at) <= now
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


class _Showing(NamedTuple):
    # a NamedTuple: a cold start makes one per live notice, and a frozen dataclass's
    # __init__ costs a Python-level setattr per field
    revision: int
    since: datetime
    showing: bool
    until: datetime | None


class _Place:
    """One (channel, location): the notices aimed there and its rotation, kept up to date
    change by change. A change re-evaluates only the notices it touched, a passing
    boundary only the notices whose edge it is (a heap of edges), so the cost follows
    the change, not the size of the live set. Evaluation uses the per-notice cache, so
    each notice is still evaluated once for every place."""

    __slots__ = ("aimed", "evaluated", "since", "pending", "until", "edges", "showing", "keys", "items",
                 "emergency_keys", "emergency_items", "rotation", "valid_until", "data_revision")

    def __init__(self, aimed: dict[int, LiveNotice]) -> None:
        self.aimed = aimed  # id -> notice aimed at this channel and location
        self.evaluated = False
        self.since: datetime | None = None  # the last instant anything here was evaluated
        self.pending: set[int] = set()  # ids changed (or gone) since then
        self.until: dict[int, datetime | None] = {}  # id -> its edge, as evaluated here
        self.edges: list[tuple[datetime, int]] = []  # heap of (edge, id); stale ones skipped
        self.showing: dict[int, LiveNotice] = {}
        # the showing notices in precedence order (domain.rotation.order_key), emergencies apart
        self.keys: list[tuple[int, float, int]] = []
        self.items: list[LiveNotice] = []
        self.emergency_keys: list[tuple[int, float, int]] = []
        self.emergency_items: list[LiveNotice] = []
        self.rotation = Rotation(items=(), emergency=False)
        self.valid_until: datetime | None = None
        self.data_revision = -1

    def aims(self, channel: str, location: str | None, notice: LiveNotice) -> bool:
        content = notice.content
        return channel in content.channels and (location is None or not content.locations
                                                or location in content.locations)

    def drop(self, notice_id: int) -> bool:
        """Take a notice out of the showing lists; True if it was showing."""
        old = self.showing.pop(notice_id, None)
        self.until.pop(notice_id, None)
        if old is None:
            return False
        keys, items = ((self.emergency_keys, self.emergency_items) if old.content.priority == "emergency"
                       else (self.keys, self.items))
        at = bisect_left(keys, old.order)
        del keys[at], items[at]
        return True

    def add(self, notice: LiveNotice, state: _Showing) -> None:
        self.until[notice.id] = state.until
        if state.until is not None:
            heappush(self.edges, (state.until, notice.id))
        if state.showing:
            self.showing[notice.id] = notice
            keys, items = ((self.emergency_keys, self.emergency_items) if notice.content.priority == "emergency"
                           else (self.keys, self.items))
            at = bisect_left(keys, notice.order)
            keys.insert(at, notice.order)
            items.insert(at, notice)

    def settle(self) -> None:
        """The rotation and the earliest edge from the lists and the heap."""
        emergencies = self.emergency_items
        self.rotation = Rotation(items=tuple(emergencies or self.items), emergency=bool(emergencies))
        self.next_edge()

    def next_edge(self) -> None:
        edges, until = self.edges, self.until
        while edges and until.get(edges[0][1]) != edges[0][0]:
            heappop(edges)
        if len(edges) > 2 * len(until) + 64:  # too many stale entries: rebuild
            self.edges = edges = [(u, i) for i, u in until.items() if u is not None]
            heapify(edges)
        self.valid_until = edges[0][0] if edges else None


ChangeListener = Callable[[], None]
_ORDER = attrgetter("order")  # domain.rotation.order_key, without a Python call per notice
_EDGE = itemgetter(0)


class ContentQueue:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tz = settings.tz
        self.live: dict[int, LiveNotice] = {}
        self.data_revision = 0
        self.channels: dict[str, Channel] = {}
        self.listeners: set[ChangeListener] = set()
        self._showing: dict[int, _Showing] = {}
        self._places: dict[tuple[str, str | None], _Place] = {}
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
        self._places.clear()
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
        for (channel, location), place in self._places.items():
            # Only the places the notice was or is aimed at look at it again.
            if notice is not None and place.aims(channel, location, notice):
                place.aimed[notice_id] = notice
            elif place.aimed.pop(notice_id, None) is None and notice_id not in place.showing:
                continue
            place.pending.add(notice_id)
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
            return evaluate(notice.content.schedule, at, self.tz, notice.first_live_at)
        except Exception as exc:  # one notice must never take a channel down
            self._failed(notice, exc)
            return False, None

    def boundary(self, notice: LiveNotice, now: datetime) -> datetime | None:
        return self._state(notice, now).until

    # -- per (channel, location) -----------------------------------------------
    def _place(self, channel: str, location: str | None) -> _Place:
        key = (channel, location)
        place = self._places.get(key)
        if place is None:
            place = self._places[key] = _Place({n.id: n for n in targeted(self.live.values(), channel, location)})
        return place

    def _aimed(self, channel: str, location: str | None) -> list[LiveNotice]:
        return list(self._place(channel, location).aimed.values())

    def _rotation(self, channel: str, location: str | None, now: datetime) -> _Place:
        place = self._place(channel, location)
        if not place.evaluated or place.since is None or now < place.since:
            self._evaluate_all(place, now)  # first use, or the clock went back
        elif place.pending or (place.valid_until is not None and now >= place.valid_until):
            self._evaluate_changes(place, now)
        place.data_revision = self.data_revision
        return place

    def _evaluate_all(self, place: _Place, now: datetime) -> None:
        fresh = _Place(place.aimed)
        showing: list[LiveNotice] = []
        states, until, shown = self._showing, fresh.until, fresh.showing
        for notice in place.aimed.values():  # thousands: the cache check of _state inlined
            state = states.get(notice.id)
            if (state is None or state.revision != notice.revision or now < state.since
                    or (state.until is not None and now >= state.until)):
                state = self._state(notice, now)
            until[notice.id] = state.until
            if state.showing:
                shown[notice.id] = notice
                showing.append(notice)
        showing.sort(key=_ORDER)
        emergencies = [n for n in showing if n.content.priority == "emergency"]
        if emergencies:
            showing = [n for n in showing if n.content.priority != "emergency"]
            fresh.emergency_items, fresh.emergency_keys = emergencies, list(map(_ORDER, emergencies))
        fresh.items, fresh.keys = showing, list(map(_ORDER, showing))
        # (edge, id) for every notice with an edge: an instant is truthy, None is not
        fresh.edges = list(filter(_EDGE, zip(until.values(), until.keys(), strict=True)))  # type: ignore[arg-type]
        heapify(fresh.edges)
        for name in _Place.__slots__:
            setattr(place, name, getattr(fresh, name))
        place.evaluated, place.since = True, now
        place.settle()

    def _evaluate_changes(self, place: _Place, now: datetime) -> None:
        """Re-evaluate the notices changed since, and those whose edge has passed."""
        moved = False
        todo = place.pending
        place.pending = set()
        edges, until = place.edges, place.until
        while edges and edges[0][0] <= now:
            edge, notice_id = heappop(edges)
            if until.get(notice_id) == edge:  # else a stale entry
                todo.add(notice_id)
        for notice_id in todo:
            notice = place.aimed.get(notice_id)
            old = place.showing.get(notice_id)
            if notice is None:
                moved |= place.drop(notice_id)
                continue
            state = self._state(notice, now)
            if old is notice and state.showing:  # still showing, same notice: only its edge moves
                until[notice_id] = state.until
                if state.until is not None:
                    heappush(place.edges, (state.until, notice_id))
                continue
            moved |= place.drop(notice_id)
            place.add(notice, state)
            moved |= state.showing
        place.since = now
        if moved:
            place.settle()
        else:
            place.next_edge()

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
                new = replace(shared, data_revision=self.data_revision, valid_until=entry.valid_until,
                              checked_at=now)
            else:
                new = replace(new, data_revision=self.data_revision)
            self._renders[rkey] = shared = new
        self._snapshots[key] = shared
        return shared

    def cached(self, channel_name: str, target_id: str) -> Snapshot | None:
        return self._snapshots.get((channel_name, target_id))

    def first_render(self, channel_name: str, target: Target, now: datetime) -> Iterator[None]:
        """The heavy part of a device's first snapshot, in steps (nothing once it has one,
        or for a channel without `prepare`): a cold sign fits thousands of notices. The
        warming pass and a device's own first poll step through it, yielding to the
        event loop between slices; the snapshot that follows renders from what it did."""
        prepare = getattr(self.channels.get(channel_name), "prepare", None)
        if prepare is None or self.cached(channel_name, target.id) is not None:
            return
        yield from prepare(self.rotation(channel_name, target.location, now), target)

    def forget(self, target_id: str) -> None:
        for key in [k for k in self._snapshots if k[1] == target_id]:
            del self._snapshots[key]
        for key in [k for k in self._renders if k[1] == ("device", target_id)]:
            del self._renders[key]
