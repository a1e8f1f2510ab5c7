"""Redis going away: the store says StoreUnavailable quickly, and comes back by itself."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.engine import Engine
from bot.messages import Command, CommandEvent
from bot.service import CoachService
from bot.session import Session
from bot.store.base import SessionKey, StoreUnavailable
from bot.store.redis import RedisStore
from tests.store.redis_server import RedisServer, free_port

ALICE = SessionKey("telegram", "-100200", "42")


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A private redis-server this test may stop and start; the shared one is never touched."""
    server = RedisServer(password="hunter2")
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no private redis-server could start: {exc}")
        pytest.skip(f"cannot start a private redis-server: {exc}")
    yield server
    server.stop()


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never answers: a hung Redis."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def test_a_closed_port_means_store_unavailable_naming_the_address_not_the_password() -> None:
    port = free_port()
    store = RedisStore.from_url(f"redis://:hunter2@127.0.0.1:{port}/0", prefix="t")

    for operation in (store.load(ALICE), store.mark_seen("x"), store.forget_user("t", "1")):
        with pytest.raises(StoreUnavailable) as caught:
            await operation
        assert f"127.0.0.1:{port}" in str(caught.value)
        assert "hunter2" not in str(caught.value)
    await store.close()


async def test_a_redis_that_never_answers_times_out_into_store_unavailable(
    silent_server: int,
) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{silent_server}/0", prefix="t", timeout=0.3)
    started = time.monotonic()

    with pytest.raises(StoreUnavailable, match="load"):
        await store.load(ALICE)

    assert time.monotonic() - started < 2
    await store.close()


async def test_the_same_store_recovers_when_redis_comes_back(own_redis: RedisServer) -> None:
    store = RedisStore.from_url(own_redis.url, prefix="t", timeout=0.5)
    await store.save(ALICE, Session(version=1), expected_version=0)

    own_redis.stop()
    with pytest.raises(StoreUnavailable):
        await store.load(ALICE)
    own_redis.start()  # same port, empty data: no persistence

    assert await store.load(ALICE) is None
    await store.save(ALICE, Session(version=1), expected_version=0)
    assert await store.load(ALICE) == Session(version=1)
    await store.close()


async def test_pooled_connections_survive_a_restart_without_a_failed_call(
    own_redis: RedisServer,
) -> None:
    store = RedisStore.from_url(own_redis.url, prefix="t", timeout=0.5)
    await asyncio.gather(*(store.load(SessionKey("telegram", "1", str(n))) for n in range(5)))

    own_redis.stop()
    own_redis.start()

    loads = [store.load(SessionKey("telegram", "1", str(n))) for n in range(5)]
    assert await asyncio.gather(*loads) == [None] * 5
    await store.close()


async def test_users_hear_try_again_while_redis_is_down_and_the_bot_recovers_alone(
    own_redis: RedisServer, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    service = CoachService(engine, RedisStore.from_url(own_redis.url, prefix="t", timeout=0.5))
    [question] = await service.handle(ALICE, CommandEvent(Command.QUIZ), "telegram:1")
    caplog.set_level(logging.INFO)

    own_redis.stop()
    during = [
        await service.handle(ALICE, CommandEvent(Command.HELP), f"telegram:{n}") for n in (2, 3, 4)
    ]
    own_redis.start()
    after = await service.handle(ALICE, CommandEvent(Command.QUIZ), "telegram:5")

    assert during == [[engine.store_unavailable_reply()]] * 3
    assert [r.kind for r in after] == [question.kind]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and f"127.0.0.1:{own_redis.port}" in errors[0].getMessage()
    assert "hunter2" not in caplog.text
    assert "reachable again" in caplog.text
    await service.store.close()
