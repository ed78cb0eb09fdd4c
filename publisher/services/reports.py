"""The yearly disclosure report: what staff write and enter, its review, and publishing.

A year's report is computed from the data whenever it is read (publisher.domain.
disclosure.yearly_report) with what staff stored for that year: the narrative sections
and table 2's figures 5 to 8. Review works like a notice's: an editor writes and submits,
a reviewer other than every author approves the revision number they read (409
`revision_changed` otherwise), and a reviewer or admin publishes it. Publishing is
refused while a check of DISCLOSURE.md fails (409 `check_failed`, naming the cells) or a
record cannot be read (422 `bad_records`); a published report is stored whole
(`snapshot`) and never changes under later data.

Every write locks the report's row (FOR UPDATE / BEGIN IMMEDIATE) in one transaction.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.disclosure.report_codes import SECTIONS
from publisher.domain.disclosure.report_records import StaffFigures
from publisher.domain.disclosure.yearly_report import MAX_YEAR, MIN_YEAR, YearReport, compute_report
from publisher.domain.text import PlainText
from publisher.errors import ApiError, conflict, forbidden
from publisher.services.notices import RevisionNo, parse
from publisher.services.report_data import load_records, previous_carried_out
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import report_events, users, yearly_reports
from publisher.store.upsert import insert_missing

WRITE_ROLES = ("editor",)
REVIEW_ROLES = ("reviewer",)
PUBLISH_ROLES = ("reviewer", "admin")
SECTION_CODES = tuple(code for code, _ in SECTIONS)
# Sections a report cannot be submitted without (the others are the tables, with an
# optional note): 一 总体情况, 五 存在的主要问题及改进情况, 六 其他需要报告的事项.
REQUIRED_SECTIONS = ("overview", "problems", "other_matters")
FIGURE_CODES = tuple(StaffFigures.model_fields)

Narrative = Annotated[PlainText, Field(max_length=20_000)]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]


class Sections(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    overview: Narrative | None = None
    proactive: Narrative | None = None
    requests: Narrative | None = None
    review_cases: Narrative | None = None
    problems: Narrative | None = None
    other_matters: Narrative | None = None


class Figures(BaseModel):
    """Table 2 rows 5 to 8 (each optional in a PATCH)."""

    model_config = ConfigDict(extra="forbid")
    licensing: Count | None = None
    penalty: Count | None = None
    coercion: Count | None = None
    fees_10k_yuan: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)] | None = None


class ReportEdit(BaseModel):
    """PUT or PATCH /api/v1/reports/{year}: narratives and figures. PATCH changes only
    what it names; PUT sets every section and figure (absent ones empty or zero)."""

    model_config = ConfigDict(extra="forbid")
    sections: Sections | None = None
    figures: Figures | None = None


class ReportApproval(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    revision: int = RevisionNo
    comment: PlainText | None = Field(default=None, max_length=2000)


class ReportRejection(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    revision: int = RevisionNo
    reason: PlainText = Field(min_length=1, max_length=2000)


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApiError(422, "validation_failed", f"invalid year: must be from {MIN_YEAR} to {MAX_YEAR}",
                       [{"field": "year", "message": f"must be from {MIN_YEAR} to {MAX_YEAR}", "type": "year"}])
    return year


def staff_figures(stored: dict[str, Any] | None) -> StaffFigures:
    values = {code: entry["value"] for code, entry in (stored or {}).items()
              if code in FIGURE_CODES and isinstance(entry, dict) and "value" in entry}
    return StaffFigures.model_validate(values)


def _require(who: Principal, roles: tuple[str, ...], what: str) -> None:
    if not who.has(*roles):
        raise forbidden(f"{what} needs the role {' or '.join(repr(r) for r in roles)}")


class ReportService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # -- reads -----------------------------------------------------------------
    async def compute(self, conn: AsyncConnection, year: int, row: Any, now: datetime) -> tuple[YearReport, list[Any]]:
        """The report of `year` from the data as it is now, and the unreadable records."""
        records = await load_records(conn, year, self.settings.tz)
        previous = await previous_carried_out(conn, year)
        figures = staff_figures(row.figures if row is not None else None)
        work = partial(
            compute_report, year, catalog=[c.code for c in self.settings.catalog], notices=records.notices,
            requests=records.requests, cases=records.cases, figures=figures, previous_carried_out=previous,
            organization=self.settings.organization.name, generated_at=now,
        )
        # One pass over a bureau's whole history: off the event loop.
        report = await asyncio.get_running_loop().run_in_executor(None, work)
        return report, records.problems

    async def view(self, year: int, now: datetime) -> dict[str, Any]:
        """The report as staff and the CLI see it: the published one as published, else
        computed now with the stored narratives and figures; plus state and checks."""
        check_year(year)
        async with self.db.read() as conn:
            row = await _row(conn, year)
            names = await _names(conn, row)
            if row is not None and row.state == "published" and isinstance(row.snapshot, dict):
                body = dict(row.snapshot)
            else:
                report, problems = await self.compute(conn, year, row, now)
                body = self._body(report, row, problems)
        body.update(_workflow(row, names))
        return body

    def _body(self, report: YearReport, row: Any, problems: list[Any]) -> dict[str, Any]:
        body = report.as_dict()
        stored = (row.sections if row is not None else None) or {}
        body["sections"] = {code: str(stored.get(code) or "") for code in SECTION_CODES}
        body["figures_entered"] = {
            code: {"by": entry.get("by"), "at": entry.get("at")}
            for code, entry in ((row.figures if row is not None else None) or {}).items()
            if isinstance(entry, dict)
        }
        body["violations"] = [check.as_dict() | {"message": check.message} for check in report.violations]
        body["problems"] = problems
        body["publishable"] = report.publishable and not problems
        return body

    async def published_years(self) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(yearly_reports.c.year, yearly_reports.c.published_at)
                .where(yearly_reports.c.state == "published").order_by(yearly_reports.c.year.desc()).limit(200)
            )
            return [{"year": r.year, "published_at": r.published_at.isoformat() if r.published_at else None}
                    for r in rows]

    async def years(self) -> list[dict[str, Any]]:
        """Every report staff have started, newest year first (for the staff list)."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(yearly_reports.c.year, yearly_reports.c.state, yearly_reports.c.revision,
                       yearly_reports.c.updated_at).order_by(yearly_reports.c.year.desc()).limit(200))
            return [{"year": r.year, "state": r.state, "revision": r.revision, "updated_at": r.updated_at.isoformat()}
                    for r in rows]

    async def published(self, year: int) -> dict[str, Any] | None:
        """The published report of `year` as published, or None."""
        async with self.db.read() as conn:
            row = await _row(conn, year)
        if row is None or row.state != "published" or not isinstance(row.snapshot, dict):
            return None
        return dict(row.snapshot) | {"published_at": row.published_at.isoformat() if row.published_at else None}

    async def history(self, year: int) -> list[dict[str, Any]]:
        check_year(year)
        async with self.db.read() as conn:
            row = await _row(conn, year)
            if row is None:
                return []
            rows = await conn.execute(
                select(report_events, users.c.username).join(users, users.c.id == report_events.c.actor_id)
                .where(report_events.c.report_id == row.id).order_by(report_events.c.id)
            )
            return [{"at": r.at.isoformat(), "actor": r.username, "action": r.action, "revision": r.revision,
                     "comment": r.comment} for r in rows]

    # -- writes ----------------------------------------------------------------
    async def edit(self, who: Principal, year: int, data: Any, now: datetime, replace: bool = False) -> dict[str, Any]:
        _require(who, WRITE_ROLES, "writing a report")
        check_year(year)
        body = parse(ReportEdit, {} if data is None else data)
        async with self.db.write() as conn:
            row = await _lock(conn, year, now)
            if row.state == "published":
                raise conflict(f"the report of {year} is published and can no longer change", "published")
            if row.state == "in_review":
                raise conflict(f"the report of {year} is in review; approve or reject it first", "in_review")
            sections = {} if replace else dict(row.sections or {})
            given = body.sections.model_dump(exclude_unset=not replace) if body.sections else {}
            if replace and body.sections is None:
                given = dict.fromkeys(SECTION_CODES)
            for code, text in given.items():
                sections[code] = text or ""
            figures = dict(row.figures or {})
            new_figures = body.figures.model_dump(exclude_unset=not replace) if body.figures else {}
            if replace and body.figures is None:
                new_figures = dict.fromkeys(FIGURE_CODES)
            for code, value in new_figures.items():
                value = value if value is not None else 0
                old = figures.get(code, {}).get("value") if isinstance(figures.get(code), dict) else None
                if old is None or Decimal(str(old)) != Decimal(str(value)):
                    figures[code] = {"value": str(value) if isinstance(value, Decimal) else value,
                                     "by": who.username, "at": now.isoformat()}
            authors = sorted(set(row.authors or []) | {who.id})
            await conn.execute(update(yearly_reports).where(yearly_reports.c.id == row.id).values(
                sections=sections, figures=figures, authors=authors, revision=row.revision + 1, state="draft",
                approved_by=None, approved_at=None, updated_at=now,
            ))
            await _event(conn, row.id, row.revision + 1, who, now, "edit")
        return await self.view(year, now)

    async def submit(self, who: Principal, year: int, now: datetime) -> dict[str, Any]:
        _require(who, WRITE_ROLES, "submitting a report")
        check_year(year)
        async with self.db.write() as conn:
            row = await _lock(conn, year, now, create=False)
            if row.state != "draft":
                raise conflict(f"the report of {year} is {row.state}, not a draft", "nothing_to_submit")
            missing = [code for code in REQUIRED_SECTIONS if not (row.sections or {}).get(code)]
            if missing:
                raise ApiError(422, "validation_failed", f"invalid sections.{missing[0]}: write this section first",
                               [{"field": f"sections.{code}", "message": "write this section first",
                                 "type": "missing"} for code in missing])
            await conn.execute(update(yearly_reports).where(yearly_reports.c.id == row.id).values(
                state="in_review", submitted_by=who.id, submitted_at=now, updated_at=now))
            await _event(conn, row.id, row.revision, who, now, "submit")
        return await self.view(year, now)

    async def _decide(self, who: Principal, year: int, revision: int, now: datetime, approving: bool,
                      comment: str | None) -> None:
        _require(who, REVIEW_ROLES, "reviewing a report")
        async with self.db.write() as conn:
            row = await _lock(conn, year, now, create=False)
            if row.state != "in_review":
                raise conflict(f"the report of {year} is not waiting for review", "not_in_review")
            if revision != row.revision:
                raise ApiError(409, "revision_changed",
                               f"revision {revision} is not the one waiting for review (revision {row.revision} is); "
                               "read it before deciding", [{"field": "revision", "message": "not the revision waiting",
                                                            "type": "revision_changed"}])
            if who.id in (row.authors or []):
                raise ApiError(403, "four_eyes", "an author of the report cannot "
                               + ("approve" if approving else "reject") + " it; another reviewer must")
            values: dict[str, Any] = {"state": "approved", "approved_by": who.id, "approved_at": now} if approving \
                else {"state": "draft"}
            await conn.execute(update(yearly_reports).where(yearly_reports.c.id == row.id)
                               .values(**values, updated_at=now))
            await _event(conn, row.id, row.revision, who, now, "approve" if approving else "reject", comment)

    async def approve(self, who: Principal, year: int, data: Any, now: datetime) -> dict[str, Any]:
        check_year(year)
        body = parse(ReportApproval, {} if data is None else data)
        await self._decide(who, year, body.revision, now, True, body.comment)
        return await self.view(year, now)

    async def reject(self, who: Principal, year: int, data: Any, now: datetime) -> dict[str, Any]:
        check_year(year)
        body = parse(ReportRejection, {} if data is None else data)
        await self._decide(who, year, body.revision, now, False, body.reason)
        return await self.view(year, now)

    async def publish(self, who: Principal, year: int, now: datetime) -> dict[str, Any]:
        _require(who, PUBLISH_ROLES, "publishing a report")
        check_year(year)
        if year >= now.astimezone(self.settings.tz).year:
            raise conflict(f"the year {year} is not over yet; its report is published after 31 December",
                           "year_not_over")
        async with self.db.write() as conn:
            row = await _lock(conn, year, now, create=False)
            if row.state != "approved":
                raise conflict(f"the report of {year} is {row.state}; it must be approved first", "not_approved")
            report, problems = await self.compute(conn, year, row, now)
            if problems:
                first = problems[0]
                raise ApiError(422, "bad_records",
                               f"{len(problems)} record(s) cannot be read, e.g. {first['table']} {first['id']}: "
                               f"{first['message']}",
                               [{"field": f"{p['table']}.{p['id']}", "message": p["message"], "type": "bad_record"}
                                for p in problems[:50]])
            if report.violations:
                broken = report.violations
                raise ApiError(409, "check_failed",
                               f"{broken[0].message}" + (f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""),
                               [{"field": c.cell, "message": c.message, "type": "check_failed"} for c in broken])
            snapshot = self._body(report, row, problems)
            await conn.execute(update(yearly_reports).where(yearly_reports.c.id == row.id).values(
                state="published", published_by=who.id, published_at=now, snapshot=snapshot, updated_at=now))
            await _event(conn, row.id, row.revision, who, now, "publish")
        return await self.view(year, now)


