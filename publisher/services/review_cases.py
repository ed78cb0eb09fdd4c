"""The register of administrative reconsiderations and lawsuits about disclosure (table 4
of the yearly report): staff record each case when filed and its outcome when decided."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import and_, delete, insert, or_, select, update

from publisher.domain.disclosure.report_codes import CaseKind, CaseOutcome
from publisher.domain.disclosure.report_tables import year_bounds
from publisher.domain.text import PlainText
from publisher.errors import forbidden, not_found
from publisher.services.notices import parse
from publisher.services.users import Principal
from publisher.store.engine import Database
from publisher.store.tables import review_cases
from publisher.store.upsert import inserted_id

WRITE_ROLES = ("editor", "reviewer", "admin")
EARLIEST = date(2008, 1, 1)
LATEST = date(2200, 12, 31)


class CaseIn(BaseModel):
    """POST /api/v1/review-cases and PUT /api/v1/review-cases/{id}."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: CaseKind
    filed_on: date = Field(ge=EARLIEST, le=LATEST)
    outcome: CaseOutcome | None = None
    decided_on: date | None = Field(default=None, ge=EARLIEST, le=LATEST)
    note: PlainText | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _decided(self) -> CaseIn:
        if (self.outcome is None) != (self.decided_on is None):
            raise ValueError("outcome and decided_on: a decided case has both, a pending one neither")
        if self.decided_on is not None and self.decided_on < self.filed_on:
            raise ValueError("decided_on: before the case was filed")
        return self


def _require(who: Principal) -> None:
    if not who.has(*WRITE_ROLES):
        raise forbidden("the case register needs the role 'editor', 'reviewer' or 'admin'")


def _out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "filed_on": row.filed_on.isoformat(), "outcome": row.outcome,
            "decided_on": row.decided_on.isoformat() if row.decided_on else None, "note": row.note}


class CaseRegister:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, who: Principal, data: Any, now: datetime) -> dict[str, Any]:
        _require(who)
        case = parse(CaseIn, data)
        async with self.db.write() as conn:
            case_id = inserted_id(await conn.execute(insert(review_cases).values(
                **case.model_dump(), created_by=who.id, created_at=now, updated_at=now)))
        return await self.get(case_id)

    async def get(self, case_id: int) -> dict[str, Any]:
        async with self.db.read() as conn:
            row = (await conn.execute(select(review_cases).where(review_cases.c.id == case_id))).first()
        if row is None:
            raise not_found(f"case {case_id}")
        return _out(row)

    async def page(self, year: int | None, limit: int, cursor: int | None) -> dict[str, Any]:
        """Cases newest first; with `year`, those that count in that year's table 4."""
        t = review_cases.c
        query = select(review_cases).order_by(t.id.desc()).limit(limit + 1)
        if year is not None:
            first, last = year_bounds(year)
            query = query.where(and_(t.filed_on <= last, or_(t.decided_on.is_(None), t.decided_on >= first)))
        if cursor is not None:
            query = query.where(t.id < cursor)
        async with self.db.read() as conn:
            rows = list(await conn.execute(query))
        items = [_out(r) for r in rows[:limit]]
        return {"items": items, "next_cursor": items[-1]["id"] if len(rows) > limit else None}

    async def replace(self, who: Principal, case_id: int, data: Any, now: datetime) -> dict[str, Any]:
        _require(who)
        case = parse(CaseIn, data)
        async with self.db.write() as conn:
            done = await conn.execute(update(review_cases).where(review_cases.c.id == case_id)
                                      .values(**case.model_dump(), updated_at=now))
            if done.rowcount == 0:
                raise not_found(f"case {case_id}")
        return await self.get(case_id)

    async def remove(self, who: Principal, case_id: int) -> None:
        _require(who)
        async with self.db.write() as conn:
            done = await conn.execute(delete(review_cases).where(review_cases.c.id == case_id))
            if done.rowcount == 0:
                raise not_found(f"case {case_id}")
