"""The portal's three languages: Traditional Chinese (the source), Simplified Chinese and
English.

A visitor picks one with `?lang=` on any portal URL; the choice is kept in a cookie, so
links without the parameter keep it too. Labels come from the staff pages' gettext
catalog (`publisher/web/translations`): English from the catalog, Simplified Chinese by
converting the Traditional source with OpenCC t2s (no second catalog to keep in step).
Notice content is converted to Simplified per revision (publisher.i18n_content); English
pages show the Chinese content with English labels.

`language_context(request)` is the portal's context processor: every portal page gets
`lang`, `_` speaking that language, the language switch and the hreflang alternates
from it (channels.portal.routes._context calls it), whoever wrote the handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from channels.portal import keys as portal_keys
from publisher import keys
from publisher.domain.live import LiveNotice
from publisher.web import i18n
from publisher.web.i18n import N_

LANGUAGES = ("zh-Hant", "zh-Hans", "en")
DEFAULT = "zh-Hant"
COOKIE = "portal_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# each language named in itself, as a switch shows it
NAMES = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}
# Names of the built-in configuration (publisher/default.toml), so that English pages
# name the bureau and its catalog in English; a deployment's own names show as
# configured unless the catalog has them too.
CONFIGURED_NAMES = (
    N_("江門市人力資源和社會保障局"), N_("機構職能"), N_("部門文件"), N_("辦事指南"), N_("行政執法"),
    N_("工作動態"), N_("其他"),
)
# paths that are not the portal's (they have languages of their own, or none)
NOT_PORTAL = ("/staff", "/api/", "/kiosk", "/led/", "/healthz", "/metrics")


def chosen(request: web.Request) -> tuple[str, bool]:
    """The language of this answer, and whether the URL asked for it. An unknown
    `?lang=` counts as none (the cookie's, else Traditional Chinese): never an error."""
    asked = request.query.get("lang")
    if asked in LANGUAGES:
        return asked, True
    kept = request.cookies.get(COOKIE)
    return (kept if kept in LANGUAGES else DEFAULT), False


def with_lang(path: str, params: Iterable[tuple[str, str]], lang: str | None) -> str:
    """`path` with `params` (in the order given) and `lang` last, when given."""
    query = [(k, v) for k, v in params if k != "lang"]
    if lang is not None:
        query.append(("lang", lang))
    return f"{path}?{urlencode(query)}" if query else path


@dataclass(frozen=True)
class Alternate:
    lang: str
    name: str
    href: str
    current: bool


def alternates(request: web.Request, lang: str) -> list[Alternate]:
    """This page in each language (the switch and the hreflang links): the same path and
    query, `lang` set. Absolute when server.public_url is set."""
    base = (request.app[keys.SETTINGS].server.public_url or "").rstrip("/")
    params = list(request.query.items())
    return [Alternate(code, NAMES[code], base + with_lang(request.path, params, code), code == lang)
            for code in LANGUAGES]


def localized(request: web.Request, notices: Iterable[LiveNotice], lang: str | None = None) -> list[LiveNotice]:
    """The notices as this page's language shows them: converted to Simplified for
    zh-Hans (cached per revision), as they are otherwise."""
    if (lang or chosen(request)[0]) != "zh-Hans":
        return list(notices)
    cache = request.app[portal_keys.SIMPLIFIED]
    return [cache.get(n) for n in notices]


def language_context(request: web.Request) -> dict[str, Any]:
    """What every portal template gets: `lang`, `languages` (the switch), `href` (a link
    that keeps the language), `tr` (gettext of a configured name: category, organisation),
    `localized` (notices in this language). Also makes `_` in templates speak `lang` for
    the rest of this request."""
    lang, _explicit = chosen(request)
    i18n.use(lang)
    gettext: Callable[[str], str] = i18n.translations(lang).gettext

    def href(path: str, **params: Any) -> str:
        pairs = [(k, str(v)) for k, v in params.items() if v is not None and v != ""]
        return with_lang(path, pairs, lang if lang != DEFAULT else None)

    return {
        "lang": lang,
        "languages": alternates(request, lang),
        "href": href,
        "tr": gettext,
        "localized": lambda notices: localized(request, notices, lang),
    }


def remember(request: web.Request, response: web.StreamResponse) -> None:
    """HTML hook: a portal answer to `?lang=X` keeps X in a cookie; an answer chosen
    by the cookie varies with it (a shared cache must not mix languages)."""
    if request.path.startswith(NOT_PORTAL):
        return
    lang, explicit = chosen(request)
    response.headers.setdefault("Content-Language", lang)
    if explicit and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="Lax")
    if not explicit:
        vary = response.headers.get("Vary")
        if vary is None:
            response.headers["Vary"] = "Cookie"
        elif "cookie" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Cookie"
