"""What a device shows at an instant: a pure function of live notices, instant and device.

Order: emergency beats urgent beats normal; within a priority the newest start first,
then the lower notice id. While an emergency is showing for a device, only
emergencies rotate there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from publisher.domain.live import LiveNotice


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


def ordered(showing: Iterable[LiveNotice]) -> Rotation:
    """The rotation of the notices showing now: only emergencies while one shows, in
    precedence order (the one place this rule lives)."""
    showing = list(showing)
    emergencies = [n for n in showing if n.content.priority == "emergency"]
    return Rotation(items=tuple(sorted(emergencies or showing, key=order_key)), emergency=bool(emergencies))
