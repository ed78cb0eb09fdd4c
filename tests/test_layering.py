"""The architecture's rules that a reader cannot see from one file: the core names no
channel package, handlers read and write only through services, dialect-specific SQL
stays in publisher/store/."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISHER = ROOT / "publisher"


def _sources(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in folder.rglob("*.py")}


def test_the_core_imports_no_channel_package() -> None:
    # The built-in packages are named once, as strings, in channel_registry.BUILTIN.
    importing = re.compile(r"^\s*(from|import) channels\b", re.M)
    offenders = [path for path, text in _sources(PUBLISHER).items() if importing.search(text)]
    assert offenders == []


def test_handlers_open_no_database_connection() -> None:
    opening = re.compile(r"\.(read|write)\(\)\s+as\s+conn|\bconn\.execute\b|^from sqlalchemy\b", re.M)
    handlers = {**_sources(PUBLISHER / "api"), **_sources(PUBLISHER / "web"), **_sources(ROOT / "channels")}
    offenders = [path for path, text in handlers.items() if opening.search(text)]
    assert offenders == []


def test_dialect_specific_sql_lives_in_the_store() -> None:
    offenders = [path for path, text in {**_sources(PUBLISHER), **_sources(ROOT / "channels")}.items()
                 if "sqlalchemy.dialects" in text and not path.startswith("publisher/store/")]
    assert offenders == []


def test_no_channel_writes_into_the_api_modules() -> None:
    # A channel's OpenAPI models come through its spec (ChannelSpec.openapi_models).
    offenders = [path for path, text in _sources(ROOT / "channels").items()
                 if re.search(r"^\s*from publisher\.api\b|^\s*import publisher\.api\b", text, re.M)]
    assert offenders == []
