"""The Redis inbox: a stream and consumer group any worker can resume, all under the prefix."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.session import Session
from bot.store.base import SessionKey
from bot.store.redis import RedisStore

BATCH = [(str(n), f'{{"update_id": {n}}}'.encode()) for n in range(1, 101)]


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_a_worker_that_dies_holding_updates_leaves_them_to_the_other(
    redis_url: str, redis_prefix: str
) -> None:
    doomed = RedisStore.from_url(redis_url, redis_prefix)
    survivor = RedisStore.from_url(redis_url, redis_prefix)
    assert await doomed.inbox_put("telegram", BATCH) == 100
    held = await doomed.inbox_claim("telegram", "worker-1", limit=60, min_idle=0.5)
    await doomed.inbox_done("telegram", [e.id for e in held[:10]])
    await doomed.close()  # dies with 50 updates claimed and unfinished

    handled: list[str] = []
    while len(handled) < 90:
        batch = await survivor.inbox_claim("telegram", "worker-2", limit=25, min_idle=0.5)
        if not batch:
            await asyncio.sleep(0.1)
            continue
        handled += [e.id for e in batch]
        await survivor.inbox_done("telegram", [e.id for e in batch])

    assert sorted(handled, key=int) == [str(n) for n in range(11, 101)]
    assert handled[:40] == [str(n) for n in range(61, 101)]  # its own new ones came first
    assert await survivor.inbox_stats("telegram") == (0, 0.0)
    assert await survivor.inbox_put("telegram", BATCH) == 0
    await survivor.close()


async def test_inbox_keys_live_under_the_prefix_and_markers_expire(
    redis_url: str, redis_prefix: str, raw: aioredis.Redis
) -> None:
    store = RedisStore.from_url(redis_url, redis_prefix, event_ttl=60)
    await store.inbox_put("telegram", BATCH[:2])
    await store.inbox_claim("telegram", "w", limit=10, min_idle=1)

    keys = {key.decode() async for key in raw.scan_iter(match=f"{redis_prefix}:*")}
    markers = [key for key in keys if ":inbox-id:" in key]

    assert keys == {
        f"{redis_prefix}:inbox:{{telegram}}",
        f"{redis_prefix}:inbox-pending:{{telegram}}",
        *markers,
    }
    assert len(markers) == 2
    for key in markers:
        assert 0 < await raw.pttl(key) <= 60_000
    await store.close()


async def test_the_inbox_recovers_when_redis_lost_the_stream_and_its_group(
    redis_url: str, redis_prefix: str, raw: aioredis.Redis
) -> None:
    store = RedisStore.from_url(redis_url, redis_prefix)
    await store.inbox_put("telegram", BATCH[:1])
    await store.inbox_claim("telegram", "w", limit=10, min_idle=1)
    await raw.delete(f"{redis_prefix}:inbox:{{telegram}}")

    await store.inbox_put("telegram", BATCH[1:3])
    claimed = await store.inbox_claim("telegram", "w", limit=10, min_idle=1)

    assert [e.id for e in claimed] == ["2", "3"]
    await store.close()


async def test_forget_marks_survive_under_the_prefix_with_the_event_ttl(
    redis_url: str, redis_prefix: str, raw: aioredis.Redis
) -> None:
    store = RedisStore.from_url(redis_url, redis_prefix, event_ttl=60)
    session = Session(version=1)
    session.remember_event("telegram:5")
    await store.save(SessionKey("telegram", "1", "42"), session, 0)

    await store.forget_user("telegram", "42")

    assert 0 < await raw.pttl(f"{redis_prefix}:event:telegram:5") <= 60_000
    await store.close()
