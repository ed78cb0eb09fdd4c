"""Ending the cluster's background tasks (the change listener, the leadership loop)."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

log = structlog.get_logger("publisher.cluster.tasks")


async def stop_task(task: asyncio.Task[Any]) -> None:
    """Cancel `task` and wait until it has ended. Cancelled again until it has: on Python
    3.11, asyncio.wait_for returns its inner result and swallows a cancellation that
    arrives just as the awaited thing completes (CPython gh-86296), and a loop like the
    listener's would then run on, with the app's shutdown waiting for it forever."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    if not task.cancelled() and task.exception() is not None:
        log.warning("background task ended with an error", task=task.get_name(), error=repr(task.exception())[:300])
