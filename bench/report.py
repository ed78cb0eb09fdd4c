"""The yearly report over a bureau's history: how long `GET /api/v1/reports/{year}`'s
work takes (reading the records and computing every table) for 10,000 notices over ten
years and 2,000 requests, on a throw-away SQLite database (or an empty one given by --database).

Goal: under 1 s for a report (it runs on a staff click and in `publisher report`);
the event loop is never blocked by the computation itself (it runs in the executor).
The CPU time printed (all threads of the process) is what other load on a shared
machine disturbs least.

    python bench/report.py [--notices 10000] [--requests 2000] [--rounds 3] [--database URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert

from publisher.services.reports import ReportService
from publisher.settings import load_settings
from publisher.store.engine import Database, make_engine
from publisher.store.migrate import upgrade
from publisher.store.tables import disclosure_requests, notices, revisions, users

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("organization", "documents", "guides", "enforcement", "news", "other")
OUTCOMES = ("disclosed", "partly", "withheld.process", "unavailable.not_held", "not_processed.repeat")
KINDS = ("person", "business", "research", "nonprofit", "legal_service", "other")


async def fill(db: Database, n_notices: int, n_requests: int) -> None:
    now = datetime(2026, 1, 5, tzinfo=timezone.utc)
    start = datetime(2016, 1, 1, 2, tzinfo=timezone.utc)
    async with db.write() as conn:
        author = (await conn.execute(insert(users).values(
            username="bench", password_hash="x", roles=["editor"], disabled=False, session_epoch=0,
            created_at=now).returning(users.c.id))).scalar_one()
        rows, revs = [], []
        for i in range(n_notices):
            first = start + timedelta(hours=i * 87600 // max(n_notices, 1))
            kind = ("rule", "normative", "other", "other")[i % 4]
            meta = {"doc_kind": kind, "issued_on": (first.date() - timedelta(days=5)).isoformat(), "keywords": []}
            if kind != "other" and i % 7 == 0:
                meta |= {"validity": "repealed", "repealed_on": (first.date() + timedelta(days=400)).isoformat()}
            rows.append(dict(id=i + 1, status="live", category=CATEGORIES[i % 6], title=f"n{i}",
                             live_revision_id=i + 1, created_by=author, created_at=first, updated_at=first,
                             first_live_at=first, live_since=first))
            revs.append(dict(id=i + 1, notice_id=i + 1, number=1, state="approved", authors=[author], review_round=1,
                             current_step=0, created_at=first, updated_at=first, approved_at=first, content={
                                 "title": f"n{i}", "body": "正文" * 400, "category": CATEGORIES[i % 6],
                                 "channels": ["portal", "kiosk"], "meta": meta}))
        await conn.execute(insert(notices), rows)
        await conn.execute(insert(revisions), revs)
        reqs = []
        for i in range(n_requests):
            received = date(2016, 1, 4) + timedelta(days=i * 3650 // max(n_requests, 1))
            replied = received + timedelta(days=20) if i % 10 else None
            reqs.append(dict(tracking_no=f"B{i:06d}", received_at=now, received_on=received, channel="post",
                             applicant_kind=KINDS[i % 6], status="replied" if replied else "open",
                             deadline_on=received + timedelta(days=28), outcome=OUTCOMES[i % 5] if replied else None,
                             replied_on=replied, created_at=now))
        await conn.execute(insert(disclosure_requests), reqs)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = load_settings(ROOT / "config" / "default.toml", database={"url": url}, data_dir=tmp)
        db = Database(make_engine(url))
        await upgrade(db.engine)
        await fill(db, args.notices, args.requests)
        service = ReportService(db, settings)
        now = datetime.now(timezone.utc)
        times, cpu = [], []
        for _ in range(args.rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            report = await service.view(2025, now)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)  # every thread of the process (aiosqlite's too)
        await db.close()
    print(f"{args.notices} notices, {args.requests} requests: report of 2025 in "
          f"median {statistics.median(times):.3f} s (best {min(times):.3f} s, {args.rounds} rounds), "
          f"CPU {statistics.median(cpu):.3f} s; "
          f"proactive {report['proactive_total']}, requests new {report['table3']['new']['total']}; goal < 1 s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", help="an empty database's URL (default: SQLite in a temporary folder)")
    asyncio.run(main(parser.parse_args()))
