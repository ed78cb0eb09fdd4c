"""The kiosk's language button: zh-Hant (default), zh-Hans and en, as on the portal.

The page is rendered in the language of its `?lang=` (labels through the staff pages'
gettext catalog; Simplified by OpenCC t2s of the Traditional source); the labels its
script draws (MESSAGES) travel in the page's data-config. The feed and the catalog
take the same `?lang=`: zh-Hans answers are the zh-Hant bytes converted with t2s
(every string of the JSON is text or an ASCII code, so the shape and the version
field stay as they are) and carry their own ETag, `"<version>.zh-Hans"`; en answers
are the zh-Hant bytes (Chinese content, English labels). A default poll, without
`lang=` in its query, never reaches this module.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict

from aiohttp import web

from channels.serve import serve
from publisher.i18n_content import to_simplified
from publisher.queue import Snapshot
from publisher.web import i18n
from publisher.web.i18n import N_

LANGUAGES = ("zh-Hant", "zh-Hans", "en")
DEFAULT = "zh-Hant"
# the button names the next language in that language
NEXT = {"zh-Hant": "zh-Hans", "zh-Hans": "en", "en": "zh-Hant"}
NAMES = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}
# what kiosk.js and view.js draw themselves, by their Traditional Chinese source
MESSAGES = (
    N_("目前沒有輪播中的公告"), N_("請輕觸下方「分類瀏覽」或「搜尋」，查看本大廳的全部公告。"),
    N_("索引號 %(n)s"), N_("%(n)s 則"), N_("此分類暫無公告"), N_("正在載入目錄…"),
    N_("可輸入標題或正文中的字詞、索引號（例如 %(example)s）或文號。"),
    N_("找到 %(n)s 則與「%(q)s」相關的公告"), N_("沒有找到與「%(q)s」相關的公告"), N_("離線中 · 自 %(since)s 起"),
    N_("重要"), N_("緊急"), N_("已過期"), N_("索引號"), N_("文號"), N_("發佈機構"), N_("成文日期"),
    N_("發佈日期"), N_("有效期"), N_("%(start)s 至 %(end)s"), N_("%(start)s 起"),
)
# Intl locale of the page's dates
DATE_LOCALES = {"zh-Hant": "zh-Hant", "zh-Hans": "zh-Hans", "en": "en-GB"}
CACHE_SIZE = 256  # converted feeds and catalogs kept (per location and version)


def chosen(request: web.Request) -> str:
    """The `?lang=` of a page or feed request; unknown or absent is the default."""
    if "lang=" not in request.query_string:  # the usual poll: no query parsing
        return DEFAULT
    asked = request.query.get("lang")
    return asked if asked in LANGUAGES else DEFAULT


def labels(lang: str) -> dict[str, str]:
    gettext = i18n.translations(lang).gettext
    return {message: gettext(message) for message in MESSAGES} if lang != DEFAULT else {}


class Converted:
    """zh-Hans bytes per snapshot version, least recently used dropped first."""

    def __init__(self, maxsize: int = CACHE_SIZE) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, body: bytes) -> None:
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)


def _convert(body: bytes) -> bytes:
    return to_simplified(body.decode()).encode()


async def serve_in(request: web.Request, snap: Snapshot, cache: Converted, kind: str) -> web.Response:
    """The snapshot in the request's language (see the module's text)."""
    lang = chosen(request)
    if lang != "zh-Hans":
        return serve(request, snap)
    etag = f'"{snap.version}.zh-Hans"'
    key = f"{kind}:{snap.version}"
    body = cache.get(key)
    if body is None:
        # converting a whole feed is CPU work: off the event loop
        body = await asyncio.get_running_loop().run_in_executor(None, _convert, snap.body)
        cache.put(key, body)
    return serve(request, snap, body=body, etag=etag)
