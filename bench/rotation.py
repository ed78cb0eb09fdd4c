"""Rotation and snapshot cost: 10,000 live notices, 200 devices.

Builds the content queue in memory (no HTTP, no database) with a realistic mix of
schedules (plain, ending, daily windows, monthly recurrences), priorities, channels and
locations, then times:

  cold      every device's snapshot from empty caches (a restart)
  change    every snapshot again after one notice changed (an approval)
  change*   the same for a notice aimed at every location on kiosks and signs (the worst case)
  boundary  every snapshot again after the clock passed one notice's schedule edge

Each row gives the wall clock and the process CPU time (which other load on a shared
machine disturbs less), and the ratio goal / CPU time against issue 14's goals
(cold < 1 s, one change < 20 ms, unchanged < 1 ms).

    python bench/rotation.py [--notices 10000] [--kiosks 150] [--signs 50] [--varied-texts]

The standard mix draws titles and LED texts from eight phrases (as halls repeat standard
wording); --varied-texts gives every notice texts of its own, longer bodies included.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from channels.kiosk.format import KioskChannel  # noqa: E402
from channels.led.fitting import SignProfile  # noqa: E402
from channels.led.format import LedChannel  # noqa: E402
from publisher.domain.live import LiveNotice  # noqa: E402
from publisher.domain.notices import NoticeIn  # noqa: E402
from publisher.queue import ContentQueue  # noqa: E402
from publisher.settings import load_settings  # noqa: E402
from publisher.store.live import live_notice  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOCATIONS = ["hall-hr", "hall-si", "hall-market", "hall-pro"]
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
PHRASES = ["社會保險費徵收", "每月18日大型招聘會", "醫療保險參保指南", "失業保險金申領", "12333熱線服務時間調整",
           "退休人員資格認證", "勞動保障監察投訴", "辦事大廳辦公時間"]


def schedule(rng: random.Random) -> dict:
    kind = rng.random()
    start = NOW - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
    if kind < 0.6:
        return {"start": start.isoformat()}
    if kind < 0.8:
        return {"start": start.isoformat(), "end": (NOW + timedelta(minutes=rng.randint(1, 60 * 24 * 30))).isoformat()}
    if kind < 0.9:
        return {"start": start.isoformat(),
                "daily": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}]}
    return {"start": start.isoformat(),
            "recurrence": {"rrule": f"FREQ=MONTHLY;BYMONTHDAY={rng.randint(1, 28)}", "duration": "P3D"}}


def notice_content(i: int, rng: random.Random) -> dict:
    """One notice's content (NoticeIn as JSON) of the realistic mix."""
    phrase = rng.choice(PHRASES)
    return NoticeIn.model_validate({
        "title": f"{phrase}（第{i}號）",
        "body": f"{phrase}。" * rng.randint(3, 30),
        "category": rng.choice(["documents", "guides", "news", "other"]),
        "channels": rng.choice([["portal", "kiosk", "led"], ["kiosk", "led"], ["portal", "kiosk"], ["led"]]),
        "locations": rng.choice([[], [], [rng.choice(LOCATIONS)]]),
        # no emergencies: one would (rightly) empty every other rotation of its location
        "priority": rng.choices(["normal", "urgent"], [0.9, 0.1])[0],
        "led_text": f"{phrase}，請留意" if rng.random() < 0.5 else None,
        "schedule": schedule(rng),
    }).model_dump(mode="json")


# --varied-texts: no shared phrases. Every title, body and LED text is its own random
# text, so no LED fit or line break can be shared between notices (the worst case for
# the fit memo; real halls sit between the two).
POOL = ("社會保險費徵收每月大型招聘會醫療參保指南失業金申領熱線服務時間調整退休人員資格認證勞動保障監察投訴辦事大廳"
        "辦公關於做好年度工作的通知各單位須於前完成申報逾期未依法處理城鎮職工基本範圍繳費標準待遇享受和流程本市行政"
        "區域內用人及其地點窗口身份證原件取號網上登錄自起人工日至其餘時段提供自助語音如需業務請攜帶特此公告颱風紅色"
        "預警今下午停止在廳民聽從指引有序離開預計明上午恢復靈活就業登記綜合樓只局")
PUNCT = "，。、；：（）"


def varied_text(rng: random.Random, shortest: int, longest: int) -> str:
    return "".join(rng.choice(PUNCT) if rng.random() < 0.08 else rng.choice(POOL)
                   for _ in range(rng.randint(shortest, longest)))


def varied_content(i: int, rng: random.Random) -> dict:
    """Like notice_content, with every text its own."""
    return NoticeIn.model_validate({
        "title": f"{varied_text(rng, 8, 30)}（第{i}號）",
        "body": varied_text(rng, 30, 400),
        "category": rng.choice(["documents", "guides", "news", "other"]),
        "channels": rng.choice([["portal", "kiosk", "led"], ["kiosk", "led"], ["portal", "kiosk"], ["led"]]),
        "locations": rng.choice([[], [], [rng.choice(LOCATIONS)]]),
        "priority": rng.choices(["normal", "urgent"], [0.9, 0.1])[0],
        "led_text": varied_text(rng, 6, 40) if rng.random() < 0.5 else None,
        "schedule": schedule(rng),
    }).model_dump(mode="json")


