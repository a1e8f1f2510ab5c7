"""Group commit: what is submitted in the same turn of the event loop is written by one call.

A store whose commit costs more than its statements (SQLite) writes a batch in one transaction;
each submitter still waits for the write that carries its item and gets its own result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from bot.store.base import StoreUnavailable

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """`write` gets the items in submission order and returns one result per item; if it
    raises StoreUnavailable, every submitter of that batch gets its own copy of the error."""

    def __init__(self, write: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]]) -> None:
        self._write = write
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writing: asyncio.Future[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if len(self._waiting) == 1:
            self._writing = asyncio.ensure_future(self._write_batch())
        return await future

    async def drain(self) -> None:
        """Wait for the batch being written, if any (before closing the store)."""
        if self._writing is not None:
            with contextlib.suppress(Exception):
                await self._writing

    async def _write_batch(self) -> None:
        await asyncio.sleep(0)  # let the other submissions of this turn of the loop join
        batch, self._waiting = self._waiting, []
        futures = [future for _, future in batch]
        try:
            results = await self._write([item for item, _ in batch])
        except StoreUnavailable as exc:
            for future in futures:
                if not future.done():
                    future.set_exception(StoreUnavailable(str(exc)))
            return
        except Exception as exc:  # a bug: each submitter raises it rather than waiting forever
            for future in futures:
                if not future.done():
                    future.set_exception(exc)
            return
        except BaseException:  # cancelled (shutting down): so are the submissions
            for future in futures:
                future.cancel()
            raise
        for future, result in zip(futures, results, strict=True):
            if not future.done():
                future.set_result(result)
