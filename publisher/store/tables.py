"""The schema, in SQLAlchemy Core. Alembic migrations mirror it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from publisher.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    # Bumped to end every session and token of the user at once.
    Column("session_epoch", Integer, nullable=False, default=0),
    Column("language", String(16), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime, nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    # Only the SHA-256 of a token is stored; the token itself is shown once.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("index_no", String(80), nullable=True, unique=True),
    Column("status", String(16), nullable=False),  # draft | in_review | live | withdrawn
    Column("category", String(40), nullable=False),
    # Title of the newest revision, so that staff lists and search need no JSON.
    Column("title", String(200), nullable=False),
    Column("live_revision_id", Integer, nullable=True),
    Column("pending_revision_id", Integer, nullable=True),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # When a revision of it first became live: "start absent" counts from here.
    Column("first_live_at", UTCDateTime, nullable=True),
    Column("live_since", UTCDateTime, nullable=True),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Index("ix_notices_status_id", "status", "id"),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", Integer, ForeignKey("notices.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # draft | in_review | approved | superseded
    Column("content", JSON, nullable=False),  # NoticeIn as JSON
    Column("authors", JSON, nullable=False),  # user ids who wrote this revision
    Column("review_round", Integer, nullable=False, default=0),
    Column("current_step", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime, nullable=True),
    Index("ix_revisions_notice", "notice_id", "number", unique=True),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", Integer, ForeignKey("notices.id", ondelete="CASCADE"), nullable=False),
    Column("revision_id", Integer, nullable=True),
    Column("revision_number", Integer, nullable=True),
    Column("actor_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(24), nullable=False),
    Column("step", Integer, nullable=True),
    Column("review_round", Integer, nullable=True),
    Column("comment", Text, nullable=True),
    Index("ix_events_notice", "notice_id", "id"),
)

index_sequences = Table(
    "index_sequences",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # kiosk | led
    Column("location", String(40), nullable=False),
    Column("name", String(200), nullable=True),
    Column("profile", JSON, nullable=False),
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_seen", UTCDateTime, nullable=True),
    Column("last_version", String(80), nullable=True),
    # For a device declared in config: the token hash the config last gave. While the
    # config keeps giving the same one, a revocation made since stays in force.
    Column("declared_sha256", String(64), nullable=True),
)

# One row: bumped by every write that changes what any channel could show, so that
# other instances (and a polled fallback) can tell that the live set moved.
data_state = Table(
    "data_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
)

# Security events, append-only (no update or delete path; the migration adds triggers
# that refuse one): logins, logouts, accounts, roles, devices, withdrawals.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=True),  # username; null for start-up and the CLI
    Column("action", String(40), nullable=False),
    Column("target", String(200), nullable=True),
    Column("remote", String(64), nullable=True),  # client address
    Column("details", JSON, nullable=False),
    Index("ix_audit_events_at", "at", "id"),
)

# Failed sign-ins per key ("user:<name>" or "addr:<address>") in a fixed window;
# counted before the password is checked, so parallel guesses cannot slip past.
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
)

# Requests for information (依申請公開). The applicant's name and contact are personal
# data: only staff read them, and `publisher purge-requests` blanks them (purged_at set)
# after the retention period while the rest of the row stays for the yearly report.
disclosure_requests = Table(
    "disclosure_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tracking_no", String(40), nullable=False, unique=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("received_on", Date, nullable=False),  # the bureau's local day of receipt
    Column("channel", String(16), nullable=False),  # in_person | post | online | fax | email | other
    Column("applicant_kind", String(16), nullable=False),  # table-3 column
    Column("applicant_name", String(200), nullable=True),  # null once purged
    Column("applicant_contact", String(300), nullable=True),  # null once purged
    Column("description", Text, nullable=True),  # null once purged
    Column("status", String(16), nullable=False),  # open | extended | replied
    Column("deadline_on", Date, nullable=False),  # last working day to reply
    # True while the deadline runs into a year the working-day calendar does not know
    # (counted on plain weekdays until the configuration or the package declares it).
    Column("deadline_provisional", Boolean, nullable=False, default=False),
    Column("extended_at", UTCDateTime, nullable=True),
    Column("extension_reason", Text, nullable=True),
    Column("outcome", String(32), nullable=True),  # table-3 outcome code, set on reply
    Column("reply_text", Text, nullable=True),
    Column("notice_id", Integer, ForeignKey("notices.id"), nullable=True),
    Column("replied_at", UTCDateTime, nullable=True),
    Column("replied_on", Date, nullable=True),  # the bureau's local day of the reply
    Column("created_by", Integer, ForeignKey("users.id"), nullable=True),  # null: online
    Column("created_at", UTCDateTime, nullable=False),
    Column("purged_at", UTCDateTime, nullable=True),
    Index("ix_disclosure_requests_status_deadline", "status", "deadline_on"),
    Index("ix_disclosure_requests_received_on", "received_on"),
)

# What happened to a request: received, extended, replied, purged (never the applicant).
request_events = Table(
    "request_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "request_id", Integer, ForeignKey("disclosure_requests.id", ondelete="CASCADE"), nullable=False
    ),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("action", String(24), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_request_events_request", "request_id", "id"),
)

# Online applications per client address in a fixed window (the public form's rate
# limit, shared by every instance); counted before the request is written.
request_submissions = Table(
    "request_submissions",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
)
# --- imports (migration 0003): historical records and what review confirmed.
# When a notice came in by `publisher import notices` (null: written through review).
notices.append_column(Column("imported_at", UTCDateTime, nullable=True))
# What an event records beyond its comment: an import's source line, the personal-data
# and secrecy flags a reviewer confirmed when approving.
events.append_column(Column("details", JSON, nullable=True))
# Attachment files (issue 13): the bytes live in blob storage under their sha256
# (publisher.attachments.storage); this row is one upload of them to one notice, with
# the name kept for download. An attachment belongs to revisions through
# revision_attachments: a new revision made by an edit carries the previous one's
# links over, and removing a file is a new revision without its link, so a file is
# reviewed, published and withdrawn with the revision that holds it.
attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", Integer, ForeignKey("notices.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content_type", String(120), nullable=False),
    Column("filename", String(255), nullable=False),  # sanitised (publisher.attachments.names)
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_attachments_sha256", "sha256"),
    Index("ix_attachments_notice", "notice_id"),
)

revision_attachments = Table(
    "revision_attachments",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", Integer, ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),  # order on the page
    Index("ix_revision_attachments_attachment", "attachment_id"),
)

# The yearly disclosure report of a year (DISCLOSURE.md): what staff write (the narrative
# sections) and enter (table 2 rows 5 to 8), its review state, and once published the
# report as published (`snapshot`), so that later data never changes a public report.
yearly_reports = Table(
    "yearly_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False, unique=True),
    Column("state", String(16), nullable=False),  # draft | in_review | approved | published
    Column("revision", Integer, nullable=False),  # bumped by every edit; a reviewer names it
    Column("sections", JSON, nullable=False),  # section code -> narrative text
    Column("figures", JSON, nullable=False),  # figure code -> {value, by, at}
    Column("authors", JSON, nullable=False),  # user ids who edited this revision (four eyes)
    Column("submitted_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("approved_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("published_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("published_at", UTCDateTime, nullable=True),
    Column("snapshot", JSON, nullable=True),  # the published report, as published
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# What happened to a report: edit, submit, approve, reject, recall, publish (with a reason).
report_events = Table(
    "report_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("yearly_reports.id", ondelete="CASCADE"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("actor_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(24), nullable=False),
    Column("comment", Text, nullable=True),
    Index("ix_report_events_report", "report_id", "id"),
)

# Administrative reconsiderations and lawsuits about disclosure (table 4's register).
review_cases = Table(
    "review_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    # reconsideration | litigation_direct | litigation_after_reconsideration
    Column("kind", String(40), nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("outcome", String(16), nullable=True),  # upheld | corrected | other; null while pending
    Column("decided_on", Date, nullable=True),
    Column("note", Text, nullable=True),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_review_cases_filed_on", "filed_on"),
)
# What loading a live notice derives from its revision's content, kept so that a start
# need not work it out again for every notice (publisher/store/derived.py): the body as
# HTML, the search text, and whether the stored content may be rebuilt without being
# validated again. A cache, written by whoever loaded the revision: each row carries a
# digest of the content it was made from, of the code that made it and of its own
# values, and a row that does not match them is ignored and made again.
revision_derived = Table(
    "revision_derived",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("trusted", Boolean, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("search_text", Text, nullable=False),
)

# The search index of public notices (publisher/search_index): per notice, the folded
# token text of its live revision and exact keys of its numbers. Filled in the same
# transaction as every approval and withdrawal; `publisher search reindex` rebuilds it.
# Migration 0007 also creates, per database, what SQLAlchemy Core cannot declare here:
# SEARCH_INDEX_EXTRAS, which the schema comparison (tests/store) therefore leaves out.
notice_search = Table(
    "notice_search",
    metadata,
    # Newest first is the index's own order: the second the revision went live, then
    # the notice id (index.recency_key). SQLite's FTS5 rows carry it as their rowid and
    # walk it backwards, so a page of a common word stops after 20 matches instead of
    # sorting thousands.
    # (INTEGER on SQLite: 64-bit there, and only that spelling makes it the rowid)
    Column("recency", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("notice_id", Integer, nullable=False, unique=True),
    # the small columns first: SQLite reads a row's columns in order, so filtering never
    # wades through the long token text
    # the schedule's start, else the first approval: not public (nor found) before it
    Column("visible_from", UTCDateTime, nullable=False),
    Column("index_key", String(200), nullable=False, index=True),
    Column("doc_key", String(200), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
)

# SQLite: the FTS5 virtual tables notice_fts and notice_title_fts and the shadow tables FTS5 keeps its index
# in (a virtual table has no Core form). PostgreSQL: the generated tsvector columns and
# their GIN index (PostgreSQL-only columns). Queries reach them through
# publisher/search_index/index.py only.
SEARCH_INDEX_EXTRAS = {
    "tables": frozenset({
        "notice_fts", "notice_fts_data", "notice_fts_idx", "notice_fts_docsize", "notice_fts_config",
        "notice_title_fts", "notice_title_fts_data", "notice_title_fts_idx", "notice_title_fts_docsize",
        "notice_title_fts_config",
    }),
    "columns": frozenset({("notice_search", "title_tsv"), ("notice_search", "all_tsv")}),
    "indexes": frozenset({"notice_search_all_tsv", "notice_search_title_tsv"}),
}
