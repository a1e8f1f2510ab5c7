"""Group commit: one write per turn of the event loop, each submitter with its own result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.store.base import StoreUnavailable
from bot.store.batch import Batcher


async def test_submissions_of_one_turn_of_the_loop_are_one_write_in_order() -> None:
    writes: list[list[int]] = []

    async def write(items: Sequence[int]) -> list[int]:
        writes.append(list(items))
        return [item * 10 for item in items]

    batcher: Batcher[int, int] = Batcher(write)
    results = await asyncio.gather(*(batcher.submit(n) for n in range(5)))
    later = await batcher.submit(7)

    assert results == [0, 10, 20, 30, 40] and later == 70
    assert writes == [[0, 1, 2, 3, 4], [7]]


async def test_a_failed_write_fails_each_submitter_and_the_next_batch_is_written() -> None:
    down = True

    async def write(items: Sequence[str]) -> list[str]:
        if down:
            raise StoreUnavailable("the disk is full (test)")
        return list(items)

    batcher: Batcher[str, str] = Batcher(write)
    failed = await asyncio.gather(batcher.submit("a"), batcher.submit("b"), return_exceptions=True)
    down = False

    assert all(isinstance(f, StoreUnavailable) for f in failed)
    assert failed[0] is not failed[1]  # each its own error (tracebacks never mix)
    assert await batcher.submit("c") == "c"


async def test_a_bug_in_the_write_reaches_every_submitter_instead_of_a_hang() -> None:
    async def write(items: Sequence[int]) -> list[int]:
        raise ZeroDivisionError("a bug (test)")

    batcher: Batcher[int, int] = Batcher(write)
    with pytest.raises(ZeroDivisionError):
        await asyncio.wait_for(asyncio.gather(batcher.submit(1), batcher.submit(2)), 1)
