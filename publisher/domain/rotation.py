"""What a device shows at an instant: a pure function of live notices, instant and device.

Order: emergency beats urgent beats normal; within a priority the newest start first,
then the lower notice id. While an emergency is showing for a device, only
emergencies rotate there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import is_not

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


def shared_ends(old: Sequence[object], new: Sequence[object]) -> tuple[int, int]:
    """(head, tail): how many leading and how many trailing items `new` has in common with
    `old` (the same objects), not overlapping; a change to a rotation of thousands keeps
    most of both, so a channel re-renders only new[head:len(new) - tail]. C-level scans."""
    shorter = min(len(old), len(new))
    head = next(compress(count(), map(is_not, old, new)), shorter)
    tail = next(compress(count(), map(is_not, reversed(old), reversed(new))), shorter)
    return head, min(tail, shorter - head)
