"""What every staff page shares: who is signed in, the language, rendering, the form
token, and refusals shown as pages (never a bare error) in the page's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import wraps
from typing import Any, NoReturn
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy

from publisher import keys
from publisher.auth.identity import principal
from publisher.auth.same_origin import SAFE_METHODS
from publisher.auth.sessions import CSRF_KEY, csrf_token, load_session, save_session
from publisher.domain.errors import DomainError
from publisher.errors import ApiError, from_domain
from publisher.services.users import LANGUAGES, Principal
from publisher.web import forms, i18n
from publisher.web.i18n import N_, Translator
from publisher.web.security import CSRF_FIELD, check_form

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_WHO: web.RequestKey[Principal] = web.RequestKey("staff_who", Principal)
_FORM: web.RequestKey[MultiDictProxy[str]] = web.RequestKey("staff_form", MultiDictProxy)
LOGIN = "/staff/login"

# (path, label, roles that see it; empty: everyone)
NAV = (
    ("/staff/", N_("總覽"), ()),
    ("/staff/notices", N_("公告"), ()),
    ("/staff/notices/new", N_("撰寫公告"), ("editor",)),
    ("/staff/review", N_("審核"), ()),
    ("/staff/schedule", N_("排程"), ()),
    ("/staff/devices", N_("裝置"), ()),
    ("/staff/users", N_("人員"), ("admin",)),
    ("/staff/audit", N_("稽核紀錄"), ("admin",)),
    ("/staff/requests", N_("依申請公開"), ()),
    ("/staff/reports", N_("年度報告"), ()),
)

# What a refusal means to the person who met it, by the service's error code.
EXPLAIN = {
    "four_eyes": N_("依「四眼原則」，這個修訂不能由您核准：作者不能核准自己寫的修訂，"
                    "同一人也不能核准同一修訂的兩個步驟。請由另一位審核人核准。"),
    "forbidden": N_("您的帳號沒有這項操作所需的角色。"),
    "cross_site": N_("已拒絕來自其他網站的請求。請在本系統的頁面上操作。"),
    "csrf_failed": N_("這個表單已過期或不是從本系統送出的。請重新載入頁面後再試一次。"),
    "not_found": N_("找不到這個頁面或項目。"),
    "in_review": N_("這則公告有修訂正在審核中，審核完成（核准或退回）前不能編輯。"),
    "withdrawn": N_("這則公告已撤回，不能再變更。"),
    "nothing_to_submit": N_("沒有可送審的草稿。"),
    "revision_changed": N_("您看到的版本已不是等待審核的版本（作者已修改或撤回）。請重新閱讀目前的版本後再決定。"),
    "not_in_review": N_("這則公告目前沒有等待審核的修訂。"),
    "duplicate_user": N_("這個使用者名稱已有人使用。"),
    "duplicate_device": N_("這個裝置編號已經登記。"),
    "self_lockout": N_("您不能停用自己的帳號，也不能移除自己的管理員角色。請由另一位管理員操作。"),
    "too_many_attempts": N_("這個位址登入失敗次數過多，請稍後再試。"),
    "unencodable": N_("有 LED 顯示屏無法顯示公告的部分文字（該屏設為嚴格模式）。請修改 LED 文字。"),
    "unauthorized": N_("請先登入。"),
}
TITLES = {401: N_("請先登入"), 403: N_("無法執行"), 404: N_("找不到"), 409: N_("目前不能這樣做"),
          422: N_("資料有誤"), 429: N_("請稍候"), 413: N_("資料太大")}


def explain(err: ApiError, t: Translator) -> str:
    text = EXPLAIN.get(err.code)
    return t(text) if text else err.message


def who(request: web.Request) -> Principal:
    return request[_WHO]


def form(request: web.Request) -> MultiDictProxy[str]:
    """The posted form, read once by the page decorator (which checked its token)."""
    return request[_FORM]


def language(request: web.Request, person: Principal | None) -> str:
    if person is not None and person.language in LANGUAGES:
        return person.language
    chosen = request.cookies.get(i18n.LANG_COOKIE)
    return chosen if chosen in LANGUAGES else i18n.DEFAULT


def translator(request: web.Request) -> Translator:
    return Translator(language(request, request.get(_WHO)))


def safe_next(target: str | None) -> str:
    """Only a path on the staff pages: never another site (an open redirect)."""
    if target and target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff/"


def see_other(location: str) -> NoReturn:
    """Answer 303 See Other (after a POST, the browser GETs `location`)."""
    raise web.HTTPSeeOther(location)


def local_time(request: web.Request, value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(request.app[keys.SETTINGS].tz).strftime(fmt)


def zone_label(request: web.Request) -> str:
    """The bureau's zone as staff read it: "Asia/Shanghai (UTC+08:00)"."""
    settings = request.app[keys.SETTINGS]
    now = request.app[keys.CLOCK]().astimezone(settings.tz)
    offset = now.strftime("%z")
    return f"{settings.timezone} (UTC{offset[:3]}:{offset[3:]})"


