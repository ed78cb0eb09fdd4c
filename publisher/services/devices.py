"""Devices (kiosks, LED signs, any registered device kind): registration, token checks, last-seen tracking.

Feed requests must not touch the database, so the registry keeps every device in
memory; a device registered by the CLI while the service runs is found by a
database look-up on first contact (with a short negative cache so that a board
polling with a wrong id cannot turn each poll into a query). Last-seen times are
kept in memory and flushed in batches.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy import select, update

from publisher.domain.known import check_known
from publisher.domain.text import PlainText
from publisher.errors import conflict, from_validation, not_found, unauthorized
from publisher.passwords import new_token, token_hash
from publisher.services import audit
from publisher.settings import ConfigError, Settings
from publisher.store.engine import Database
from publisher.store.tables import devices
from publisher.store.upsert import upsert

if TYPE_CHECKING:
    from publisher.channel_registry import DeviceKind

_NEGATIVE_TTL = timedelta(seconds=10)


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    kind: Annotated[str, Field(min_length=1, max_length=16)]
    location: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[PlainText, Field(max_length=200)] | None = None
    profile: dict[str, Any] | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str, info: ValidationInfo) -> str:
        return check_known(value, info, "kinds", "device kind", as_listed=True)

    @field_validator("location")
    @classmethod
    def _known_location(cls, value: str, info: ValidationInfo) -> str:
        return check_known(value, info, "locations", "location")


@dataclass(slots=True)
class Device:
    id: str
    kind: str
    location: str
    name: str | None
    profile: dict[str, Any]
    token_hash: str | None
    created_at: datetime
    last_seen: datetime | None = None
    last_version: str | None = None
    # Parsed, channel-specific profile (e.g. an LED SignProfile), set by the registry.
    settings: Any = None
    # Declared in the configuration: a revocation holds until the config changes its token.
    declared: bool = False

    @property
    def revoked(self) -> bool:
        return self.token_hash is None


ProfileParser = Any  # a pydantic model class: model_validate(dict) -> profile


class DeviceRegistry:
    def __init__(self, db: Database, settings: Settings, kinds: Mapping[str, DeviceKind] | None = None) -> None:
        """`kinds`: the registered device kinds (ChannelRegistry.kinds); default: the built-in ones."""
        if kinds is None:
            from publisher.channel_registry import builtin_registry

            kinds = builtin_registry().kinds
        self.db = db
        self.settings = settings
        self.kinds: dict[str, DeviceKind] = dict(kinds)
        self.devices: dict[str, Device] = {}
        self.profiles: dict[str, ProfileParser] = {k: v.profile for k, v in self.kinds.items() if v.profile}
        self._misses: dict[str, datetime] = {}
        self._dirty: set[str] = set()
        # token -> device id for tokens already verified, so a poll costs a dict lookup
        # instead of a hash; cleared whenever a token is revoked or replaced.
        self._verified: dict[str, str] = {}

    # -- loading ---------------------------------------------------------------
    def _device(self, row: Any) -> Device:
        device = Device(
            id=row.id, kind=row.kind, location=row.location, name=row.name, profile=row.profile or {},
            token_hash=row.token_hash, created_at=row.created_at, last_seen=row.last_seen,
            last_version=row.last_version, declared=row.declared_sha256 is not None,
        )
        parser = self.profiles.get(device.kind)
        device.settings = parser.model_validate(device.profile) if parser else None
        return device

    async def declare(self, now: datetime) -> int:
        """Write the devices declared in the configuration (their profiles checked like
        the API's); a bad one stops start-up with the key's name. A declared device that
        was revoked stays revoked until the configuration gives it a new token; a new
        or changed declaration is recorded in the audit trail."""
        checked = []
        for i, spec in enumerate(self.settings.device):
            if spec.kind not in self.kinds:
                raise ConfigError(f"configuration: device.{i}.kind: unknown device kind {spec.kind!r}; "
                                  f"known: {', '.join(self.kinds)}")
            parser = self.profiles.get(spec.kind)
            try:
                profile = parser.model_validate(spec.profile).model_dump(mode="json") if parser else spec.profile
            except ValidationError as exc:
                bad = from_validation(exc, ("device", i, "profile"))
                raise ConfigError(f"configuration: {bad.message}") from None
            checked.append((spec, profile))
        if not checked:
            return 0
        async with self.db.write() as conn:
            for spec, profile in checked:
                sha = spec.token_sha256
                old = (await conn.execute(select(devices).where(devices.c.id == spec.id))).first()
                values: dict[str, Any] = dict(kind=spec.kind, location=spec.location, name=spec.name, profile=profile)
                if old is None or old.declared_sha256 != sha:  # new, or the config changed the token
                    values.update(token_hash=sha, revoked_at=None, declared_sha256=sha)
                    await audit.record(conn, now, "device_declared", None, spec.id, None, kind=spec.kind,
                                       location=spec.location, change="added" if old is None else "token changed")
                await upsert(conn, devices, {"id": spec.id, "token_hash": sha, "declared_sha256": sha, **values,
                                             "created_at": now}, ["id"], values)
        return len(checked)

    def _merge(self, row: Any) -> Device:
        """Take a device row from the database, keeping the in-memory last-seen facts
        (they reach the database only in batches)."""
        fresh = self._device(row)
        known = self.devices.get(row.id)
        if known is not None:
            if (known.token_hash, known.kind, known.location, known.profile) != (
                fresh.token_hash, fresh.kind, fresh.location, fresh.profile
            ):
                self._forget_tokens(row.id)
            if known.last_seen is not None and (fresh.last_seen is None or known.last_seen > fresh.last_seen):
                fresh.last_seen, fresh.last_version = known.last_seen, known.last_version
        self.devices[row.id] = fresh
        return fresh

    async def load(self) -> None:
        """(Re)read every device: at start, and wherever a decision must see devices
        that another process (the CLI) registered, such as the strict-sign guard."""
        async with self.db.read() as conn:
            rows = list(await conn.execute(select(devices)))
        for row in rows:
            self._merge(row)

    async def _reread(self, device_id: str, now: datetime) -> Device | None:
        """The device as the database has it now; rate-limited per id so that a board
        polling with a wrong id or token cannot turn each poll into a query."""
        missed = self._misses.get(device_id)
        if missed is not None and now - missed < _NEGATIVE_TTL:
            return self.devices.get(device_id)
        if len(self._misses) > 10_000:
            self._misses.clear()
        self._misses[device_id] = now
        async with self.db.read() as conn:
            row = (await conn.execute(select(devices).where(devices.c.id == device_id))).first()
        return self._merge(row) if row is not None else None

    async def lookup(self, device_id: str, now: datetime) -> Device | None:
        """A device by id: memory first, then the database (e.g. added by the CLI)."""
        return self.devices.get(device_id) or await self._reread(device_id, now)

    # -- the feed path ---------------------------------------------------------
    def verified(self, device_id: str, token: str | None, kind: str) -> Device | None:
        """The device, when this token was already verified for it; else None."""
        if token is not None and self._verified.get(token) == device_id:
            device = self.devices[device_id]
            if device.kind == kind:
                return device
        return None

    async def authenticate(self, device_id: str, token: str | None, kind: str, now: datetime) -> Device:
        """404 for an unknown device (or one of another kind), 401 for a bad token."""
        found = self.verified(device_id, token, kind)
        if found is not None:
            return found
        device = await self.lookup(device_id, now)
        if device is not None and not self._token_ok(device, token):
            # The CLI may have registered the id again with a new token since.
            device = await self._reread(device_id, now)
        if device is None or device.kind != kind:
            known = self.kinds.get(kind)
            raise not_found(f"{known.noun if known else 'device'} {device_id!r}")
        if token is None or not self._token_ok(device, token):
            raise unauthorized("a valid device token is required")
        if len(self._verified) > 100_000:
            self._verified.clear()
        self._verified[token] = device_id
        return device

    @staticmethod
    def _token_ok(device: Device, token: str | None) -> bool:
        return bool(token) and device.token_hash is not None and hmac.compare_digest(
            device.token_hash, token_hash(token or "")
        )

    def seen(self, device: Device, version: str, now: datetime) -> None:
        device.last_seen = now
        device.last_version = version
        self._dirty.add(device.id)

    async def flush(self) -> int:
        """Write the batched last-seen times; returns how many devices were written."""
        dirty, self._dirty = self._dirty, set()
        rows = [self.devices[d] for d in dirty if d in self.devices]
        if not rows:
            return 0
        try:
            async with self.db.write() as conn:
                for d in rows:
                    await conn.execute(
                        update(devices).where(devices.c.id == d.id)
                        .values(last_seen=d.last_seen, last_version=d.last_version)
                    )
        except BaseException:
            self._dirty |= dirty  # kept for the next try; nothing was written
            raise
        return len(rows)

    # -- management ------------------------------------------------------------
    def parse(self, data: Any) -> DeviceIn:
        try:
            device = DeviceIn.model_validate(data, context={"locations": self.settings.location_codes,
                                                            "kinds": tuple(self.kinds)})
        except ValidationError as exc:
            raise from_validation(exc) from None
        parser = self.profiles.get(device.kind)
        if parser is not None:
            try:
                device.profile = parser.model_validate(device.profile or {}).model_dump(mode="json")
            except ValidationError as exc:
                raise from_validation(exc, ("profile",)) from None
        return device

    async def add(self, data: Any, now: datetime, token: str | None = None,
                  by: tuple[str | None, str | None] = (None, None)) -> tuple[Device, str]:
        """Register a device; the token (random unless given, as the demo does) is shown
        once. `by` is (username, client address) for the audit trail."""
        spec = self.parse(data)
        token = token or new_token()
        values = dict(
            id=spec.id, kind=spec.kind, location=spec.location, name=spec.name, profile=spec.profile or {},
            token_hash=token_hash(token), created_at=now, revoked_at=None, declared_sha256=None,
        )
        async with self.db.write() as conn:
            existing = (await conn.execute(select(devices).where(devices.c.id == spec.id).with_for_update())).first()
            if existing is not None and existing.token_hash is not None:
                raise conflict(f"device {spec.id!r} exists already", code="duplicate_device")
            # A revoked id may be registered again, with a new token.
            await upsert(conn, devices, values, ["id"], values)
            row = (await conn.execute(select(devices).where(devices.c.id == spec.id))).one()
            await audit.record(conn, now, "device_added", by[0], spec.id, by[1], kind=spec.kind, location=spec.location)
        device = self.devices[spec.id] = self._device(row)
        self._misses.pop(spec.id, None)
        self._forget_tokens(spec.id)
        return device, token

    async def revoke(self, device_id: str, now: datetime, by: tuple[str | None, str | None] = (None, None)) -> Device:
        async with self.db.write() as conn:
            result = await conn.execute(
                update(devices).where(devices.c.id == device_id, devices.c.token_hash.is_not(None))
                .values(token_hash=None, revoked_at=now)
            )
            if result.rowcount == 0:
                raise not_found(f"device {device_id!r}")
            row = (await conn.execute(select(devices).where(devices.c.id == device_id))).one()
            await audit.record(conn, now, "device_revoked", by[0], device_id, by[1],
                               declared=row.declared_sha256 is not None)
        device = self.devices[device_id] = self._device(row)
        self._forget_tokens(device_id)
        return device

    async def refresh(self, device_id: str) -> Device | None:
        """Re-read one device now, because another instance changed it (publisher.cluster):
        a revoked or replaced token stops working here at once. A device whose row is
        gone is treated as revoked."""
        async with self.db.read() as conn:
            row = (await conn.execute(select(devices).where(devices.c.id == device_id))).first()
        self._misses.pop(device_id, None)
        if row is not None:
            return self._merge(row)
        known = self.devices.get(device_id)
        if known is not None:
            known.token_hash = None
        self._forget_tokens(device_id)
        return known

    def _forget_tokens(self, device_id: str) -> None:
        for token in [t for t, d in self._verified.items() if d == device_id]:
            del self._verified[token]

    def poll_interval(self, device: Device) -> int:
        kind = self.kinds.get(device.kind)
        return kind.poll_s(self.settings) if kind is not None else 60

    def describe(self, device: Device, now: datetime, current_version: str | None,
                 current_since: datetime | None = None) -> dict[str, Any]:
        """The device as staff see it. online: seen within `online_polls` poll intervals.
        stale: online, but still without the current version a poll interval after that
        version appeared (it should have fetched it by then)."""
        interval = timedelta(seconds=self.poll_interval(device))
        online = (device.last_seen is not None
                  and now - device.last_seen <= interval * self.settings.devices.online_polls)
        stale = bool(
            online and current_version and device.last_version != current_version
            and current_since is not None and now - current_since > interval
        )
        return {
            "id": device.id,
            "kind": device.kind,
            "location": device.location,
            "name": device.name,
            "profile": device.profile,
            "revoked": device.revoked,
            # declared in config: once revoked, only a new token in the config brings it back
            "declared_in_config": device.declared,
            "last_seen": device.last_seen.astimezone(self.settings.tz).isoformat() if device.last_seen else None,
            "last_version": device.last_version,
            "current_version": current_version,
            "online": online,
            "stale": stale,
        }

