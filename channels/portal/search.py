"""The portal's search page: /search?q=&page=.

The full-text index (publisher/search_index) finds and orders the notices: an exact
index or document number first, then title matches, then the newest. What is shown of
each comes from the in-memory live set, so a notice the portal does not show (not live
here yet, withdrawn, not for the portal, before its start) never appears, even when the
index and this instance's live set are a moment apart.
"""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import dataclass
from math import ceil
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field

from channels.portal.language import chosen, localized
from channels.portal.routes import _context
from publisher import keys
from publisher.domain.live import LiveNotice
from publisher.domain.schedule import has_started
from publisher.errors import not_found
from publisher.i18n_content import to_simplified
from publisher.search_index import index
from publisher.search_index.highlight import SNIPPET_SOURCE_CHARS, highlight, snippet
from publisher.search_index.query import MAX_QUERY_CHARS
from publisher.search_index.service import find
from publisher.services.notices import parse

routes = web.RouteTableDef()

PAGE_SIZE = 20
MAX_PAGES = index.MAX_RESULTS // PAGE_SIZE  # 10: deeper pages are refused
# query parameters kept in the paging links besides q and page (the portal's language)
LANGUAGES = ("zh-Hant", "zh-Hans", "en")


class SearchQuery(BaseModel):
    """The page's query string. Unknown parameters are the portal's (lang) or noise."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    q: str = Field(default="", max_length=MAX_QUERY_CHARS)
    page: int = Field(default=1, ge=1, le=MAX_PAGES)


@dataclass(frozen=True)
class Result:
    notice: LiveNotice
    title: Markup  # highlighted and escaped
    excerpt: Markup
    exact: bool  # its index or document number is the query


_TAG = re.compile(r"<[^>]*(?:>|$)")


def _body_text(notice: LiveNotice) -> str:
    """The start of the body as plain text, from its rendered (sanitised) HTML: a tag
    strip, far cheaper than rendering the Markdown again."""
    return " ".join(html.unescape(_TAG.sub(" ", notice.body_html[: SNIPPET_SOURCE_CHARS * 2])).split())


def _result(notice: LiveNotice, query: str, exact: bool) -> Result:
    content = notice.content
    excerpt = snippet(content.summary or "", query)
    if "<mark>" not in excerpt:  # found in the body, not the summary: show the body there
        body = snippet(_body_text(notice), query)
        excerpt = body if "<mark>" in body or not content.summary else excerpt
    return Result(notice, highlight(content.title, query), excerpt, exact)


def _results(notices: list[tuple[LiveNotice, bool]], query: str) -> list[Result]:
    return [_result(n, query, exact) for n, exact in notices]


def _public(notice: LiveNotice | None, now: Any) -> LiveNotice | None:
    if notice is None or "portal" not in notice.content.channels:
        return None
    return notice if has_started(notice.content.schedule, now, notice.first_live_at) else None


def _link(request: web.Request, query: str, page: int) -> str:
    params: dict[str, str | int] = {"q": query}
    if page > 1:
        params["page"] = page
    lang = request.query.get("lang")
    if lang in LANGUAGES:
        params["lang"] = lang
    return "/search?" + urlencode(params)


@routes.get("/search")
async def search_page(request: web.Request) -> web.Response:
    wanted = parse(SearchQuery, {k: request.query[k] for k in ("q", "page") if k in request.query})
    query, page = wanted.q, wanted.page
    context: dict[str, Any] = {"query": query, "results": [], "total": 0, "page": page, "pages": 0,
                               "previous": None, "next": None,
                               "first": (page - 1) * PAGE_SIZE + 1, "max_results": index.MAX_RESULTS}
    if query:
        app = request.app
        now = app[keys.CLOCK]()
        found = await find(app[keys.DB], query, now, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        if page > 1 and not found.notice_ids:
            raise not_found(f"page {page} of the results")
        live = app[keys.QUEUE].live
        exact = found.exact_hits
        shown = [
            (n, hit) for notice_id, hit in zip(found.notice_ids, exact, strict=True)
            if (n := _public(live.get(notice_id), now)) is not None
        ]
        # marking a page of results is a few milliseconds of CPU: off the event loop
        # shown in the page's language: Simplified content (cached per revision) for zh-Hans,
        # with the query marked in the same script
        lang = chosen(request)[0]
        converted = localized(request, [n for n, _ in shown], lang)
        shown = [(n, hit) for n, (_, hit) in zip(converted, shown, strict=True)]
        marked = to_simplified(query) if lang == "zh-Hans" else query
        context["results"] = await asyncio.get_running_loop().run_in_executor(None, _results, shown, marked)
        pages = min(ceil(found.total / PAGE_SIZE), MAX_PAGES)
        context.update(
            total=found.total, pages=pages,
            previous=_link(request, query, page - 1) if page > 1 else None,
            next=_link(request, query, page + 1) if page < pages else None,
        )
    return aiohttp_jinja2.render_template("portal/search.html", request, _context(request, **context))
