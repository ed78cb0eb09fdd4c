"""A data set for the yearly report of 2025 (and 2024), built in the database the way the
other parts of the system leave it: notices as `publisher import notices` writes them
(a notices row with its live revision, first_live_at = published_at), requests as the
request register keeps them (rows of disclosure_requests), cases through the API.

The figures the report must show are written out by hand below (EXPECTED_*), from the
records listed here, not computed by the code under test."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select, update

from publisher.domain.disclosure.report_codes import TABLE3_COLUMNS, TABLE3_ROW_CODES
from publisher.store.engine import Database
from publisher.store.tables import disclosure_requests, notices, revisions, users

UTC = timezone.utc
CATALOG = ("organization", "documents", "guides", "enforcement", "news", "other")


def local(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """An instant at `hour` o'clock in Asia/Shanghai (UTC+8), as UTC."""
    return datetime(y, m, d, hour, tzinfo=UTC) - timedelta(hours=8)


async def user_id(db: Database, name: str) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(users.c.id).where(users.c.username == name))).scalar_one()


async def add_notice(db: Database, author: int, category: str, first_live_at: datetime | None,
                     channels: tuple[str, ...] = ("portal", "kiosk"), status: str = "live",
                     **meta: Any) -> int:
    """A notice as an import leaves it: live (or withdrawn) with its live revision."""
    content = {"title": f"{category} notice", "summary": "", "body": "正文", "category": category,
               "channels": list(channels), "priority": "normal", "meta": {"keywords": [], **meta}}
    now = first_live_at or datetime(2025, 1, 1, tzinfo=UTC)
    async with db.write() as conn:
        nid = (await conn.execute(insert(notices).values(
            status=status if first_live_at else "draft", category=category, title=content["title"],
            created_by=author, created_at=now, updated_at=now, first_live_at=first_live_at,
            live_since=first_live_at, withdrawn_at=now if status == "withdrawn" else None,
        ).returning(notices.c.id))).scalar_one()
        rid = (await conn.execute(insert(revisions).values(
            notice_id=nid, number=1, state="approved" if first_live_at else "draft", content=content,
            authors=[author], review_round=1, current_step=0, created_at=now, updated_at=now,
            approved_at=first_live_at,
        ).returning(revisions.c.id))).scalar_one()
        column = "live_revision_id" if first_live_at else "pending_revision_id"
        await conn.execute(update(notices).where(notices.c.id == nid).values(**{column: rid}))
    return nid


_seq = [0]


async def add_request(db: Database, kind: str, received_on: date, outcome: str | None = None,
                      replied_on: date | None = None, extended: bool = False) -> int:
    """A row of the request register, as its service leaves it."""
    _seq[0] += 1
    received_at = local(received_on.year, received_on.month, received_on.day)
    values: dict[str, Any] = dict(
        tracking_no=f"T{received_on:%Y%m%d}-{_seq[0]:05d}", received_at=received_at, received_on=received_on,
        channel="post", applicant_kind=kind, applicant_name="某申請人", applicant_contact="郵寄",
        description="申請公開某文件", status="replied" if outcome else ("extended" if extended else "open"),
        deadline_on=received_on + timedelta(days=40 if extended else 28), created_at=received_at,
        extended_at=received_at + timedelta(days=10) if extended else None,
        extension_reason="需要協調" if extended else None,
        outcome=outcome, replied_on=replied_on,
        replied_at=local(replied_on.year, replied_on.month, replied_on.day) if replied_on else None,
        reply_text="已答覆" if outcome else None,
    )
    async with db.write() as conn:
        return (await conn.execute(insert(disclosure_requests).values(**values)
                                   .returning(disclosure_requests.c.id))).scalar_one()


# -- the data set -------------------------------------------------------------------
BULK_NEWS = 55  # news items on the portal in 2025, so that the average per day is not 0.0

# Requests received and answered in 2025: every outcome code once, by these applicants.
REPLIED_2025 = (
    ("disclosed", "person"), ("partly", "business"), ("withheld.state_secret", "research"),
    ("withheld.prohibited", "nonprofit"), ("withheld.security", "legal_service"),
    ("withheld.third_party", "other"), ("withheld.internal", "person"), ("withheld.process", "person"),
    ("withheld.enforcement_file", "business"), ("withheld.inquiry", "business"),
    ("unavailable.not_held", "person"), ("unavailable.needs_creation", "research"),
    ("unavailable.unclear", "person"), ("not_processed.petition", "person"), ("not_processed.repeat", "other"),
    ("not_processed.publication", "nonprofit"), ("not_processed.mass", "person"),
    ("not_processed.reissue", "legal_service"), ("other.no_correction", "person"), ("other.no_fee", "business"),
    ("other.other", "person"),
)

