"""Only the Redis store: its keys stay under the prefix and expire; bad URLs fail at start."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.session import Session
from bot.settings import load_settings
from bot.store.base import SessionKey
from bot.store.factory import StoreConfigError, open_store
from bot.store.redis import RedisStore

ALICE = SessionKey("telegram", "-100200", "42")


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_every_key_lives_under_the_prefix_and_expires(
    redis_url: str, redis_prefix: str, raw: aioredis.Redis
) -> None:
    store = RedisStore.from_url(redis_url, redis_prefix, session_ttl=600, event_ttl=60)
    await store.save(ALICE, Session(version=1), expected_version=0)
    await store.mark_seen("telegram:77")

    keys = [key async for key in raw.scan_iter(match=f"{redis_prefix}:*")]

    assert len(keys) == 3  # the session, its user's index, the event
    for key in keys:
        assert 0 < await raw.pttl(key) <= 600_000, key
    await store.close()


async def test_two_bots_with_different_prefixes_share_one_redis_without_mixing(
    redis_url: str, redis_prefix: str
) -> None:
    coach = RedisStore.from_url(redis_url, f"{redis_prefix}:coach")
    other = RedisStore.from_url(redis_url, f"{redis_prefix}:other")
    await coach.save(ALICE, Session(version=1), expected_version=0)
    await coach.mark_seen("telegram:1")

    assert await other.load(ALICE) is None
    assert await other.mark_seen("telegram:1") is True
    assert await other.forget_user("telegram", "42") == 0
    assert await coach.load(ALICE) == Session(version=1)
    await coach.close()
    await other.close()


async def test_store_url_from_settings_opens_a_redis_store(
    redis_url: str, redis_prefix: str
) -> None:
    store = open_store(load_settings(store_url=redis_url, store_prefix=redis_prefix))

    assert isinstance(store, RedisStore)
    await store.ping()
    await store.close()


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("redis://:hunter2@127.0.0.1:notaport/0", "port"),
        ("redis://:hunter2@127.0.0.1:6379/zero", "database"),
        ("redis://:hunter2@127.0.0.1:99999/0", "port"),
    ],
)
def test_a_bad_store_url_fails_at_start_naming_the_problem_not_the_password(
    url: str, complaint: str
) -> None:
    with pytest.raises(StoreConfigError, match=complaint) as caught:
        open_store(load_settings(store_url=url))

    assert "hunter2" not in str(caught.value)


def test_a_prefix_that_would_break_key_layout_is_refused() -> None:
    with pytest.raises(StoreConfigError, match="STORE_PREFIX"):
        RedisStore.from_url("redis://127.0.0.1:6379/0", prefix="bot{1}")


def test_the_store_describes_itself_without_the_password() -> None:
    store = RedisStore.from_url("redis://user:hunter2@127.0.0.1:6379/3", prefix="coach")

    assert "hunter2" not in repr(store)
    assert "127.0.0.1:6379/3" in repr(store)
