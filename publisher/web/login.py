"""Sign in, sign out, and the language switch."""

from __future__ import annotations

from aiohttp import web

from publisher import keys
from publisher.auth.identity import principal
from publisher.auth.sessions import is_https, start_session
from publisher.auth.sign_in import LoginThrottled, sign_in, sign_out
from publisher.errors import ApiError
from publisher.services import users
from publisher.services.users import LANGUAGES
from publisher.web import i18n
from publisher.web.i18n import Translator
from publisher.web.pages import (
    LOGIN,
    form,
    language,
    public_page,
    render,
    safe_next,
    see_other,
    staff_page,
)

routes = web.RouteTableDef()
YEAR = 365 * 24 * 3600


@routes.get(LOGIN)
@public_page
async def login_form(request: web.Request) -> web.StreamResponse:
    target = safe_next(request.query.get("next"))
    if await principal(request) is not None:
        see_other(target)
    done = None
    if request.query.get("done") == "password":
        done = Translator(language(request, None))("密碼已變更，請用新密碼登入。")
    return await render(request, "staff/login.html", {"next": target, "username": "", "error": None, "done": done})


@routes.post(LOGIN)
@public_page
async def login(request: web.Request) -> web.StreamResponse:
    data = form(request)
    username, password = data.get("username", "").strip()[:64], data.get("password", "")[:256]
    target = safe_next(data.get("next"))
    t = Translator(language(request, None))
    if not username or not password:
        return await render(request, "staff/login.html", {
            "next": target, "username": username, "error": t("請輸入使用者名稱和密碼。"), "done": None}, status=422)
    try:
        person = await sign_in(request, username, password)
    except LoginThrottled as err:
        response = await render(request, "staff/login.html", {
            "next": target, "username": username,
            "error": t("登入失敗次數過多，請 %(seconds)s 秒後再試。", seconds=err.retry_after), "done": None,
        }, status=429)
        response.headers["Retry-After"] = str(err.retry_after)
        return response
    except ApiError as err:
        if err.status != 401:
            raise
        return await render(request, "staff/login.html", {
            "next": target, "username": username, "error": t("使用者名稱或密碼不正確。"), "done": None}, status=401)
    response = web.HTTPSeeOther(target)
    await start_session(request, response, person)
    raise response


@routes.post("/staff/logout")
@staff_page()
async def logout(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther(LOGIN)
    await sign_out(request, response)
    raise response


@routes.post("/staff/language")
@public_page
async def choose_language(request: web.Request) -> web.StreamResponse:
    """Remembered for the signed-in user (users.language), and in a cookie for the sign-in page."""
    data = form(request)
    chosen = data.get("language", "")
    if chosen not in LANGUAGES:
        raise ApiError(422, "validation_failed", "unknown language")
    person = await principal(request)
    if person is not None:
        await users.set_language(request.app[keys.DB], person, {"language": chosen})
    target = data.get("next", "")
    response = web.HTTPSeeOther(target if target == LOGIN or target.startswith(LOGIN + "?") else safe_next(target))
    response.set_cookie(i18n.LANG_COOKIE, chosen, max_age=YEAR, path="/staff", httponly=True, samesite="Lax",
                        secure=is_https(request) or None)
    raise response

