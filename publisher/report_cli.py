"""`publisher report --year Y [--format html|csv|json] [--out PATH]`: the yearly report
as staff see it (the published one for a published year, else computed from the data
now), written to standard output or a file. A year without data gives zeros."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from publisher.services.report_formats import as_csv, as_html
from publisher.settings import Settings


async def _view(settings: Settings, year: int) -> dict[str, Any]:
    from publisher.services.reports import ReportService, check_year
    from publisher.store.engine import Database, make_engine
    from publisher.store.migrate import upgrade

    check_year(year)
    db = Database(make_engine(settings.database.url))
    try:
        await upgrade(db.engine)
        return await ReportService(db, settings).view(year, datetime.now(timezone.utc))
    finally:
        await db.close()


def render(report: dict[str, Any], fmt: str, settings: Settings) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return as_csv(report, settings.category_name)
    return as_html(report, settings.category_name)


def report_command(settings: Settings, args: argparse.Namespace) -> int:
    report = asyncio.run(_view(settings, args.year))
    text = render(report, args.format, settings)
    if args.out:
        # CSV with a byte-order mark so that spreadsheet programs read the Chinese labels.
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        Path(args.out).write_text(text, encoding=encoding, newline="")
        print(f"report of {args.year} ({report['state']}) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
