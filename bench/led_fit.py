"""Benchmarks for the LED channel (docs/led.md).

1. Fitting: fitted characters per second for a long mixed Chinese/ASCII notice
   (16x2 GB2312 by default).
2. Snapshots: a ContentQueue (no HTTP, no database) with 1,000 live notices and 50
   signs of mixed profiles in four halls: the time to compute every LED snapshot cold,
   then the time to recompute every one after a single notice changed (a new approved
   revision of a notice aimed at every hall, so every sign's feed changes).

Run: python3 bench/led_fit.py [--chars N] [--runs N] [--convert t2s]
                              [--notices N] [--signs N] [--only fit|snapshots]
"""

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere

import channels.led.fitting.wrap as led_wrap  # noqa: E402
from channels.led.fitting import SignProfile, crc16_arc, fit_text  # noqa: E402

SIMPLIFIED = [
    "关于调整社会保险业务办理时间的通知",
    "请携带身份证原件及复印件",
    "明日停水，请储水。",
    "就业服务大厅",
    "人力资源和社会保障局",
    "招聘会将于每月18日举行",
    "办理地点：三号窗口",
    "咨询电话：12333",
    "（节假日除外）",
    "“互联网+政务服务”",
    "失业保险金申领",
    "请勿插队！",
]
TRADITIONAL = [
    "關於調整社會保險業務辦理時間的通知",
    "請攜帶身分證正本及影本",
    "就業服務大廳",
    "人力資源和社會保障局",
    "臺灣居民來往大陸通行證",
    "門診報銷請至二樓櫃檯",
    "「線上申辦」服務",
]
ASCII = ["Wi-Fi", "9:00", "17:30", "GOV2024", "No.3", "PDF", "https://hrss.example.gov.cn", "A-12"]
PUNCTUATION = ["，", "。", "、", "；", "：", "！", "？", "……", "——", "《", "》", " ", "\n"]


def notice_text(chars: int, seed: int = 2024) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        pick = rng.random()
        if pick < 0.45:
            part = rng.choice(SIMPLIFIED)
        elif pick < 0.65:
            part = rng.choice(TRADITIONAL)
        elif pick < 0.8:
            part = rng.choice(ASCII) if rng.random() < 0.7 else str(rng.randint(1, 99999))
        else:
            part = rng.choice(PUNCTUATION)
        parts.append(part)
        size += len(part)
    return "".join(parts)[:chars]


def bench_fit(chars: int, runs: int, conversion: str) -> None:
    text = notice_text(chars)
    profile = SignProfile(cols=16, rows=2, encoding="gb2312", convert=conversion)
    best = float("inf")
    for _ in range(runs):
        led_wrap._SPANS.clear()  # no line breaks remembered from the run before
        start = time.perf_counter()
        result = fit_text(text, profile)
        best = min(best, time.perf_counter() - start)
    print(
        f"fit: {len(text):,} chars, 16x2 gb2312, convert={conversion}: {len(result.pages):,} pages, "
        f"best of {runs} {best * 1000:.1f} ms = {len(text) / best:,.0f} chars/s"
    )


# -- snapshots ------------------------------------------------------------------------

HALLS = ["hall-hr", "hall-si", "hall-market", "hall-pro"]
# A mix of boards as installed in the halls (see docs/led.md and publisher/demo.py).
PROFILES = [
    {"width_px": 128, "height_px": 32, "encoding": "gb2312", "convert": "t2s"},
    {"width_px": 192, "height_px": 32, "encoding": "gbk"},
    {"width_px": 128, "height_px": 32, "encoding": "big5"},
    {"width_px": 160, "height_px": 16, "encoding": "ascii", "unencodable": "drop", "mode": "scroll"},
    {"width_px": 256, "height_px": 64, "encoding": "gb18030", "width_model": "eaw"},
    {"width_px": 128, "height_px": 16, "encoding": "utf-8", "convert": "tw2s"},
]
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # Tuesday 09:00 in Asia/Shanghai


@dataclass
class Sign:
    """What the queue needs of a target; a registry Device has these and more."""

    id: str
    location: str
    settings: SignProfile
    last_version: str | None = None


def make_notice(i: int, rng: random.Random, revision: int = 1, led_text: str | None = None) -> Any:
    from publisher.store.live import live_notice

    title = "".join(rng.choice(SIMPLIFIED + TRADITIONAL) for _ in range(2))[:60]
    if led_text is None and rng.random() < 0.6:
        led_text = notice_text(rng.randint(10, 60), seed=i)
    pick = rng.random()
    locations = [] if pick < 0.6 else rng.sample(HALLS, 1 if pick < 0.85 else 2)
    schedule: dict[str, Any] = {}
    if rng.random() < 0.15:
        schedule["daily"] = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}]
    if rng.random() < 0.1:
        schedule["end"] = (NOW + timedelta(days=rng.randint(1, 60))).isoformat()
    content = {
        "title": title,
        "body": "正文" * 50,
        "category": rng.choice(["documents", "guides", "news", "other"]),
        "channels": ["portal", "kiosk", "led"],
        "locations": locations,
        "priority": "urgent" if rng.random() < 0.1 else "normal",
        "led_text": led_text,
        "schedule": schedule,
    }
    first_live = NOW - timedelta(days=rng.randint(1, 300), minutes=i)
    row = SimpleNamespace(id=i, index_no=f"007227429/2026-{i:05d}", number=revision, content=content,
                          first_live_at=first_live, live_since=first_live)
    return live_notice(row)


