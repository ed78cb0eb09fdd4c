"""Writing notices: create, edit, submit, approve, reject, withdraw.

Each call is one transaction that appends its event; the notice row is locked first
(FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) so two reviewers cannot both
approve the same step. After a commit that changes what the public can see, the
content queue is told which notice moved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.attachments import records as attachment_records
from publisher.channel_registry import builtin_registry
from publisher.domain import workflow
from publisher.domain.notices import NoticeIn
from publisher.domain.schedule import check_evaluates
from publisher.domain.text import PlainText
from publisher.errors import ApiError, forbidden, from_validation, not_found
from publisher.search_index.sync import reindex_notice
from publisher.services import audit, review_flags
from publisher.services.notice_reads import NoticeReader, approvals_by_revision, pending_of
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import data_state, events, index_sequences, notices, revisions
from publisher.store.upsert import insert_missing, inserted_id

# Awaited inside the approving transaction with the revision about to go live; raises
# ApiError (422) to refuse, e.g. LED text that a strict sign cannot show.
ApprovalGuard = Callable[[NoticeIn], Awaitable[None]]
ChangeListener = Callable[[int], Awaitable[None]]


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: PlainText = Field(min_length=1, max_length=2000)


# The pending revision number the reviewer read (Notice.pending_revision.revision).
RevisionNo = Field(ge=1, le=2**31 - 1)


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    revision: int = RevisionNo
    comment: PlainText | None = Field(default=None, max_length=2000)
    # The reviewer checked the revision's personal-data and secrecy flags and confirms
    # they may be published; required when there are any (409 flags_not_confirmed).
    confirm_flags: StrictBool = False


class Rejection(Reason):
    revision: int = RevisionNo


class Recall(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: PlainText | None = Field(default=None, max_length=2000)

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, context: dict[str, Any] | None = None) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise from_validation(exc) from None


class NoticeService:
    def __init__(self, db: Database, settings: Settings, channels: Iterable[str] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.reader = NoticeReader(settings)
        self.chain = [workflow.Step(s.name, s.role) for s in settings.review_chain]
        self.guards: list[ApprovalGuard] = []
        # The registered channels' names (default: the built-in ones); a notice names some.
        self.channels = tuple(channels) if channels is not None else builtin_registry().names
        self.listeners: list[ChangeListener] = []
        # Lookups of a revision's attachment names (registered by the attachments
        # module), scanned for personal data with the revision's texts.
        self.attachment_names: list[review_flags.AttachmentNames] = []

    def parse_notice(self, data: Any) -> NoticeIn:
        context = {"catalog": self.settings.catalog_codes, "locations": self.settings.location_codes,
                   "channels": self.channels}
        return parse(NoticeIn, data, context)

    async def _changed(self, notice_id: int) -> None:
        for listener in self.listeners:
            await listener(notice_id)

    # -- reads -----------------------------------------------------------------
    async def get(self, notice_id: int) -> dict[str, Any]:
        async with self.db.read() as conn:
            return await self.reader.one(conn, notice_id)

    async def page(self, status: str | None, category: str | None, q: str | None, limit: int,
                   cursor: int | None) -> dict[str, Any]:
        async with self.db.read() as conn:
            return await self.reader.page(conn, status=status, category=category, q=q, limit=limit, cursor=cursor)

    async def history(self, notice_id: int) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await self.reader.history(conn, notice_id)

    async def with_history(self, notice_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The notice and its events, read together."""
        async with self.db.read() as conn:
            return await self.reader.one(conn, notice_id), await self.reader.history(conn, notice_id)

    async def review_queue(self, who: Principal) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await self.reader.review_queue(conn, who)

    async def desk(self, who: Principal) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The dashboard's two lists: the caller's work in progress, and what waits for
        the caller's review."""
        async with self.db.read() as conn:
            return await self.reader.my_work(conn, who), await self.reader.review_queue(conn, who)

    async def revision_flags(self, notice_id: int, number: int | None = None) -> tuple[int, review_flags.RevisionFlags]:
        """Personal data and secrecy marks in a revision (default: the pending one, else
        the live one) and its attachment names: (revision number, flags)."""
        async with self.db.read() as conn:
            row = (await conn.execute(select(notices).where(notices.c.id == notice_id))).first()
            if row is None:
                raise not_found(f"notice {notice_id}")
            query = select(revisions).where(revisions.c.notice_id == notice_id)
            if number is not None:
                query = query.where(revisions.c.number == number)
            else:
                query = query.where(revisions.c.id == (row.pending_revision_id or row.live_revision_id))
            rev = (await conn.execute(query)).first()
            if rev is None:
                raise not_found(f"revision {number} of notice {notice_id}")
            names: list[str] = []
            for lookup in self.attachment_names:
                names.extend(await lookup(conn, notice_id, rev.number))
        return rev.number, await review_flags.scan(rev.content, names)

    # -- writes ----------------------------------------------------------------
    async def create(self, who: Principal, data: Any, now: datetime) -> dict[str, Any]:
        _require(who, workflow.EDIT_ROLES, "writing notices")
        notice = self.parse_notice(data)
        check_evaluates(notice.schedule, self.settings.tz, now, now)
        async with self.db.write() as conn:
            notice_id = inserted_id(
                await conn.execute(
                    insert(notices).values(
                        status="draft", category=notice.category, title=notice.title,
                        created_by=who.id, created_at=now, updated_at=now,
                    )
                )
            )
            rev_id = await self._new_revision(conn, notice_id, 1, notice, who, now)
            await conn.execute(update(notices).where(notices.c.id == notice_id).values(pending_revision_id=rev_id))
            await _event(conn, notice_id, rev_id, 1, who, now, "create")
        return await self.get(notice_id)

    async def update(self, who: Principal, notice_id: int, data: Any, now: datetime) -> dict[str, Any]:
        _require(who, workflow.EDIT_ROLES, "editing notices")
        notice = self.parse_notice(data)
        check_evaluates(notice.schedule, self.settings.tz, now, now)
        async with self.db.write() as conn:
            row, pending_rev, pending = await self._lock(conn, notice_id)
            new_number = workflow.check_edit(row.status, pending)
            if not new_number:  # a draft never submitted: edited in place, its authors grow
                authors = sorted(set(pending_rev.authors) | {who.id})
                await conn.execute(
                    update(revisions).where(revisions.c.id == pending_rev.id)
                    .values(content=_content(notice), authors=authors, updated_at=now)
                )
                rev_id, number = pending_rev.id, pending_rev.number
            else:  # live, or a submitted (frozen) draft: a new revision; the live one stays live
                number = (await conn.execute(
                    select(func.max(revisions.c.number)).where(revisions.c.notice_id == notice_id)
                )).scalar_one() + 1
                # Whoever wrote the frozen draft wrote part of this one too (four eyes).
                earlier = set(pending_rev.authors) if pending_rev is not None else set()
                rev_id = await self._new_revision(conn, notice_id, number, notice, who, now, earlier)
                # the files go with it (an edit does not drop them; removing one is its own change)
                await attachment_records.carry_over(
                    conn, pending_rev.id if pending_rev is not None else row.live_revision_id, rev_id)
                if pending_rev is not None:
                    await conn.execute(update(revisions).where(revisions.c.id == pending_rev.id)
                                       .values(state="superseded", updated_at=now))
            await conn.execute(
                update(notices).where(notices.c.id == notice_id).values(
                    pending_revision_id=rev_id, title=notice.title, updated_at=now,
                    category=notice.category if row.status != "live" else row.category,
                )
            )
            await _event(conn, notice_id, rev_id, number, who, now, "edit")
        return await self.get(notice_id)

    async def submit(self, who: Principal, notice_id: int, now: datetime) -> dict[str, Any]:
        _require(who, workflow.EDIT_ROLES, "submitting notices")
        async with self.db.write() as conn:
            row, rev, pending = await self._lock(conn, notice_id)
            workflow.check_submit(row.status, pending)
            await conn.execute(
                update(revisions).where(revisions.c.id == rev.id).values(
                    state="in_review", review_round=rev.review_round + 1, current_step=0, updated_at=now
                )
            )
            status = "in_review" if row.status == "draft" else row.status
            await conn.execute(update(notices).where(notices.c.id == notice_id).values(status=status, updated_at=now))
            await _event(conn, notice_id, rev.id, rev.number, who, now, "submit", review_round=rev.review_round + 1)
        return await self.get(notice_id)

    async def approve(self, who: Principal, notice_id: int, data: Any, now: datetime) -> dict[str, Any]:
        body = parse(Approval, {} if data is None else data)
        comment = body.comment
        # Scanned before the write transaction (the scan runs in its own pool): a revision
        # once submitted is frozen, and check_approve below makes sure the revision
        # waiting is the one named, so these are the flags of what is approved.
        try:
            _number, flags = await self.revision_flags(notice_id, body.revision)
        except ApiError as err:
            if err.status != 404:
                raise
            flags = review_flags.RevisionFlags({})  # no such revision: check_approve says why
        async with self.db.write() as conn:
            row, rev, pending = await self._lock(conn, notice_id)
            last = workflow.check_approve(self.chain, row.status, pending, who.id, who.roles, body.revision)
            if flags.flagged and not body.confirm_flags:
                raise review_flags.not_confirmed(flags)
            step = rev.current_step
            details = {"flags_confirmed": flags.listed()} if flags.flagged else None
            await _event(conn, notice_id, rev.id, rev.number, who, now, "approve", step, comment, rev.review_round,
                         details)
            if last:
                content = NoticeIn.model_validate(rev.content)
                # Evaluated from the real start it will have (first live, else now) before it goes live.
                check_evaluates(content.schedule, self.settings.tz, row.first_live_at or now, now)
                for guard in self.guards:
                    await guard(content)
                await self._go_live(conn, row, rev, content, now)
                await _event(conn, notice_id, rev.id, rev.number, who, now, "publish", review_round=rev.review_round)
            else:
                await conn.execute(
                    update(revisions).where(revisions.c.id == rev.id).values(current_step=step + 1, updated_at=now)
                )
                await conn.execute(update(notices).where(notices.c.id == notice_id).values(updated_at=now))
        if last:
            await self._changed(notice_id)
        return await self.get(notice_id)

    async def reject(self, who: Principal, notice_id: int, data: Any, now: datetime) -> dict[str, Any]:
        body = parse(Rejection, {} if data is None else data)
        async with self.db.write() as conn:
            row, rev, pending = await self._lock(conn, notice_id)
            workflow.check_reject(self.chain, row.status, pending, who.id, who.roles, body.revision)
            await self._back_to_draft(conn, row, rev, now)
            await _event(conn, notice_id, rev.id, rev.number, who, now, "reject", rev.current_step, body.reason,
                         rev.review_round)
        return await self.get(notice_id)

    async def recall(self, who: Principal, notice_id: int, data: Any, now: datetime) -> dict[str, Any]:
        """An author withdraws their revision from review; it stays frozen (an edit makes a new one)."""
        reason = parse(Recall, {} if data is None else data).reason
        async with self.db.write() as conn:
            row, rev, pending = await self._lock(conn, notice_id)
            workflow.check_recall(row.status, pending, who.id, who.roles)
            await self._back_to_draft(conn, row, rev, now)
            await _event(conn, notice_id, rev.id, rev.number, who, now, "recall", rev.current_step, reason,
                         rev.review_round)
        return await self.get(notice_id)

    async def _back_to_draft(self, conn: AsyncConnection, row: Any, rev: Any, now: datetime) -> None:
        await conn.execute(
            update(revisions).where(revisions.c.id == rev.id).values(state="draft", current_step=0, updated_at=now)
        )
        status = "draft" if row.status == "in_review" else row.status
        await conn.execute(update(notices).where(notices.c.id == row.id).values(status=status, updated_at=now))

    async def withdraw(self, who: Principal, notice_id: int, data: Any, now: datetime,
                       remote: str | None = None) -> dict[str, Any]:
        reason = parse(Reason, {} if data is None else data).reason
        async with self.db.write() as conn:
            row, _rev, _pending = await self._lock(conn, notice_id)
            workflow.check_withdraw(row.status, who.roles)
            await conn.execute(
                update(notices).where(notices.c.id == notice_id)
                .values(status="withdrawn", withdrawn_at=now, updated_at=now)
            )
            await reindex_notice(conn, notice_id)
            await _bump_data(conn)
            await _event(conn, notice_id, row.live_revision_id, None, who, now, "withdraw", comment=reason)
            await audit.record(conn, now, "notice_withdrawn", who.username, f"notice {notice_id}", remote,
                               index_no=row.index_no, title=row.title, reason=reason)
        await self._changed(notice_id)
        return await self.get(notice_id)

    # -- helpers ---------------------------------------------------------------
    async def _lock(self, conn: AsyncConnection, notice_id: int) -> tuple[Any, Any, workflow.Pending | None]:
        row = (await conn.execute(select(notices).where(notices.c.id == notice_id).with_for_update())).first()
        if row is None:
            raise not_found(f"notice {notice_id}")
        rev = None
        if row.pending_revision_id is not None:
            rev = (await conn.execute(select(revisions).where(revisions.c.id == row.pending_revision_id))).first()
        approvals = await approvals_by_revision(conn, [rev] if rev is not None else [])
        return row, rev, pending_of(rev, approvals.get(rev.id, {}) if rev is not None else {})

    async def _new_revision(
        self, conn: AsyncConnection, notice_id: int, number: int, notice: NoticeIn, who: Principal, now: datetime,
        earlier_authors: set[int] | None = None,
    ) -> int:
        authors = sorted((earlier_authors or set()) | {who.id})
        result = await conn.execute(
            insert(revisions).values(
                notice_id=notice_id, number=number, state="draft", content=_content(notice), authors=authors,
                review_round=0, current_step=0, created_at=now, updated_at=now,
            )
        )
        return inserted_id(result)

    async def _go_live(self, conn: AsyncConnection, row: Any, rev: Any, content: NoticeIn, now: datetime) -> None:
        if row.live_revision_id is not None:
            await conn.execute(
                update(revisions).where(revisions.c.id == row.live_revision_id).values(state="superseded")
            )
        await conn.execute(
            update(revisions).where(revisions.c.id == rev.id).values(state="approved", approved_at=now, updated_at=now)
        )
        values: dict[str, Any] = dict(
            status="live", live_revision_id=rev.id, pending_revision_id=None, category=content.category,
            title=content.title, live_since=now, updated_at=now,
        )
        if row.first_live_at is None:
            values["first_live_at"] = now
        if row.index_no is None:
            values["index_no"] = await self._next_index_no(conn, now)
        await conn.execute(update(notices).where(notices.c.id == row.id).values(**values))
        await reindex_notice(conn, row.id)  # same transaction: the index cannot drift
        await _bump_data(conn)

    async def revision_to_change(self, conn: AsyncConnection, who: Principal, notice_id: int,
                                 now: datetime, without: int | None = None) -> tuple[int, int]:
        """For a change that is not a text edit (adding or removing a file): the same
        rules as update(). Locks the notice; returns (revision id, number) of the draft
        to change: the unsubmitted draft itself, or a new revision copying the frozen
        draft or the live revision (its text and its files but `without`), recorded as
        an edit."""
        _require(who, workflow.EDIT_ROLES, "editing notices")
        row, pending_rev, pending = await self._lock(conn, notice_id)
        if not workflow.check_edit(row.status, pending):
            authors = sorted(set(pending_rev.authors) | {who.id})
            await conn.execute(update(revisions).where(revisions.c.id == pending_rev.id)
                               .values(authors=authors, updated_at=now))
            await conn.execute(update(notices).where(notices.c.id == notice_id).values(updated_at=now))
            await _event(conn, notice_id, pending_rev.id, pending_rev.number, who, now, "edit")
            return pending_rev.id, pending_rev.number
        source_id = pending_rev.id if pending_rev is not None else row.live_revision_id
        source = (await conn.execute(select(revisions).where(revisions.c.id == source_id))).one()
        number = (await conn.execute(
            select(func.max(revisions.c.number)).where(revisions.c.notice_id == notice_id)
        )).scalar_one() + 1
        earlier = set(pending_rev.authors) if pending_rev is not None else set()
        rev_id = await self._new_revision(conn, notice_id, number, NoticeIn.model_validate(source.content), who, now,
                                          earlier)
        await attachment_records.carry_over(conn, source_id, rev_id, without=without)
        if pending_rev is not None:
            await conn.execute(update(revisions).where(revisions.c.id == pending_rev.id)
                               .values(state="superseded", updated_at=now))
        await conn.execute(update(notices).where(notices.c.id == notice_id)
                           .values(pending_revision_id=rev_id, updated_at=now))
        await _event(conn, notice_id, rev_id, number, who, now, "edit")
        return rev_id, number

    async def _next_index_no(self, conn: AsyncConnection, now: datetime) -> str:
        year = now.astimezone(self.settings.tz).year
        await insert_missing(conn, index_sequences, {"year": year, "last_seq": 0})
        seq = (
            await conn.execute(
                update(index_sequences).where(index_sequences.c.year == year)
                .values(last_seq=index_sequences.c.last_seq + 1).returning(index_sequences.c.last_seq)
            )
        ).scalar_one()
        org = self.settings.organization
        return workflow.index_number(org.index_template, org.code, year, seq)


def _require(who: Principal, roles: tuple[str, ...], what: str) -> None:
    if not who.has(*roles):
        raise forbidden(f"{what} needs the role {' or '.join(repr(r) for r in roles)}")


def _content(notice: NoticeIn) -> dict[str, Any]:
    return notice.model_dump(mode="json", by_alias=True)


async def _bump_data(conn: AsyncConnection) -> None:
    await conn.execute(update(data_state).where(data_state.c.id == 1).values(revision=data_state.c.revision + 1))


async def _event(
    conn: AsyncConnection,
    notice_id: int,
    revision_id: int | None,
    revision_number: int | None,
    who: Principal,
    now: datetime,
    action: str,
    step: int | None = None,
    comment: str | None = None,
    review_round: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        insert(events).values(
            notice_id=notice_id, revision_id=revision_id, revision_number=revision_number, actor_id=who.id,
            at=now, action=action, step=step, comment=comment, review_round=review_round, details=details,
        )
    )


__all__ = ["ApiError", "NoticeService"]