async def _row(conn: AsyncConnection, year: int) -> Any:
    return (await conn.execute(select(yearly_reports).where(yearly_reports.c.year == year))).first()


async def _lock(conn: AsyncConnection, year: int, now: datetime, create: bool = True) -> Any:
    """The report's row, locked; a first edit creates it (revision 0, about to become 1)."""
    query = select(yearly_reports).where(yearly_reports.c.year == year).with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        if not create:
            raise conflict(f"there is no draft of the report of {year}; write it first", "nothing_to_submit")
        # Two first edits at once: one row (the other finds it, then waits for its lock).
        await insert_missing(conn, yearly_reports, dict(
            year=year, state="draft", revision=0, sections={}, figures={}, authors=[], created_at=now, updated_at=now))
        row = (await conn.execute(query)).first()
    return row


async def _names(conn: AsyncConnection, row: Any) -> dict[int, str]:
    if row is None:
        return {}
    ids = {i for i in (row.submitted_by, row.approved_by, row.published_by, *(row.authors or [])) if i is not None}
    if not ids:
        return {}
    return {r.id: r.username for r in await conn.execute(select(users.c.id, users.c.username)
                                                          .where(users.c.id.in_(ids)))}


def _workflow(row: Any, names: dict[int, str]) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    if row is None:
        return {"state": "none", "revision": 0, "authors": [], "submitted_by": None, "submitted_at": None,
                "approved_by": None, "approved_at": None, "published_by": None, "published_at": None}
    return {
        "state": row.state, "revision": row.revision, "authors": [names.get(i, str(i)) for i in row.authors or []],
        "submitted_by": names.get(row.submitted_by), "submitted_at": when(row.submitted_at),
        "approved_by": names.get(row.approved_by), "approved_at": when(row.approved_at),
        "published_by": names.get(row.published_by), "published_at": when(row.published_at),
    }


async def _event(conn: AsyncConnection, report_id: int, revision: int, who: Principal, now: datetime, action: str,
                 comment: str | None = None) -> None:
    await conn.execute(insert(report_events).values(
        report_id=report_id, revision=revision, actor_id=who.id, at=now, action=action, comment=comment))


__all__ = ["ReportService"]
