"""`publisher backup PATH`: a consistent copy of the embedded database while the service
runs. SQLite's online backup API copies one read snapshot, so writers keep going (WAL)
and the copy is one consistent state (never a file copied mid-write). For
PostgreSQL the right tool is pg_dump; this says so instead of pretending."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupRefused(Exception):
    """The copy cannot be made as asked; the message says why and what to do."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupRefused(
            f"the database is {parsed.get_backend_name()}: use pg_dump (for example "
            f"`pg_dump --format=custom --file=publisher.dump {parsed.database or 'DBNAME'}`)")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupRefused("the database is in memory: there is nothing on disk to copy")
    return Path(parsed.database)


def backup(url: str, target: Path) -> int:
    """Copies the database at `url` to `target` (which must not exist yet); answers the
    size in bytes of the copy."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupRefused(f"no database at {source_path}")
    if target.exists():
        raise BackupRefused(f"{target} exists already: give a new file name")
    if not target.parent.is_dir():
        raise BackupRefused(f"no folder {target.parent}")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            # One step: the copy reads one snapshot of the database. (A copy in several
            # steps starts over whenever another connection writes between two steps, so
            # under a steady writer it would never finish.) The service runs SQLite in WAL
            # mode, where a reader does not hold writers off.
            source.backup(copy)
            copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    partial.rename(target)  # only a whole copy ever carries the asked name
    return target.stat().st_size
