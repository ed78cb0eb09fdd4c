"""A channel re-renders a rotation from its previous rendering of the same place (only the
items that moved are looked up, fitted and assembled again). Property: after any sequence
of edits to a long rotation (insertions, removals, new revisions, moves), the kiosk feed
and every LED body, page, fact and warning equal a fresh channel's rendering."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import channels.led.format as led_format
from channels.kiosk.format import KioskChannel
from channels.led.fitting import SignProfile
from channels.led.format import LedChannel
from publisher.domain.rotation import Rotation, shared_ends
from publisher.store.live import live_notice

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
TEXTS = ["明日停水", "招聘會將於每月18日舉行，請留意", "", "   ", "Wi-Fi 9:00-17:30", "社會保險費徵收（第3號）",
         "請攜帶身分證正本及影本\n辦理地點：三號窗口", "關於調整社會保險業務辦理時間的通知" * 3]
PROFILES = [SignProfile(), SignProfile(encoding="big5", width_px=64), SignProfile(convert="t2s")]


@dataclass
class Sign:
    id: str
    location: str
    settings: SignProfile
    last_version: str | None = None


def notice(nid: int, revision: int = 1, text: str | None = None, index_no: str | None = None) -> Any:
    text = TEXTS[(nid + revision) % len(TEXTS)] if text is None else text
    row = SimpleNamespace(
        id=nid, index_no=index_no or f"007227429/2026-{nid:05d}", number=revision,
        content={"title": f"公告{nid}", "category": "news", "led_text": text or None, "body": text or "內容"},
        first_live_at=NOW - timedelta(days=1), live_since=NOW - timedelta(days=1, seconds=revision),
    )
    return live_notice(row)


edits = st.lists(st.tuples(st.sampled_from(["insert", "remove", "revise", "move", "many"]),
                           st.integers(0, 10_000)), min_size=1, max_size=12)


@pytest.mark.parametrize("block", [2, 5])
# the monkeypatched BLOCK is the same for every example
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=edits, seed=st.integers(0, 1000))
def test_renders_after_edits_equal_fresh_renders(steps: list[tuple[str, int]], seed: int, block: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(led_format, "BLOCK", block)  # many blocks in a short rotation
    rng = random.Random(seed)
    items = [notice(n) for n in rng.sample(range(1, 200), 40)]
    kiosk, led = KioskChannel(ZoneInfo("Asia/Shanghai")), LedChannel()
    signs = [Sign(f"s{i}", "hall-hr", profile) for i, profile in enumerate(PROFILES)]
    previous: dict[str, Any] = {}
    for what, at in [("none", 0), *steps]:
        where = at % (len(items) + 1)
        if what == "insert":
            items.insert(where, notice(200 + at))
        elif what == "remove" and items:
            del items[where % len(items)]
        elif what == "revise" and items:
            old = items[where % len(items)]
            items[where % len(items)] = notice(old.id, old.revision + 1)
        elif what == "move" and items:
            items.insert(at % len(items), items.pop(where % len(items)))
        elif what == "many":
            rng.shuffle(items)
        rotation = Rotation(items=tuple(items), emergency=False)
        snap = kiosk.render(rotation, signs[0], NOW, None, previous.get("kiosk"))
        fresh = KioskChannel(ZoneInfo("Asia/Shanghai")).render(rotation, signs[0], NOW, None, None)
        assert (snap.body, snap.version) == (fresh.body, fresh.version)
        previous["kiosk"] = snap
        for sign in signs:
            snap = led.render(rotation, sign, NOW, None, previous.get(sign.id))
            fresh = LedChannel().render(rotation, sign, NOW, None, None)
            assert snap.body == fresh.body and snap.version.split("-")[1] == fresh.version.split("-")[1]
            got, want = snap.extra.fit, fresh.extra.fit
            assert (got.page_count, got.pages, got.facts, got.unencodable, got.warnings) == (
                want.page_count, want.pages, want.facts, want.unencodable, want.warnings)
            previous[sign.id] = snap


@given(st.lists(st.integers(0, 5), max_size=12), st.lists(st.integers(0, 5), max_size=12))
def test_shared_ends_are_common_and_do_not_overlap(old: list[int], new: list[int]) -> None:
    objects = [object() for _ in range(6)]
    a, b = [objects[i] for i in old], [objects[i] for i in new]
    head, tail = shared_ends(a, b)
    assert head + tail <= min(len(a), len(b))
    assert a[:head] == b[:head] and a[len(a) - tail:] == b[len(b) - tail:]
    assert head == min(len(a), len(b)) or a[head] is not b[head]


def test_same_bytes_keep_the_version_and_other_page_facts_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new revision with the same LED text keeps the sign's version (the blocks are
    compared one by one); the same bytes under another index number do not."""
    monkeypatch.setattr(led_format, "BLOCK", 5)
    items = [notice(n) for n in range(1, 41)]
    led, sign = LedChannel(), Sign("s1", "hall-hr", SignProfile())
    first = led.render(Rotation(items=tuple(items), emergency=False), sign, NOW, None, None)
    same_text = notice(17, 5, text=TEXTS[(17 + 1) % len(TEXTS)])
    items[16] = same_text
    second = led.render(Rotation(items=tuple(items), emergency=False), sign, NOW + timedelta(seconds=5), None, first)
    assert second.version == first.version and second.body == first.body
    renumbered = notice(17, 6, text=TEXTS[(17 + 1) % len(TEXTS)], index_no="007227429/2026-99999")
    items[16] = renumbered
    third = led.render(Rotation(items=tuple(items), emergency=False), sign, NOW + timedelta(seconds=9), None, second)
    assert third.body == first.body and third.version != first.version
