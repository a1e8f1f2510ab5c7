"""Per-key order, parallel across keys: one conversation's updates run one after the other, while
different conversations run side by side, at most `limit` at a time.

A flood from one user queues behind itself only: each key holds at most one slot, and slots are
taken in turn (asyncio.Semaphore wakes waiters in FIFO order).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class KeyedRunner:
    """Runs submitted jobs: serially per key, concurrently across keys, `limit` at once."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._slots = asyncio.Semaphore(limit)
        self._queues: dict[Hashable, deque[Job]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._room = asyncio.Event()  # set whenever a job finishes
        self.pending = 0  # jobs submitted and not finished

    def submit(self, key: Hashable, job: Job) -> None:
        """Queue `job` after every earlier job of `key`; returns at once."""
        self.pending += 1
        self._idle.clear()
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._queues[key] = deque([job])
        worker = asyncio.create_task(self._drain(key), name=f"keyed-{key}")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def join(self) -> None:
        """Wait until every submitted job has finished."""
        await self._idle.wait()

    async def wait_below(self, count: int) -> None:
        """Wait until fewer than `count` jobs are pending: back-pressure for whoever submits."""
        while self.pending >= count:
            self._room.clear()
            await self._room.wait()

    async def close(self) -> None:
        """Cancel what is still queued or running (a stop that does not wait)."""
        for worker in list(self._workers):
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)

    async def _drain(self, key: Hashable) -> None:
        queue = self._queues[key]
        try:
            while queue:
                job = queue[0]
                async with self._slots:
                    try:
                        await job()
                    except Exception:
                        logger.exception("a job for one conversation failed")
                queue.popleft()
                self._finished()
        finally:
            del self._queues[key]

    def _finished(self) -> None:
        self.pending -= 1
        self._room.set()
        if self.pending == 0:
            self._idle.set()
