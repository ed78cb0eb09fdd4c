"""The fan-out that wakes kiosk event streams: one change wakes every waiting stream
once, a change that comes while a stream is busy is not lost, quiet times out."""

from __future__ import annotations

import asyncio

from channels.kiosk.fanout import Fanout


async def test_one_change_wakes_every_waiter_once() -> None:
    fanout = Fanout()
    waiters = [fanout.waiter() for _ in range(1000)]
    tasks = [asyncio.create_task(fanout.wait(w, 5)) for w in waiters]
    await asyncio.sleep(0)
    fanout.changed()
    assert await asyncio.gather(*tasks) == [True] * 1000
    assert not fanout._waiters  # nothing left behind
    fanout.changed()  # nobody waiting: nothing to do


async def test_a_change_while_busy_is_not_missed() -> None:
    fanout = Fanout()
    waiter = fanout.waiter()  # registered before looking at the snapshot
    fanout.changed()  # ...the content moves while the stream writes
    assert await asyncio.wait_for(fanout.wait(waiter, 5), 1) is True


async def test_quiet_times_out_and_leaves_nothing_behind() -> None:
    fanout = Fanout()
    waiter = fanout.waiter()
    assert await fanout.wait(waiter, 0.01) is False
    assert not fanout._waiters
    fanout.forget(fanout.waiter())  # a stream that ended while writing
    assert not fanout._waiters