CASES = (
    {"kind": "reconsideration", "filed_on": "2025-03-01", "outcome": "upheld", "decided_on": "2025-05-01"},
    {"kind": "reconsideration", "filed_on": "2024-11-01", "outcome": "corrected", "decided_on": "2025-02-01"},
    {"kind": "reconsideration", "filed_on": "2025-11-01"},
    {"kind": "reconsideration", "filed_on": "2024-01-01", "outcome": "upheld", "decided_on": "2024-06-01"},
    {"kind": "litigation_direct", "filed_on": "2025-06-01", "outcome": "other", "decided_on": "2026-01-10"},
    {"kind": "litigation_after_reconsideration", "filed_on": "2025-02-01", "outcome": "other",
     "decided_on": "2025-09-09", "note": "复议后起诉，法院驳回"},
)
FIGURES = {"licensing": 12, "penalty": 3, "coercion": 1, "fees_10k_yuan": "1.25"}


async def build(db: Database, author: int) -> None:
    # 1. organization, public 1 March 2025 on the portal: a normative document issued 20 February.
    await add_notice(db, author, "organization", local(2025, 3, 1), doc_kind="normative", issued_on="2025-02-20")
    # 2. a rule issued 30 December 2025, public at 01:00 on 1 January 2026 local time (17:00
    #    UTC on 31 December): public in 2026, but issued and in force in 2025.
    await add_notice(db, author, "documents", datetime(2025, 12, 31, 17, 0, tzinfo=UTC), doc_kind="rule",
                     issued_on="2025-12-30")
    # 3. a rule of 2024, repealed on 1 July 2025.
    await add_notice(db, author, "documents", local(2024, 6, 1), doc_kind="rule", issued_on="2024-05-20",
                     validity="repealed", repealed_on="2025-07-01")
    # 4. a normative document without issued_on (made the day it went public), since withdrawn.
    await add_notice(db, author, "documents", local(2025, 4, 10), status="withdrawn", doc_kind="normative")
    # 5. news on the kiosk only (not a portal item); 6. news on the portal.
    await add_notice(db, author, "news", local(2025, 5, 5), channels=("kiosk",))
    await add_notice(db, author, "news", local(2025, 5, 6))
    # 7. a normative guide of 2023, still in force.
    await add_notice(db, author, "guides", local(2023, 1, 1), doc_kind="normative", issued_on="2022-12-20")
    # 8. a draft never made public: counts nowhere.
    await add_notice(db, author, "other", None, doc_kind="normative", issued_on="2025-01-01")
    # 9. enforcement on the portal, withdrawn later.
    await add_notice(db, author, "enforcement", local(2025, 8, 8), status="withdrawn")
    for i in range(BULK_NEWS):
        await add_notice(db, author, "news", local(2025, 1 + i % 12, 1 + i % 28))

    for outcome, kind in REPLIED_2025:
        await add_request(db, kind, date(2025, 3, 3), outcome, date(2025, 3, 20))
    await add_request(db, "person", date(2025, 6, 2), "disclosed", date(2025, 7, 25), extended=True)
    # carried over from 2024: answered in January 2025 (one after an extension)
    await add_request(db, "person", date(2024, 12, 20), "disclosed", date(2025, 1, 10))
    await add_request(db, "business", date(2024, 12, 22), "partly", date(2025, 1, 15), extended=True)
    # answered within 2024: not in 2025's report
    await add_request(db, "research", date(2024, 11, 1), "disclosed", date(2024, 12, 1))
    # carried into 2026: two still open (one extended), one answered in January 2026
    await add_request(db, "person", date(2025, 12, 20))
    await add_request(db, "legal_service", date(2025, 12, 1), extended=True)
    await add_request(db, "nonprofit", date(2025, 12, 28), "disclosed", date(2026, 1, 5))
    # received in 2026: not in 2025's report
    await add_request(db, "person", date(2026, 2, 1))


# -- what the report of 2025 must say, by hand --------------------------------------
EXPECTED_BY_CATEGORY = {"organization": 1, "documents": 1, "guides": 0, "enforcement": 1,
                        "news": 2 + BULK_NEWS, "other": 0}
