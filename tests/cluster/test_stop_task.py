"""Stopping the cluster's background tasks ends them even when a cancellation is
swallowed (Python 3.11's asyncio.wait_for can do that: CPython gh-86296)."""

from __future__ import annotations

import asyncio

from publisher.cluster.announce import ChangeListener
from publisher.cluster.tasks import stop_task


async def _swallows_the_first_cancel(ended: list[str]) -> None:
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        pass  # what wait_for does when the awaited event fired at the same moment
    try:
        await asyncio.sleep(3600)  # and the loop runs on
    finally:
        ended.append("ended")


async def test_stop_task_ends_a_task_that_swallowed_a_cancellation() -> None:
    ended: list[str] = []
    task = asyncio.create_task(_swallows_the_first_cancel(ended))
    await asyncio.sleep(0)
    await asyncio.wait_for(stop_task(task), 5)
    assert task.done() and ended == ["ended"]


async def test_the_change_listener_stops_even_so() -> None:
    async def noop(*_args: object) -> None:
        return None

    listener = ChangeListener("postgresql://nowhere/none", noop, noop)
    ended: list[str] = []
    listener._task = asyncio.create_task(_swallows_the_first_cancel(ended))
    await asyncio.sleep(0)
    await asyncio.wait_for(listener.stop(), 5)
    assert ended == ["ended"] and listener._task is None
