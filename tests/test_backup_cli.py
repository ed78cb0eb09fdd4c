"""`publisher backup PATH`: a consistent copy of the SQLite database, made while a writer
keeps writing; refusals for an existing target, a missing folder and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from serve_support import clean_env, cli

from publisher.store.backup import BackupRefused, backup


def _database(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # as the service runs it
        conn.execute("CREATE TABLE notices (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
        conn.executemany("INSERT INTO notices (title) VALUES (?)", [(f"公告{i}" * 20,) for i in range(rows)])


def test_the_copy_is_whole_while_a_writer_keeps_writing(tmp_path: Path) -> None:
    source = tmp_path / "publisher.db"
    _database(source, 20_000)
    stop = threading.Event()

    def writer() -> None:
        with sqlite3.connect(source, timeout=30) as conn:
            while not stop.is_set():
                conn.execute("INSERT INTO notices (title) VALUES ('寫入中')")
                conn.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        size = backup(f"sqlite+aiosqlite:///{source}", tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM notices WHERE title != '寫入中'").fetchone() == (20_000,)
    assert size == (tmp_path / "copy.db").stat().st_size
    assert not (tmp_path / "copy.db.partial").exists()


def test_refusals_say_what_to_do(tmp_path: Path) -> None:
    source = tmp_path / "publisher.db"
    _database(source, 1)
    (tmp_path / "taken.db").write_bytes(b"keep me")
    url = f"sqlite+aiosqlite:///{source}"
    with pytest.raises(BackupRefused, match="exists already"):
        backup(url, tmp_path / "taken.db")
    assert (tmp_path / "taken.db").read_bytes() == b"keep me"
    with pytest.raises(BackupRefused, match="no folder"):
        backup(url, tmp_path / "nowhere" / "copy.db")
    with pytest.raises(BackupRefused, match="pg_dump"):
        backup("postgresql+asyncpg://postgres@127.0.0.1/test", tmp_path / "copy.db")
    with pytest.raises(BackupRefused, match="no database"):
        backup(f"sqlite+aiosqlite:///{tmp_path / 'missing.db'}", tmp_path / "copy.db")


@pytest.mark.slow  # runs the `publisher` command
def test_backup_command(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    assert cli(env, "db", "upgrade").returncode == 0
    done = cli(env, "backup", str(tmp_path / "copy.db"))
    assert done.returncode == 0, done.stderr
    assert "backed up" in done.stdout and (tmp_path / "copy.db").is_file()
    tables = {r[0] for r in sqlite3.connect(tmp_path / "copy.db").execute("SELECT name FROM sqlite_master")}
    assert {"notices", "revisions", "disclosure_requests"} <= tables
    again = cli(env, "backup", str(tmp_path / "copy.db"))
    assert again.returncode == 1 and "exists already" in again.stderr
