"""Coalesced message edits: at most one edit per interval per key, always showing the newest.

A busy poll gets many votes a second; Telegram allows about 20 messages a minute per group.
Each request replaces the pending one, so the edit that runs reads the latest state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

Flush = Callable[[], Awaitable[None]]


class EditThrottle:
    """Per key: run the newest requested flush, no sooner than `interval` after the last one."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._pending: dict[str, Flush] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._last: dict[str, float] = {}

    def request(self, key: str, flush: Flush) -> None:
        self._pending[key] = flush
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._run(key), name=f"edit:{key}")

    async def drain(self) -> None:
        """Wait for every pending edit (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _run(self, key: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            delay = self._last.get(key, float("-inf")) + self.interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            flush = self._pending.pop(key)
            self._last[key] = loop.time()
            try:
                await flush()
            except Exception:
                logger.exception("a throttled edit of %s failed", key)
        finally:
            del self._tasks[key]
            if key in self._pending:
                self._tasks[key] = asyncio.create_task(self._run(key), name=f"edit:{key}")
