"""Fixtures for the service layer on its own: a migrated database and staff, no HTTP.
Test modules import them by name (tests/conftest.py is the only conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import PASSWORD, make_settings

from publisher.services import users
from publisher.services.users import Principal
from publisher.settings import Settings
from publisher.store.engine import Database, make_engine
from publisher.store.migrate import upgrade


@pytest.fixture
def service_settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
async def db(service_settings: Settings) -> AsyncIterator[Database]:
    database = Database(make_engine(service_settings.database.url))
    await upgrade(database.engine)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def people(db: Database, service_settings: Settings, clock) -> dict[str, Principal]:  # type: ignore[no-untyped-def]
    team = {"ed": ["editor"], "ed2": ["editor"], "rev": ["reviewer"], "both": ["editor", "reviewer"], "boss": ["admin"]}
    found = {}
    for name, roles in team.items():
        spec = users.parse_user({"username": name, "password": PASSWORD, "roles": roles}, service_settings)
        found[name] = await users.add_user(db, spec, clock.now)
    return found
