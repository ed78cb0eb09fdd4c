"""The portal's per-request work at 100,000 notices, without HTTP: the sitemap's entries,
a filtered catalog page (the first ever, the next, and the first after a change of the
live set),
and a notice's conversion to Simplified Chinese (first view of a revision, then cached).
Beside them, the record the catalog already sorts on every request (public_record), as
the yardstick: the portal's additions should stay at or under it.

    python bench/portal_record.py [--notices 100000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from channels.portal import catalog_filter  # noqa: E402
from channels.portal.select import public_record  # noqa: E402
from channels.portal.sitemap import _entries  # noqa: E402
from publisher.domain.live import LiveNotice  # noqa: E402
from publisher.domain.markup import render_body  # noqa: E402
from publisher.domain.notices import NoticeIn  # noqa: E402
from publisher.i18n_content import SimplifiedLive  # noqa: E402


def notices(count: int) -> list[LiveNotice]:
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    body = "各級機關事業單位：\n\n" + "為進一步做好養老保險制度改革工作，現將有關事項通知如下。" * 40
    out = []
    for i in range(count):
        content = NoticeIn(title=f"關於做好機關事業單位養老保險工作的通知（第{i}號）", category="news",
                           channels=["portal"], body=body, summary="機關事業單位養老保險")
        when = start + timedelta(minutes=i)
        out.append(LiveNotice(i, f"X/{i}", 1, content, when, when, render_body(body) if i < 100 else "", ""))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    live = notices(args.notices)
    tz = ZoneInfo("Asia/Shanghai")
    fake: Any = type("Request", (), {"app": {}})()
    for run in range(args.rounds):
        t = time.perf_counter()
        record = public_record(live, datetime(2100, 1, 1, tzinfo=timezone.utc))
        yardstick = time.perf_counter() - t
        t = time.perf_counter()
        size = sum(len(line) for line in _entries(fake, [], record))
        sitemap = time.perf_counter() - t
        facets = catalog_filter.Facets(tz)
        query = catalog_filter.parse([("year", "2020"), ("size", "20"), ("page", "50")])
        t = time.perf_counter()
        catalog_filter.select(record, query, "本局", facets, key=run)
        first = time.perf_counter() - t
        t = time.perf_counter()
        catalog_filter.select(record, query, "本局", facets, key=run)
        then = time.perf_counter() - t
        t = time.perf_counter()  # the live set moved (a new key): facets kept, the view rebuilt
        catalog_filter.select(record, query, "本局", facets, key=("moved", run))
        moved = time.perf_counter() - t
        cache = SimplifiedLive()
        t = time.perf_counter()
        for n in live[:100]:
            cache.get(n)
        miss = (time.perf_counter() - t) / 100
        t = time.perf_counter()
        for n in live[:100]:
            cache.get(n)
        hit = (time.perf_counter() - t) / 100
        print(f"round {run + 1}: public_record (yardstick) {ms(yardstick)}; sitemap entries {ms(sitemap)} "
              f"({size / 1e6:.1f} MB); filtered catalog page: first ever {ms(first)}, same record {ms(then)}, "
              f"after a live-set change {ms(moved)}; "
              f"zh-Hans notice first {miss * 1000:.2f} ms, cached {hit * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
