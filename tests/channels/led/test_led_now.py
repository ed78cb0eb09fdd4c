"""now.txt: the page on the board right now, a pure function of rotation and instant
(docs/led.md section 7; issue item 4: synchronised boards)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from conftest import publish
from led_http_helpers import EPOCH, add_sign, feed, fetch

from publisher.app import create_app

TEXTS = ["明日停水，请储水。", "1F办理（三号窗口）请排队等候叫号", "Wi-Fi: GOV2024"]


def cycle_start(at: datetime, dwells: list[float]) -> datetime:
    """The first instant after `at` when the rotation begins again (whole µs); the tests
    move the clock forward only, as a real clock does."""
    cycle = sum(round(d * 1_000_000) for d in dwells)
    micros = (at - EPOCH) // timedelta(microseconds=1)
    return at + timedelta(microseconds=cycle - micros % cycle)


async def _page(client, sign_id: str, token: str) -> tuple[bytes, str, str, str]:
    resp = await fetch(client, sign_id, token, "now.txt")
    assert resp.status == 200
    return await resp.read(), resp.headers["X-LED-Page"], resp.headers["Cache-Control"], resp.headers["ETag"]


async def test_two_boards_in_one_hall_show_the_same_page_at_the_same_moment(client, staff, clock) -> None:
    a = await add_sign(client, staff, "hall-a", "hall-hr")
    b = await add_sign(client, staff, "hall-b", "hall-hr")
    for text in TEXTS:
        await publish(client, staff, led_text=text)
    doc = await feed(client, "hall-a", a)
    pages = [base64.b64decode(p["bytes_b64"]) for p in doc["pages"]]
    dwells = [p["dwell_s"] for p in doc["pages"]]
    assert len(pages) >= 3
    start = cycle_start(clock(), dwells)
    # walk two whole cycles in uneven steps (whole µs); both boards agree with the rotation
    lengths = [round(d * 1_000_000) for d in dwells]
    for offset in range(0, 2 * sum(lengths), 1_700_000):
        clock.set(start + timedelta(microseconds=offset))
        shown_a = await _page(client, "hall-a", a)
        shown_b = await _page(client, "hall-b", b)
        assert shown_a[:3] == shown_b[:3]
        position = offset % sum(lengths)
        index = 0
        while position >= lengths[index]:
            position -= lengths[index]
            index += 1
        assert shown_a[0] == pages[index]
        assert shown_a[1] == f"{index + 1}/{len(pages)}"
        # max-age: whole seconds until the page changes, never past it
        assert shown_a[2] == f"max-age={(lengths[index] - position) // 1_000_000}"


async def test_max_age_counts_down_to_the_change(client, staff, clock) -> None:
    token = await add_sign(client, staff, "s1")
    await publish(client, staff, led_text="明日停水，请储水。")  # one page of 4.25 s
    await publish(client, staff, led_text="Wi-Fi")  # one page of 3 s (min_s)
    dwells = [p["dwell_s"] for p in (await feed(client, "s1", token))["pages"]]
    assert dwells == [4.25, 3.0]
    start = cycle_start(clock(), dwells)
    for offset, page, max_age in [(0, "1/2", 4), (0.25, "1/2", 4), (0.26, "1/2", 3), (3.3, "1/2", 0),
                                  (4.249999, "1/2", 0), (4.25, "2/2", 3), (7.0, "2/2", 0), (7.25, "1/2", 4)]:
        clock.set(start + timedelta(seconds=offset))
        _, shown, cache_control, _ = await _page(client, "s1", token)
        assert (shown, cache_control) == (page, f"max-age={max_age}"), offset


async def test_max_age_never_runs_past_a_schedule_edge(client, staff, clock) -> None:
    token = await add_sign(client, staff, "s1", dwell={"base_s": 20})
    clock.set(cycle_start(clock(), [15.0]))  # the one page below stays 15 s (max_s)
    end = clock() + timedelta(seconds=2, milliseconds=500)
    await publish(client, staff, led_text="今日停水", schedule={"end": end.isoformat()})
    assert [p["dwell_s"] for p in (await feed(client, "s1", token))["pages"]] == [15.0]
    body, _, cache_control, _ = await _page(client, "s1", token)
    assert body and cache_control == "max-age=2"  # not 15: the notice ends in 2.5 s
    clock.set(end)
    body, page, _, _ = await _page(client, "s1", token)
    assert body == b"" and page == "0/0"


async def test_page_etag_and_304(client, staff, clock) -> None:
    token = await add_sign(client, staff, "s1")
    await publish(client, staff, led_text="明日停水，请储水。")
    await publish(client, staff, led_text="Wi-Fi")
    doc = await feed(client, "s1", token)
    start = cycle_start(clock(), [p["dwell_s"] for p in doc["pages"]])
    clock.set(start)
    first = await fetch(client, "s1", token, "now.txt")
    etag = first.headers["ETag"]
    assert etag == f'"{doc["version"]}-p1"'
    clock.set(start + timedelta(seconds=1))
    same = await fetch(client, "s1", token, "now.txt", **{"If-None-Match": etag})
    assert same.status == 304 and same.headers["Cache-Control"] == "max-age=3"
    clock.set(start + timedelta(seconds=5))
    turned = await fetch(client, "s1", token, "now.txt", **{"If-None-Match": etag})
    assert turned.status == 200 and turned.headers["ETag"] == f'"{doc["version"]}-p2"'
    assert await turned.read() == b"Wi-Fi\r\n"


async def test_the_page_does_not_depend_on_the_process(client, staff, clock, settings, aiohttp_client) -> None:
    """A restarted (or second) instance shows the same page at the same instant."""
    token = await add_sign(client, staff, "s1")
    for text in TEXTS:
        await publish(client, staff, led_text=text)
    clock.advance(seconds=12345.678)
    here = await _page(client, "s1", token)
    other = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    there = await _page(other, "s1", token)
    assert here[:3] == there[:3]
