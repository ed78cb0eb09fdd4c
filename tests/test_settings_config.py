"""Configuration: the default file, environment overrides, and refusals that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_default_config_describes_the_bureau() -> None:
    s = load_settings(ROOT / "config" / "default.toml")
    assert s.timezone == "Asia/Shanghai"
    assert [c.code for c in s.catalog] == ["organization", "documents", "guides", "enforcement", "news", "other"]
    assert [c.name for c in s.catalog] == ["機構職能", "部門文件", "辦事指南", "行政執法", "工作動態", "其他"]
    assert [loc.code for loc in s.locations] == ["hall-hr", "hall-si", "hall-market", "hall-pro"]
    assert s.location_name("hall-si") == "社保局辦事大廳"
    assert [(st.role) for st in s.review_chain] == ["reviewer"]
    assert s.organization.index_template == "{org_code}/{year}-{seq:05d}"
    three = load_settings(ROOT / "config" / "three-step.toml")
    assert [st.role for st in three.review_chain] == ["section-head", "reviewer", "leader"]


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISHER_DATABASE__URL", "postgresql+asyncpg://postgres@127.0.0.1/test")
    monkeypatch.setenv("PUBLISHER_TIMEZONE", "America/New_York")
    s = load_settings(ROOT / "config" / "default.toml")
    assert s.database.url.startswith("postgresql+asyncpg://")
    assert s.timezone == "America/New_York"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text((ROOT / "config" / "default.toml").read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("colour = 'red'", "colour"),
        ("[server.tls]\non = true", "server.tls"),
        ("[auditing]\nlevel = 1", "auditing"),
    ],
)
def test_unknown_keys_stop_start_up(tmp_path: Path, extra: str, key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(_write(tmp_path, extra))
    assert key in str(exc.value)


@pytest.mark.parametrize(
    ("env", "value", "key"),
    [
        ("PUBLISHER_TIMEZONE", "Mars/Olympus", "timezone"),
        ("PUBLISHER_SERVER__PORT", "99999", "server.port"),
        ("PUBLISHER_DATABASE__URL", "mysql://x", "database.url"),
        ("PUBLISHER_DATABASE__POOL", "3", "database.pool"),
        ("PUBLISHER_BOGUS", "1", "bogus"),
        ("PUBLISHER_ORGANIZATION__INDEX_TEMPLATE", "{org_code}/{year}", "organization.index_template"),
    ],
)
def test_bad_values_name_the_key(monkeypatch: pytest.MonkeyPatch, env: str, value: str, key: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as exc:
        load_settings(ROOT / "config" / "default.toml")
    assert key in str(exc.value)


def test_duplicate_codes_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(_write(tmp_path, "[[locations]]\ncode = 'hall-hr'\nname = 'again'"))
    assert "locations" in str(exc.value) and "hall-hr" in str(exc.value)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("timezone = ", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(bad)


def test_built_in_configuration_needs_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No argument and no PUBLISHER_CONFIG: the bureau built into the package, from any folder."""
    monkeypatch.delenv("PUBLISHER_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    built_in = load_settings()
    assert built_in.model_dump() == load_settings(ROOT / "config" / "default.toml").model_dump()
    # PUBLISHER_CONFIG, then an explicit path, override it
    monkeypatch.setenv("PUBLISHER_CONFIG", str(ROOT / "config" / "three-step.toml"))
    assert [st.role for st in load_settings().review_chain] == ["section-head", "reviewer", "leader"]
    assert [st.role for st in load_settings(ROOT / "config" / "default.toml").review_chain] == ["reviewer"]
    monkeypatch.setenv("PUBLISHER_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match="gone.toml"):
        load_settings()


def test_built_in_configuration_errors_say_where(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBLISHER_CONFIG", raising=False)
    monkeypatch.setenv("PUBLISHER_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="built-in configuration") as exc:
        load_settings()
    assert "timezone" in str(exc.value)
