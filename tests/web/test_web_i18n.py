"""Traditional Chinese is the source text; every message has its English, and the
catalog ships as package data."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import publisher.web
from publisher.web.i18n import Translator

WEB = Path(publisher.web.__file__).parent
PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
ROOT = WEB.parent.parent
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


CHANNELS = ROOT / "channels"


def extracted() -> set[str]:
    """The staff pages' messages: publisher/web, plus each channel package's part of
    the staff pages (its spec's labels and its templates/<name>/staff_*.html)."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "t": None}
    sources = [
        (WEB, [("**.py", "python"), ("**/templates/**.html", "jinja2")], {"**/templates/**.html"}),
        (CHANNELS, [("*/spec.py", "python"), ("*/templates/*/staff_*.html", "jinja2")], {"*/templates/*/staff_*.html"}),
        # the portal's search page (docs/search.md)
        (CHANNELS, [("portal/templates/portal/search.html", "jinja2")], {"portal/templates/portal/search.html"}),
    ]
    found = set()
    for folder, method_map, templates in sources:
        options = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern in templates}
        for _file, _line, message, _comments, _context in extract_from_dir(str(folder), method_map, options, keywords):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_its_english() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    english = {m.id: m.string for m in catalog if m.id}
    messages = extracted()
    missing = sorted(m for m in messages if not english.get(m))
    assert not missing, f"no English for {missing}: see publisher/web/babel.cfg"
    for message in messages:
        assert set(_PLACEHOLDER.findall(message)) == set(_PLACEHOLDER.findall(english[message])), message
        assert "%" not in _PLACEHOLDER.sub("", message), f"a bare % breaks jinja2's newstyle gettext: {message}"
    stale = sorted(set(english) - messages)
    assert not stale, f"messages no longer used: {stale}"


def test_translator_formats_in_either_language() -> None:
    assert Translator("zh-Hant")("時段 %(n)s", n=2) == "時段 2"
    assert Translator("en")("時段 %(n)s", n=2) == "Window 2"
    assert Translator("xx").language == "zh-Hant"


def test_catalog_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    assert "*.po" in patterns and "*.html" in patterns and "*.css" in patterns and "*.js" in patterns
    assert "publisher*" in config["tool"]["setuptools"]["packages"]["find"]["include"]
    # templates, static files and translations live inside the package directory
    for part in ("templates/staff/base.html", "static/staff.css", "static/staff.js"):
        assert (WEB / part).is_file(), part