EXPECTED_TOTAL = 60
EXPECTED_PORTAL = 59  # all but the kiosk-only news item
EXPECTED_PER_DAY = 0.2  # 59 / 365 = 0.16
EXPECTED_TABLE2 = {
    "art20_1": {"rule": {"issued": 1, "repealed": 1, "in_force": 1},
                "normative": {"issued": 2, "repealed": 0, "in_force": 3}},
    "art20_5": {"licensing": 12}, "art20_6": {"penalty": 3, "coercion": 1}, "art20_8": {"fees_10k_yuan": 1.25},
}
# Non-zero cells of table 3 by row (person, business, research, nonprofit, legal_service, other, total)
_T3 = {
    "new": (11, 4, 2, 3, 3, 2, 25),
    "carried_in": (1, 1, 0, 0, 0, 0, 2),
    "disclosed": (3, 0, 0, 0, 0, 0, 3),
    "partly": (0, 2, 0, 0, 0, 0, 2),
    "withheld": (2, 2, 1, 1, 1, 1, 8),
    "withheld.state_secret": (0, 0, 1, 0, 0, 0, 1),
    "withheld.prohibited": (0, 0, 0, 1, 0, 0, 1),
    "withheld.security": (0, 0, 0, 0, 1, 0, 1),
    "withheld.third_party": (0, 0, 0, 0, 0, 1, 1),
    "withheld.internal": (1, 0, 0, 0, 0, 0, 1),
    "withheld.process": (1, 0, 0, 0, 0, 0, 1),
    "withheld.enforcement_file": (0, 1, 0, 0, 0, 0, 1),
    "withheld.inquiry": (0, 1, 0, 0, 0, 0, 1),
    "unavailable": (2, 0, 1, 0, 0, 0, 3),
    "unavailable.not_held": (1, 0, 0, 0, 0, 0, 1),
    "unavailable.needs_creation": (0, 0, 1, 0, 0, 0, 1),
    "unavailable.unclear": (1, 0, 0, 0, 0, 0, 1),
    "not_processed": (2, 0, 0, 1, 1, 1, 5),
    "not_processed.petition": (1, 0, 0, 0, 0, 0, 1),
    "not_processed.repeat": (0, 0, 0, 0, 0, 1, 1),
    "not_processed.publication": (0, 0, 0, 1, 0, 0, 1),
    "not_processed.mass": (1, 0, 0, 0, 0, 0, 1),
    "not_processed.reissue": (0, 0, 0, 0, 1, 0, 1),
    "other": (2, 1, 0, 0, 0, 0, 3),
    "other.no_correction": (1, 0, 0, 0, 0, 0, 1),
    "other.no_fee": (0, 1, 0, 0, 0, 0, 1),
    "other.other": (1, 0, 0, 0, 0, 0, 1),
    "total": (11, 5, 2, 2, 2, 2, 24),
    "carried_out": (1, 0, 0, 1, 1, 0, 3),
}
EXPECTED_TABLE3 = {row: dict(zip(TABLE3_COLUMNS, _T3[row], strict=True)) for row in TABLE3_ROW_CODES}
EXPECTED_TABLE4 = {
    "reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 1, "total": 3},
    "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    "litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
}


def expected_cells() -> dict[str, Any]:
    """Every figure of 2025's report by its cell path (as in the CSV and the HTML)."""
    out: dict[str, Any] = {f"section1.proactive_by_category.{c}": n for c, n in EXPECTED_BY_CATEGORY.items()}
    out["section1.proactive_total.total"] = EXPECTED_TOTAL
    out["section1.portal_items.total"] = EXPECTED_PORTAL
    out["section1.portal_items_per_day.total"] = EXPECTED_PER_DAY
    for kind, cols in EXPECTED_TABLE2["art20_1"].items():
        for col, n in cols.items():
            out[f"table2.art20_1.{kind}.{col}"] = n
    for row in ("art20_5", "art20_6", "art20_8"):
        for col, n in EXPECTED_TABLE2[row].items():
            out[f"table2.{row}.{col}"] = n
    for row, cols in EXPECTED_TABLE3.items():
        for col, n in cols.items():
            out[f"table3.{row}.{col}"] = n
    for kind, cols in EXPECTED_TABLE4.items():
        for col, n in cols.items():
            out[f"table4.{kind}.{col}"] = n
    return out