def bench_snapshots(notice_count: int, sign_count: int, runs: int) -> None:
    import channels.led.format as led_format
    from channels.led.format import LedChannel
    from publisher.queue import ContentQueue
    from publisher.settings import load_settings

    settings = load_settings(ROOT / "config" / "default.toml", database={"url": "sqlite+aiosqlite:///:memory:"})
    rng = random.Random(7)
    notices = [make_notice(i, rng) for i in range(1, notice_count + 1)]
    signs = [
        Sign(f"led-{i:02d}", HALLS[i % len(HALLS)], SignProfile.model_validate(PROFILES[i % len(PROFILES)]))
        for i in range(sign_count)
    ]
    everywhere = next(n for n in notices if not n.content.locations)

    render_time = [0.0]

    class TimedLedChannel(LedChannel):
        """Counts the LED rendering apart from the queue's own work (rotation, valid_until)."""

        def render(self, *args: Any) -> Any:
            start = time.perf_counter()
            try:
                return super().render(*args)
            finally:
                render_time[0] += time.perf_counter() - start

    def all_snapshots(queue: ContentQueue, at: datetime) -> tuple[float, float]:
        render_time[0] = 0.0
        start = time.perf_counter()
        for sign in signs:
            queue.snapshot("led", sign, at)
        return time.perf_counter() - start, render_time[0]

    colds: list[tuple[float, float]] = []
    changes: list[tuple[float, float]] = []
    for run in range(runs):
        # every run cold: the fits memoised per (text, profile) and the shared line breaks too
        led_format._TEXT_FITS.clear()
        led_wrap._SPANS.clear()
        queue = ContentQueue(settings)
        queue.channels["led"] = TimedLedChannel(settings.tz)
        queue.replace_all(notices)
        colds.append(all_snapshots(queue, NOW))
        before = {s.id: queue.cached("led", s.id) for s in signs}
        # one change: a new approved revision of a notice aimed at every hall
        content = everywhere.content.model_copy(update={"led_text": f"第{run}次修订 Notice {run}: 明日停水，请储水。"})
        changed = replace(everywhere, revision=everywhere.revision + 1 + run, content=content)
        queue.put(changed.id, changed)
        changes.append(all_snapshots(queue, NOW + timedelta(seconds=1)))
        after = {s.id: queue.cached("led", s.id) for s in signs}
        same = [k for k in after if after[k].version == before[k].version]
        assert not same, f"every sign should see the change: {same} {[before[k].version for k in same]}"
        assert all(snap.extra.crc == crc16_arc(snap.body) for snap in after.values())  # combined CRCs are right

    groups = len({(s.location, s.settings.model_dump_json()) for s in signs})
    pages = sum(len(queue.cached("led", s.id).extra.pages) for s in signs)
    body = sum(len(queue.cached("led", s.id).body) for s in signs)
    (cold, cold_led), (change, change_led) = min(colds), min(changes)
    print(
        f"snapshots: {notice_count:,} live notices, {sign_count} signs ({len(PROFILES)} profiles, "
        f"{len(HALLS)} halls, {groups} distinct rotations), {pages:,} pages, {body / 1e6:.1f} MB of feed.txt; "
        f"best of {runs}:"
    )
    print(f"  cold, every snapshot:        {cold * 1000:8.1f} ms  ({cold / sign_count * 1000:.2f} ms a sign; "
          f"LED rendering {cold_led * 1000:.1f} ms, the queue's rotation and valid_until the rest)")
    print(f"  after one change, every one: {change * 1000:8.1f} ms  ({change / sign_count * 1000:.2f} ms a sign; "
          f"LED rendering {change_led * 1000:.1f} ms)  = {change / cold:.1%} of cold")
    if runs > 1:
        print(f"  medians: cold {statistics.median(c for c, _ in colds) * 1000:.1f} ms, "
              f"after one change {statistics.median(c for c, _ in changes) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--convert", default="none", choices=["none", "t2s", "tw2s", "hk2s"])
    parser.add_argument("--notices", type=int, default=1_000)
    parser.add_argument("--signs", type=int, default=50)
    parser.add_argument("--only", choices=["fit", "snapshots"])
    args = parser.parse_args()
    if args.only != "snapshots":
        bench_fit(args.chars, args.runs, args.convert)
    if args.only != "fit":
        bench_snapshots(args.notices, args.signs, args.runs)


if __name__ == "__main__":
    main()
