"""Shared fixtures: settings on a fresh database, a settable clock, the app and a client.

The database fixture runs every test that uses it on SQLite, and again on PostgreSQL
when PUBLISHER_TEST_POSTGRES_URL is set (.ci/run sets it); without it the PostgreSQL
run is skipped with a reason that says so.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from publisher.app import create_app
from publisher.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "default.toml"
PG_ENV = "PUBLISHER_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at production cost takes ~0.2 s a hash; the tests create many accounts.
    The algorithm stays the same, only its cost parameters drop."""
    from argon2 import PasswordHasher

    from publisher import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("not a real password"))


class Clock:
    """A clock the tests set; the service never reads the real one in tests."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when


async def _reset_postgres(url: str) -> None:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


# A clean PostgreSQL database for every test, fast: the schema is migrated once per
# session and what the migrations wrote (seed rows such as data_state) is copied into the
# schema `publisher_seed`; each test then empties every table (DELETE, sequences
# restarted) and puts the seed rows back. A test that changed the schema itself (a
# drifted table, a dropped schema) is noticed by the schema's signature, and the next
# test migrates afresh.
_SEED = "publisher_seed"
_SIGNATURES: dict[str, str] = {}
_RESEED: dict[str, str] = {}
_SIGNATURE_SQL = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':'
         || coalesce(column_default, '') AS x
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal
  UNION ALL SELECT 'seed:' || table_name FROM information_schema.tables WHERE table_schema = 'publisher_seed'
) s
"""


async def _public_tables(conn: Any) -> list[str]:
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r["tablename"] for r in rows if r["tablename"] != "alembic_version"]


async def _migrate_afresh(url: str, conn: Any) -> None:
    from publisher.store.engine import make_engine
    from publisher.store.migrate import upgrade

    await conn.execute(f"DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS {_SEED} CASCADE; "
                       "CREATE SCHEMA public;")
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    await conn.execute(f"CREATE SCHEMA {_SEED}")
    tables = await _public_tables(conn)
    # One script, one round trip per test: empty everything, put the seeds back (in any
    # order: foreign keys are not checked while replicating), move their sequences on.
    # DELETE, not TRUNCATE: on tables this small it is several times faster (no files
    # are replaced); the sequences start again by hand.
    sequences = [r["sequence_name"] for r in await conn.fetch(
        "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")]
    script = ["SET LOCAL session_replication_role = replica",
              *(f"DELETE FROM public.{_q(t)}" for t in tables),
              *(f"ALTER SEQUENCE public.{_q(q)} RESTART" for q in sequences)]
    for table in tables:
        if not await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM public.{_q(table)})"):
            continue
        await conn.execute(f"CREATE TABLE {_SEED}.{_q(table)} AS TABLE public.{_q(table)}")
        script.append(f"INSERT INTO public.{_q(table)} SELECT * FROM {_SEED}.{_q(table)}")
        for column in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = $1 AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')", table):
            name = column["column_name"]
            script.append(f"SELECT setval(pg_get_serial_sequence('public.{_q(table)}', '{name}'), "
                          f"(SELECT max({_q(name)}) FROM public.{_q(table)}))")
    _RESEED[url] = ";\n".join(script)
    _SIGNATURES[url] = await conn.fetchval(_SIGNATURE_SQL)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _clean_postgres(url: str) -> None:
    """An empty, migrated database (see above); migrates afresh when it must."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("SET lock_timeout = '10s'")
        if _SIGNATURES.get(url) is None or await conn.fetchval(_SIGNATURE_SQL) != _SIGNATURES[url]:
            await _migrate_afresh(url, conn)
            return
        async with conn.transaction():
            await conn.execute(_RESEED[url])
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'publisher.db'}"
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL run skipped: set {PG_ENV}=postgresql+asyncpg://postgres@127.0.0.1/test to run it")
    asyncio.run(_clean_postgres(url))
    return url


def make_settings(database_url: str, data_dir: Path, config: Path = DEFAULT_CONFIG, **extra: Any) -> Settings:
    return load_settings(config, database={"url": database_url}, data_dir=data_dir, **extra)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))  # 09:00 in Asia/Shanghai


@pytest.fixture
async def client(aiohttp_client: Callable[..., Any], settings: Settings, clock: Clock) -> TestClient:
    app = create_app(settings, clock=clock, run_scheduler=False)
    return await aiohttp_client(app)


class Staff:
    """Creates staff accounts and signs them in, for API tests."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.headers: dict[str, dict[str, str]] = {}

    async def add(self, name: str, *roles: str) -> dict[str, str]:
        from publisher import keys
        from publisher.services import users

        app = self.client.server.app
        spec = users.parse_user({"username": name, "password": PASSWORD, "roles": list(roles)}, app[keys.SETTINGS])
        await users.add_user(app[keys.DB], spec, app[keys.CLOCK]())
        resp = await self.client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert resp.status == 200, await resp.text()
        token = (await resp.json())["token"]
        self.client.session.cookie_jar.clear()  # API tests speak with tokens, not cookies
        self.headers[name] = {"Authorization": f"Bearer {token}"}
        return self.headers[name]

    def __getitem__(self, name: str) -> dict[str, str]:
        return self.headers[name]


