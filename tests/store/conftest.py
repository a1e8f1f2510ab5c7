"""Fixtures: every store kind behind one factory, and a private key prefix on the real Redis."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.service import CoachService
from bot.store.base import Store
from bot.store.memory import MemoryStore
from bot.store.redis import RedisStore
from bot.store.sqlite import PURGE_INTERVAL, SqliteStore
from tests.store.redis_server import free_port

logger = logging.getLogger(__name__)


class FakeClock:
    """Time that passes only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class StoreKit:
    """Opens stores of one kind and lets time pass for them (really, for Redis)."""

    kind: str
    open_store: Callable[..., Store]
    pass_time: Callable[[float], Awaitable[None]]
    open_down: Callable[[], Awaitable[Store]] | None = None
    opened: list[Store] = field(default_factory=list)

    @property
    def persistent(self) -> bool:
        """Whether a second store opened on the same place sees the first one's data."""
        return self.kind != "memory"

    def open(self, session_ttl: float = 3600, event_ttl: float = 3600) -> Store:
        store = self.open_store(session_ttl=session_ttl, event_ttl=event_ttl)
        self.opened.append(store)
        return store


async def _real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def kit(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreKit]:
    """The same contract runs against every store: this is the one place they differ."""
    if request.param == "redis":
        url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")

        async def redis_down() -> Store:
            return RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0", prefix, timeout=0.5)

        kit = StoreKit(
            "redis", lambda **ttl: RedisStore.from_url(url, prefix, **ttl), _real_sleep, redis_down
        )
    else:
        clock = FakeClock()

        async def advance(seconds: float) -> None:
            clock.now += seconds

        if request.param == "memory":
            kit = StoreKit("memory", lambda **ttl: MemoryStore(clock=clock, **ttl), advance)
        else:
            db = tmp_path / "sessions.db"

            async def sqlite_down() -> Store:
                """A store whose directory was deleted under it, seen at the next purge check."""
                store = SqliteStore(tmp_path / "doomed" / "s.db", clock=clock)
                shutil.rmtree(tmp_path / "doomed")
                (tmp_path / "doomed").write_text("a file where the directory was")
                clock.now += PURGE_INTERVAL + 1
                kit.opened.append(store)
                return store

            kit = StoreKit(
                "sqlite", lambda **ttl: SqliteStore(db, clock=clock, **ttl), advance, sqlite_down
            )
    yield kit
    for store in kit.opened:
        await store.close()


@pytest.fixture
def store(kit: StoreKit) -> Store:
    return kit.open()


@pytest.fixture
def two_workers(kit: StoreKit, engine: Engine) -> list[CoachService]:
    """Two services as two bot workers: each with its own store connection where stores have one."""
    first = kit.open()
    second = kit.open() if kit.persistent else first
    return [CoachService(engine, first), CoachService(engine, second)]
