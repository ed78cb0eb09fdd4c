"""`publisher import notices` on 10,000 historical records: the goal is under 10 s.

Generates a JSON Lines file of ten years of records (categories, document kinds, a
repealed share, a withdrawn share, bodies of a few hundred characters), then imports it
into a fresh database twice: the first run writes everything, the second (the same
file again) must find every record unchanged. Each run is timed end to end from the
file on disk: reading, checking every line, looking up the index numbers, writing.
Prints each time and its ratio to the goal (below 1.0 meets it), and the CPU time of
this process (on a shared machine the wall time includes waiting for a core).

    python bench/import.py [--records 10000] [--database-url URL]

Without --database-url a fresh SQLite file in a temporary folder is used; for
PostgreSQL pass an empty database's URL (its tables are created, then filled).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publisher.channel_registry import builtin_registry  # noqa: E402
from publisher.services.imports import import_notices  # noqa: E402
from publisher.settings import load_settings  # noqa: E402
from publisher.store.engine import Database, make_engine  # noqa: E402
from publisher.store.migrate import upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 10.0
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
CATEGORIES = ["organization", "documents", "guides", "enforcement", "news", "other"]
PHRASES = ["社會保險費徵收", "每月18日大型招聘會", "醫療保險參保指南", "失業保險金申領", "12333熱線服務時間調整",
           "退休人員資格認證", "勞動保障監察投訴", "辦事大廳辦公時間"]


def generate(path: Path, count: int, seed: int = 2011) -> None:
    rng = random.Random(seed)
    per_year = count // 10 + 1
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            year, seq = 2011 + i // per_year, i % per_year + 1
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            kind = rng.choice(["rule", "normative", "other", "other", "other"])
            record = {
                "index_no": f"007227429/{year}-{seq:05d}",
                "published_at": f"{year}-{month:02d}-{day:02d}T{rng.randint(8, 17):02d}:00:00+08:00",
                "status": "live",
                "title": f"{rng.choice(PHRASES)}（{year}年第{seq}號）",
                "summary": rng.choice(PHRASES),
                "body": "\n\n".join(rng.choice(PHRASES) * 4 for _ in range(6)),
                "category": rng.choice(CATEGORIES),
                "meta": {"doc_number": f"江人社〔{year}〕{seq}號", "issuing_org": "江門市人力資源和社會保障局",
                         "issued_on": f"{year}-{month:02d}-{day:02d}", "doc_kind": kind,
                         "keywords": rng.sample(["招聘", "社保", "醫保", "就業", "培訓"], 2)},
            }
            if kind != "other" and rng.random() < 0.2:
                record["validity"] = "repealed"
                record["meta"]["repealed_on"] = f"{min(year + 3, 2026)}-06-30"  # type: ignore[index]
            if rng.random() < 0.05:
                record["status"] = "withdrawn"
                record["withdrawn_at"] = f"{min(year + 1, 2026)}-01-15T09:00:00+08:00"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


async def timed_import(url: str, path: Path) -> tuple[float, float, str]:
    settings = load_settings(ROOT / "config" / "default.toml", database={"url": url})
    db = Database(make_engine(url))
    try:
        await upgrade(db.engine)
        names = builtin_registry().names
        started, cpu = time.perf_counter(), time.process_time()
        with path.open(encoding="utf-8") as lines:
            report = await import_notices(db, settings, names, lines, path.name, NOW)
        return time.perf_counter() - started, time.process_time() - cpu, report.summary()
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.jsonl"
        generate(path, args.records)
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        print(f"{args.records} records, {path.stat().st_size / 1e6:.1f} MB, into {url.split(':')[0]}")
        for label in ("first import", "same file again"):
            seconds, cpu, summary = asyncio.run(timed_import(url, path))
            print(f"{label:16s} {seconds:6.2f} s  ratio to the {GOAL_S:.0f} s goal: {seconds / GOAL_S:.2f}"
                  f"  (CPU of this process {cpu:.2f} s)")
            print(f"                 {summary[:160]}")


if __name__ == "__main__":
    main()
