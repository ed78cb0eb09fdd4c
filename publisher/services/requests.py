"""The request register (依申請公開): register, extend once, reply, read, purge.

Each write is one transaction that appends its event to `request_events`. Events and
log lines never carry the applicant's name, contact or the description: those are
personal data, read by staff only, and `purge` blanks them after the retention period
while the row keeps what the yearly report counts (kind, dates, outcome).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ValidationError
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.domain.disclosure.deadlines import DUE_SOON_WORKING_DAYS, local_day
from publisher.domain.disclosure.requests import (
    EARLIEST,
    Applicant,
    Extension,
    OnlineRequest,
    Reply,
    RequestCalendar,
    RequestIn,
    new_tracking_no,
    normal_tracking_no,
)
from publisher.errors import ApiError, conflict, from_validation, not_found
from publisher.services.notice_reads import iso, usernames
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import disclosure_requests, notices, request_events
from publisher.store.upsert import inserted_id

log = structlog.get_logger("publisher.requests")
M = TypeVar("M", bound=BaseModel)
R = disclosure_requests.c
OVERVIEW_LIMIT = 50  # per list on the staff overview
PURGE_BATCH = 500


def parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(exc) from None


def _refuse(field: str, message: str, code: str = "validation_failed", status: int = 422) -> ApiError:
    return ApiError(status, code, f"invalid {field}: {message}", [{"field": field, "message": message, "type": code}])


class RequestService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.calendar = RequestCalendar(settings.disclosure.calendar)

    def today(self, now: datetime) -> date:
        return local_day(now, self.settings.tz)

    # -- writes ----------------------------------------------------------------
    async def register(self, who: Principal | None, data: Any, now: datetime) -> dict[str, Any]:
        """Staff register a request (who set, body RequestIn) or a citizen applies online
        (who None, body OnlineRequest: received now)."""
        if who is None:
            online = parse(OnlineRequest, data)
            spec = RequestIn(received_at=now, channel="online", description=online.description,
                             applicant=Applicant(kind=online.kind, name=online.name, contact=online.contact))
        else:
            spec = parse(RequestIn, data)
            if spec.received_at > now + timedelta(minutes=5):
                raise _refuse("received_at", "must not be in the future")
        # Compared as instants before any conversion: year 1 in a far zone cannot be converted.
        if spec.received_at < datetime.combine(EARLIEST, time(0), tzinfo=self.settings.tz):
            raise _refuse("received_at", f"must not be before {EARLIEST.isoformat()}")
        received_on = self.today(spec.received_at)
        due = self.calendar.deadline(received_on, self.settings.tz, extended=False)
        values = {
            "received_at": spec.received_at, "received_on": received_on, "channel": spec.channel,
            "applicant_kind": spec.applicant.kind, "applicant_name": spec.applicant.name,
            "applicant_contact": spec.applicant.contact, "description": spec.description, "status": "open",
            "deadline_on": due.due_on, "deadline_provisional": due.provisional,
            "created_by": who.id if who else None, "created_at": now,
        }
        for _attempt in range(5):  # a tracking number clash is astronomically rare; draw again
            try:
                async with self.db.write() as conn:
                    tracking_no = new_tracking_no(received_on.year)
                    rid = inserted_id(await conn.execute(insert(disclosure_requests).values(
                        tracking_no=tracking_no, **values)))
                    await self._event(conn, rid, now, who, "received", channel=spec.channel,
                                      deadline=due.due_on.isoformat(), provisional=due.provisional)
                break
            except IntegrityError:
                continue
        else:
            raise ApiError(503, "busy", "could not draw a free tracking number; try again")
        log.info("request registered", request=rid, channel=spec.channel, by=who.username if who else "online")
        return await self.get(rid, now)

    async def extend(self, who: Principal, request_id: int, data: Any, now: datetime) -> dict[str, Any]:
        """Once, with a reason: 20 more working days (40 from the receipt)."""
        spec = parse(Extension, data)
        async with self.db.write() as conn:
            row = await self._locked(conn, request_id)
            if row.status == "extended":
                raise conflict("this request has been extended once already; the law allows one extension",
                               "already_extended")
            if row.status == "replied":
                raise conflict("this request has been answered already", "already_replied")
            due = self.calendar.deadline(row.received_on, self.settings.tz, extended=True)
            await conn.execute(update(disclosure_requests).where(R.id == request_id).values(
                status="extended", extended_at=now, extension_reason=spec.reason, deadline_on=due.due_on,
                deadline_provisional=due.provisional))
            await self._event(conn, request_id, now, who, "extended", reason=spec.reason,
                              deadline=due.due_on.isoformat(), provisional=due.provisional)
        log.info("request extended", request=request_id, by=who.username)
        return await self.get(request_id, now)

    async def reply(self, who: Principal, request_id: int, data: Any, now: datetime) -> dict[str, Any]:
        """Close the request with a table-3 outcome; a disclosing reply may link a live notice."""
        spec = parse(Reply, data)
        async with self.db.write() as conn:
            row = await self._locked(conn, request_id)
            if row.status == "replied":
                raise conflict("this request has been answered already", "already_replied")
            if spec.notice_id is not None:
                status = (await conn.execute(select(notices.c.status).where(notices.c.id == spec.notice_id))).scalar()
                if status != "live":
                    what = "does not exist" if status is None else f"is {status}, not live"
                    raise _refuse("notice_id", f"notice {spec.notice_id} {what}: link a published notice",
                                  code="notice_not_live")
            await conn.execute(update(disclosure_requests).where(R.id == request_id).values(
                status="replied", outcome=spec.outcome, reply_text=spec.text, notice_id=spec.notice_id,
                replied_at=now, replied_on=self.today(now)))
            await self._event(conn, request_id, now, who, "replied", outcome=spec.outcome, notice_id=spec.notice_id)
        log.info("request replied", request=request_id, outcome=spec.outcome, by=who.username)
        return await self.get(request_id, now)

    async def purge(self, before: date, now: datetime) -> int:
        """Blank the personal data (name, contact, description, reply text) of requests
        answered before `before`; the counts stay. Returns how many were purged."""
        total = 0
        while True:
            async with self.db.write() as conn:
                ids = list((await conn.execute(
                    select(R.id).where(R.status == "replied", R.replied_on < before, R.purged_at.is_(None))
                    .order_by(R.id).limit(PURGE_BATCH))).scalars())
                if not ids:
                    return total
                await conn.execute(update(disclosure_requests).where(R.id.in_(ids)).values(
                    applicant_name=None, applicant_contact=None, description=None, reply_text=None, purged_at=now))
                await conn.execute(insert(request_events), [
                    {"request_id": i, "at": now, "actor_id": None, "action": "purged",
                     "details": {"before": before.isoformat()}} for i in ids])
            total += len(ids)

    async def settle_provisional(self, now: datetime) -> int:
        """Count again the provisional deadlines (a year the calendar did not know when
        they were computed) whose year the calendar knows now; returns how many changed.
        Run at start-up, after the configuration may have gained a year."""
        settled = 0
        async with self.db.write() as conn:
            rows = list(await conn.execute(select(R.id, R.received_on, R.status).where(
                R.deadline_provisional.is_(True), R.status != "replied").limit(PURGE_BATCH)))
            for row in rows:
                due = self.calendar.deadline(row.received_on, self.settings.tz, extended=row.status == "extended")
                if due.provisional:
                    continue
                await conn.execute(update(disclosure_requests).where(R.id == row.id).values(
                    deadline_on=due.due_on, deadline_provisional=False))
                await self._event(conn, row.id, now, None, "deadline_settled", deadline=due.due_on.isoformat())
                settled += 1
        if settled:
            log.info("provisional deadlines settled", count=settled)
        return settled

    async def _locked(self, conn: AsyncConnection, request_id: int) -> Any:
        row = (await conn.execute(select(disclosure_requests).where(R.id == request_id).with_for_update())).first()
        if row is None:
            raise not_found(f"request {request_id}")
        return row

    async def _event(self, conn: AsyncConnection, request_id: int, now: datetime, who: Principal | None,
                     action: str, **details: Any) -> None:
        await conn.execute(insert(request_events).values(
            request_id=request_id, at=now, actor_id=who.id if who else None, action=action, details=details))

    # -- reads -----------------------------------------------------------------
    async def get(self, request_id: int, now: datetime | None = None) -> dict[str, Any]:
        async with self.db.read() as conn:
            row = (await conn.execute(select(disclosure_requests).where(R.id == request_id))).first()
            if row is None:
                raise not_found(f"request {request_id}")
            rows = list(await conn.execute(
                select(request_events).where(request_events.c.request_id == request_id).order_by(request_events.c.id)))
            names = await usernames(conn, {r.actor_id for r in rows} | {row.created_by})
        item = self.staff_json(row, now, names)
        item["events"] = [{"at": iso(e.at, self.settings), "actor": names.get(e.actor_id), "action": e.action,
                           "details": e.details or {}} for e in rows]
        return item

    async def page(self, now: datetime, status: str | None = None, overdue: bool | None = None,
                   year: int | None = None, limit: int = 50, cursor: int | None = None) -> dict[str, Any]:
        """The register, newest first, a page at a time."""
        query = select(disclosure_requests).order_by(R.id.desc()).limit(limit + 1)
        if status:
            query = query.where(R.status == status)
        if overdue is not None:
            late = and_(R.status != "replied", R.deadline_on < self.today(now))
            query = query.where(late if overdue else ~late)
        if year is not None:
            query = query.where(R.received_on >= date(year, 1, 1), R.received_on <= date(year, 12, 31))
        if cursor is not None:
            query = query.where(R.id < cursor)
        async with self.db.read() as conn:
            rows = list(await conn.execute(query))
            names = await usernames(conn, {r.created_by for r in rows})
        more = len(rows) > limit
        rows = rows[:limit]
        return {"items": [self.staff_json(r, now, names) for r in rows],
                "next_cursor": str(rows[-1].id) if more and rows else None}

    async def due(self, now: datetime) -> dict[str, Any]:
        """The staff overview: open requests past their deadline, and those due within
        5 working days (today included), soonest first."""
        today = self.today(now)
        horizon = self.calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
        pending = R.status != "replied"
        async with self.db.read() as conn:
            late = list(await conn.execute(select(disclosure_requests).where(pending, R.deadline_on < today)
                                           .order_by(R.deadline_on, R.id).limit(OVERVIEW_LIMIT)))
            soon = list(await conn.execute(select(disclosure_requests).where(
                pending, R.deadline_on >= today, R.deadline_on <= horizon)
                .order_by(R.deadline_on, R.id).limit(OVERVIEW_LIMIT)))
            counts = (await conn.execute(select(
                func.count().filter(R.deadline_on < today),
                func.count().filter(and_(R.deadline_on >= today, R.deadline_on <= horizon)),
            ).where(pending))).one()
        return {"overdue": [self.staff_json(r, now) for r in late], "due_soon": [self.staff_json(r, now) for r in soon],
                "overdue_count": counts[0], "due_soon_count": counts[1]}

    async def public_status(self, raw_tracking_no: str, now: datetime) -> dict[str, Any]:
        """What the public tracking page shows: state and deadline, never the applicant."""
        tracking_no = normal_tracking_no(raw_tracking_no)
        if tracking_no is None:
            raise not_found("request")
        async with self.db.read() as conn:
            row = (await conn.execute(select(
                R.tracking_no, R.received_on, R.channel, R.status, R.deadline_on, R.deadline_provisional,
                R.extended_at, R.outcome, R.notice_id, R.replied_on,
            ).where(R.tracking_no == tracking_no))).first()
        if row is None:
            raise not_found("request")
        return {"tracking_no": row.tracking_no, "received_on": row.received_on, "status": row.status,
                "deadline": row.deadline_on, "deadline_provisional": row.deadline_provisional,
                "extended": row.extended_at is not None, "outcome": row.outcome, "notice_id": row.notice_id,
                "replied_on": row.replied_on, "overdue": row.status != "replied" and row.deadline_on < self.today(now)}

    def staff_json(self, row: Any, now: datetime | None, names: dict[int, str] | None = None) -> dict[str, Any]:
        today = self.today(now) if now is not None else None
        pending = row.status != "replied"
        left = (self.calendar.working_days_between(today, row.deadline_on)
                if pending and today is not None and today <= row.deadline_on else None)
        return {
            "id": row.id, "tracking_no": row.tracking_no,
            "received_at": iso(row.received_at, self.settings), "received_on": row.received_on.isoformat(),
            "channel": row.channel,
            "applicant": {"kind": row.applicant_kind, "name": row.applicant_name, "contact": row.applicant_contact},
            "description": row.description, "status": row.status,
            "deadline": row.deadline_on.isoformat(), "deadline_provisional": row.deadline_provisional,
            "overdue": bool(pending and today is not None and row.deadline_on < today),
            "working_days_left": left,
            "extended_at": iso(row.extended_at, self.settings), "extension_reason": row.extension_reason,
            "outcome": row.outcome, "reply_text": row.reply_text, "notice_id": row.notice_id,
            "replied_at": iso(row.replied_at, self.settings),
            "replied_on": row.replied_on.isoformat() if row.replied_on else None,
            "created_by": (names or {}).get(row.created_by) if row.created_by else None,
            "purged": row.purged_at is not None,
        }