def field_id(name: str) -> str:
    """The HTML id of a form field: "schedule.start" -> "f-schedule-start"."""
    return "f-" + name.replace(".", "-").replace("_", "-")


def _nav(path: str, person: Principal | None, t: Translator) -> list[tuple[str, str, bool]]:
    """(path, label, is the current section) for the menu items this person may use."""
    if person is None:
        return []
    items = [(p, label) for p, label, roles in NAV if not roles or person.has(*roles)]
    if path.startswith("/staff/notices/") and path.endswith("/review"):
        path = "/staff/review"  # a revision's review page belongs to the review section
    matches = [p for p, _ in items if path == p or (p != "/staff/" and path.startswith(p + "/"))]
    current = max(matches, key=len) if matches else None
    return [(p, t(label), p == current) for p, label in items]


async def render(request: web.Request, template: str, context: dict[str, Any] | None = None,
                 status: int = 200) -> web.Response:
    person: Principal | None = request.get(_WHO)
    lang = language(request, person)
    t = Translator(lang)
    session = await load_session(request)
    new_token = CSRF_KEY not in session
    token = csrf_token(session)
    settings = request.app[keys.SETTINGS]
    base = {
        "who": person,
        "lang": lang,
        "languages": LANGUAGES,
        "t": t,
        "csrf_field": CSRF_FIELD,
        "csrf_token": token,
        "org": settings.organization,
        "settings": settings,
        "zone": zone_label(request),
        "nav": _nav(request.path, person, t),
        "current_path": request.path,
        "fid": field_id,
        "here": request.path_qs,
        "local": lambda value, fmt="%Y-%m-%d %H:%M": local_time(request, value, fmt),
        "category_name": settings.category_name,
        "location_name": settings.location_name,
    }
    base.update(context or {})
    with i18n.speaking(lang):
        response = aiohttp_jinja2.render_template(template, request, base, status=status)
    if new_token:
        await save_session(request, response, session)
    return response


async def error_page(request: web.Request, err: ApiError) -> web.StreamResponse:
    if err.status == 401 and request.method in SAFE_METHODS:
        see_other(f"{LOGIN}?next={quote(request.path_qs, safe='/')}")
    t = translator(request)
    title = t(TITLES.get(err.status, N_("無法執行")))
    return await render(request, "staff/error.html", {"title": title, "message": explain(err, t), "error": err},
                        status=err.status)


async def _run(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        if request.method not in SAFE_METHODS:
            data = forms.text_only(await request.post())
            request[_FORM] = data
            sent = data.get(CSRF_FIELD)
            await check_form(request, sent if isinstance(sent, str) else None)
        return await handler(request)
    except ApiError as err:
        return await error_page(request, err)
    except DomainError as err:
        return await error_page(request, from_domain(err))
    except web.HTTPRequestEntityTooLarge:
        return await error_page(request, ApiError(413, "body_too_large", "request body is larger than 1 MiB"))


def staff_page(*roles: str) -> Callable[[Handler], Handler]:
    """A page for signed-in staff (holding one of `roles`, when given). Anonymous
    visitors go to the sign-in page; every POST has its origin and token checked."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def page(request: web.Request) -> web.StreamResponse:
            try:
                person = await principal(request)
            except ApiError as err:  # a cross-site request carrying the session cookie
                return await error_page(request, err)
            if person is None:
                if request.method in SAFE_METHODS:
                    see_other(f"{LOGIN}?next={quote(request.path_qs, safe='/')}")
                return await _run(request, _sign_in_first)
            request[_WHO] = person
            if roles and not person.has(*roles):
                refusal = ApiError(403, "forbidden", f"this page needs the role {' or '.join(roles)}")
                return await error_page(request, refusal)
            return await _run(request, handler)

        return page

    return decorate


async def _sign_in_first(request: web.Request) -> web.StreamResponse:
    see_other(LOGIN)


def public_page(handler: Handler) -> Handler:
    """A page anyone may open (sign-in); its POSTs are checked like every other."""

    @wraps(handler)
    async def page(request: web.Request) -> web.StreamResponse:
        return await _run(request, handler)

    return page


@staff_page()
async def missing_page(request: web.Request) -> web.StreamResponse:
    """Any other path under /staff/: the staff 404 page (registered last)."""
    raise ApiError(404, "not_found", f"no such page: {request.path}")
