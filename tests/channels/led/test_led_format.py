"""LedChannel.render without HTTP: versions, reuse of work, and the assembled bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import channels.led.format as led_format
from channels.led.fitting import CODECS, SignProfile, crc16_arc, feed_txt
from channels.led.format import LedChannel, assemble, notice_fit
from publisher.domain.rotation import Rotation
from publisher.store.live import live_notice

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


@dataclass
class Sign:
    id: str
    location: str
    settings: SignProfile
    last_version: str | None = None


def notice(nid: int, led_text: str, revision: int = 1, **content: Any) -> Any:
    # Text fields refuse control characters (issue 9); the fitter gets what may be stored.
    from publisher.domain.text import FORBIDDEN

    led_text = FORBIDDEN.sub("", led_text)
    row = SimpleNamespace(
        id=nid, index_no=f"007227429/2026-{nid:05d}", number=revision,
        content={"title": f"公告{nid}", "category": "news", "led_text": led_text, **content},
        first_live_at=NOW - timedelta(days=1), live_since=NOW - timedelta(days=1),
    )
    return live_notice(row)


def rotation(*notices: Any, emergency: bool = False) -> Rotation:
    return Rotation(items=tuple(notices), emergency=emergency)


def seq(version: str) -> int:
    return int(version.split("-")[0])


def test_version_is_seq_and_crc_and_seq_only_grows() -> None:
    channel = LedChannel()
    sign = Sign("s1", "hall-hr", SignProfile())
    a, b = notice(1, "明日停水"), notice(2, "明日停电")
    first = channel.render(rotation(a), sign, NOW, None, None)
    assert first.version == f"{int(NOW.timestamp())}-{crc16_arc(first.body):04X}"
    second = channel.render(rotation(a, b), sign, NOW, None, first)
    assert seq(second.version) == seq(first.version) + 1  # same second: one past the last
    third = channel.render(rotation(a), sign, NOW + timedelta(hours=1), None, second)
    assert seq(third.version) == int((NOW + timedelta(hours=1)).timestamp())
    assert third.version.split("-")[1] == first.version.split("-")[1] and third.version != first.version
    # a clock that went back does not take seq back
    fourth = channel.render(rotation(a, b), sign, NOW, None, third)
    assert seq(fourth.version) == seq(third.version) + 1


def test_after_a_restart_seq_continues_past_the_version_the_sign_was_given() -> None:
    ahead = f"{int(NOW.timestamp()) + 500}-ABCD"  # many changes ran seq ahead of the clock
    sign = Sign("s1", "hall-hr", SignProfile(), last_version=ahead)
    snap = LedChannel().render(rotation(notice(1, "明日停水")), sign, NOW, None, None)
    assert seq(snap.version) == int(NOW.timestamp()) + 501


def test_same_bytes_and_facts_keep_the_version() -> None:
    channel = LedChannel()
    sign = Sign("s1", "hall-hr", SignProfile())
    a = notice(1, "明日停水")
    first = channel.render(rotation(a), sign, NOW, None, None)
    # a new revision that changed only the body: same LED text, same version
    edited = notice(1, "明日停水", revision=2, body="新的正文")
    again = channel.render(rotation(edited), sign, NOW + timedelta(minutes=1), None, first)
    assert again.version == first.version and again.extra.generated_at == first.extra.generated_at
    # the same bytes from another notice are a change (feed.json names the notice)
    other = channel.render(rotation(notice(2, "明日停水")), sign, NOW, None, again)
    assert other.body == first.body and other.version != first.version
    # the emergency flag alone is a change (feed.alpha writes another file)
    urgent = channel.render(rotation(notice(2, "明日停水"), emergency=True), sign, NOW, None, other)
    assert urgent.version != other.version


def test_a_change_refits_one_notice_and_signs_share_a_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = led_format.fit_text

    def counting(text: str, profile: SignProfile) -> Any:
        calls.append(text)
        return real(text, profile)

    monkeypatch.setattr(led_format, "fit_text", counting)
    channel = LedChannel()
    profile = SignProfile(convert="t2s")
    signs = [Sign(f"s{i}", "hall-hr", profile) for i in range(5)] + [Sign("wide", "hall-hr", SignProfile(cols=24))]
    notices = [notice(i, f"第{i}則通知") for i in range(1, 101)]
    snaps = {s.id: channel.render(rotation(*notices), s, NOW, None, None) for s in signs}
    assert len(calls) == 200  # each notice once per distinct profile
    assert len({id(snaps[f"s{i}"].extra.fit) for i in range(5)}) == 1  # one assembled rotation, shared
    calls.clear()
    notices[40] = notice(41, "第41則通知（已更正）", revision=2)
    for s in signs:
        snaps[s.id] = channel.render(rotation(*notices), s, NOW, None, snaps[s.id])
    assert calls == ["第41則通知（已更正）"] * 2
    body = snaps["s0"].body
    assert "\x0c第41则通知（已更\r\n正）\r\n\x0c" in body.decode("gb2312")
    assert snaps["s0"].extra.crc == crc16_arc(body)


TEXT = st.text(
    alphabet=st.sampled_from(list("明日停水，请储。臺灣門診（三號窗口）ABC xyz-09:!?\n\x0c\t\r\x00\x1b\u200b\ufeff€")),
    max_size=40,
)
PROFILE = st.builds(
    SignProfile,
    encoding=st.sampled_from(sorted(CODECS)),
    cols=st.integers(2, 20),
    rows=st.integers(1, 3),
    unencodable=st.sampled_from(["replace", "drop"]),
    mode=st.sampled_from(["page", "scroll"]),
    convert=st.sampled_from(["none", "t2s"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, max_size=8), PROFILE)
def test_assembled_rotation_bytes(texts: list[str], profile: SignProfile) -> None:
    """The rotation's body, built from cached per-notice parts with a combined CRC, is
    feed_txt of all its pages: it decodes in the sign's encoding and carries no control
    byte but CR, LF and FF."""
    parts = [notice_fit(notice(i + 1, t), profile) for i, t in enumerate(texts)]
    fit = assemble(parts)
    pages = [p.page for p in fit.pages]
    assert fit.body == feed_txt(pages, profile)
    assert fit.crc == crc16_arc(fit.body)
    assert fit.body.decode(profile.codec) == "\x0c".join("".join(line + "\r\n" for line in p.lines) for p in pages)
    assert all(byte >= 0x20 and byte != 0x7F or byte in b"\r\n\x0c" for byte in fit.body)
    assert not fit.body.startswith(b"\xef\xbb\xbf")
    assert [p.notice_id for p in fit.pages] == [
        i + 1 for i, part in enumerate(parts) for _ in part.pages
    ]


def test_profile_change_changes_the_version() -> None:
    channel = LedChannel()
    a = notice(1, "明日停水")
    first = channel.render(rotation(a), Sign("s1", "hall-hr", SignProfile()), NOW, None, None)
    wider = channel.render(rotation(a), Sign("s1", "hall-hr", SignProfile(width_px=192)), NOW, None, first)
    assert wider.body == first.body and wider.version != first.version
    assert wider.headers["X-LED-Geometry"] == "24x2"


def test_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(led_format, "MAX_NOTICE_FITS", 10)
    monkeypatch.setattr(led_format, "MAX_ROTATION_FITS", 3)
    channel = LedChannel()
    sign = Sign("s1", "hall-hr", SignProfile())
    previous = None
    for i in range(1, 30):
        previous = channel.render(rotation(notice(i, f"第{i}則")), sign, NOW, None, previous)
    assert all(len(fits) <= 10 for fits, _ in channel._objects.values()) and len(channel._rotations) <= 3
    assert previous is not None and previous.body == "第29□\r\n".encode("gb2312")  # 則 is not in GB2312


def test_prepare_fits_step_by_step_and_the_render_then_fits_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The warming pass drives `prepare` a notice per step; the render that follows finds
    every fit cached, and its bytes equal a render from nothing."""
    fitted: list[int] = []
    real = led_format.notice_fit
    monkeypatch.setattr(led_format, "notice_fit", lambda n, p: fitted.append(n.id) or real(n, p))
    items = rotation(*(notice(i, f"第{i}則通知，請留意") for i in range(1, 6)))
    sign = Sign("s1", "hall-hr", SignProfile())
    channel = LedChannel()
    steps = channel.prepare(items, sign)
    next(steps)
    assert fitted == [1]  # one notice per step
    assert len(list(steps)) == 4 and fitted == [1, 2, 3, 4, 5]
    snap = channel.render(items, sign, NOW, None, None)
    assert fitted == [1, 2, 3, 4, 5]
    assert snap.body == LedChannel().render(items, sign, NOW, None, None).body