@pytest.fixture
async def staff(client: TestClient) -> Staff:
    team = Staff(client)
    await team.add("ed", "editor")
    await team.add("ed2", "editor")
    await team.add("rev", "reviewer")
    await team.add("rev2", "reviewer")
    await team.add("boss", "admin")
    return team


def notice_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "每月18日大型招聘會",
        "summary": "人力資源市場每月舉辦招聘會",
        "body": "時間：上午9:00\n\n地點：人力資源市場",
        "category": "news",
        "channels": ["portal", "kiosk", "led"],
        "priority": "normal",
        "meta": {"doc_number": "江人社〔2011〕12號", "issuing_org": "江門市人力資源和社會保障局", "keywords": ["招聘"]},
    }
    body.update(over)
    return body


async def publish(
    client: TestClient, staff: Staff, author: str = "ed", reviewer: str = "rev", **over: Any
) -> dict[str, Any]:
    """Create, submit and approve a notice through the API; returns the live notice."""
    resp = await client.post("/api/v1/notices", json=notice_body(**over), headers=staff[author])
    assert resp.status == 201, await resp.text()
    nid = (await resp.json())["id"]
    resp = await client.post(f"/api/v1/notices/{nid}/submit", headers=staff[author])
    assert resp.status == 200, await resp.text()
    read = (await resp.json())["pending_revision"]["revision"]  # what the reviewer reads and names
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": read}, headers=staff[reviewer])
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def add_device(client: TestClient, staff: Staff, device_id: str, kind: str, location: str = "hall-hr",
                     profile: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"id": device_id, "kind": kind, "location": location}
    if profile is not None:
        body["profile"] = profile
    resp = await client.post("/api/v1/devices", json=body, headers=staff["boss"])
    assert resp.status == 201, await resp.text()
    return (await resp.json())["token"]


@pytest.fixture
def helpers() -> Any:
    class H:
        pass

    h = H()
    h.notice_body = notice_body  # type: ignore[attr-defined]
    h.publish = publish  # type: ignore[attr-defined]
    h.add_device = add_device  # type: ignore[attr-defined]
    return h



def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not os.environ.get(PG_ENV):
        terminalreporter.write_line(
            f"NOTE: the PostgreSQL runs were skipped: set {PG_ENV}=postgresql+asyncpg://postgres@127.0.0.1/test "
            "to run them (.ci/run does)", yellow=True)


@pytest.fixture
async def browser() -> Any:
    """A headless chromium (Debian's), closed after the test; contexts should be made
    with bypass_csp=True when a test injects scripts such as axe-core."""
    from browser_support import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def live_server(aiohttp_server: Callable[..., Any], settings: Settings, clock: Clock) -> Any:
    """The app on a real loopback port (for the browser); server.make_url(path) gives URLs."""
    return await aiohttp_server(create_app(settings, clock=clock, run_scheduler=False))


# Markers follow from what a test uses, so they cannot be forgotten: a test that drives
# chromium is `browser`, one that runs on PostgreSQL is `postgres`. A test that starts
# a process must be marked `slow` (or `browser`): the audit hook below refuses
# subprocesses in every other test, so the fast subset (-m "not browser and not slow")
# stays free of them.
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.postgres)


_SPAWN_EVENTS = {"subprocess.Popen", "os.posix_spawn", "os.fork", "os.exec", "os.system"}
_spawn_refused: list[str] = []  # the current test's id while it may not start processes


def _refuse_spawn(event: str, _args: tuple[Any, ...]) -> None:
    if _spawn_refused and event in _SPAWN_EVENTS:
        raise RuntimeError(f"{_spawn_refused[0]} starts a process ({event}): mark it @pytest.mark.slow")


sys.addaudithook(_refuse_spawn)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    fast = item.get_closest_marker("slow") is None and item.get_closest_marker("browser") is None
    if fast:
        _spawn_refused.append(item.nodeid)
    try:
        return (yield)
    finally:
        _spawn_refused.clear()
