"""`publisher search reindex` rebuilds the index from the live notices (a process)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import PASSWORD, make_settings
from serve_support import clean_env, cli

from publisher.services import users
from publisher.services.notices import NoticeService
from publisher.store.engine import Database, make_engine

pytestmark = pytest.mark.slow


async def _publish(url: str, data_dir: Path) -> None:
    settings = make_settings(url, data_dir)
    db = Database(make_engine(url))
    now = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    try:
        ed = await users.add_user(db, users.parse_user(
            {"username": "ed", "password": PASSWORD, "roles": ["editor"]}, settings), now)
        rev = await users.add_user(db, users.parse_user(
            {"username": "rev", "password": PASSWORD, "roles": ["reviewer"]}, settings), now)
        service = NoticeService(db, settings)
        made = await service.create(ed, {"title": "城鎮職工醫療保險", "category": "news"}, now)
        sent = await service.submit(ed, made["id"], now)
        await service.approve(rev, made["id"], {"revision": sent["pending_revision"]["revision"]}, now)
    finally:
        await db.close()


def test_reindex_rebuilds_a_lost_index(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    assert cli(env, "db", "upgrade").returncode == 0
    asyncio.run(_publish(env["PUBLISHER_DATABASE__URL"], tmp_path / "var"))
    path = tmp_path / "p.db"
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM notice_search")
    done = cli(env, "search", "reindex")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "search index rebuilt: 1 public notices indexed"
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT count(*) FROM notice_fts WHERE notice_fts MATCH '\"医疗\" + \"疗保\"'").fetchone()
    assert found == (1,)
