"""The derived-fields cache of live revisions (table revision_derived).

Loading a live notice validates its stored content, renders its Markdown body to safe
HTML and folds its text for search: more than a second for 10,000 notices at every
start. What that gives is kept per revision, under a digest of

- the code that made it (the modules that validate, rebuild and render, the versions
  of the libraries they use, Python's),
- the content as stored (its JSON text) and the notice's index number,
- the kept values themselves.

A row is used only while the digest worked out from what is in the database now
matches it. A new revision, an edited draft, an import, a script that rewrote a
revision, an upgrade of the code, a damaged row: each fails that check, and the notice
is derived again from its content, validated as ever (a content that no longer
validates is left out as before, publisher.store.live), and its row written again.
Nothing writes the cache but loading, so no write path can leave it stale.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import structlog

from publisher.domain.markup import plain_text, render_body
from publisher.domain.notices import NoticeIn
from publisher.domain.search import fold
from publisher.domain.stored import rebuild, rebuilds_exactly
from publisher.store.engine import Database
from publisher.store.tables import revision_derived
from publisher.store.upsert import upsert_many

log = structlog.get_logger("publisher.store.derived")


@lru_cache(maxsize=1)
def code_version() -> bytes:
    """Changes whenever the code that validates or derives might give another result."""
    import markdown_it
    import nh3
    import opencc
    import pydantic_core

    from publisher.domain import known, markup, notices, schedule, schedule_rules, search, stored, text

    h = hashlib.sha256()
    for module in (known, markup, notices, schedule, schedule_rules, search, stored, text, sys.modules[__name__]):
        h.update(Path(module.__file__ or "").read_bytes())
    libraries = (pydantic_core, markdown_it, nh3, opencc)
    h.update(repr((sys.version_info[:3], [getattr(m, "__version__", "?") for m in libraries])).encode())
    return h.digest()


def digest(content_text: str, index_no: str | None, trusted: bool, body_html: str, search_text: str) -> str:
    parts = (content_text, index_no or "", "1" if trusted else "0", body_html, search_text)
    # the lengths first, so that no other parts make the same text
    text = ",".join([str(len(p)) for p in parts]) + ";" + "".join(parts)
    return hashlib.sha256(code_version() + text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Derived:
    """One row of revision_derived."""

    revision_id: int
    digest: str
    trusted: bool
    body_html: str
    search_text: str


def search_text(content: NoticeIn, index_no: str | None) -> str:
    """Lower-cased, Simplified-folded title, summary, body and numbers."""
    meta = content.meta
    searchable = " ".join(
        filter(None, [content.title, content.summary, plain_text(content.body), index_no, meta.doc_number,
                      meta.issuing_org, " ".join(meta.keywords)])
    )
    return fold(searchable)


def derive(revision_id: int, content_text: str, index_no: str | None) -> tuple[NoticeIn, Derived]:
    """The long way: validated, rendered, folded; raises when the content does not validate."""
    data = json.loads(content_text)
    content = NoticeIn.model_validate(data)
    trusted = rebuilds_exactly(data, content)
    body_html, text = render_body(content.body), search_text(content, index_no)
    return content, Derived(revision_id, digest(content_text, index_no, trusted, body_html, text), trusted,
                            body_html, text)


def from_cache(content_text: str, index_no: str | None, cached_digest: str | None, trusted: bool | None,
               cached_html: str | None, cached_search: str | None) -> tuple[NoticeIn, str, str] | None:
    """(content, body HTML, search text) from a revision's content (its JSON text) and
    its row of revision_derived (all None without one), or None when that row is
    missing or no longer holds."""
    if cached_digest is None or cached_html is None or cached_search is None:
        return None
    try:
        if cached_digest != digest(content_text, index_no, bool(trusted), cached_html, cached_search):
            return None
        data = json.loads(content_text)
        return (rebuild(data) if trusted else NoticeIn.model_validate(data)), cached_html, cached_search
    except Exception:  # whatever is wrong with it, the long way decides
        return None


async def save(db: Database, entries: Sequence[Derived]) -> None:
    """Writes the rows; a failure is logged, never raised (the next load derives again)."""
    if not entries:
        return
    try:
        async with db.write() as conn:
            await upsert_many(conn, revision_derived, [asdict(e) for e in entries], key=["revision_id"])
    except Exception as exc:
        log.warning("derived fields not cached", revisions=len(entries), error=f"{type(exc).__name__}: {exc}"[:500])
