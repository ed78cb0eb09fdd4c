"""Waking the open event streams of kiosks when the content queue says "look again"."""

from __future__ import annotations

import asyncio


class Fanout:
    """Wakes every open event stream when the queue says "look again".

    One listener on the queue for all streams. Each stream waits on a future of its
    own, kept in a set: a change resolves them all (one task wake-up each), and a
    stream that leaves or times out takes its future out in O(1). Each woken stream
    then finds its snapshot with a dictionary look-up (the bytes are shared by the
    kiosks of a location) and writes one pre-built event."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[bool]] = set()

    def changed(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(True)

    def waiter(self) -> asyncio.Future[bool]:
        """Register before looking at the snapshot, so that a change made while the
        stream writes is not missed."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        return waiter

    async def wait(self, waiter: asyncio.Future[bool], timeout: float) -> bool:
        """True when something changed, False after `timeout` seconds of quiet."""
        if waiter.done():
            return waiter.result()
        timer = asyncio.get_running_loop().call_later(timeout, _quiet, waiter)
        try:
            return await waiter
        finally:
            timer.cancel()
            self.forget(waiter)

    def forget(self, waiter: asyncio.Future[bool] | None) -> None:
        self._waiters.discard(waiter)


def _quiet(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)
