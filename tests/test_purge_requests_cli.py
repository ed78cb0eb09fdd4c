"""`publisher purge-requests --before DATE`: the applicant's details of requests answered
before DATE are removed; the counts the yearly report needs stay."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest
from serve_support import clean_env, cli


def _register_and_answer(env: dict[str, str]) -> None:
    from publisher.services.requests import RequestService
    from publisher.settings import load_settings
    from publisher.store.engine import Database, make_engine
    from publisher.store.migrate import upgrade

    settings = load_settings(env["PUBLISHER_CONFIG"], database={"url": env["PUBLISHER_DATABASE__URL"]})

    async def work() -> None:
        db = Database(make_engine(env["PUBLISHER_DATABASE__URL"]))
        try:
            await upgrade(db.engine)
            service = RequestService(db, settings)
            now = datetime(2025, 3, 3, 2, tzinfo=timezone.utc)
            made = await service.register(None, {"kind": "person", "name": "黃先生", "contact": "13900000000",
                                                 "description": "請提供補貼名單"}, now)
            from publisher.services import users

            spec = users.parse_user({"username": "rev", "password": "correct horse battery", "roles": ["reviewer"]},
                                    settings)
            reviewer = await users.add_user(db, spec, now)
            await service.reply(reviewer, made["id"], {"outcome": "unavailable.not_held", "text": "不掌握"}, now)
            await service.register(None, {"kind": "business", "name": "某公司", "contact": "x", "description": "y"},
                                   now)
        finally:
            await db.close()

    asyncio.run(work())


@pytest.mark.slow  # runs the `publisher` command
def test_purge_requests_cli(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    _register_and_answer(env)
    done = cli(env, "purge-requests", "--before", "2025-06-01")
    assert done.returncode == 0, done.stderr
    assert "purged the applicant details of 1 request answered before 2025-06-01" in done.stdout
    assert "黃先生" not in done.stdout + done.stderr
    again = cli(env, "purge-requests", "--before", "2025-06-01")
    assert again.returncode == 0 and "of 0 requests" in again.stdout
    for bad, words in (("yesterday", "--before"), ("2999-01-01", "later than tomorrow")):
        refused = cli(env, "purge-requests", "--before", bad)
        assert refused.returncode == 2 and words in refused.stderr, refused.stderr
