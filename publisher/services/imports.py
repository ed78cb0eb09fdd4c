"""`publisher import notices`: a bureau's historical records, brought in as they were.

All or nothing: every line is checked first (publisher.domain.imports.parse_line, the
same NoticeIn and schedule evaluation a write through the API runs), then checked against
the record (an index number already used by a notice written here, or imported before
with other content, is refused), and only then written, in one transaction. The first
bad line stops the import with its number and field; nothing is written.

Idempotent: a line whose index number was imported before with the same content, state
and dates is counted `unchanged` and not touched, so re-importing a file changes nothing.

Imported notices are kept as given (index number, publication and withdrawal dates),
never go through review, and carry one `import` event in their history (the file and
line in its details). The year's index sequence (index_sequences) moves on past the
highest imported number that follows the configured template. A live import bumps the
data revision once, so a running service reloads its live set at its next reconcile.

Inserts are batched (executemany, ids returned in order), so 10,000 records take a few
seconds (bench/import.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.imports import ImportedNotice, ImportLineError, index_pattern, parse_line, year_and_seq
from publisher.errors import ApiError
from publisher.search_index.sync import reindex_notices
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import data_state, events, index_sequences, notices, revisions, users
from publisher.store.upsert import insert_missing, reserve_ids

IMPORTER = "importer"  # the account imports are recorded under unless --by names one
_CHUNK = 500  # index numbers per IN (...) lookup: well under every driver's parameter limit


@dataclass
class ImportReport:
    source: str
    lines: int = 0  # records read (blank lines are skipped)
    imported: int = 0
    unchanged: int = 0
    live: int = 0
    withdrawn: int = 0
    off_template: int = 0  # index numbers that do not follow organization.index_template
    sequences: dict[int, int] = field(default_factory=dict)  # year -> last sequence number after the import
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (f"{self.source}: {self.lines} records; {verb} {self.imported} "
                f"({self.live} live, {self.withdrawn} withdrawn), unchanged {self.unchanged}")
        if self.off_template:
            text += f"; {self.off_template} index numbers do not follow the configured template"
        if self.sequences:
            text += "; index sequence continues after " + ", ".join(
                f"{year}: {seq}" for year, seq in sorted(self.sequences.items()))
        return text + (" (dry run: nothing written)" if self.dry_run else "")


def parse_all(lines: Iterable[str], settings: Settings, channels: Sequence[str], now: datetime) -> list[ImportedNotice]:
    """Every line checked; the first bad one raises ImportLineError. Index numbers must be
    unique within the file too."""
    context = {"catalog": settings.catalog_codes, "locations": settings.location_codes, "channels": tuple(channels)}
    parsed: list[ImportedNotice] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        record = parse_line(number, text, context, settings.tz, now)
        if record.index_no in seen:
            raise ImportLineError(number, "index_no", f"{record.index_no!r} is also on line {seen[record.index_no]}")
        seen[record.index_no] = number
        parsed.append(record)
    return parsed


def _same(record: ImportedNotice, row: Any) -> bool:
    return bool(row.content == record.content and row.status == record.status
                and row.first_live_at == record.published_at and row.withdrawn_at == record.withdrawn_at)


async def _new_records(conn: AsyncConnection, parsed: list[ImportedNotice]) -> list[ImportedNotice]:
    """The records not in the database yet; refuses a line whose index number is taken by
    a notice written here or by an earlier import with other content."""
    fresh: list[ImportedNotice] = []
    for start in range(0, len(parsed), _CHUNK):
        chunk = parsed[start:start + _CHUNK]
        rows = await conn.execute(
            select(notices.c.index_no, notices.c.status, notices.c.first_live_at, notices.c.withdrawn_at,
                   notices.c.imported_at, revisions.c.content)
            .outerjoin(revisions, revisions.c.id == notices.c.live_revision_id)
            .where(notices.c.index_no.in_([r.index_no for r in chunk]))
        )
        existing = {row.index_no: row for row in rows}
        for record in chunk:
            row = existing.get(record.index_no)
            if row is None:
                fresh.append(record)
            elif row.imported_at is None:
                raise ImportLineError(record.line, "index_no",
                                      f"{record.index_no!r} belongs to a notice published here, not imported")
            elif not _same(record, row):
                raise ImportLineError(record.line, "index_no",
                                      f"{record.index_no!r} was imported before with other content, state or dates; "
                                      "change it in the editor, not by importing it again")
    return fresh


async def _importer_id(conn: AsyncConnection, username: str | None, now: datetime) -> int:
    """The account the import is recorded under: --by NAME, else the `importer` account,
    made on first use disabled and without a password (nobody signs in as it)."""
    name = username or IMPORTER
    found = (await conn.execute(select(users.c.id).where(users.c.username == name))).scalar()
    if found is not None:
        return int(found)
    if username is not None:
        raise ApiError(422, "validation_failed", f"--by: no staff account named {username!r}",
                       [{"field": "by", "message": "unknown staff account", "type": "not_found"}])
    await insert_missing(conn, users, {"username": IMPORTER, "password_hash": "!", "roles": [], "disabled": True,
                                       "session_epoch": 0, "created_at": now})
    return int((await conn.execute(select(users.c.id).where(users.c.username == IMPORTER))).scalar_one())


def _sequences(records: Iterable[ImportedNotice], settings: Settings) -> tuple[dict[int, int], int]:
    org = settings.organization
    pattern = index_pattern(org.index_template, org.code)
    highest: dict[int, int] = {}
    off = 0
    for record in records:
        found = year_and_seq(pattern, record.index_no)
        if found is None:
            off += 1
            continue
        year, seq = found
        highest[year] = max(seq, highest.get(year, 0))
    return highest, off


async def _move_sequences(conn: AsyncConnection, highest: dict[int, int]) -> dict[int, int]:
    after: dict[int, int] = {}
    for year, seq in sorted(highest.items()):
        await insert_missing(conn, index_sequences, {"year": year, "last_seq": 0})
        await conn.execute(update(index_sequences).where(index_sequences.c.year == year,
                                                         index_sequences.c.last_seq < seq).values(last_seq=seq))
        after[year] = int((await conn.execute(
            select(index_sequences.c.last_seq).where(index_sequences.c.year == year))).scalar_one())
    return after


async def _write(conn: AsyncConnection, records: list[ImportedNotice], actor: int, source: str,
                 now: datetime) -> list[int]:
    """Writes the records; answers the ids of the live ones (for the search index)."""
    # Keys reserved up front, so that three batch inserts link notice, revision and event
    # (one RETURNING per row would cost a round trip each).
    notice_ids = await reserve_ids(conn, notices, len(records))
    revision_ids = await reserve_ids(conn, revisions, len(records))
    rows = list(zip(notice_ids, revision_ids, records, strict=True))
    await conn.execute(insert(notices), [
        {"id": nid, "index_no": r.index_no, "status": r.status, "category": r.notice.category,
         "title": r.notice.title, "live_revision_id": rid, "pending_revision_id": None, "created_by": actor,
         "created_at": r.published_at, "updated_at": now, "first_live_at": r.published_at,
         "live_since": r.published_at, "withdrawn_at": r.withdrawn_at, "imported_at": now}
        for nid, rid, r in rows
    ])
    await conn.execute(insert(revisions), [
        {"id": rid, "notice_id": nid, "number": 1, "state": "approved", "content": r.content, "authors": [actor],
         "review_round": 0, "current_step": 0, "created_at": r.published_at, "updated_at": now,
         "approved_at": r.published_at}
        for nid, rid, r in rows
    ])
    await conn.execute(insert(events), [
        {"notice_id": nid, "revision_id": rid, "revision_number": 1, "actor_id": actor, "at": now,
         "action": "import", "step": None, "review_round": None, "comment": f"{source} line {r.line}",
         "details": {"source": source, "line": r.line, "status": r.status,
                     "published_at": r.published_at.isoformat(),
                     "withdrawn_at": r.withdrawn_at.isoformat() if r.withdrawn_at else None}}
        for nid, rid, r in rows
    ])
    return [nid for nid, _, r in rows if r.status == "live"]


async def import_notices(db: Database, settings: Settings, channels: Sequence[str], lines: Iterable[str],
                         source: str, now: datetime, by: str | None = None, dry_run: bool = False) -> ImportReport:
    """Check every line, then write the new ones in one transaction (unless `dry_run`).
    Raises ImportLineError for the first line that cannot be imported; then nothing is written."""
    parsed = parse_all(lines, settings, channels, now)
    report = ImportReport(source=source, lines=len(parsed), dry_run=dry_run)
    highest, report.off_template = _sequences(parsed, settings)
    if dry_run:
        async with db.read() as conn:
            fresh = await _new_records(conn, parsed)
            report.sequences = highest
    else:
        async with db.write() as conn:
            fresh = await _new_records(conn, parsed)
            if fresh:
                actor = await _importer_id(conn, by, now)
                live_ids = await _write(conn, fresh, actor, source, now)
                # searchable at once, in the same transaction as the import
                await reindex_notices(conn, live_ids)
                report.sequences = await _move_sequences(conn, highest)
                if any(r.status == "live" for r in fresh):  # the live set moved: running services reload it
                    await conn.execute(update(data_state).where(data_state.c.id == 1)
                                       .values(revision=data_state.c.revision + 1))
    report.imported = len(fresh)
    report.unchanged = len(parsed) - len(fresh)
    report.live = sum(1 for r in fresh if r.status == "live")
    report.withdrawn = report.imported - report.live
    return report

