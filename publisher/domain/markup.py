"""Notice bodies: Markdown with raw HTML off, then nh3 as the last sanitising pass.

Raw HTML is disabled in the parser so that `<script>` shows as text; nh3 then
removes anything a Markdown construct could still smuggle in (javascript: links).
"""

from __future__ import annotations

from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


@lru_cache(maxsize=64)
def _html(markdown: str) -> str:
    """The parser's HTML, unsanitised: loading a notice asks for its body as HTML and as
    plain text one after the other, and parsing is most of the cost of either."""
    html: str = _parser().render(markdown)
    return html


@lru_cache(maxsize=1)
def _cleaners() -> tuple[nh3.Cleaner, nh3.Cleaner]:
    """(safe HTML, plain text): built once; nh3.clean builds its cleaner on every call,
    ~18 us a notice when thousands are loaded."""
    safe = nh3.Cleaner(
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return safe, nh3.Cleaner(tags=set())


def render_body(markdown: str) -> str:
    """Markdown -> safe HTML fragment."""
    return _cleaners()[0].clean(_html(markdown))


def plain_text(markdown: str, limit: int | None = None) -> str:
    """Body as plain text, for search and for summaries that were left empty."""
    text = unescape(_cleaners()[1].clean(_html(markdown)))
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text
