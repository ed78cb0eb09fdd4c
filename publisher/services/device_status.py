"""What staff see of devices (API and pages alike): each device with what it should
be showing now, and revocation with its effect on the content queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from publisher.queue import ContentQueue, Snapshot
from publisher.services.devices import Device, DeviceRegistry


def device_status(
    registry: DeviceRegistry, queue: ContentQueue, now: datetime
) -> Iterator[tuple[Device, Snapshot | None, dict[str, Any]]]:
    """Every device by id, with its current snapshot (computed in memory; not a poll)
    and its description (online, stale, last seen, versions)."""
    for device in sorted(registry.devices.values(), key=lambda d: d.id):
        kind = registry.kinds.get(device.kind)
        # A revoked device, or one whose kind no registered channel serves any more.
        if device.revoked or kind is None or kind.channel not in queue.channels:
            yield device, None, registry.describe(device, now, None)
            continue
        snap = queue.snapshot(kind.channel, device, now)
        yield device, snap, registry.describe(device, now, snap.version, snap.generated_at)


async def revoke_device(registry: DeviceRegistry, queue: ContentQueue, device_id: str, now: datetime,
                        by: tuple[str | None, str | None] = (None, None)) -> Device:
    """Revoke the token (404 for an unknown id); the device's snapshots are dropped and
    its open event streams are woken so that they notice and end."""
    device = await registry.revoke(device_id, now, by)
    queue.forget(device.id)
    queue.touch()
    return device
