"""DeviceRegistry without HTTP: tokens, devices added by another process, revocation
of a token already verified, and the batched last-seen writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import services_support

from publisher.services.devices import _NEGATIVE_TTL, DeviceRegistry
from publisher.settings import Settings
from publisher.store.engine import Database

db = services_support.db  # fixtures shared by the service tests
service_settings = services_support.service_settings


def _registry(db: Database, settings: Settings) -> DeviceRegistry:
    return DeviceRegistry(db, settings)  # the built-in device kinds


async def _code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception) as refused:
        await call
    return refused.value.code  # type: ignore[no-any-return]


async def test_tokens_are_checked_per_device_and_kind(db, service_settings, clock) -> None:
    registry = _registry(db, service_settings)
    _, kiosk_token = await registry.add({"id": "k1", "kind": "kiosk", "location": "hall-hr"}, clock.now)
    _, sign_token = await registry.add({"id": "s1", "kind": "led", "location": "hall-si"}, clock.now)
    assert (await registry.authenticate("k1", kiosk_token, "kiosk", clock.now)).id == "k1"
    assert await _code_of(registry.authenticate("k1", sign_token, "kiosk", clock.now)) == "unauthorized"
    assert await _code_of(registry.authenticate("k1", None, "kiosk", clock.now)) == "unauthorized"
    assert await _code_of(registry.authenticate("k1", kiosk_token, "led", clock.now)) == "not_found"  # not a sign
    assert await _code_of(registry.authenticate("ghost", kiosk_token, "kiosk", clock.now)) == "not_found"
    assert await _code_of(registry.add({"id": "k1", "kind": "kiosk", "location": "hall-hr"}, clock.now)) \
        == "duplicate_device"
    assert await _code_of(registry.add({"id": "k2", "kind": "kiosk", "location": "moon"}, clock.now)) \
        == "validation_failed"


async def test_another_process_adds_and_re_registers(db, service_settings, clock) -> None:
    service = _registry(db, service_settings)
    await service.load()
    cli = _registry(db, service_settings)  # `publisher device add` while the service runs
    _, first = await cli.add({"id": "k1", "kind": "kiosk", "location": "hall-hr"}, clock.now)
    assert (await service.authenticate("k1", first, "kiosk", clock.now)).location == "hall-hr"
    await cli.revoke("k1", clock.now)
    _, second = await cli.add({"id": "k1", "kind": "kiosk", "location": "hall-hr"}, clock.now)
    # The service read k1 a moment ago: it asks the database again only after a pause,
    # so a board polling with a wrong token cannot turn every poll into a query.
    assert await _code_of(service.authenticate("k1", second, "kiosk", clock.now)) == "unauthorized"
    clock.advance(seconds=_NEGATIVE_TTL.total_seconds() + 1)
    assert (await service.authenticate("k1", second, "kiosk", clock.now)).id == "k1"
    assert await _code_of(service.authenticate("k1", first, "kiosk", clock.now)) == "unauthorized"


async def test_revoking_forgets_a_verified_token_at_once(db, service_settings, clock) -> None:
    registry = _registry(db, service_settings)
    _, token = await registry.add({"id": "s1", "kind": "led", "location": "hall-si"}, clock.now)
    await registry.authenticate("s1", token, "led", clock.now)
    assert registry.verified("s1", token, "led") is not None
    await registry.revoke("s1", clock.now)
    assert registry.verified("s1", token, "led") is None
    assert await _code_of(registry.authenticate("s1", token, "led", clock.now)) == "unauthorized"
    assert await _code_of(registry.revoke("s1", clock.now)) == "not_found"  # once only


async def test_last_seen_is_written_in_batches(db, service_settings, clock) -> None:
    registry = _registry(db, service_settings)
    device, token = await registry.add({"id": "k1", "kind": "kiosk", "location": "hall-hr"}, clock.now)
    assert await registry.flush() == 0  # nothing seen yet: no write
    seen_at = clock.advance(seconds=5)
    for _ in range(3):
        registry.seen(await registry.authenticate("k1", token, "kiosk", seen_at), "v1", seen_at)
    assert await registry.flush() == 1  # three polls, one row written
    assert await registry.flush() == 0
    fresh = _registry(db, service_settings)  # e.g. after a restart
    await fresh.load()
    loaded = await fresh.lookup("k1", seen_at + timedelta(seconds=1))
    assert loaded is not None and loaded.last_seen == seen_at and loaded.last_version == "v1"
