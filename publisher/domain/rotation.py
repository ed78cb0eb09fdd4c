"""What a device shows at an instant: a pure function of live notices, instant and device.

Order: emergency beats urgent beats normal; within a priority the newest start first,
then the lower notice id. While an emergency is showing for a device, only
emergencies rotate there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from publisher.domain.live import LiveNotice
from publisher.domain.schedule import is_showing


@dataclass(frozen=True, slots=True)
class Rotation:
    items: tuple[LiveNotice, ...]
    emergency: bool


def order_key(notice: LiveNotice) -> tuple[int, float, int]:
    return notice.order


def targeted(live: Iterable[LiveNotice], channel: str, location: str | None) -> list[LiveNotice]:
    """Notices aimed at this channel and location (None: every location, as on the portal)."""
    return [
        n for n in live
        if channel in n.content.channels
        and (location is None or not n.content.locations or location in n.content.locations)
    ]


def rotation(live: Iterable[LiveNotice], channel: str, location: str | None, at: datetime, tz: ZoneInfo) -> Rotation:
    showing = [n for n in targeted(live, channel, location) if is_showing(n.content.schedule, at, tz, n.first_live_at)]
    emergencies = [n for n in showing if n.content.priority == "emergency"]
    chosen = emergencies or showing
    return Rotation(items=tuple(sorted(chosen, key=order_key)), emergency=bool(emergencies))
