"""What the portal shows: pure functions of the live set and the instant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from publisher.domain.live import LiveNotice
from publisher.domain.rotation import targeted
from publisher.domain.schedule import has_ended, has_started


def public_record(live: Iterable[LiveNotice], now: datetime) -> list[LiveNotice]:
    """The disclosure catalog: every live portal notice from its start on, expired ones
    included (they are marked, not removed: the catalog is the public record).
    Newest first."""
    started = [n for n in targeted(live, "portal", None) if has_started(n.content.schedule, now, n.first_live_at)]
    return sorted(started, key=lambda n: (n.first_live_at, n.id), reverse=True)


def is_expired(notice: LiveNotice, now: datetime) -> bool:
    return has_ended(notice.content.schedule, now)


def by_category(notices: Iterable[LiveNotice], codes: list[str]) -> list[tuple[str, list[LiveNotice]]]:
    groups: dict[str, list[LiveNotice]] = {code: [] for code in codes}
    for n in notices:
        groups.setdefault(n.content.category, []).append(n)
    return [(code, items) for code, items in groups.items()]
