"""Languages of the staff pages: Traditional Chinese (the source text) and English.

Templates and code are written in Traditional Chinese; `translations/en/.../messages.po`
holds the English. The catalog is compiled in memory from the .po file when first used,
so the committed .po is the only source and a fresh `pip install .` ships it as package
data. Templates call gettext through jinja2's i18n extension; which language they get is
set per render (a context variable), so one environment serves every request.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

from publisher.services.users import LANGUAGES

DEFAULT = LANGUAGES[0]
TRANSLATIONS = Path(__file__).parent / "translations"
# babel locale names and the <html lang> of each language
BABEL_LOCALES = {"zh-Hant": "zh_Hant_TW", "en": "en"}
LANG_COOKIE = "publisher_lang"
# The portal speaks Simplified Chinese as well (labels converted, see translations()).
SIMPLIFIED = "zh-Hans"

_current: ContextVar[str] = ContextVar("staff_language", default=DEFAULT)


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (module-level tables)."""
    return message


@cache
def translations(language: str) -> _gettext.NullTranslations:
    if language == SIMPLIFIED:
        # the portal's Simplified Chinese: every label is its zh-Hant source through
        # OpenCC t2s (publisher.i18n_content), so there is no second catalog to keep
        from publisher.i18n_content import SimplifiedTranslations

        return SimplifiedTranslations()
    if language == DEFAULT or language not in LANGUAGES:
        return _gettext.NullTranslations()
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALES[language])
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


class Translator:
    """gettext for one language, for messages built in Python."""

    __slots__ = ("language", "_t")

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT
        self._t = translations(self.language)

    def __call__(self, message: str, **values: object) -> str:
        text = self._t.gettext(message)
        return text % values if values else text

    def n(self, singular: str, plural: str, count: int, **values: object) -> str:
        return self._t.ngettext(singular, plural, count) % {"num": count, **values}

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.language]


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Templates rendered inside this block speak `language`."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def _gettext_now(message: str) -> str:
    return translations(_current.get()).gettext(message)


def _ngettext_now(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def install(env: Environment) -> None:
    """Give the shared jinja2 environment gettext that follows the current language
    (newstyle: `_("... %(name)s", name=x)` formats and escapes)."""
    env.install_gettext_callables(_gettext_now, _ngettext_now, newstyle=True)  # type: ignore[attr-defined]


def use(language: str) -> None:
    """Templates rendered from here to the end of the current task (one aiohttp request)
    speak `language`: for handlers that cannot wrap their rendering in speaking()."""
    _current.set(language)
