"""Configuration: one TOML file, overridable by PUBLISHER_<SECTION>__<KEY> variables.

Every model forbids unknown keys, so a typo stops start-up with the key's name
instead of being silently ignored.
"""

from __future__ import annotations

import os
import re
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from publisher.domain.disclosure.working_days import CalendarConfig

# The bureau of the founding document, shipped inside the package so that the installed
# command runs from any folder with no file. config/default.toml in the repository is a
# copy for reading and editing; a test keeps the two identical.
BUILT_IN_CONFIG = "default.toml"

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organization(Strict):
    name: Name = "江門市人力資源和社會保障局"
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")] = "007227429"
    index_template: str = "{org_code}/{year}-{seq:05d}"

    @field_validator("index_template")
    @classmethod
    def _template_formats(cls, value: str) -> str:
        # Index numbers are permanent, so a template that cannot be formatted must
        # fail at start-up, not at the first approval.
        try:
            value.format(org_code="X", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"cannot be formatted with org_code, year, seq: {exc}") from None
        if "{seq" not in value:
            raise ValueError("must contain {seq} so that numbers are unique")
        return value


class CatalogCategory(Strict):
    code: Code
    name: Name


class Location(Strict):
    code: Code
    name: Name


class ReviewStep(Strict):
    name: Name
    role: Code


class Database(Strict):
    url: str = "sqlite+aiosqlite:///var/publisher.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class Server(Strict):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    # The address the public reaches the service at (https://notices.example.gov): every
    # absolute link (Atom) is built from it, never from the request's Host header.
    public_url: Annotated[str, Field(max_length=200)] | None = None

    @field_validator("public_url")
    @classmethod
    def _plain_origin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?", value):
            raise ValueError("must be an http:// or https:// address such as https://notices.example.gov "
                             "(no query, no fragment)")
        return value.rstrip("/")
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g.
    # "10.0.0.0/8"); see publisher.remote. Empty: the socket's peer is the client.
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list, max_length=100)


class Security(Strict):
    # 32 random bytes in URL-safe base64 (python -c "import secrets,base64;
    # print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())").
    # Empty: a key is generated once and kept in data_dir/session.key (mode 0600).
    session_secret: str = ""
    token_ttl_hours: Annotated[int, Field(ge=1, le=24 * 90)] = 24 * 7

    @field_validator("session_secret")
    @classmethod
    def _a_real_key(cls, value: str) -> str:
        # A short or made-up secret used to become a weak key padded with zero bytes.
        if value and session_key_bytes(value) is None:
            raise ValueError("must be 32 random bytes in URL-safe base64 (44 characters), or empty to "
                             "have one generated into the data folder")
        return value


_URLSAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def session_key_bytes(text: str) -> bytes | None:
    """The 32-byte key encoded in `text` (URL-safe base64), or None when it is not one."""
    import base64
    import binascii

    raw = text.strip()
    if not raw or any(c not in _URLSAFE for c in raw.rstrip("=")):
        return None
    try:
        key = base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return key if len(key) == 32 else None


class DeviceTimings(Strict):
    kiosk_poll_s: Annotated[int, Field(ge=1, le=3600)] = 30
    led_poll_s: Annotated[int, Field(ge=1, le=3600)] = 60
    online_polls: Annotated[int, Field(ge=1, le=100)] = 3
    last_seen_flush_s: Annotated[float, Field(gt=0, le=600)] = 10.0
    # Open event streams: per kiosk (the next one is a 429) and for the whole process.
    max_streams: Annotated[int, Field(ge=1, le=10_000)] = 4
    max_streams_total: Annotated[int, Field(ge=1, le=100_000)] = 2000


