"""The content queue recomputes in proportion to a change (publisher/queue.py keeps each
(channel, location) up to date notice by notice). Property: after any sequence of
approvals, edits, withdrawals and clock moves (boundaries included, the clock set back
too), every rotation, its valid-until and every device's feed equal what a queue built
from scratch on the same live set computes at the same instant."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from conftest import DEFAULT_CONFIG, notice_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.kiosk.format import KioskChannel
from channels.led.fitting import SignProfile
from channels.led.format import LedChannel
from publisher.domain.live import LiveNotice
from publisher.queue import ContentQueue
from publisher.settings import load_settings
from publisher.store.live import live_notice

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Asia/Shanghai
LOCATIONS = ["hall-hr", "hall-si", "hall-market"]
PLACES = [(channel, location) for channel in ("kiosk", "led", "portal") for location in (None, *LOCATIONS)]
SETTINGS = load_settings(DEFAULT_CONFIG, data_dir=Path("/nonexistent"))


def schedule(kind: int, minutes: int) -> dict[str, Any]:
    at = NOW + timedelta(minutes=minutes)
    return [
        {},
        {"start": at.isoformat()},
        {"start": (NOW - timedelta(days=1)).isoformat(), "end": at.isoformat()},
        {"daily": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}]},
        {"start": (NOW - timedelta(days=3)).isoformat(),
         "recurrence": {"rrule": "FREQ=HOURLY;INTERVAL=3", "duration": "PT1H"}},
    ][kind]


notices = st.fixed_dictionaries({
    "id": st.integers(1, 12),
    "channels": st.sampled_from([["portal", "kiosk", "led"], ["kiosk"], ["led"], ["portal", "kiosk"]]),
    "locations": st.sampled_from([[], [], ["hall-hr"], ["hall-si", "hall-market"]]),
    "priority": st.sampled_from(["normal", "normal", "urgent", "emergency"]),
    "schedule": st.tuples(st.integers(0, 4), st.integers(-120, 600)),
    "title": st.sampled_from(["停水通知", "招聘會", "辦公時間調整"]),
})
steps = st.lists(st.one_of(
    st.tuples(st.just("put"), notices),
    st.tuples(st.just("withdraw"), st.integers(1, 12)),
    st.tuples(st.just("wait"), st.integers(0, 400)),  # minutes
    st.tuples(st.just("edge"), st.sampled_from(PLACES)),  # to the next boundary of a place
    st.tuples(st.just("back"), st.integers(1, 90)),  # the clock set back (minutes)
), min_size=1, max_size=25)


def make_notice(spec: dict[str, Any], revision: int) -> LiveNotice:
    kind, minutes = spec["schedule"]
    body = notice_body(title=spec["title"], channels=spec["channels"], locations=spec["locations"],
                       priority=spec["priority"], schedule=schedule(kind, minutes),
                       led_text=f"{spec['title']}{revision}")
    row = SimpleNamespace(id=spec["id"], index_no=f"007227429/2026-{spec['id']:05d}", number=revision,
                          content=body, first_live_at=NOW - timedelta(days=2),
                          live_since=NOW - timedelta(hours=revision))
    return live_notice(row)


def queue() -> ContentQueue:
    q = ContentQueue(SETTINGS)
    q.channels["kiosk"] = KioskChannel(SETTINGS.tz)
    q.channels["led"] = LedChannel(SETTINGS.tz)
    return q


DEVICES = [("kiosk", SimpleNamespace(id=f"k-{loc}", location=loc)) for loc in LOCATIONS] + [
    ("led", SimpleNamespace(id=f"s-{loc}", location=loc, settings=SignProfile(), last_version=None))
    for loc in LOCATIONS]


def agree(kept: ContentQueue, now: datetime) -> None:
    fresh = queue()
    fresh.replace_all(list(kept.live.values()))
    for channel, location in PLACES:
        got, want = kept.rotation(channel, location, now), fresh.rotation(channel, location, now)
        assert [(n.id, n.revision) for n in got.items] == [(n.id, n.revision) for n in want.items], (channel, location)
        assert got.emergency == want.emergency
        assert kept.valid_until(channel, location, now) == fresh.valid_until(channel, location, now)
    for channel, device in DEVICES:
        got, want = kept.snapshot(channel, device, now), fresh.snapshot(channel, device, now)
        assert got.body.split(b'"rotation"')[-1] == want.body.split(b'"rotation"')[-1]
        assert got.valid_until == want.valid_until
        if channel == "kiosk":  # content-derived: equal content, equal ETag
            assert got.version == want.version


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_incremental_rotations_equal_a_recompute_from_scratch(ops: list[tuple[str, Any]]) -> None:
    q = queue()
    now = NOW
    revisions: dict[int, int] = {}
    q.replace_all([make_notice({"id": i, "channels": ["portal", "kiosk", "led"], "locations": [],
                                "priority": "normal", "schedule": (i % 5, 30 * i), "title": "招聘會"}, 1)
                   for i in (1, 2, 3)])
    revisions.update({1: 1, 2: 1, 3: 1})
    agree(q, now)
    for op, arg in ops:
        if op == "put":
            revisions[arg["id"]] = revisions.get(arg["id"], 0) + 1
            q.put(arg["id"], make_notice(arg, revisions[arg["id"]]))
        elif op == "withdraw":
            q.put(arg, None)
        elif op == "wait":
            now += timedelta(minutes=arg)
        elif op == "edge":
            edge = q.valid_until(*arg, now)
            now = edge if edge is not None else now
        else:
            now -= timedelta(minutes=arg)
        agree(q, now)