def build_notices(count: int, rng: random.Random, varied: bool = False) -> list:
    notices = []
    content = varied_content if varied else notice_content
    for i in range(1, count + 1):
        row = SimpleNamespace(id=i, index_no=f"007227429/2026-{i:05d}", number=1, content=content(i, rng),
                              first_live_at=NOW - timedelta(days=90), live_since=NOW - timedelta(days=90))
        notices.append(live_notice(row))
    return notices


def devices(kiosks: int, signs: int) -> list[tuple[str, SimpleNamespace]]:
    profiles = [SignProfile(), SignProfile(width_px=192, encoding="gbk"), SignProfile(encoding="big5"),
                SignProfile(encoding="gb2312", convert="t2s")]
    out = [("kiosk", SimpleNamespace(id=f"k{i}", location=LOCATIONS[i % 4])) for i in range(kiosks)]
    out += [("led", SimpleNamespace(id=f"s{i}", location=LOCATIONS[i % 4], settings=profiles[i % 4]))
            for i in range(signs)]
    return out


GOALS_MS = {"cold": 1000.0, "unchanged": 1.0, "one change": 20.0, "one change*": 20.0}


def recompute_all(queue: ContentQueue, targets: list, now: datetime) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to get every device's snapshot."""
    started, cpu = time.perf_counter(), time.process_time()
    for channel, target in targets:
        queue.snapshot(channel, target, now)
    return time.perf_counter() - started, time.process_time() - cpu


def edited(notice: LiveNotice, revision: int) -> LiveNotice:
    content = notice.content.model_copy(update={"title": notice.content.title + "（更新）",
                                                "led_text": (notice.content.led_text or "") + "（更新）"})
    return replace(notice, revision=revision, content=content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--kiosks", type=int, default=150)
    parser.add_argument("--signs", type=int, default=50)
    parser.add_argument("--varied-texts", action="store_true",
                        help="every title, body and LED text its own random text (no shared phrases)")
    args = parser.parse_args()
    rng = random.Random(20261201)
    settings = load_settings(ROOT / "config" / "default.toml")

    t0 = time.perf_counter()
    notices = build_notices(args.notices, rng, args.varied_texts)
    built = time.perf_counter() - t0
    targets = devices(args.kiosks, args.signs)
    queue = ContentQueue(settings)
    queue.channels["kiosk"] = KioskChannel(settings.tz)
    queue.channels["led"] = LedChannel()
    queue.replace_all(notices)

    cold = recompute_all(queue, targets, NOW)
    warm = recompute_all(queue, targets, NOW)  # nothing changed: dictionary look-ups

    changed = notices[rng.randrange(len(notices))]
    content = changed.content.model_copy(update={"title": changed.content.title + "（更新）"})
    queue.put(changed.id, replace(changed, revision=2, content=content))
    change = recompute_all(queue, targets, NOW + timedelta(seconds=1))
    everywhere = next(n for n in notices if {"kiosk", "led"} <= set(n.content.channels) and not n.content.locations
                      and any(i is n for i in queue.rotation("kiosk", LOCATIONS[0], NOW + timedelta(seconds=1)).items))
    queue.put(everywhere.id, edited(everywhere, 2))
    change_all = recompute_all(queue, targets, NOW + timedelta(seconds=2))

    edges = [queue.boundary(n, NOW) for n in queue.live.values()]
    first_edge = min(e for e in edges if e is not None)
    boundary = recompute_all(queue, targets, first_edge)

    rotations = {(c, t.location): len(queue.rotation(c, t.location, first_edge).items) for c, t in targets}
    print(f"{args.notices} live notices, {len(targets)} devices ({args.kiosks} kiosks, {args.signs} LED signs); "
          f"building the notices took {built:.2f} s")
    print(f"rotation sizes: {dict(sorted(rotations.items()))}")
    print(f"{'what':<13}{'wall ms':>10}{'CPU ms':>10}{'per device ms':>15}{'goal ms':>9}{'goal/CPU':>10}")
    rows = [("cold", cold), ("unchanged", warm), ("one change", change), ("one change*", change_all),
            ("boundary", boundary)]
    for name, (seconds, cpu) in rows:
        goal = GOALS_MS.get(name)
        judged = f"{goal:>9.0f}{goal / max(cpu * 1000, 1e-3):>10.2f}" if goal else ""
        print(f"{name:<13}{seconds * 1000:>10.1f}{cpu * 1000:>10.1f}{seconds * 1000 / len(targets):>15.3f}{judged}")
    print(f"one change / cold = {change[0] / cold[0]:.3f} (wall)")


if __name__ == "__main__":
    main()
