"""`publisher user passwd`, the session secret (issue 10, defect 6), and logs that hold
no secrets."""

from __future__ import annotations

import asyncio
import base64
import os
import stat
from pathlib import Path

import pytest
from refusals import refused
from serve_support import PASSWORD, clean_env, cli

from publisher.app import create_app
from publisher.settings import ConfigError

NEW = "a brand new passphrase"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path)


def _can_sign_in(env: dict[str, str], username: str, password: str) -> bool:
    from publisher.services import users
    from publisher.settings import load_settings
    from publisher.store.engine import Database, make_engine

    async def check() -> bool:
        db = Database(make_engine(env["PUBLISHER_DATABASE__URL"]))
        try:
            return await users.authenticate(db, username, password) is not None
        finally:
            await db.close()

    load_settings(env["PUBLISHER_CONFIG"])
    return asyncio.run(check())


@pytest.mark.slow  # runs the `publisher` command
def test_user_passwd_sets_the_password_and_refuses_bad_ones(env: dict[str, str]) -> None:
    assert cli(env, "user", "add", "wang", "--role", "editor", "--password-stdin", stdin=PASSWORD).returncode == 0
    ok = cli(env, "user", "passwd", "wang", "--password-stdin", stdin=NEW + "\n")
    assert ok.returncode == 0, ok.stderr
    assert "wang" in ok.stdout and "ended" in ok.stdout
    assert NEW not in ok.stdout + ok.stderr
    assert _can_sign_in(env, "wang", NEW) and not _can_sign_in(env, "wang", PASSWORD)
    for password, words in (("short", "at least 12"), ("password1234", "too common"),
                            ("publisher-demo", "too common")):
        bad = cli(env, "user", "passwd", "wang", "--password-stdin", stdin=password)
        assert bad.returncode == 2 and "password" in bad.stderr and words in bad.stderr, (password, bad.stderr)
    same_as_name = cli(env, "user", "add", "longusername1", "--role", "editor", "--password-stdin",
                       stdin="longusername1")
    assert same_as_name.returncode == 2 and "username" in same_as_name.stderr
    nobody = cli(env, "user", "passwd", "nobody", "--password-stdin", stdin=NEW)
    assert nobody.returncode == 2 and "not found" in nobody.stderr
    assert _can_sign_in(env, "wang", NEW)


@pytest.mark.slow  # runs the `publisher` command
@pytest.mark.parametrize("secret", ["changeme", "abcde", "x" * 44, base64.urlsafe_b64encode(b"k" * 16).decode(),
                                    "!" * 44])
def test_a_weak_session_secret_stops_start_up_naming_the_key(env: dict[str, str], secret: str) -> None:
    bad = cli({**env, "PUBLISHER_SECURITY__SESSION_SECRET": secret}, "db", "upgrade")
    assert bad.returncode == 2
    assert "security.session_secret" in bad.stderr and "32" in bad.stderr and "Traceback" not in bad.stderr


def test_a_real_key_is_taken_and_a_missing_one_is_generated_privately(tmp_path: Path) -> None:
    from conftest import make_settings

    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    db = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    create_app(make_settings(db, tmp_path / "a", security={"session_secret": key}))
    assert not (tmp_path / "a" / "session.key").exists()
    create_app(make_settings(db, tmp_path / "b"))
    made = tmp_path / "b" / "session.key"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert len(base64.urlsafe_b64decode(made.read_bytes())) == 32
    create_app(make_settings(db, tmp_path / "b"))  # read again, not replaced
    made.write_text("damaged")
    with pytest.raises(ConfigError, match="session_secret"):
        create_app(make_settings(db, tmp_path / "b"))


async def test_no_secret_reaches_the_log(client, staff, helpers, capfd) -> None:
    """Sign in, use the token and the cookie, change a password, add a device, fail a
    sign-in: the log says what happened, never with a password, token or cookie."""
    capfd.readouterr()
    resp = await client.post("/api/v1/auth/login", json={"username": "boss", "password": "wrong password 123"})
    await refused(resp, 401, "unauthorized")
    resp = await client.post("/api/v1/auth/login", json={"username": "ed", "password": "correct horse battery"})
    token = (await resp.json())["token"]
    cookie = resp.cookies["publisher_session"].value
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/notices", headers=headers)).status == 200
    assert (await client.get("/api/v1/notices")).status == 200  # by cookie
    resp = await client.post("/api/v1/users/me/password", json={"current": "correct horse battery", "new": NEW},
                             headers=headers)
    assert resp.status == 200
    device_token = await helpers.add_device(client, staff, "k9", "kiosk")
    assert (await client.get(f"/kiosk/v1/k9/feed.json?token={device_token}")).status == 200
    await client.post("/api/v1/auth/logout", headers=staff["boss"])
    out, err = capfd.readouterr()
    log = out + err
    assert "login" in log  # the log did capture the scenario
    for secret in (token, cookie, device_token, NEW, "correct horse battery", "wrong password 123",
                   staff["boss"]["Authorization"][7:]):
        assert secret not in log
