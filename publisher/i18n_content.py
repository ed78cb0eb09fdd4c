"""Notice content in Simplified Chinese for the portal's zh-Hans pages.

OpenCC's `t2s.json` is used: its chain looks a phrase up in TSPhrases before falling back
to single characters, which is what "phrases included" means (乾燥 -> 干燥 but 乾隆 stays
乾隆; 頭髮 -> 头发, 發展 -> 发展). `tw2sp.json` would also rewrite Taiwanese vocabulary to
mainland vocabulary (軟體 -> 软件); the bureau writes mainland terms already, and such
rewriting could change a document number or a quoted title, so it is not used.

A revision never changes once submitted, so its conversion is computed once and kept
per (notice id, revision) in a bounded LRU: a popular notice costs one conversion, and a
crawler walking the whole record cannot grow the cache past `maxsize` entries.
"""

from __future__ import annotations

import gettext
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any, Generic, TypeVar

import opencc
from pydantic import BaseModel

from publisher.domain.live import LiveNotice
from publisher.domain.markup import render_body
from publisher.domain.notices import NoticeIn

K = TypeVar("K")
V = TypeVar("V")

# human-text fields of a revision; codes (category, locations, channels, priority) and
# dates are left alone
TEXT_FIELDS = ("title", "summary", "body", "led_text")


@cache
def _t2s() -> opencc.OpenCC:
    # explicit ".json" works in every opencc release; loading costs milliseconds
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    if not text:
        return text
    converted: str = _t2s().convert(text)
    return converted


def _convert_value(value: Any) -> Any:
    if isinstance(value, str):
        return to_simplified(value)
    if isinstance(value, list):
        return [_convert_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_convert_value(v) for v in value)
    return value


def _convert_meta(meta: BaseModel) -> BaseModel:
    # every string of the metadata (document number, issuing body, keywords and any
    # field added later); code-valued strings such as doc_kind are ASCII and come
    # through t2s unchanged
    update = {name: _convert_value(getattr(meta, name)) for name in type(meta).model_fields}
    return meta.model_copy(update=update)


def simplified_notice(content: NoticeIn) -> NoticeIn:
    """The revision's content with every text field in Simplified Chinese."""
    update: dict[str, Any] = {name: _convert_value(getattr(content, name)) for name in TEXT_FIELDS}
    update["meta"] = _convert_meta(content.meta)
    return content.model_copy(update=update)


class _RevisionLRU(Generic[K, V]):
    """Converted content per (notice id, revision), least recently used dropped first.
    A revision never changes, so an entry never goes stale. Thread-safe, so pages
    rendered in an executor may share it; a conversion runs outside the lock."""

    def __init__(self, maxsize: int = 2048) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
        made = make()  # outside the lock: conversions may overlap
        with self._lock:
            self.misses += 1
            self._items[key] = made
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._items)


class SimplifiedCache(_RevisionLRU[tuple[int, int], NoticeIn]):
    """simplified_notice() per (notice id, revision)."""

    def get(self, notice_id: int, revision: int, content: NoticeIn) -> NoticeIn:
        return self._get((notice_id, revision), lambda: simplified_notice(content))


class SimplifiedTranslations(gettext.NullTranslations):
    """gettext for the portal's Simplified Chinese pages: the source text (Traditional
    Chinese) converted with the same t2s as notice content. Labels are short and few,
    so each is converted once and remembered."""

    def gettext(self, message: str) -> str:
        return _label(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return _label(msgid1 if n == 1 else msgid2)


@lru_cache(maxsize=4096)
def _label(message: str) -> str:
    return to_simplified(message)


class SimplifiedLive(_RevisionLRU[tuple[int, int], LiveNotice]):
    """A live notice as the zh-Hans portal shows it: every text field converted and the
    body rendered again from the converted Markdown."""

    def get(self, notice: LiveNotice) -> LiveNotice:
        def make() -> LiveNotice:
            content = simplified_notice(notice.content)
            return replace(notice, content=content, body_html=render_body(content.body))

        return self._get((notice.id, notice.revision), make)