class DeclaredDevice(Strict):
    """A device written into the configuration instead of registered by API or CLI.
    Its token is given as the SHA-256 of the token, so the file holds no secret:
    printf %s "$TOKEN" | sha256sum"""

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    # A registered device kind (checked at start-up against the channels served).
    kind: Annotated[str, Field(min_length=1, max_length=16)]
    location: Code
    name: Annotated[str, Field(max_length=200)] | None = None
    profile: dict[str, Any] = Field(default_factory=dict)
    token_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class RequestIntake(Strict):
    """The public request form's rate limit: at most `per_address` online applications
    from one client address in `window_minutes` (counted in the database)."""

    per_address: Annotated[int, Field(ge=1, le=1000)] = 5
    window_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 60


class Disclosure(Strict):
    """Requests for information (docs/requests.md): the working-day calendar's extra
    years ([[disclosure.calendar.years]], see docs/disclosure.md) and the public form."""

    calendar: CalendarConfig = CalendarConfig()
    requests: RequestIntake = RequestIntake()
class DisclosureOffice(Strict):
    """The office that answers for government information disclosure (the guide's
    contact block, Art. 12)."""

    name: Name = "江門市人力資源和社會保障局辦公室（政府信息公開）"
    address: Name = "廣東省江門市蓬江區建設三路 28 號"
    postcode: Annotated[str, Field(max_length=12, pattern=r"^[0-9A-Za-z -]*$")] = "529000"
    hours: Name = "星期一至星期五 上午 8:30—12:00，下午 14:30—17:30（法定節假日除外）"
    phone: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9+() -]+$")] = "0750-3500000"
    fax: Annotated[str, Field(max_length=40, pattern=r"^[0-9+() -]*$")] = "0750-3500001"
    email: Annotated[str, Field(max_length=200, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")] = "xxgk@jiangmen.gov.cn"


class Guide(Strict):
    """The disclosure guide (/guide): how the catalog is arranged and how to obtain
    information. Texts are written in Traditional Chinese like every label."""

    arrangement: Annotated[str, Field(min_length=1, max_length=2000)] = (
        "本目錄按信息類別編排，每條信息有唯一的索引號（機構代碼/年份-流水號），並列明發佈機構、"
        "文號、成文日期、發佈日期、文件類型和效力。可按類別、年份、文件類型、效力和發佈機構篩選。")
    proactive: Annotated[str, Field(min_length=1, max_length=2000)] = (
        "主動公開的政府信息，自形成或變更之日起 20 個工作日內在本網站公開，並在辦事大廳的觸摸屏和"
        "電子顯示屏發佈；公民、法人和其他組織可以隨時在本網站查閱、檢索和下載。")
    on_request: Annotated[str, Field(min_length=1, max_length=2000)] = (
        "需要本機關未主動公開的政府信息，可以向本機關提出政府信息公開申請：可在網上提交申請，"
        "也可以書面形式當面遞交、郵寄或傳真。本機關自收到申請之日起 20 個工作日內答覆；"
        "需要延長的，延長期限不超過 20 個工作日。")
class Attachments(Strict):
    """Files attached to revisions (publisher.attachments)."""

    # bytes; an upload is cut off at the first chunk past it (413 too_large)
    max_size: Annotated[int, Field(ge=1024, le=1024 * 1024 * 1024)] = 20 * 1024 * 1024
    # where the files are kept by content hash; a relative path is under data_dir
    folder: Annotated[Path, Field()] = Path("attachments")
    # threads that type-check uploads and render thumbnails (CPU work on untrusted files)
    workers: Annotated[int, Field(ge=1, le=16)] = 2

    def root(self, data_dir: Path) -> Path:
        return self.folder if self.folder.is_absolute() else data_dir / self.folder


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="forbid",
        env_prefix="PUBLISHER_",
        env_nested_delimiter="__",
        frozen=True,
    )

    timezone: str = "Asia/Shanghai"
    data_dir: Path = Path("var")
    log_format: Literal["json", "console"] = "console"
    organization: Organization = Organization()
    catalog: list[CatalogCategory] = Field(default_factory=list, max_length=100)
    locations: list[Location] = Field(default_factory=list, max_length=1000)
    review_chain: list[ReviewStep] = Field(
        default_factory=lambda: [ReviewStep(name="保密審查", role="reviewer")], min_length=1, max_length=10
    )
    database: Database = Database()
    server: Server = Server()
    security: Security = Security()
    devices: DeviceTimings = DeviceTimings()
    device: list[DeclaredDevice] = Field(default_factory=list, max_length=10_000)
    disclosure: Disclosure = Disclosure()
    office: DisclosureOffice = DisclosureOffice()
    guide: Guide = Guide()
    attachments: Attachments = Attachments()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _unique_codes(self) -> Settings:
        for field in ("catalog", "locations"):
            codes = [item.code for item in getattr(self, field)]
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise ValueError(f"{field}: duplicate codes {dupes}")
        ids = [d.id for d in self.device]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"device: duplicate ids {dupes}")
        for i, d in enumerate(self.device):
            if d.location not in self.location_codes:
                raise ValueError(f"device.{i}.location: unknown location {d.location!r}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file; explicit keyword arguments (tests) beat both.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    # Derived lookups used on hot paths; cheap because the model is frozen.
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def catalog_codes(self) -> set[str]:
        return {c.code for c in self.catalog}

    @property
    def location_codes(self) -> set[str]:
        return {loc.code for loc in self.locations}

    def category_name(self, code: str) -> str:
        return next((c.name for c in self.catalog if c.code == code), code)

    def location_name(self, code: str) -> str:
        return next((loc.name for loc in self.locations if loc.code == code), code)


class ConfigError(Exception):
    """Start-up stops with this; its message names every bad key."""


def config_path(path: str | Path | None = None) -> Path | None:
    """The file asked for (argument, then $PUBLISHER_CONFIG), or None for the built-in one."""
    chosen = path or os.environ.get("PUBLISHER_CONFIG")
    return Path(chosen) if chosen else None


def built_in_config() -> str:
    """The text of the built-in configuration (the same as config/default.toml)."""
    return resources.files("publisher").joinpath(BUILT_IN_CONFIG).read_text(encoding="utf-8")


def load_settings(path: str | Path | None = None, **overrides: object) -> Settings:
    """Read the TOML file at `path` ($PUBLISHER_CONFIG, else the built-in configuration),
    then the environment, then `overrides`."""
    chosen = config_path(path)
    _refuse_unknown_env()
    if chosen is not None and not chosen.is_file():
        raise ConfigError(f"config file not found: {chosen}")
    with ExitStack() as stack:
        if chosen is None:
            # as_file gives a real path even if the package is imported from a zip.
            chosen = stack.enter_context(resources.as_file(resources.files("publisher").joinpath(BUILT_IN_CONFIG)))
            label = "built-in configuration"
        else:
            label = str(chosen)
        return _read(chosen, label, overrides)


def _read(toml_file: Path, label: str, overrides: dict[str, object]) -> Settings:
    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=toml_file)

    try:
        return FileSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc, prefix=label)) from None
    except ValueError as exc:  # malformed TOML
        raise ConfigError(f"{label}: {exc}") from None


# Variables with our prefix that are not configuration keys.
_ENV_NOT_CONFIG = {"PUBLISHER_CONFIG"}


def _refuse_unknown_env() -> None:
    # pydantic-settings ignores unknown top-level variables; a mistyped override
    # would then silently do nothing, so name it instead.
    known = {name.upper() for name in Settings.model_fields}
    for var in os.environ:
        if not var.startswith("PUBLISHER_") or var in _ENV_NOT_CONFIG or var.startswith("PUBLISHER_TEST_"):
            continue
        section = var.removeprefix("PUBLISHER_").split("__", 1)[0]
        if section not in known:
            raise ConfigError(f"environment: {var}: unknown configuration key {section.lower()!r}")


def describe_errors(exc: ValidationError, prefix: str) -> str:
    lines = [f"{prefix}: invalid configuration"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        lines.append(f"  {key}: {err['msg']}")
    return "\n".join(lines)
