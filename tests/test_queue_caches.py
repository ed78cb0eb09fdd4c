"""The content queue's three caches (publisher/queue.py), driven directly: what is
recomputed after a change or a boundary, what is shared, and that nothing stale survives.

The channel here is a real, minimal channel (the protocol's render method) that counts
its renders; the schedule functions are the real ones, wrapped to count their calls.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import DEFAULT_CONFIG, notice_body

from publisher import queue as queue_module
from publisher.domain.live import LiveNotice
from publisher.queue import ContentQueue, Snapshot
from publisher.settings import load_settings
from publisher.store.live import live_notice

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Asia/Shanghai


class CountingChannel:
    """Renders the rotation's notice ids; every device of a location shares the bytes."""

    name = "kiosk"

    def __init__(self) -> None:
        self.renders = 0

    @staticmethod
    def render_key(target: Any) -> Any:
        return ("location", target.location)

    def render(self, rotation: Any, target: Any, now: datetime, valid_until: datetime | None,
               previous: Snapshot | None) -> Snapshot:
        self.renders += 1
        body = ",".join(str(n.id) for n in rotation.items).encode()
        return Snapshot(body=body, version=hashlib.sha256(body).hexdigest()[:16], content_type="text/plain",
                        generated_at=now, valid_until=valid_until, data_revision=0)


def notice(nid: int, revision: int = 1, **over: Any) -> LiveNotice:
    row = SimpleNamespace(id=nid, index_no=f"007227429/2026-{nid:05d}", number=revision,
                          content=notice_body(**over), first_live_at=NOW - timedelta(days=1),
                          live_since=NOW - timedelta(days=1))
    return live_notice(row)


def device(device_id: str, location: str) -> SimpleNamespace:
    return SimpleNamespace(id=device_id, location=location)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the queue evaluates a schedule (the real functions, counted)."""
    counted = {"evaluate": 0}
    real = queue_module.evaluate

    def evaluate(*args: Any) -> tuple[bool, Any]:
        counted["evaluate"] += 1  # one evaluation gives both "showing" and "until when"
        return real(*args)

    monkeypatch.setattr(queue_module, "evaluate", evaluate)
    return counted


@pytest.fixture
def content_queue(tmp_path: Path) -> tuple[ContentQueue, CountingChannel]:
    q = ContentQueue(load_settings(DEFAULT_CONFIG, data_dir=tmp_path))
    channel = CountingChannel()
    q.channels["kiosk"] = channel
    return q, channel


def test_each_notice_is_evaluated_once_for_every_location(content_queue, calls) -> None:
    q, _ = content_queue
    q.replace_all([notice(1), notice(2), notice(3, locations=["hall-si"])])
    for location in ("hall-hr", "hall-si", "hall-market", "hall-pro"):
        q.rotation("kiosk", location, NOW)
    assert calls["evaluate"] == 3  # per notice, not per (notice, location)
    q.rotation("kiosk", "hall-hr", NOW + timedelta(minutes=5))
    assert calls["evaluate"] == 3  # nothing passed a boundary


def test_one_change_re_evaluates_only_that_notice(content_queue, calls) -> None:
    q, _ = content_queue
    q.replace_all([notice(1), notice(2), notice(3)])
    q.rotation("kiosk", "hall-hr", NOW)
    before = q.rotation("kiosk", "hall-hr", NOW)
    q.put(2, notice(2, revision=2, title="改過"))
    after = q.rotation("kiosk", "hall-hr", NOW)
    assert calls["evaluate"] == 4
    assert after is not before and [n.content.title for n in after.items if n.id == 2] == ["改過"]
    q.put(3, None)  # withdrawn
    assert [n.id for n in q.rotation("kiosk", "hall-hr", NOW).items] == [1, 2]  # same start: lower id first
    assert calls["evaluate"] == 4  # leaving needs no evaluation


def test_a_rotation_is_kept_until_its_boundary_then_recomputed(content_queue, calls) -> None:
    q, _ = content_queue
    starts = NOW + timedelta(hours=2)
    q.replace_all([notice(1), notice(2, schedule={"start": starts.isoformat()})])
    first = q.rotation("kiosk", "hall-hr", NOW)
    assert [n.id for n in first.items] == [1]
    assert q.valid_until("kiosk", "hall-hr", NOW) == starts
    assert q.rotation("kiosk", "hall-hr", starts - timedelta(seconds=1)) is first
    assert calls["evaluate"] == 2
    later = q.rotation("kiosk", "hall-hr", starts)
    assert {n.id for n in later.items} == {1, 2}
    assert calls["evaluate"] == 3  # only the notice whose boundary passed


def test_a_clock_set_back_never_gets_a_later_answer(content_queue) -> None:
    q, _ = content_queue
    starts = NOW + timedelta(hours=2)
    q.replace_all([notice(1, schedule={"start": starts.isoformat()})])
    assert [n.id for n in q.rotation("kiosk", "hall-hr", starts).items] == [1]
    assert q.rotation("kiosk", "hall-hr", NOW).items == ()  # not the cached later rotation
    snap = q.snapshot("kiosk", device("k1", "hall-hr"), starts)
    assert not snap.fresh(q.data_revision, NOW)
    assert q.snapshot("kiosk", device("k1", "hall-hr"), NOW).body == b""


def test_devices_of_one_location_share_one_render(content_queue) -> None:
    q, channel = content_queue
    q.replace_all([notice(1), notice(2, locations=["hall-si"])])
    a = q.snapshot("kiosk", device("k1", "hall-hr"), NOW)
    b = q.snapshot("kiosk", device("k2", "hall-hr"), NOW)
    c = q.snapshot("kiosk", device("k3", "hall-si"), NOW)
    assert channel.renders == 2 and a is b
    assert (a.body, c.body) == (b"1", b"1,2")
    assert q.snapshot("kiosk", device("k1", "hall-hr"), NOW + timedelta(seconds=30)) is a
    assert channel.renders == 2  # a poll is a dictionary lookup


def test_an_unrelated_change_keeps_the_bytes_and_etag(content_queue) -> None:
    q, channel = content_queue
    q.replace_all([notice(1), notice(2, locations=["hall-si"])])
    first = q.snapshot("kiosk", device("k1", "hall-hr"), NOW)
    q.put(2, notice(2, revision=2, locations=["hall-si"], title="只在社保局"))
    again = q.snapshot("kiosk", device("k1", "hall-hr"), NOW + timedelta(seconds=1))
    assert channel.renders == 2  # re-rendered, since the live set moved...
    assert again.etag == first.etag and again.generated_at == first.generated_at  # ...but unchanged
    assert again.data_revision == q.data_revision
    q.put(3, notice(3))
    changed = q.snapshot("kiosk", device("k1", "hall-hr"), NOW + timedelta(seconds=2))
    assert changed.etag != first.etag and b"3" in changed.body


def test_forget_drops_a_device_but_not_its_neighbours(content_queue) -> None:
    q, _ = content_queue
    q.replace_all([notice(1)])
    q.snapshot("kiosk", device("k1", "hall-hr"), NOW)
    q.snapshot("kiosk", device("k2", "hall-hr"), NOW)
    q.forget("k1")
    assert q.cached("kiosk", "k1") is None
    assert q.cached("kiosk", "k2") is not None


def test_listeners_hear_every_move(content_queue) -> None:
    q, _ = content_queue
    heard: list[int] = []
    q.listeners.add(lambda: heard.append(q.data_revision))
    q.replace_all([notice(1)])
    q.put(2, notice(2))
    q.put(1, None)
    q.touch()  # a boundary passed: listeners look again, the data did not move
    assert heard == [1, 2, 3, 3]
